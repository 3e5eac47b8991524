//! Loads the synthetic demo data set, and the demo accounts (one per role), into a database.
//!
//! Demo data goes only into a database with no at-risk staff and no vacancies, so that it can
//! never mix with real records. Everything lands in one transaction: an interrupted load leaves
//! the database as it was.

use std::collections::HashMap;

use chrono::Utc;
pub use demo::{DemoDataSet, DemoSpec};
use domain::NormalisedSkill;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use crate::entities::{
    site, staff, staff_registration, staff_skill, trust, user, vacancy, vacancy_skill,
};
use crate::passwords::hash_password;
use crate::skills_store::ensure_skill_ids;
use crate::store_support::insert_chunked;

/// Why the demo data was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoLoadError {
    #[error(
        "this database already holds {staff} at-risk staff and {vacancies} vacancies; demo data loads only into an empty database (give another --database-url)"
    )]
    NotEmpty { staff: u64, vacancies: u64 },
    #[error("the demo data names {0}, which is not in the reference data")]
    UnknownReference(String),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] crate::passwords::HashError),
    #[error("ranking the demo data: {0}")]
    Ranking(crate::Error),
    #[error("taking the demo's past cases to their outcomes: {0}")]
    History(crate::Error),
}

/// A demo account and its password, printed so that people can sign in and look around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

/// How many rows each step wrote, reported as it goes.
pub trait LoadProgress {
    /// The load is about to write this many units in all.
    fn start(&self, _total: u64) {}
    fn advance(&self, rows: u64);
}

impl<F: Fn(u64)> LoadProgress for F {
    fn advance(&self, rows: u64) {
        self(rows)
    }
}

/// The number of progress units a load reports in all: one per staff member and vacancy.
pub fn progress_total(data: &DemoDataSet) -> u64 {
    (data.staff.len() + data.vacancies.len() + 2 * data.past.len()) as u64
}

/// Rows per batch of staff or vacancies, so that progress moves steadily.
const BATCH: usize = 500;

/// Counts at-risk staff and vacancies, to tell whether the database is empty of case data.
pub async fn case_counts<C: ConnectionTrait>(db: &C) -> Result<(u64, u64), DbErr> {
    Ok((
        staff::Entity::find().count(db).await?,
        vacancy::Entity::find().count(db).await?,
    ))
}

/// Loads `data` (today's records and the past cases' records, before any move) and creates
/// the demo accounts, all in one transaction.
pub async fn load_demo(
    db: &DatabaseConnection,
    data: &DemoDataSet,
    progress: &dyn LoadProgress,
) -> Result<DemoRows, DemoLoadError> {
    let txn = crate::db::begin_write(db).await?;
    let (staff_count, vacancy_count) = case_counts(&txn).await?;
    if staff_count > 0 || vacancy_count > 0 {
        return Err(DemoLoadError::NotEmpty {
            staff: staff_count,
            vacancies: vacancy_count,
        });
    }
    let now = Utc::now();
    let trust_ids: HashMap<String, i32> = trust::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.ods_code, t.id))
        .collect();
    let site_ids: HashMap<String, i32> = site::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| (s.site_code, s.id))
        .collect();
    let trust_id = |code: &str| {
        trust_ids
            .get(code)
            .copied()
            .ok_or_else(|| DemoLoadError::UnknownReference(format!("trust {code}")))
    };
    let site_id = |code: &str| {
        site_ids
            .get(code)
            .copied()
            .ok_or_else(|| DemoLoadError::UnknownReference(format!("site {code}")))
    };

    let every_skill: Vec<&NormalisedSkill> = every_person(data)
        .flat_map(|(s, _)| s.skills.iter())
        .chain(
            every_post(data)
                .flat_map(|(v, _)| v.essential_skills.iter().chain(&v.desirable_skills)),
        )
        .collect();
    let mut skills = ensure_skill_ids(&txn, &every_skill).await?;

    let people: Vec<_> = every_person(data).collect();
    for batch in people.chunks(BATCH) {
        let mut rows = Vec::with_capacity(batch.len());
        for &(s, registered) in batch {
            let created_at = registered.unwrap_or(now);
            rows.push(staff::ActiveModel {
                trust_id: Set(trust_id(s.trust.as_str())?),
                staff_number: Set(s.staff_number.clone()),
                name: Set(s.name.clone()),
                email: Set(s.email.as_str().to_owned()),
                band: Set(s.band.code().to_owned()),
                band_rank: Set(i16::from(s.band.rank())),
                staff_group: Set(s.staff_group.code().to_owned()),
                job_title: Set(s.job_title.clone()),
                base_site_id: Set(site_id(&s.base_site)?),
                home_postcode: Set(s.home_postcode.as_ref().map(|p| p.as_str().to_owned())),
                max_travel_minutes: Set(s.max_travel.minutes() as i32),
                hours_min: Set(s.hours.min().get()),
                hours_max: Set(s.hours.max().get()),
                lower_band_consent: Set(s.lower_band_consent),
                priority_tier: Set(i16::from(s.priority_tier.number())),
                redeployment_period_ends: Set(s.redeployment_period_ends),
                salary_pence: Set(s.salary.map(|m| m.pence())),
                pension_strain_pence: Set(s.pension_strain.map(|m| m.pence())),
                email_frequency: Set(s.email_frequency.code().to_owned()),
                wte: Set(s.wte.get()),
                continuous_service_start: Set(s.continuous_service_start),
                date_of_birth: Set(s.date_of_birth),
                status: Set(s.status.code().to_owned()),
                created_at: Set(created_at),
                updated_at: Set(created_at),
                // Told of nothing yet, but nothing before the load is news: a demo start
                // emails no one about the data set itself.
                vacancies_notified_at: Set(Some(now)),
                ..Default::default()
            });
        }
        insert_chunked(&txn, rows, None).await?;
        progress.advance(batch.len() as u64);
    }
    let staff_ids: HashMap<(i32, String), i32> = staff::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| ((s.trust_id, s.staff_number), s.id))
        .collect();
    let mut staff_skills = Vec::new();
    let mut registrations = Vec::new();
    for (s, _) in every_person(data) {
        let id = staff_ids[&(trust_id(s.trust.as_str())?, s.staff_number.clone())];
        for held in &s.skills {
            staff_skills.push(staff_skill::ActiveModel {
                staff_id: Set(id),
                skill_id: Set(skill_id(&mut skills, held)?),
                entered: Set(held.entered.clone()),
                match_kind: Set(kind_code(held)),
                confidence: Set(held.confidence),
            });
        }
        for registration in &s.registrations {
            registrations.push(staff_registration::ActiveModel {
                staff_id: Set(id),
                registration: Set(registration.code().to_owned()),
            });
        }
    }
    insert_chunked(&txn, staff_skills, None).await?;
    insert_chunked(&txn, registrations, None).await?;

    let posts: Vec<_> = every_post(data).collect();
    for batch in posts.chunks(BATCH) {
        let mut rows = Vec::with_capacity(batch.len());
        for &(v, posted) in batch {
            let created_at = posted.unwrap_or(now);
            rows.push(vacancy::ActiveModel {
                trust_id: Set(trust_id(v.trust.as_str())?),
                reference: Set(v.reference.clone()),
                title: Set(v.title.clone()),
                band: Set(v.band.code().to_owned()),
                band_rank: Set(i16::from(v.band.rank())),
                staff_group: Set(v.staff_group.code().to_owned()),
                site_id: Set(site_id(&v.site)?),
                hours: Set(v.hours.get()),
                closing_date: Set(v.closing_date),
                registration_required: Set(v.registration_required.map(|r| r.code().to_owned())),
                contact_email: Set(v.contact_email.as_str().to_owned()),
                status: Set(v.status.code().to_owned()),
                posted_on: Set(v.posted_on),
                created_at: Set(created_at),
                updated_at: Set(created_at),
                candidates_notified_at: Set(Some(now)),
                ..Default::default()
            });
        }
        insert_chunked(&txn, rows, None).await?;
        progress.advance(batch.len() as u64);
    }
    let vacancy_ids: HashMap<(i32, String), i32> = vacancy::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|v| ((v.trust_id, v.reference), v.id))
        .collect();
    let mut vacancy_skills = Vec::new();
    for (v, _) in every_post(data) {
        let id = vacancy_ids[&(trust_id(v.trust.as_str())?, v.reference.clone())];
        let tagged = v
            .essential_skills
            .iter()
            .map(|s| (s, true))
            .chain(v.desirable_skills.iter().map(|s| (s, false)));
        for (wanted, essential) in tagged {
            vacancy_skills.push(vacancy_skill::ActiveModel {
                vacancy_id: Set(id),
                skill_id: Set(skill_id(&mut skills, wanted)?),
                essential: Set(essential),
                entered: Set(wanted.entered.clone()),
                match_kind: Set(kind_code(wanted)),
                confidence: Set(wanted.confidence),
            });
        }
    }
    insert_chunked(&txn, vacancy_skills, None).await?;

    let accounts = create_demo_accounts(&txn, data, &trust_ids, &staff_ids).await?;
    let mut past_pairs = Vec::with_capacity(data.past.len());
    for case in &data.past {
        let person = &case.staff;
        let post = &case.vacancy;
        past_pairs.push((
            staff_ids[&(
                trust_id(person.trust.as_str())?,
                person.staff_number.clone(),
            )],
            vacancy_ids[&(trust_id(post.trust.as_str())?, post.reference.clone())],
        ));
    }
    txn.commit().await?;
    Ok(DemoRows {
        accounts,
        past_pairs,
    })
}

/// What [`load_demo`] stored besides rows it was given ids for.
#[derive(Debug, Clone)]
pub struct DemoRows {
    pub accounts: Vec<DemoAccount>,
    /// The (staff id, vacancy id) of each past case, in the data set's order.
    pub past_pairs: Vec<(i32, i32)>,
}

/// At this time of day a past case's record was registered and its moves begin.
fn on_the_day(day: chrono::NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    day.and_hms_opt(hour.min(23), 0, 0)
        .expect("hours of a day are valid")
        .and_utc()
}

/// Every person of the data set, today's first, with the day a past case was registered.
fn every_person(
    data: &DemoDataSet,
) -> impl Iterator<Item = (&domain::AtRiskStaff, Option<chrono::DateTime<Utc>>)> {
    data.staff.iter().map(|s| (s, None)).chain(
        data.past
            .iter()
            .map(|case| (&case.staff, Some(on_the_day(case.registered, 9)))),
    )
}

/// Every vacancy of the data set, today's first, with the day a past one was posted.
fn every_post(
    data: &DemoDataSet,
) -> impl Iterator<Item = (&domain::Vacancy, Option<chrono::DateTime<Utc>>)> {
    data.vacancies.iter().map(|v| (v, None)).chain(
        data.past
            .iter()
            .map(|case| (&case.vacancy, Some(on_the_day(case.vacancy.posted_on, 9)))),
    )
}

fn kind_code(skill: &NormalisedSkill) -> String {
    crate::skills_store::kind_code(skill.kind).to_owned()
}

fn skill_id(ids: &mut HashMap<String, i32>, skill: &NormalisedSkill) -> Result<i32, DemoLoadError> {
    ids.get(&skill.key())
        .copied()
        .ok_or_else(|| DemoLoadError::UnknownReference(format!("skill \"{}\"", skill.skill)))
}

/// The fixed demo accounts. The passwords are printed on every demo start, so they are not
/// secrets: demo databases must never hold real data.
pub fn demo_accounts_for(hr_trust: &str, staff_email: &str) -> Vec<DemoAccount> {
    vec![
        DemoAccount {
            role: "admin",
            email: "admin@demo.redeploy.example".into(),
            password: "demo-admin-2026".into(),
        },
        DemoAccount {
            role: "partnership",
            email: "analyst@demo.redeploy.example".into(),
            password: "demo-partnership-2026".into(),
        },
        DemoAccount {
            role: "trust_hr",
            email: format!("hr.{}@demo.redeploy.example", hr_trust.to_lowercase()),
            password: "demo-trust-hr-2026".into(),
        },
        DemoAccount {
            role: "staff",
            email: staff_email.to_owned(),
            password: "demo-staff-2026".into(),
        },
    ]
}

async fn create_demo_accounts<C: ConnectionTrait>(
    db: &C,
    data: &DemoDataSet,
    trust_ids: &HashMap<String, i32>,
    staff_ids: &HashMap<(i32, String), i32>,
) -> Result<Vec<DemoAccount>, DemoLoadError> {
    // The HR account belongs to the trust with the most people at risk, so it has cases to manage.
    let mut per_trust: HashMap<&str, usize> = HashMap::new();
    for s in &data.staff {
        *per_trust.entry(s.trust.as_str()).or_default() += 1;
    }
    let Some((hr_trust, _)) = per_trust
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    else {
        return Ok(Vec::new());
    };
    let hr_trust_id = trust_ids[*hr_trust];
    let Some(member) = data.staff.iter().find(|s| s.trust.as_str() == *hr_trust) else {
        return Ok(Vec::new());
    };
    let member_id = staff_ids[&(hr_trust_id, member.staff_number.clone())];
    let accounts = demo_accounts_for(hr_trust, member.email.as_str());
    let now = Utc::now();
    for account in &accounts {
        let (trust_id, staff_id, display_name) = match account.role {
            "trust_hr" => (
                Some(hr_trust_id),
                None,
                format!("HR account manager, {hr_trust}"),
            ),
            "staff" => (Some(hr_trust_id), Some(member_id), member.name.clone()),
            "partnership" => (None, None, "Partnership analyst".to_owned()),
            _ => (None, None, "Administrator".to_owned()),
        };
        let role = domain::Role::from_code(account.role)
            .ok_or_else(|| DbErr::Custom(format!("{} is not a role", account.role)))?;
        let who = crate::users::AccountOf {
            email: &account.email,
            role,
            trust_id,
            staff_id,
            display_name: &display_name,
        };
        let row = crate::users::new_account(who, Some(hash_password(&account.password)?), now);
        user::Entity::insert(row).exec_without_returning(db).await?;
    }
    Ok(accounts)
}

/// The demo accounts already stored, found by their fixed addresses, for printing again on a
/// later start.
pub async fn existing_demo_accounts<C: ConnectionTrait>(db: &C) -> Result<Vec<DemoAccount>, DbErr> {
    let hr = user::Entity::find()
        .filter(user::Column::Role.eq("trust_hr"))
        .filter(user::Column::Email.ends_with("@demo.redeploy.example"))
        .one(db)
        .await?;
    let staff_user = user::Entity::find()
        .filter(user::Column::Role.eq("staff"))
        .filter(user::Column::Email.ends_with("@demo.redeploy.example"))
        .one(db)
        .await?;
    let (Some(hr), Some(staff_user)) = (hr, staff_user) else {
        return Ok(Vec::new());
    };
    let trust_code = hr
        .email
        .strip_prefix("hr.")
        .and_then(|rest| rest.split('@').next())
        .unwrap_or_default()
        .to_uppercase();
    Ok(demo_accounts_for(&trust_code, &staff_user.email))
}

/// What loading the demo data set did.
#[derive(Debug, Clone)]
pub struct DemoLoaded {
    pub accounts: Vec<DemoAccount>,
    pub staff: usize,
    pub vacancies: usize,
    /// Past cases in the data set.
    pub past_cases: usize,
    pub load_time: std::time::Duration,
    /// For `serve --demo`: the past cases, loaded but still to be taken to their outcomes,
    /// which the service does once it is ready.
    pub past_to_record: Option<PastCasesToRecord>,
}

/// A loaded demo data set's past cases, still to be taken to their outcomes.
#[derive(Debug, Clone)]
pub struct PastCasesToRecord {
    cases: Vec<demo::PastCase>,
    pairs: Vec<(i32, i32)>,
}

impl PastCasesToRecord {
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }
}

/// What `serve --demo` found or did.
#[derive(Debug, Clone)]
pub enum DemoStart {
    /// The database was empty: the demo data set is loaded.
    Loaded(DemoLoaded),
    /// The demo data set was loaded before: its accounts.
    AlreadyLoaded(Vec<DemoAccount>),
    /// The database holds other case data, so no demo data was loaded.
    NotEmpty { staff: u64, vacancies: u64 },
}

impl crate::Store {
    /// Generates the demo data set `spec` describes, loads it into an empty database in one
    /// transaction, takes its past cases to their outcomes, and loads the match index.
    pub async fn load_demo(
        &self,
        spec: &demo::DemoSpec,
        progress: &dyn LoadProgress,
    ) -> Result<DemoLoaded, DemoLoadError> {
        let started = std::time::Instant::now();
        let (mut loaded, past) = self.load_demo_records(spec, progress).await?;
        self.record_past_cases(&past)
            .await
            .map_err(DemoLoadError::History)?;
        self.warm_matches().await.map_err(DemoLoadError::Ranking)?;
        loaded.load_time = started.elapsed();
        Ok(loaded)
    }

    /// Generates the data set and loads its records (today's, and the past cases' people and
    /// posts before any move), leaving the past cases' moves to [`Store::record_past_cases`].
    async fn load_demo_records(
        &self,
        spec: &demo::DemoSpec,
        progress: &dyn LoadProgress,
    ) -> Result<(DemoLoaded, PastCasesToRecord), DemoLoadError> {
        let started = std::time::Instant::now();
        let data = demo::generate(spec, self.reference(), &self.settings().pay);
        progress.start(progress_total(&data));
        let rows = load_demo(self.db(), &data, progress).await?;
        crate::match_index::log_everything(self.db())
            .await
            .map_err(DemoLoadError::Ranking)?;
        let loaded = DemoLoaded {
            accounts: rows.accounts,
            past_cases: data.past.len(),
            staff: data.staff.len(),
            vacancies: data.vacancies.len(),
            load_time: started.elapsed(),
            past_to_record: None,
        };
        let past = PastCasesToRecord {
            cases: data.past,
            pairs: rows.past_pairs,
        };
        Ok((loaded, past))
    }

    /// Takes a freshly loaded demo data set's past cases to their outcomes.
    pub async fn record_past_cases(&self, past: &PastCasesToRecord) -> crate::Result<()> {
        self.replay_past_cases(&past.cases, &past.pairs).await
    }

    /// Takes the demo's past cases to their outcomes through the case workflow
    /// ([`Store::replay_moves`]), each move on its day, made by the demo admin account on the
    /// trusts' behalf.
    async fn replay_past_cases(
        &self,
        cases: &[demo::PastCase],
        pairs: &[(i32, i32)],
    ) -> crate::Result<()> {
        if cases.is_empty() {
            return Ok(());
        }
        let admin = user::Entity::find()
            .filter(user::Column::Role.eq(domain::Role::Admin.code()))
            .filter(user::Column::Email.ends_with("@demo.redeploy.example"))
            .one(self.db())
            .await?
            .ok_or(crate::Error::NotFound("demo admin account"))?;
        let actor = crate::Actor {
            user_id: admin.id,
            email: admin.email,
            role: domain::Role::Admin,
            trust_id: None,
            trust: None,
            staff_id: None,
            ip: None,
        };
        let mut moves = Vec::new();
        let mut redundancies = Vec::new();
        for (case, &(staff_id, vacancy_id)) in cases.iter().zip(pairs) {
            let pair = format!("{staff_id}-{vacancy_id}");
            for (n, step) in case.moves.iter().enumerate() {
                moves.push(crate::workflow::PastMove {
                    pair: pair.clone(),
                    // Moves of one day keep their order.
                    at: on_the_day(step.on, 10 + n as u32),
                    request: crate::workflow::MoveRequest {
                        to: step.to.code().to_owned(),
                        reason: step.reason.clone(),
                        date: step.date.map(|d| d.to_string()),
                        judgement: step.judgement.map(|j| j.code().to_owned()),
                    },
                });
            }
            if let Some(day) = case.redundant_on {
                redundancies.push((staff_id, on_the_day(day, 17)));
            }
        }
        // In the order they happened, across cases, as they would have been recorded.
        moves.sort_by_key(|past| past.at);
        redundancies.sort_by_key(|&(_, at)| at);
        self.replay_moves(&actor, &moves, &redundancies).await
    }

    /// How many pairs pass every hard rule on `today`, leaving decisions aside: every
    /// vacancy's candidates ranked on every core and counted, never stored. Seconds at England
    /// scale, so only `redeploy demo` asks; a service that is starting does not wait for it.
    pub async fn count_eligible_pairs(&self, today: chrono::NaiveDate) -> crate::Result<usize> {
        let snapshot = self.match_snapshot().await?;
        let no_decisions = matcher::Exclusions::new();
        let context = matcher::RankContext {
            policy: &self.settings().matching,
            today,
            exclusions: &no_decisions,
        };
        Ok(snapshot.eligible_pairs(context))
    }

    /// For `serve --demo`: loads the demo data set into an empty database, or finds the
    /// accounts of one loaded before, or says why it loaded nothing.
    pub async fn start_demo(&self, spec: &demo::DemoSpec) -> Result<DemoStart, DemoLoadError> {
        let (staff, vacancies) = case_counts(self.db()).await?;
        if staff == 0 && vacancies == 0 {
            // The past cases' moves take seconds: the service records them once it is ready,
            // in one transaction, so the history appears whole or not at all.
            let (mut loaded, past) = self.load_demo_records(spec, &|_| {}).await?;
            self.warm_matches().await.map_err(DemoLoadError::Ranking)?;
            loaded.past_to_record = Some(past);
            return Ok(DemoStart::Loaded(loaded));
        }
        let accounts = existing_demo_accounts(self.db()).await?;
        Ok(if accounts.is_empty() {
            DemoStart::NotEmpty { staff, vacancies }
        } else {
            DemoStart::AlreadyLoaded(accounts)
        })
    }
}
