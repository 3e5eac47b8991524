//! A realistic synthetic London data set of at-risk staff and vacancies, for demonstrations,
//! benchmarks and tests.
//!
//! The same seed and the same "today" always give the same data set, row for row, so that a
//! benchmark or a bug report can be reproduced. Everything is placed on the real reference
//! data: real trusts and sites, homes in real postcode districts near the person's base, skills
//! from the shipped vocabulary. Names and addresses are invented; emails use the reserved
//! `.example` domain so that a demo can never write to a real person.
//!
//! Pure computation: no I/O and no clock (the caller passes in today's date).

mod history;
mod profiles;

use chrono::{Days, NaiveDate};
use domain::people::HoursRange;
use domain::{
    AtRiskStaff, Band, CaseStatus, Coordinates, EmailAddress, Hours, Money, PayScale, Postcode,
    PriorityTier, ReferenceData, Site, TravelLimit, Vacancy, VacancyStatus, Wte,
};
use domain::{NormalisedSkill, SkillVocabulary};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use history::{PastCase, PastStep};
pub use profiles::{GROUPS, GroupProfile};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    pub seed: u64,
    pub staff: usize,
    pub vacancies: usize,
    /// Dates (closing dates, redeployment periods, service) are laid out around this day.
    pub today: NaiveDate,
    /// Cases from the 24 months before `today`, each taken to its outcome.
    pub past_cases: usize,
}

/// The generated data set.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDataSet {
    pub staff: Vec<AtRiskStaff>,
    pub vacancies: Vec<Vacancy>,
    /// Cases from before `today`, with the pairs and moves that decided them.
    pub past: Vec<PastCase>,
}

/// Generates the data set `spec` describes over the shipped reference data.
pub fn generate(spec: &DemoSpec, reference: &ReferenceData, pay: &PayScale) -> DemoDataSet {
    let mut generator = Generator::new(spec, reference, pay);
    let staff = (0..spec.staff).map(|i| generator.staff_member(i)).collect();
    let vacancies = (0..spec.vacancies).map(|i| generator.vacancy(i)).collect();
    let past = history::past_cases(&mut generator, spec.past_cases);
    DemoDataSet {
        staff,
        vacancies,
        past,
    }
}

/// Picks one item by relative weight.
fn pick_weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    for (item, weight) in items {
        if ticket < *weight {
            return item;
        }
        ticket -= weight;
    }
    &items[items.len() - 1].0
}

/// Letters that may appear in the inward part of a postcode.
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

struct Generator<'a> {
    rng: ChaCha8Rng,
    spec: DemoSpec,
    reference: &'a ReferenceData,
    pay: &'a PayScale,
    /// Sites with the weight of the trust they belong to, for at-risk staff (a few trusts are
    /// reorganising and hold most of them) and for vacancies (spread across London).
    staff_sites: Vec<(usize, u32)>,
    vacancy_sites: Vec<(usize, u32)>,
    /// For each site, nearby postcode districts weighted towards the nearest.
    homes_near_site: Vec<Vec<(usize, u32)>>,
    groups: Vec<(usize, u32)>,
    references_issued: Vec<u32>,
}

impl<'a> Generator<'a> {
    fn new(spec: &DemoSpec, reference: &'a ReferenceData, pay: &'a PayScale) -> Generator<'a> {
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        let mut trust_order: Vec<usize> = (0..reference.trusts.len()).collect();
        trust_order.shuffle(&mut rng);
        let reorganising = &trust_order[..trust_order.len().min(6)];
        let staff_sites = reference
            .sites
            .iter()
            .enumerate()
            .map(|(i, site)| {
                let trust = reference
                    .trusts
                    .iter()
                    .position(|t| t.ods_code == site.trust)
                    .unwrap_or(0);
                (i, if reorganising.contains(&trust) { 12 } else { 1 })
            })
            .collect();
        let vacancy_sites = (0..reference.sites.len()).map(|i| (i, 1)).collect();
        let homes_near_site = reference
            .sites
            .iter()
            .map(|site| {
                reference
                    .districts
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| {
                        let km = site.position.distance_km(d.position);
                        // Most people live within 20 km of work, the nearer the likelier.
                        (km <= 20.0).then(|| (i, (400.0 / (1.0 + km)).round() as u32 + 1))
                    })
                    .collect()
            })
            .collect();
        let groups = GROUPS
            .iter()
            .enumerate()
            .map(|(i, g)| (i, g.weight))
            .collect();
        Generator {
            rng,
            spec: *spec,
            reference,
            pay,
            staff_sites,
            vacancy_sites,
            homes_near_site,
            groups,
            references_issued: vec![0; reference.trusts.len()],
        }
    }

    fn vocabulary(&self) -> &'a SkillVocabulary {
        &self.reference.vocabulary
    }

    fn date_from_today(&self, days: i64) -> NaiveDate {
        if days >= 0 {
            self.spec.today + Days::new(days as u64)
        } else {
            self.spec.today - Days::new(days.unsigned_abs())
        }
    }

    /// A skill as a person might type it: usually its name, sometimes a synonym.
    fn typed_skill(&mut self, name: &str) -> NormalisedSkill {
        let vocabulary = self.vocabulary();
        let skill = vocabulary.get(name).unwrap_or_else(|| {
            panic!("demo profile names \"{name}\", which is not in the vocabulary")
        });
        let typed = match skill.synonyms.choose(&mut self.rng) {
            Some(synonym) if self.rng.random_bool(0.15) => synonym.clone(),
            _ => skill.name.clone(),
        };
        vocabulary
            .normalise(&typed, 1.0)
            .expect("vocabulary terms are never empty")
    }

    fn distinct_skills(
        &mut self,
        pool: &[&str],
        count: usize,
        exclude: &[String],
    ) -> Vec<NormalisedSkill> {
        let candidates: Vec<&str> = pool
            .iter()
            .copied()
            .filter(|s| !exclude.iter().any(|e| e == s))
            .collect();
        let chosen: Vec<&str> = candidates
            .choose_multiple(&mut self.rng, count)
            .copied()
            .collect();
        chosen
            .into_iter()
            .map(|name| self.typed_skill(name))
            .collect()
    }

    fn band_and_title(&mut self, profile: &GroupProfile) -> (Band, &'static str) {
        let band = *pick_weighted(&mut self.rng, profile.bands);
        let best = profile
            .titles
            .iter()
            .filter(|(from, _)| *from <= band)
            .map(|(from, _)| *from)
            .max()
            .unwrap_or(profile.titles[0].0);
        let titles: Vec<&'static str> = profile
            .titles
            .iter()
            .filter(|(b, _)| *b == best)
            .map(|(_, t)| *t)
            .collect();
        (
            band,
            titles.choose(&mut self.rng).copied().unwrap_or("Officer"),
        )
    }

    fn site(&mut self, for_staff: bool) -> &'a Site {
        let weights = if for_staff {
            &self.staff_sites
        } else {
            &self.vacancy_sites
        };
        let index = *pick_weighted(&mut self.rng, weights);
        &self.reference.sites[index]
    }

    fn home_postcode(&mut self, site_index: usize) -> Option<Postcode> {
        let near = &self.homes_near_site[site_index];
        if near.is_empty() || self.rng.random_bool(0.06) {
            return None;
        }
        let district = &self.reference.districts[*pick_weighted(&mut self.rng, near)].district;
        let digit = self.rng.random_range(0..10);
        let a = *INWARD_LETTERS.choose(&mut self.rng).unwrap_or(&b'A') as char;
        let b = *INWARD_LETTERS.choose(&mut self.rng).unwrap_or(&b'B') as char;
        Postcode::parse(&format!("{district} {digit}{a}{b}")).ok()
    }

    fn staff_member(&mut self, index: usize) -> AtRiskStaff {
        let profile = &GROUPS[*pick_weighted(&mut self.rng, &self.groups.clone())];
        let (band, title) = self.band_and_title(profile);
        let site = self.site(true);
        let site_index = self
            .reference
            .sites
            .iter()
            .position(|s| s.code == site.code)
            .unwrap_or(0);
        let first = *profiles::FIRST_NAMES
            .choose(&mut self.rng)
            .unwrap_or(&"Alex");
        let last = *profiles::SURNAMES.choose(&mut self.rng).unwrap_or(&"Smith");
        let email_local: String = format!("{first}.{last}.{index}")
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();

        let group_count = self.rng.random_range(4..=7);
        let mut skills = self.distinct_skills(profile.skills, group_count, &[]);
        let ksf_count = self.rng.random_range(1..=3);
        skills.extend(self.distinct_skills(profiles::KSF_CORE, ksf_count, &[]));
        if self.rng.random_bool(0.25) {
            let held: Vec<String> = skills.iter().map(|s| s.skill.clone()).collect();
            skills.extend(self.distinct_skills(profiles::GENERAL_DIGITAL, 1, &held));
        }
        let registrations = match profile.registration {
            Some((register, share)) if self.rng.random_range(0..100) < share => vec![register],
            _ => Vec::new(),
        };

        let full_time = self.rng.random_bool(0.7);
        let (low, high) = if full_time {
            *[(30.0, 37.5), (37.5, 37.5), (22.5, 37.5)]
                .choose(&mut self.rng)
                .unwrap_or(&(37.5, 37.5))
        } else {
            *[(15.0, 30.0), (22.5, 30.0), (15.0, 22.5), (7.5, 22.5)]
                .choose(&mut self.rng)
                .unwrap_or(&(22.5, 30.0))
        };
        let hours = HoursRange::new(
            Hours::new(low).expect("demo hours are valid"),
            Hours::new(high).expect("demo hours are valid"),
        )
        .expect("demo ranges run low to high");
        let wte = Wte::new((high / domain::people::FULL_TIME_HOURS).min(1.0))
            .expect("demo hours are positive");
        let range = self.pay.range(band);
        let salary = match range {
            Some(r) if self.rng.random_bool(0.6) => {
                Some(Money::from_pounds(self.rng.random_range(r.entry..=r.top)))
            }
            _ => None,
        };
        let service_years: i64 = *pick_weighted(
            &mut self.rng,
            &[
                (1, 8),
                (3, 15),
                (6, 20),
                (10, 22),
                (16, 18),
                (24, 12),
                (32, 5),
            ],
        );
        let service_days = service_years * 365 + self.rng.random_range(0..365);
        let continuous_service_start = self.date_from_today(-service_days);
        let age_years = (20 + service_years + self.rng.random_range(0..18)).min(66);
        let birthday_offset = self.rng.random_range(0..365);
        let date_of_birth = self
            .rng
            .random_bool(0.8)
            .then(|| self.date_from_today(-(age_years * 365 + birthday_offset)));
        let max_travel = TravelLimit::new(*pick_weighted(
            &mut self.rng,
            &[(45, 20), (60, 55), (75, 15), (90, 10)],
        ))
        .expect("demo limits are valid");
        let priority_tier = *pick_weighted(
            &mut self.rng,
            &[
                (PriorityTier::OrganisationalChange, 75),
                (PriorityTier::HealthOrCapability, 12),
                (PriorityTier::FixedTermRedundancy, 8),
                (PriorityTier::Other, 5),
            ],
        );
        let period_days = self.rng.random_range(7..=120);
        let home_postcode = self.home_postcode(site_index);
        let lower_band_consent = self.rng.random_bool(0.4);

        AtRiskStaff {
            trust: site.trust.clone(),
            staff_number: format!("{:08}", 20_000_000 + index),
            name: format!("{first} {last}"),
            email: EmailAddress::parse(&format!("{email_local}@demo.redeploy.example"))
                .expect("demo emails are valid"),
            band,
            staff_group: profile.group,
            job_title: title.to_owned(),
            skills,
            registrations,
            base_site: site.code.clone(),
            home_postcode,
            max_travel,
            hours,
            lower_band_consent,
            priority_tier,
            redeployment_period_ends: self.date_from_today(period_days),
            salary,
            wte,
            continuous_service_start,
            date_of_birth,
            status: CaseStatus::Active,
            pension_strain: None,
            email_frequency: domain::EmailFrequency::Daily,
        }
    }

    fn vacancy(&mut self, _index: usize) -> Vacancy {
        let profile = &GROUPS[*pick_weighted(&mut self.rng, &self.groups.clone())];
        let (band, title) = self.band_and_title(profile);
        let site = self.site(false);
        let trust_index = self
            .reference
            .trusts
            .iter()
            .position(|t| t.ods_code == site.trust)
            .unwrap_or(0);
        self.references_issued[trust_index] += 1;
        let reference = format!(
            "{}-{}-{:05}",
            site.trust,
            self.spec.today.format("%y"),
            self.references_issued[trust_index]
        );

        let essential_count = self.rng.random_range(2..=4);
        let essential = self.distinct_skills(profile.skills, essential_count, &[]);
        let taken: Vec<String> = essential.iter().map(|s| s.skill.clone()).collect();
        let desirable_count = self.rng.random_range(1..=3);
        let mut desirable = self.distinct_skills(profile.skills, desirable_count, &taken);
        if self.rng.random_bool(0.3) {
            desirable.extend(self.distinct_skills(profiles::KSF_CORE, 1, &[]));
        }
        let registration_required = match profile.registration {
            Some((register, share)) if self.rng.random_range(0..100) < share => Some(register),
            _ => None,
        };
        let hours = Hours::new(*pick_weighted(
            &mut self.rng,
            &[(37.5, 75), (30.0, 10), (22.5, 10), (15.0, 5)],
        ))
        .expect("demo hours are valid");
        let posted_days_ago = self.rng.random_range(0..=30);
        let posted_on = self.date_from_today(-posted_days_ago);
        let closing_in_days = self.rng.random_range(1..=42);
        let closing_date = self.date_from_today(closing_in_days);
        let status = *pick_weighted(
            &mut self.rng,
            &[
                (VacancyStatus::Open, 95),
                (VacancyStatus::Filled, 3),
                (VacancyStatus::Withdrawn, 2),
            ],
        );
        Vacancy {
            trust: site.trust.clone(),
            reference,
            title: title.to_owned(),
            band,
            staff_group: profile.group,
            site: site.code.clone(),
            hours,
            closing_date,
            essential_skills: essential,
            desirable_skills: desirable,
            registration_required,
            contact_email: EmailAddress::parse(&format!(
                "recruitment.{}@demo.redeploy.example",
                site.trust.as_str().to_lowercase()
            ))
            .expect("demo emails are valid"),
            status,
            posted_on,
        }
    }
}

/// The position a staff member's travel is estimated from in the demo data: their home
/// district's centroid, else their base site. Shared with tests and benchmarks that need it.
pub fn home_position(reference: &ReferenceData, staff: &AtRiskStaff) -> Option<Coordinates> {
    staff
        .home_postcode
        .as_ref()
        .and_then(|p| reference.district(&p.district()))
        .map(|d| d.position)
        .or_else(|| {
            reference
                .sites
                .iter()
                .find(|s| s.code == staff.base_site)
                .map(|s| s.position)
        })
}

#[cfg(test)]
mod tests;
