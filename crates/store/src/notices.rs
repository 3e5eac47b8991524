//! What the service tells people by email, and when (DESIGN §3, email): each message is made
//! from its typed model in `notifier::message`, addressed, and queued in the outbox in the
//! transaction of what caused it, with a dedupe key naming that cause (and so its
//! `Message-ID`). Links are made here, from `[server] public_url`, to the page where the
//! reader acts.
//!
//! Must never: put in a message anything its reader may not see (DESIGN §1); send anything
//! outside a transaction that records why.

use chrono::NaiveDate;
use domain::MatchStatus;
use notifier::message::{Email, StatusChange, StatusNews, VacancyLine};
use sea_orm::ConnectionTrait;

use crate::Store;
use crate::entities::{staff, vacancy};
use crate::error::Result;
use crate::outbox;

/// A day as emails write it: "Tuesday 2 February 2027".
pub fn day_in_words(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// A move a candidate is told of, as written by the workflow.
#[derive(Debug, Clone)]
pub(crate) struct StatusNotice {
    pub staff: staff::Model,
    pub vacancy: vacancy::Model,
    pub to: MatchStatus,
    /// The interview's day, or the trial's first.
    pub date: Option<NaiveDate>,
    pub trial_ends: Option<NaiveDate>,
    /// Names the move: the pair's row and the transition's moment.
    pub cause: String,
}

impl Store {
    /// The base of every link in an email.
    fn public_url(&self) -> &str {
        self.settings().server.public_url.trim_end_matches('/')
    }

    /// A vacancy as an email names it.
    pub(crate) async fn vacancy_line(&self, post: &vacancy::Model) -> Result<VacancyLine> {
        let catalogue = self.catalogue().await?;
        Ok(VacancyLine {
            title: post.title.clone(),
            band: post.band.clone(),
            trust_name: catalogue
                .trust(post.trust_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            site_name: catalogue.site_name(post.site_id),
        })
    }

    /// Where a staff member acts on pair `staff_id`-`vacancy_id`: the page of their vacancies
    /// that shows it, at the pair.
    pub(crate) fn staff_pair_link(&self, staff_id: i32, vacancy_id: i32) -> String {
        let pair = format!("{staff_id}-{vacancy_id}");
        format!("{}/me?pair={pair}#vacancy-{pair}", self.public_url())
    }

    /// Queues the candidate's email about a move on their pair: shortlisted, invited to
    /// interview, offered the post, or starting a trial. Other moves are not emailed to them
    /// (they made them, or their HR team tells them).
    pub(crate) async fn queue_status_change<C: ConnectionTrait>(
        &self,
        txn: &C,
        notice: &StatusNotice,
    ) -> Result<()> {
        let news = match (notice.to, notice.date) {
            (MatchStatus::Shortlisted, _) => StatusNews::Shortlisted,
            (MatchStatus::Interview, Some(day)) => StatusNews::Interview(day_in_words(day)),
            (MatchStatus::Offered, _) => StatusNews::Offered,
            (MatchStatus::Trial, Some(first)) => StatusNews::TrialStarts(
                day_in_words(first),
                notice.trial_ends.map(day_in_words).unwrap_or_default(),
            ),
            _ => return Ok(()),
        };
        let model = Email::StatusChange(StatusChange {
            name: notice.staff.name.clone(),
            vacancy: self.vacancy_line(&notice.vacancy).await?,
            news,
            link: self.staff_pair_link(notice.staff.id, notice.vacancy.id),
        });
        let message = notifier::message::for_recipient(&notice.staff.email, &model);
        outbox::enqueue(txn, "status_change", &message, Some(notice.cause.clone())).await?;
        self.metrics().emails(crate::metrics::EmailEvent::Queued, 1);
        Ok(())
    }
}

/// What one pass of [`Store::send_notices`] queued: each email written to the outbox, not
/// those whose cause was queued before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticesQueued {
    /// False when another instance composed this moment's emails.
    pub ran: bool,
    pub exact_to_candidates: usize,
    pub digests_to_candidates: usize,
    pub exact_to_employers: usize,
    pub digests_to_employers: usize,
    pub ring_fence_endings: usize,
    pub trial_endings: usize,
    pub period_endings: usize,
}

impl NoticesQueued {
    /// Counts one email of `kind` as queued.
    fn count(&mut self, kind: &str) {
        let counter = match kind {
            "vacancies_exact" => &mut self.exact_to_candidates,
            "vacancies_digest" => &mut self.digests_to_candidates,
            "candidates_exact" => &mut self.exact_to_employers,
            "candidates_digest" => &mut self.digests_to_employers,
            "ring_fence_ending" => &mut self.ring_fence_endings,
            "trial_ending" => &mut self.trial_endings,
            _ => &mut self.period_endings,
        };
        *counter += 1;
    }

    pub fn total(&self) -> usize {
        self.exact_to_candidates
            + self.digests_to_candidates
            + self.exact_to_employers
            + self.digests_to_employers
            + self.ring_fence_endings
            + self.trial_endings
            + self.period_endings
    }
}

/// Most vacancies one candidate email lists, and most candidates one employer email lists,
/// best first; the page the email links to has them all.
const MOST_LISTED: usize = 10;
/// Working days before a ring-fence ends that the vacancy's contact is reminded.
const RING_FENCE_WARNING_WORKING_DAYS: u32 = 2;
/// Days before a trial ends that the staff member and their HR team are reminded.
const TRIAL_WARNING_DAYS: u64 = 5;
/// Days before a redeployment period ends that HR is told of a case with no interview.
const PERIOD_WARNING_DAYS: u64 = 14;

const CANDIDATE: &str = "candidate";
const EMPLOYER: &str = "employer";

/// An email composed by a pass, with the pairs it tells of, to write in the pass's transaction.
struct Composed {
    kind: &'static str,
    message: notifier::Message,
    cause: String,
    pairs: Vec<(i32, i32, &'static str)>,
    /// The staff member and the hash of the token in the email's link that stops their
    /// digests.
    unsubscribe: Option<(i32, String)>,
}

impl Store {
    /// Composes and queues the emails that are due now (DESIGN §3, email), once across every
    /// instance: whichever instance first updates the `notice_runs` row composes this moment's
    /// emails, and the rest find it done.
    ///
    /// - To a candidate (unless they chose `off`): vacancies that match them exactly, at once;
    ///   other new suitable vacancies as a digest, every day or every week as they chose.
    /// - To a vacancy's contact: candidates who match exactly, at once; other new candidates
    ///   as a daily digest; and, 2 working days before the ring-fence ends, the candidates who
    ///   meet every essential criterion and are still undecided.
    /// - A trial ending in 5 days, to the staff member and their trust's HR team; a case whose
    ///   redeployment period ends in 14 days with no interview yet, to their trust's HR team.
    ///
    /// No pair is told of twice (`pair_notices`), a digest lists only what is newer than the
    /// last, and each reminder's cause is its dedupe key, so it goes once.
    pub async fn send_notices(&self) -> Result<NoticesQueued> {
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

        let now = chrono::Utc::now();
        let interval = chrono::Duration::seconds(Ord::max(
            self.settings().email.notice_interval_seconds,
            1,
        ) as i64);
        let mut queued = NoticesQueued::default();
        let composed = self.compose_notices(now).await?;

        let txn = crate::db::begin_write(self.db()).await?;
        let claimed = crate::entities::notice_run::Entity::update_many()
            .col_expr(
                crate::entities::notice_run::Column::LastRunAt,
                Expr::value(Some(now)),
            )
            .filter(crate::entities::notice_run::Column::Id.eq(1))
            .filter(
                sea_orm::Condition::any()
                    .add(crate::entities::notice_run::Column::LastRunAt.is_null())
                    .add(crate::entities::notice_run::Column::LastRunAt.lte(now - interval / 2)),
            )
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            return Ok(NoticesQueued::default());
        }
        queued.ran = true;
        let mut written = 0;
        for email in &composed.emails {
            if outbox::enqueue(&txn, email.kind, &email.message, Some(email.cause.clone())).await? {
                written += 1;
                queued.count(email.kind);
            }

            for (staff_id, vacancy_id, audience) in &email.pairs {
                record_notice(&txn, *staff_id, *vacancy_id, audience, now).await?;
            }
            if let Some((staff_id, token_hash)) = &email.unsubscribe {
                use sea_orm::{ActiveValue::Set, EntityTrait};
                crate::entities::unsubscribe_token::Entity::insert(
                    crate::entities::unsubscribe_token::ActiveModel {
                        staff_id: Set(*staff_id),
                        token_hash: Set(token_hash.clone()),
                        created_at: Set(now),
                        ..Default::default()
                    },
                )
                .exec_without_returning(&txn)
                .await?;
            }
        }
        if !composed.staff_digested.is_empty() {
            crate::entities::staff::Entity::update_many()
                .col_expr(
                    crate::entities::staff::Column::VacanciesNotifiedAt,
                    Expr::value(Some(now)),
                )
                .filter(crate::entities::staff::Column::Id.is_in(composed.staff_digested.clone()))
                .exec(&txn)
                .await?;
        }
        if !composed.vacancies_digested.is_empty() {
            crate::entities::vacancy::Entity::update_many()
                .col_expr(
                    crate::entities::vacancy::Column::CandidatesNotifiedAt,
                    Expr::value(Some(now)),
                )
                .filter(
                    crate::entities::vacancy::Column::Id.is_in(composed.vacancies_digested.clone()),
                )
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        self.metrics()
            .emails(crate::metrics::EmailEvent::Queued, written);
        Ok(queued)
    }
}

/// Records that `staff_id`-`vacancy_id` was told of to `audience` (once: a second is ignored).
async fn record_notice<C: ConnectionTrait>(
    db: &C,
    staff_id: i32,
    vacancy_id: i32,
    audience: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use sea_orm::sea_query::OnConflict;
    use sea_orm::{ActiveValue::Set, EntityTrait};

    use crate::entities::pair_notice;
    pair_notice::Entity::insert(pair_notice::ActiveModel {
        staff_id: Set(staff_id),
        vacancy_id: Set(vacancy_id),
        audience: Set(audience.to_owned()),
        notified_at: Set(at),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            pair_notice::Column::StaffId,
            pair_notice::Column::VacancyId,
            pair_notice::Column::Audience,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What a pass composed, before it writes anything.
#[derive(Default)]
struct ComposedPass {
    emails: Vec<Composed>,
    staff_digested: Vec<i32>,
    vacancies_digested: Vec<i32>,
}

impl Store {
    /// Ranks and composes everything a pass would send now, reading but writing nothing.
    async fn compose_notices(&self, now: chrono::DateTime<chrono::Utc>) -> Result<ComposedPass> {
        use std::collections::{HashMap, HashSet};

        use domain::EmailFrequency;
        use notifier::message::{
            CandidateLine, Candidates, CandidatesNews, PeriodEnding, SuggestedVacancy, TrialEnding,
            Vacancies,
        };
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

        use crate::entities::{match_record, match_transition, pair_notice, user};

        let snapshot = self.match_snapshot().await?;
        let today = snapshot.today();
        let policy = &self.settings().matching;
        let db = self.db();
        let base = self.public_url().to_owned();
        let catalogue = self.catalogue().await?;
        let mut pass = ComposedPass::default();

        let decided = |staff: i32, post: i32| {
            snapshot
                .decisions_of_staff(staff)
                .iter()
                .any(|row| row.vacancy_id == post)
        };
        let people = staff::Entity::find()
            .filter(staff::Column::Status.is_in(["active", "in_trial"]))
            .all(db)
            .await?;
        let person_of: HashMap<i32, &staff::Model> = people.iter().map(|p| (p.id, p)).collect();
        let posts = vacancy::Entity::find()
            .filter(vacancy::Column::Status.eq("open"))
            .filter(vacancy::Column::ClosingDate.gte(today))
            .all(db)
            .await?;
        let post_of: HashMap<i32, &vacancy::Model> = posts.iter().map(|v| (v.id, v)).collect();
        // What each of them has been told of already: only the rows of cases still open, so
        // the read follows the people in play, not every email ever sent.
        let mut told: HashSet<(i32, i32, String)> = HashSet::new();
        let open_cases: Vec<i32> = people.iter().map(|p| p.id).collect();
        for chunk in open_cases.chunks(1000) {
            for n in pair_notice::Entity::find()
                .filter(pair_notice::Column::StaffId.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                told.insert((n.staff_id, n.vacancy_id, n.audience));
            }
        }
        let was_told = |staff: i32, post: i32, audience: &str| {
            told.contains(&(staff, post, audience.to_owned()))
        };
        let mut hr_of_trust: HashMap<i32, Vec<user::Model>> = HashMap::new();
        for account in user::Entity::find()
            .filter(user::Column::Role.eq("trust_hr"))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::PasswordHash.is_not_null())
            .all(db)
            .await?
        {
            if let Some(trust) = account.trust_id {
                hr_of_trust.entry(trust).or_default().push(account);
            }
        }
        let trust_name = |id: i32| {
            catalogue
                .trust(id)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        };
        let line_of = |post: &vacancy::Model| VacancyLine {
            title: post.title.clone(),
            band: post.band.clone(),
            trust_name: trust_name(post.trust_id),
            site_name: catalogue.site_name(post.site_id),
        };
        let stamp = now.timestamp_micros();

        // To candidates: exact matches at once, the rest as their digest.
        for person in people.iter().filter(|p| p.status == "active") {
            let frequency =
                EmailFrequency::from_code(&person.email_frequency).unwrap_or(EmailFrequency::Daily);
            let since = person.vacancies_notified_at;
            let ranked = snapshot.vacancies_for(policy, person.id);
            let new: Vec<(&matcher::Match, &vacancy::Model)> = ranked
                .iter()
                .filter_map(|m| {
                    let post = post_of.get(&(m.vacancy_id as i32))?;
                    let fresh = since.is_none_or(|t| post.created_at > t);
                    (fresh
                        && !was_told(person.id, post.id, CANDIDATE)
                        && !decided(person.id, post.id))
                    .then_some((m, *post))
                })
                .collect();
            let suggested = |(m, post): &(&matcher::Match, &vacancy::Model)| SuggestedVacancy {
                title: post.title.clone(),
                band: post.band.clone(),
                trust_name: trust_name(post.trust_id),
                site_name: catalogue.site_name(post.site_id),
                travel_minutes: m.explanation.travel_minutes,
                closing_date: day_in_words(post.closing_date),
                exact_match: m.exact_match,
                link: self.staff_pair_link(person.id, post.id),
            };
            let period = match frequency {
                EmailFrequency::Weekly => chrono::Duration::days(7),
                _ => chrono::Duration::days(1),
            };
            let in_words = match frequency {
                EmailFrequency::Weekly => "every week",
                EmailFrequency::Off => "never (you turned them off)",
                EmailFrequency::Daily => "every day",
            };
            let mut batches = Vec::new();
            let exact: Vec<_> = new
                .iter()
                .filter(|(m, _)| m.exact_match)
                .take(MOST_LISTED)
                .collect();
            if !exact.is_empty() {
                batches.push((true, exact));
            }
            let digest_due =
                frequency != EmailFrequency::Off && since.is_none_or(|t| now - t >= period);
            let rest: Vec<_> = new
                .iter()
                .filter(|(m, _)| !m.exact_match)
                .take(MOST_LISTED)
                .collect();
            if digest_due && !rest.is_empty() {
                batches.push((false, rest));
                pass.staff_digested.push(person.id);
            }
            for (at_once, listed) in batches {
                let token = crate::tokens::new_token(crate::tokens::TokenKind::Unsubscribe)?;
                let model = Email::Vacancies(Vacancies {
                    name: person.name.clone(),
                    vacancies: listed.iter().map(|pair| suggested(pair)).collect(),
                    at_once,
                    frequency: in_words.to_owned(),
                    unsubscribe_link: format!("{base}/email/stop/{token}"),
                });
                let kind = if at_once {
                    "vacancies_exact"
                } else {
                    "vacancies_digest"
                };
                pass.emails.push(Composed {
                    kind,
                    message: notifier::message::for_recipient(&person.email, &model),
                    cause: format!("{kind}:{}:{stamp}", person.id),
                    pairs: listed
                        .iter()
                        .map(|(_, post)| (person.id, post.id, CANDIDATE))
                        .collect(),
                    unsubscribe: Some((person.id, crate::tokens::token_hash(&token))),
                });
            }
        }

        // To each vacancy's contact: exact matches at once, the rest daily, and the
        // undecided candidates it must interview as its ring-fence ends.
        for post in &posts {
            let since = post.candidates_notified_at;
            let ranked = snapshot.candidates_for(policy, post.id);
            let candidate_line = |m: &matcher::Match| {
                let staff_id = m.staff_id as i32;
                let facts = snapshot.staff_facts(staff_id);
                CandidateLine {
                    name: facts.map(|f| f.name.clone()).unwrap_or_default(),
                    band: facts.map(|f| f.band.clone()).unwrap_or_default(),
                    trust_code: facts
                        .map(|f| catalogue.trust_code(f.trust_id))
                        .unwrap_or_default(),
                    score: u32::from(m.score.0 / 100),
                    exact_match: m.exact_match,
                    link: format!("{base}/matches/{staff_id}-{}", post.id),
                }
            };
            let new: Vec<&matcher::Match> = ranked
                .iter()
                .filter(|m| {
                    let staff_id = m.staff_id as i32;
                    let fresh = person_of
                        .get(&staff_id)
                        .is_some_and(|p| since.is_none_or(|t| p.created_at > t));
                    fresh && !was_told(staff_id, post.id, EMPLOYER) && !decided(staff_id, post.id)
                })
                .collect();
            let ring_fence_ends = self.ring_fence_ends(post.posted_on);
            let fenced = (today < ring_fence_ends).then(|| day_in_words(ring_fence_ends));
            let mut batches: Vec<(CandidatesNews, Vec<&matcher::Match>, &'static str, String)> =
                Vec::new();
            let exact: Vec<_> = new
                .iter()
                .copied()
                .filter(|m| m.exact_match)
                .take(MOST_LISTED)
                .collect();
            if !exact.is_empty() {
                batches.push((
                    CandidatesNews::ExactMatch,
                    exact,
                    "candidates_exact",
                    format!("{stamp}"),
                ));
            }
            let rest: Vec<_> = new
                .iter()
                .copied()
                .filter(|m| !m.exact_match)
                .take(MOST_LISTED)
                .collect();
            if since.is_none_or(|t| now - t >= chrono::Duration::days(1)) && !rest.is_empty() {
                batches.push((
                    CandidatesNews::Digest,
                    rest,
                    "candidates_digest",
                    format!("{stamp}"),
                ));
                pass.vacancies_digested.push(post.id);
            }
            let warn_from =
                domain::calendar::add_working_days(today, RING_FENCE_WARNING_WORKING_DAYS);
            if today < ring_fence_ends && warn_from >= ring_fence_ends {
                let wanted = snapshot.vacancy(post.id);
                let undecided: Vec<&matcher::Match> =
                    ranked
                        .iter()
                        .filter(|m| {
                            let staff_id = m.staff_id as i32;
                            let meets_all = snapshot.staff(staff_id).zip(wanted).is_some_and(
                                |(held, wanted)| {
                                    matcher::Explanation::missing_skills(held, wanted).is_empty()
                                },
                            );
                            let status = snapshot
                                .decisions_of_staff(staff_id)
                                .iter()
                                .find(|row| row.vacancy_id == post.id)
                                .map(|row| row.status.as_str());
                            meets_all && matches!(status, None | Some("interested"))
                        })
                        .take(MOST_LISTED)
                        .collect();
                if !undecided.is_empty() {
                    batches.push((
                        CandidatesNews::RingFenceEnding(day_in_words(ring_fence_ends)),
                        undecided,
                        "ring_fence_ending",
                        ring_fence_ends.to_string(),
                    ));
                }
            }
            for (news, listed, kind, moment) in batches {
                let told_pairs = match news {
                    CandidatesNews::RingFenceEnding(_) => Vec::new(),
                    _ => listed
                        .iter()
                        .map(|m| (m.staff_id as i32, post.id, EMPLOYER))
                        .collect(),
                };
                let model = Email::Candidates(Candidates {
                    vacancy: line_of(post),
                    reference: post.reference.clone(),
                    candidates: listed.iter().map(|m| candidate_line(m)).collect(),
                    news,
                    ring_fence_ends: fenced.clone(),
                    link: format!("{base}/vacancies/{}", post.id),
                });
                pass.emails.push(Composed {
                    kind,
                    message: notifier::message::for_recipient(&post.contact_email, &model),
                    cause: format!("{kind}:{}:{moment}", post.id),
                    pairs: told_pairs,
                    unsubscribe: None,
                });
            }
        }

        // Trials ending: the staff member and their trust's HR team.
        let last_day = today + chrono::Days::new(TRIAL_WARNING_DAYS);
        for trial in match_record::Entity::find()
            .filter(match_record::Column::Status.eq("trial"))
            .filter(match_record::Column::TrialEnds.gte(today))
            .filter(match_record::Column::TrialEnds.lte(last_day))
            .all(db)
            .await?
        {
            let (Some(person), Some(ends)) = (person_of.get(&trial.staff_id), trial.trial_ends)
            else {
                continue;
            };
            let Some(post) = vacancy::Entity::find_by_id(trial.vacancy_id)
                .one(db)
                .await?
            else {
                continue;
            };
            let pair = format!("{}-{}", trial.staff_id, trial.vacancy_id);
            let mut tell = vec![(
                person.email.clone(),
                person.name.clone(),
                false,
                self.staff_pair_link(person.id, post.id),
                "staff".to_owned(),
            )];
            for hr in hr_of_trust.get(&person.trust_id).into_iter().flatten() {
                tell.push((
                    hr.email.clone(),
                    hr.display_name.clone(),
                    true,
                    format!("{base}/matches/{pair}"),
                    format!("user:{}", hr.id),
                ));
            }
            for (to, name, for_hr, link, whom) in tell {
                let model = Email::TrialEnding(TrialEnding {
                    name,
                    staff_name: person.name.clone(),
                    for_hr,
                    vacancy: line_of(&post),
                    ends_on: day_in_words(ends),
                    link,
                });
                pass.emails.push(Composed {
                    kind: "trial_ending",
                    message: notifier::message::for_recipient(&to, &model),
                    cause: format!("trial_ending:{}:{ends}:{whom}", trial.id),
                    pairs: Vec::new(),
                    unsubscribe: None,
                });
            }
        }

        // Redeployment periods ending with no interview: the staff member's HR team.
        let interviewed: HashSet<i32> = {
            let rows: Vec<i32> = match_transition::Entity::find()
                .filter(match_transition::Column::ToStatus.eq("interview"))
                .all(db)
                .await?
                .into_iter()
                .map(|t| t.match_id)
                .collect();
            let mut staff = HashSet::new();
            for chunk in rows.chunks(1000) {
                for row in match_record::Entity::find()
                    .filter(match_record::Column::Id.is_in(chunk.iter().copied()))
                    .all(db)
                    .await?
                {
                    staff.insert(row.staff_id);
                }
            }
            staff
        };
        let period_horizon = today + chrono::Days::new(PERIOD_WARNING_DAYS);
        for person in people.iter().filter(|p| {
            p.status == "active"
                && p.redeployment_period_ends >= today
                && p.redeployment_period_ends <= period_horizon
                && !interviewed.contains(&p.id)
        }) {
            for hr in hr_of_trust.get(&person.trust_id).into_iter().flatten() {
                let model = Email::PeriodEnding(PeriodEnding {
                    staff_name: person.name.clone(),
                    ends_on: day_in_words(person.redeployment_period_ends),
                    link: format!("{base}/staff/{}", person.id),
                });
                pass.emails.push(Composed {
                    kind: "period_ending",
                    message: notifier::message::for_recipient(&hr.email, &model),
                    cause: format!(
                        "period_ending:{}:{}:user:{}",
                        person.id, person.redeployment_period_ends, hr.id
                    ),
                    pairs: Vec::new(),
                    unsubscribe: None,
                });
            }
        }
        Ok(pass)
    }
}

/// Composes the emails that are due every `[email] notice_interval_seconds`, in the
/// background, for as long as the service runs.
pub fn start_notices(store: Store) {
    let interval =
        std::time::Duration::from_secs(store.settings().email.notice_interval_seconds.max(1));
    tokio::spawn(async move {
        loop {
            let began = std::time::Instant::now();
            match store.send_notices().await {
                Ok(queued) if queued.total() > 0 => tracing::info!(
                    ?queued,
                    seconds = began.elapsed().as_secs_f64(),
                    "emails composed: matches, digests and reminders"
                ),
                Ok(queued) => tracing::debug!(
                    ran = queued.ran,
                    seconds = began.elapsed().as_secs_f64(),
                    "no emails were due"
                ),
                Err(error) => {
                    tracing::warn!(%error, "the emails that are due could not be composed; trying again later")
                }
            }
            tokio::time::sleep(interval).await;
        }
    });
}

impl Store {
    /// The staff member a digest's stop link names, with how often they hear of vacancies now.
    /// A link that names no one is not found.
    pub async fn email_preference(&self, token: &str) -> Result<(String, domain::EmailFrequency)> {
        let person = self.person_of_stop_link(self.db(), token).await?;
        let frequency = domain::EmailFrequency::from_code(&person.email_frequency)
            .unwrap_or(domain::EmailFrequency::Daily);
        Ok((person.name, frequency))
    }

    /// Sets how often the staff member a digest's stop link names hears of new vacancies, with
    /// no sign-in: the link is the proof, as it reached their inbox. Audited.
    pub async fn set_email_preference(
        &self,
        token: &str,
        frequency: &str,
    ) -> Result<domain::EmailFrequency> {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

        let chosen = domain::EmailFrequency::from_code(frequency.trim()).ok_or_else(|| {
            crate::Error::Invalid(vec![crate::FieldError::new(
                "email_frequency",
                "choose how often to hear of new vacancies: daily, weekly or off",
            )])
        })?;
        let txn = crate::db::begin_write(self.db()).await?;
        let person = self.person_of_stop_link(&txn, token).await?;
        let id = person.id;
        let mut row = person.into_active_model();
        row.email_frequency = Set(chosen.code().to_owned());
        row.update(&txn).await?;
        crate::audit::record(
            &txn,
            &crate::audit::AuditActor::system("the staff member, by the link in their email"),
            "update",
            "staff",
            Some(id.to_string()),
            Some(format!("email_frequency → {}", chosen.code())),
        )
        .await?;
        txn.commit().await?;
        Ok(chosen)
    }

    async fn person_of_stop_link<C: ConnectionTrait>(
        &self,
        db: &C,
        token: &str,
    ) -> Result<staff::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

        use crate::entities::unsubscribe_token;
        const NOT_FOUND: crate::Error = crate::Error::NotFound("link");
        if !token.starts_with("rdu_") {
            return Err(NOT_FOUND);
        }
        let link = unsubscribe_token::Entity::find()
            .filter(unsubscribe_token::Column::TokenHash.eq(crate::tokens::token_hash(token)))
            .one(db)
            .await?
            .ok_or(NOT_FOUND)?;
        staff::Entity::find_by_id(link.staff_id)
            .one(db)
            .await?
            .ok_or(NOT_FOUND)
    }
}
