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
    (data.staff.len() + data.vacancies.len()) as u64
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

/// Loads `data` and creates the demo accounts, all in one transaction.
pub async fn load_demo(
    db: &DatabaseConnection,
    data: &DemoDataSet,
    progress: &dyn LoadProgress,
) -> Result<Vec<DemoAccount>, DemoLoadError> {
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

    let every_skill: Vec<&NormalisedSkill> = data
        .staff
        .iter()
        .flat_map(|s| s.skills.iter())
        .chain(
            data.vacancies
                .iter()
                .flat_map(|v| v.essential_skills.iter().chain(&v.desirable_skills)),
        )
        .collect();
    let mut skills = ensure_skill_ids(&txn, &every_skill).await?;

    for batch in data.staff.chunks(BATCH) {
        let mut rows = Vec::with_capacity(batch.len());
        for s in batch {
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
                wte: Set(s.wte.get()),
                continuous_service_start: Set(s.continuous_service_start),
                date_of_birth: Set(s.date_of_birth),
                status: Set(s.status.code().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
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
    for s in &data.staff {
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

    for batch in data.vacancies.chunks(BATCH) {
        let mut rows = Vec::with_capacity(batch.len());
        for v in batch {
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
                created_at: Set(now),
                updated_at: Set(now),
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
    for v in &data.vacancies {
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
    txn.commit().await?;
    Ok(accounts)
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
        let row = user::ActiveModel {
            email: Set(account.email.clone()),
            password_hash: Set(Some(hash_password(&account.password)?)),
            role: Set(account.role.to_owned()),
            trust_id: Set(trust_id),
            staff_id: Set(staff_id),
            display_name: Set(display_name),
            disabled: Set(false),
            failed_sign_ins: Set(0),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
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
    pub load_time: std::time::Duration,
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
    /// transaction, and loads the match index.
    pub async fn load_demo(
        &self,
        spec: &demo::DemoSpec,
        progress: &dyn LoadProgress,
    ) -> Result<DemoLoaded, DemoLoadError> {
        let started = std::time::Instant::now();
        let data = demo::generate(spec, self.reference(), &self.settings().pay);
        progress.start(progress_total(&data));
        let accounts = load_demo(self.db(), &data, progress).await?;
        crate::match_index::log_everything(self.db())
            .await
            .map_err(DemoLoadError::Ranking)?;
        self.warm_matches().await.map_err(DemoLoadError::Ranking)?;
        Ok(DemoLoaded {
            accounts,
            staff: data.staff.len(),
            vacancies: data.vacancies.len(),
            load_time: started.elapsed(),
        })
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
            return Ok(DemoStart::Loaded(self.load_demo(spec, &|_| {}).await?));
        }
        let accounts = existing_demo_accounts(self.db()).await?;
        Ok(if accounts.is_empty() {
            DemoStart::NotEmpty { staff, vacancies }
        } else {
            DemoStart::AlreadyLoaded(accounts)
        })
    }
}
