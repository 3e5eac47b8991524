//! Reading and writing vacancies with their essential and desirable skills.

use chrono::{DateTime, Utc};
use domain::NormalisedSkill;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::catalogue::Catalogue;
use crate::entities::{skill, vacancy, vacancy_skill};
use crate::paging::PageRequest;
use crate::skills_store::{ensure_skill_ids, kind_code, skills_by_id};
use crate::store_support::{insert_chunked, insert_keyed};
use crate::vacancies::draft::{VacancyDraft, ValidVacancy};

/// A stored vacancy with its skills.
#[derive(Debug, Clone)]
pub struct StoredVacancy {
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

/// Replaces the skills of each (vacancy id, vacancy) pair, in as few statements as possible.
async fn write_skills<C: ConnectionTrait>(
    db: &C,
    vacancies: &[(i32, &ValidVacancy)],
) -> Result<(), DbErr> {
    let ids: Vec<i32> = vacancies.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(1000) {
        vacancy_skill::Entity::delete_many()
            .filter(vacancy_skill::Column::VacancyId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let every_skill: Vec<&NormalisedSkill> = vacancies
        .iter()
        .flat_map(|(_, valid)| {
            valid
                .vacancy
                .essential_skills
                .iter()
                .chain(&valid.vacancy.desirable_skills)
        })
        .collect();
    let skill_ids = ensure_skill_ids(db, &every_skill).await?;
    let mut rows = Vec::new();
    for (id, valid) in vacancies {
        let v = &valid.vacancy;
        let tagged = v
            .essential_skills
            .iter()
            .map(|s| (s, true))
            .chain(v.desirable_skills.iter().map(|s| (s, false)));
        rows.extend(tagged.map(|(s, essential)| vacancy_skill::ActiveModel {
            vacancy_id: Set(*id),
            skill_id: Set(skill_ids[&s.key()]),
            essential: Set(essential),
            entered: Set(s.entered.clone()),
            match_kind: Set(kind_code(s.kind).to_owned()),
            confidence: Set(s.confidence),
        }));
    }
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

/// Stores new vacancies (in as few statements as possible) and returns their ids, in order.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    valids: &[&ValidVacancy],
    now: DateTime<Utc>,
) -> Result<Vec<i32>, DbErr> {
    let row_of = |valid: &ValidVacancy| {
        let mut row = vacancy::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        columns(valid, &mut row);
        row
    };
    let ids = insert_keyed(
        db,
        valids,
        row_of,
        |v| (v.trust_id, v.vacancy.reference.clone()),
        |row| ((row.trust_id, row.reference), row.id),
        "vacancy",
    )
    .await?;
    let pairs: Vec<(i32, &ValidVacancy)> =
        ids.iter().copied().zip(valids.iter().copied()).collect();
    write_skills(db, &pairs).await?;
    Ok(ids)
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    valid: &ValidVacancy,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let ids = insert_many(db, &[valid], now).await?;
    ids.first()
        .copied()
        .ok_or_else(|| DbErr::Custom("the new vacancy could not be read back".to_owned()))
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
    write_skills(db, &[(id, valid)]).await
}

/// Reads many vacancies' skills in a few queries.
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    rows: Vec<vacancy::Model>,
) -> Result<Vec<StoredVacancy>, DbErr> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut wanted: Vec<vacancy_skill::Model> = Vec::new();
    for chunk in ids.chunks(1000) {
        wanted.extend(
            vacancy_skill::Entity::find()
                .filter(vacancy_skill::Column::VacancyId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    let named = skills_by_id(db, wanted.iter().map(|w| w.skill_id)).await?;
    let mut by_vacancy: std::collections::HashMap<i32, Vec<(vacancy_skill::Model, skill::Model)>> =
        Default::default();
    for w in wanted {
        if let Some(s) = named.get(&w.skill_id) {
            by_vacancy
                .entry(w.vacancy_id)
                .or_default()
                .push((w, s.clone()));
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut skills = by_vacancy.remove(&row.id).unwrap_or_default();
            skills.sort_by(|a, b| {
                b.0.essential
                    .cmp(&a.0.essential)
                    .then(a.1.name.cmp(&b.1.name))
            });
            StoredVacancy { row, skills }
        })
        .collect())
}

pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<StoredVacancy>, DbErr> {
    let Some(row) = vacancy::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(load_many(db, vec![row]).await?.pop())
}

impl StoredVacancy {
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
    /// Only vacancies with this reference (a trust's own, as its adverts show it).
    pub reference: Option<String>,
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
    if let Some(reference) = &filter.reference {
        condition = condition.add(vacancy::Column::Reference.eq(reference.as_str()));
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
