//! The demo data set's past: cases registered in the 24 months before the demo day and taken to
//! their outcomes, so that reports have real figures to show. Each case is one person, the
//! vacancy they were matched with (made to suit them, at a site near their home), and the moves
//! made on that pair, each on its day; a case that did not end in redeployment ends in
//! redundancy when its redeployment period runs out.
//!
//! Only the script is made here. The store plays it through the case workflow, by the same
//! rules and with the same consequences as any move, so that every figure traces to its cases.

use chrono::{Days, NaiveDate};
use domain::{AtRiskStaff, Band, DeclineJudgement, MatchStatus, TravelLimit, Vacancy};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Generator, pick_weighted};

/// A case from before the demo day, with the pair that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastCase {
    pub staff: AtRiskStaff,
    /// The day the case was registered.
    pub registered: NaiveDate,
    pub vacancy: Vacancy,
    /// The moves made on the pair, in order.
    pub moves: Vec<PastStep>,
    /// The day the case ended in redundancy, if it did not end in redeployment.
    pub redundant_on: Option<NaiveDate>,
}

/// One move of a past case's pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PastStep {
    /// The day the move was made.
    pub on: NaiveDate,
    pub to: MatchStatus,
    /// The interview's date, the trial's first day, or an extended trial's new last day.
    pub date: Option<NaiveDate>,
    pub reason: Option<String>,
    /// The HR team's judgement of a decline (the step then records it, not a new status).
    pub judgement: Option<DeclineJudgement>,
}

/// How a past case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Redeployed,
    RedeployedAfterExtension,
    Declined,
    RejectedBeforeInterview,
    RejectedAfterInterview,
    TrialFailed,
    Withdrawn,
}

/// Out of 100 past cases: most are redeployed after a trial.
const ENDINGS: &[(Ending, u32)] = &[
    (Ending::Redeployed, 60),
    (Ending::RedeployedAfterExtension, 6),
    (Ending::Declined, 10),
    (Ending::RejectedBeforeInterview, 4),
    (Ending::RejectedAfterInterview, 6),
    (Ending::TrialFailed, 8),
    (Ending::Withdrawn, 6),
];

const DECLINE_REASONS: &[&str] = &[
    "The journey from home would add more than an hour to each working day.",
    "The shift pattern does not fit my caring responsibilities.",
    "I would rather stay in a patient-facing role than move to this post.",
    "The post is on a fixed-term contract and I need a permanent one.",
];

const REJECTIONS_BEFORE_INTERVIEW: &[&str] = &[
    "The post needs recent experience of running a specialist clinic, which the application does not show.",
    "The post's essential criteria include a qualification the candidate does not hold and could not gain within the trial period.",
];

const REJECTIONS_AFTER_INTERVIEW: &[&str] = &[
    "At interview the candidate could not yet show the experience of leading a team that the post needs.",
    "The panel found that the candidate's experience did not meet the post's essential criteria.",
];

const FAILED_TRIALS: &[&str] = &[
    "During the trial it became clear that the post's on-call duties could not be adjusted for the staff member.",
    "The staff member and the manager agreed that the post's workload did not suit them.",
];

const WITHDRAWALS: &[&str] = &[
    "The staff member chose voluntary redundancy before the interview.",
    "The staff member asked to stop being considered for posts while on long-term sick leave.",
];

/// Past cases are drawn from their own stream of the seed, so that adding them leaves today's
/// data set as it was.
const HISTORY_STREAM: u64 = 0x0048_4953_544f_5259;

/// The demo's past cases: `count` of them, registered over the 24 months before `spec.today`.
pub(crate) fn past_cases(generator: &mut Generator<'_>, count: usize) -> Vec<PastCase> {
    generator.rng = ChaCha8Rng::seed_from_u64(generator.spec.seed ^ HISTORY_STREAM);
    (0..count).map(|i| generator.past_case(i)).collect()
}

impl Generator<'_> {
    fn past_case(&mut self, index: usize) -> PastCase {
        let days_ago = self.rng.random_range(160..=730);
        let registered = self.date_from_today(-days_ago);
        // Made as if today, then moved back to the day it was registered.
        let mut staff = self.staff_member(1_000_000 + index);
        let back = |date: NaiveDate| date - Days::new(days_ago as u64);
        staff.staff_number = format!("{:08}", 30_000_000 + index);
        staff.continuous_service_start = back(staff.continuous_service_start);
        staff.date_of_birth = staff.date_of_birth.map(back);
        staff.redeployment_period_ends = registered + Days::new(self.rng.random_range(90..=150));
        // HR has a pension strain quote for some of those old enough to retire early.
        let old_enough = staff
            .date_of_birth
            .is_some_and(|born| domain::redundancy::completed_years(born, registered) >= 55);
        if old_enough && self.rng.random_bool(0.5) {
            let pounds = self.rng.random_range(20_000..=120_000);
            staff.pension_strain = Some(domain::Money::from_pounds(pounds));
        }

        let lower = Band::from_rank(staff.band.rank().saturating_sub(1))
            .filter(|_| self.rng.random_bool(0.15));
        if lower.is_some() {
            staff.lower_band_consent = true;
        }
        let vacancy = self.vacancy_for(&mut staff, lower, registered, index);
        let posted_on = vacancy.posted_on;
        let first = registered.max(posted_on) + Days::new(self.rng.random_range(1..=7));
        let ending = *pick_weighted(&mut self.rng, ENDINGS);
        let moves = self.steps(ending, first);
        let last = moves.last().map_or(first, |step| step.on);
        let redundant_on = match ending {
            Ending::Redeployed | Ending::RedeployedAfterExtension => None,
            _ => Some(staff.redeployment_period_ends.max(last + Days::new(7))),
        };
        PastCase {
            staff,
            registered,
            vacancy,
            moves,
            redundant_on,
        }
    }

    /// A post that suits `staff`: their group, their band (or `lower`), hours they work, the
    /// registration they hold, at a site near their home, asking for skills they mostly hold.
    fn vacancy_for(
        &mut self,
        staff: &mut AtRiskStaff,
        lower: Option<Band>,
        registered: NaiveDate,
        index: usize,
    ) -> Vacancy {
        let home = crate::home_position(self.reference, staff);
        let near: Vec<&domain::Site> = self
            .reference
            .sites
            .iter()
            .filter(|site| home.is_some_and(|h| site.position.distance_km(h) <= 8.0))
            .collect();
        let site = match near.choose(&mut self.rng) {
            Some(site) => *site,
            None => {
                // Nothing near: their own base, which is at most 20 km from home.
                staff.max_travel = TravelLimit::new(90).expect("90 minutes is a valid limit");
                self.reference
                    .sites
                    .iter()
                    .find(|s| s.code == staff.base_site)
                    .expect("a demo base site is a reference site")
            }
        };
        if staff.max_travel.minutes() < 60 {
            staff.max_travel = TravelLimit::new(60).expect("60 minutes is a valid limit");
        }
        let held = staff.skills.len().min(5);
        let essential_count = 2.min(held);
        let mut essential = staff.skills[..essential_count].to_vec();
        // Now and then the post asks for a skill the person lacks: no guaranteed interview.
        if self.rng.random_bool(0.25) {
            let taken: Vec<String> = staff.skills.iter().map(|s| s.skill.clone()).collect();
            let profile = crate::GROUPS
                .iter()
                .find(|g| g.group == staff.staff_group)
                .expect("every demo group has a profile");
            essential.extend(self.distinct_skills(profile.skills, 1, &taken));
        }
        let desirable = staff.skills[essential_count..held].to_vec();
        let posted_on = registered + Days::new(self.rng.random_range(0..=20));
        let closing_date = posted_on + Days::new(self.rng.random_range(21..=42));
        Vacancy {
            trust: site.trust.clone(),
            reference: format!(
                "{}-{}-P{:04}",
                site.trust,
                posted_on.format("%y"),
                index + 1
            ),
            title: staff.job_title.clone(),
            band: lower.unwrap_or(staff.band),
            staff_group: staff.staff_group,
            site: site.code.clone(),
            hours: staff.hours.max(),
            closing_date,
            essential_skills: essential,
            desirable_skills: desirable,
            registration_required: staff.registrations.first().copied(),
            contact_email: domain::EmailAddress::parse(&format!(
                "recruitment.{}@demo.redeploy.example",
                site.trust.as_str().to_lowercase()
            ))
            .expect("demo emails are valid"),
            status: domain::VacancyStatus::Open,
            posted_on,
        }
    }

    /// The moves of a case that ends as `ending`, the first on `first`.
    fn steps(&mut self, ending: Ending, first: NaiveDate) -> Vec<PastStep> {
        let mut steps = Vec::new();
        let mut day = first;
        let step = |steps: &mut Vec<PastStep>, on: NaiveDate, to: MatchStatus| {
            steps.push(PastStep {
                on,
                to,
                date: None,
                reason: None,
                judgement: None,
            });
        };
        let reason = |rng: &mut ChaCha8Rng, reasons: &[&str]| {
            Some((*reasons.choose(rng).unwrap_or(&reasons[0])).to_owned())
        };
        if ending == Ending::Declined {
            step(&mut steps, day, MatchStatus::DeclinedByStaff);
            steps[0].reason = reason(&mut self.rng, DECLINE_REASONS);
            let judged = match self.rng.random_bool(0.6) {
                true => DeclineJudgement::Reasonable,
                false => DeclineJudgement::Unreasonable,
            };
            steps.push(PastStep {
                on: day + Days::new(self.rng.random_range(2..=10)),
                to: MatchStatus::DeclinedByStaff,
                date: None,
                reason: Some(match judged {
                    DeclineJudgement::Reasonable => {
                        "The reason given is a fair one for this post.".to_owned()
                    }
                    DeclineJudgement::Unreasonable => {
                        "The post is suitable alternative employment and the reason does not change that."
                            .to_owned()
                    }
                }),
                judgement: Some(judged),
            });
            return steps;
        }
        step(&mut steps, day, MatchStatus::Interested);
        day = day + Days::new(self.rng.random_range(1..=5));
        if ending == Ending::Withdrawn {
            step(&mut steps, day, MatchStatus::Withdrawn);
            steps.last_mut().expect("a step").reason = reason(&mut self.rng, WITHDRAWALS);
            return steps;
        }
        if ending == Ending::RejectedBeforeInterview {
            step(&mut steps, day, MatchStatus::RejectedByEmployer);
            steps.last_mut().expect("a step").reason =
                reason(&mut self.rng, REJECTIONS_BEFORE_INTERVIEW);
            return steps;
        }
        step(&mut steps, day, MatchStatus::Shortlisted);
        day = day + Days::new(self.rng.random_range(1..=4));
        let interview_on = day + Days::new(self.rng.random_range(5..=12));
        step(&mut steps, day, MatchStatus::Interview);
        steps.last_mut().expect("a step").date = Some(interview_on);
        day = interview_on + Days::new(self.rng.random_range(1..=3));
        if ending == Ending::RejectedAfterInterview {
            step(&mut steps, day, MatchStatus::RejectedByEmployer);
            steps.last_mut().expect("a step").reason =
                reason(&mut self.rng, REJECTIONS_AFTER_INTERVIEW);
            return steps;
        }
        step(&mut steps, day, MatchStatus::Offered);
        let trial_starts = day + Days::new(self.rng.random_range(7..=21));
        step(&mut steps, day + Days::new(1), MatchStatus::Trial);
        steps.last_mut().expect("a step").date = Some(trial_starts);
        // DESIGN §2: a trial lasts 28 days; the demo keeps to the default.
        let mut trial_ends = trial_starts + Days::new(28);
        match ending {
            Ending::TrialFailed => {
                let on = trial_starts + Days::new(self.rng.random_range(10..=27));
                step(&mut steps, on, MatchStatus::TrialFailed);
                steps.last_mut().expect("a step").reason = reason(&mut self.rng, FAILED_TRIALS);
                return steps;
            }
            Ending::RedeployedAfterExtension => {
                let on = trial_ends - Days::new(3);
                trial_ends = trial_ends + Days::new(14);
                step(&mut steps, on, MatchStatus::Trial);
                let extension = steps.last_mut().expect("a step");
                extension.date = Some(trial_ends);
                extension.reason = Some(
                    "Both sides agreed two more weeks to complete the post's induction.".to_owned(),
                );
            }
            _ => {}
        }
        step(&mut steps, trial_ends, MatchStatus::Redeployed);
        steps
    }
}
