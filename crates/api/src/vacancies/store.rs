//! Reading and writing vacancies with their essential and desirable skills.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::catalogue::Catalogue;
use crate::entities::{skill, vacancy, vacancy_skill};
use crate::paging::PageRequest;
use crate::skills_store::{ensure_skill_ids, kind_code, skills_by_id};
use crate::store_support::insert_chunked;
use crate::vacancies::draft::{VacancyDraft, ValidVacancy};

/// A stored vacancy with its skills.
#[derive(Debug, Clone)]
pub struct VacancyRecord {
    pub row: vacancy::Model,
    pub skills: Vec<(vacancy_skill::Model, skill::Model)>,
}

fn columns(valid: &ValidVacancy, row: &mut vacancy::ActiveModel) {
    let v = &valid.vacancy;
    row.trust_id = Set(valid.trust_id);
    row.reference = Set(v.reference.clone());
    row.title = Set(v.title.clone());
    row.band = Set(v.band.code().to_owned());
    row.band_rank = Set(i16::from(v.band.rank()));
    row.staff_group = Set(v.staff_group.code().to_owned());
    row.site_id = Set(valid.site_id);
    row.hours = Set(v.hours.get());
    row.closing_date = Set(v.closing_date);
    row.registration_required = Set(v.registration_required.map(|r| r.code().to_owned()));
    row.contact_email = Set(v.contact_email.as_str().to_owned());
    row.status = Set(v.status.code().to_owned());
    row.posted_on = Set(v.posted_on);
}

async fn write_skills<C: ConnectionTrait>(
    db: &C,
    id: i32,
    valid: &ValidVacancy,
) -> Result<(), DbErr> {
    vacancy_skill::Entity::delete_many()
        .filter(vacancy_skill::Column::VacancyId.eq(id))
        .exec(db)
        .await?;
    let v = &valid.vacancy;
    let ids = ensure_skill_ids(db, v.essential_skills.iter().chain(&v.desirable_skills)).await?;
    let tagged = v
        .essential_skills
        .iter()
        .map(|s| (s, true))
        .chain(v.desirable_skills.iter().map(|s| (s, false)));
    let rows = tagged
        .map(|(s, essential)| vacancy_skill::ActiveModel {
            vacancy_id: Set(id),
            skill_id: Set(ids[&s.key()]),
            essential: Set(essential),
            entered: Set(s.entered.clone()),
            match_kind: Set(kind_code(s.kind).to_owned()),
            confidence: Set(s.confidence),
        })
        .collect();
    insert_chunked(db, rows, None).await
}

pub async fn find_by_reference<C: ConnectionTrait>(
    db: &C,
    trust_id: i32,
    reference: &str,
) -> Result<Option<vacancy::Model>, DbErr> {
    vacancy::Entity::find()
        .filter(vacancy::Column::TrustId.eq(trust_id))
        .filter(vacancy::Column::Reference.eq(reference))
        .one(db)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    valid: &ValidVacancy,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let mut row = vacancy::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    columns(valid, &mut row);
    let id = vacancy::Entity::insert(row).exec(db).await?.last_insert_id;
    write_skills(db, id, valid).await?;
    Ok(id)
}

pub async fn update<C: ConnectionTrait>(
    db: &C,
    existing: vacancy::Model,
    valid: &ValidVacancy,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = existing.id;
    let mut row = existing.into_active_model();
    columns(valid, &mut row);
    row.updated_at = Set(now);
    row.update(db).await?;
    write_skills(db, id, valid).await
}

pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<VacancyRecord>, DbErr> {
    let Some(row) = vacancy::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let wanted = vacancy_skill::Entity::find()
        .filter(vacancy_skill::Column::VacancyId.eq(id))
        .all(db)
        .await?;
    let named = skills_by_id(db, wanted.iter().map(|w| w.skill_id)).await?;
    let mut skills: Vec<(vacancy_skill::Model, skill::Model)> = wanted
        .into_iter()
        .filter_map(|w| named.get(&w.skill_id).cloned().map(|s| (w, s)))
        .collect();
    skills.sort_by(|a, b| {
        b.0.essential
            .cmp(&a.0.essential)
            .then(a.1.name.cmp(&b.1.name))
    });
    Ok(Some(VacancyRecord { row, skills }))
}

impl VacancyRecord {
    /// The vacancy as a draft, so that a change is checked by the same rules as a new one.
    pub fn to_draft(&self, catalogue: &Catalogue) -> VacancyDraft {
        let r = &self.row;
        let skills = |essential: bool| {
            Some(
                self.skills
                    .iter()
                    .filter(|(w, _)| w.essential == essential)
                    .map(|(w, _)| w.entered.clone())
                    .collect(),
            )
        };
        VacancyDraft {
            trust: catalogue.trust(r.trust_id).map(|t| t.ods_code.clone()),
            reference: Some(r.reference.clone()),
            title: Some(r.title.clone()),
            band: Some(r.band.clone()),
            staff_group: Some(r.staff_group.clone()),
            site: Some(i64::from(r.site_id)),
            hours: Some(r.hours),
            closing_date: Some(r.closing_date.to_string()),
            essential_skills: skills(true),
            desirable_skills: skills(false),
            registration_required: r.registration_required.clone(),
            contact_email: Some(r.contact_email.clone()),
            status: Some(r.status.clone()),
        }
    }
}

/// Filters for the vacancy list.
#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    /// Only these trusts' vacancies (None: every trust).
    pub trust_id: Option<i32>,
    pub status: Option<String>,
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &VacancyFilter,
    page: PageRequest,
) -> Result<(Vec<vacancy::Model>, u64), DbErr> {
    let mut condition = Condition::all();
    if let Some(trust) = filter.trust_id {
        condition = condition.add(vacancy::Column::TrustId.eq(trust));
    }
    if let Some(status) = &filter.status {
        condition = condition.add(vacancy::Column::Status.eq(status.as_str()));
    }
    let query = vacancy::Entity::find().filter(condition);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(vacancy::Column::ClosingDate)
        .order_by_asc(vacancy::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}
