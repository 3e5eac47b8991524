//! Admin's pages for the reference data: add a trust (`/admin/trusts/new`), a trust's page with
//! its sites, a form to add one and a form to correct the trust (`/admin/trusts/{ods}`),
//! correct a site (`/admin/sites/{id}`), add a skill to the vocabulary (`/admin/skills/new`),
//! and a skill's page where synonyms are added and admin's own taken back
//! (`/admin/skills/{id}`). Each change calls one operation of `store::reference_admin`.
//!
//! Must never: decide who may do what, or check a field (the store does both); show a field's
//! problem anywhere but beside that field and in the error summary.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{HcasZone, Role, SkillCategory, TrustKind};
use serde::Deserialize;
use store::reference_admin::{SiteForm, SynonymListed, TrustForm};

use super::admin::{Choice, GuardOnly, encode};
use super::{
    Nav, PageError, Problem, cannot_be_done, capitalised, expired_form, form_guard, guarded,
    page_with_problems, visitor,
};
use crate::state::AppState;

const ADMIN: &[Role] = &[Role::Admin];

/// One field of an admin form: a text box, or a select when it has choices.
pub(crate) struct FormField {
    id: String,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    choices: Vec<Choice>,
    error: Option<String>,
}

impl FormField {
    fn text(prefix: &str, name: &'static str, label: &'static str, value: &str) -> FormField {
        FormField {
            id: format!("{prefix}-{name}"),
            name,
            label,
            hint: "",
            value: value.to_owned(),
            choices: Vec::new(),
            error: None,
        }
    }

    fn hint(mut self, hint: &'static str) -> FormField {
        self.hint = hint;
        self
    }

    /// A select of `options` (code, label), `value` chosen.
    fn select(
        prefix: &str,
        name: &'static str,
        label: &'static str,
        value: &str,
        options: impl IntoIterator<Item = (String, String)>,
    ) -> FormField {
        let choices = options
            .into_iter()
            .map(|(code, text)| Choice {
                selected: code == value,
                value: code,
                label: text,
            })
            .collect();
        FormField {
            choices,
            ..FormField::text(prefix, name, label, value)
        }
    }

    /// The ids of the hint and error that describe the field, for `aria-describedby`.
    pub(crate) fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// Puts each refused field's message beside its field, and returns them for the summary in
/// the form's order.
fn place_problems(fields: &mut [FormField], refused: Vec<store::FieldError>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for field in fields.iter_mut() {
        if let Some(found) = refused.iter().find(|f| f.field == field.name) {
            let message = capitalised(&found.message);
            problems.push(Problem::new(&field.id, message.clone()));
            field.error = Some(message);
        }
    }
    problems
}

fn kinds() -> Vec<(String, String)> {
    TrustKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect()
}

fn zones(first: Option<&str>) -> Vec<(String, String)> {
    first
        .map(|text| (String::new(), text.to_owned()))
        .into_iter()
        .chain(
            HcasZone::ALL
                .iter()
                .map(|z| (z.code().to_owned(), z.label().to_owned())),
        )
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct TrustFields {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    ods_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    hcas_zone: String,
}

impl TrustFields {
    fn form(&self) -> TrustForm {
        TrustForm {
            ods_code: self.ods_code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            hcas_zone: self.hcas_zone.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SiteFields {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    site_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    hcas_zone: String,
}

impl SiteFields {
    fn form(&self) -> SiteForm {
        SiteForm {
            site_code: self.site_code.clone(),
            name: self.name.clone(),
            postcode: self.postcode.clone(),
            hcas_zone: self.hcas_zone.clone(),
        }
    }
}

/// A page of one form.
#[derive(Template)]
#[template(path = "admin_form.html")]
struct FormPage {
    nav: Nav,
    form_guard: String,
    heading: String,
    intro: &'static str,
    action: String,
    submit: &'static str,
    back_href: String,
    back_text: &'static str,
    fields: Vec<FormField>,
    problems: Vec<Problem>,
}

/// Renders a one-form page, with the guard the browser has or a new one.
fn form_page(
    parts: &Parts,
    actor: &store::Actor,
    mut shown: FormPage,
) -> Result<Response, PageError> {
    let (guard, new) = form_guard(&parts.headers)?;
    shown.nav = Nav::for_role(actor.role, "/admin", &guard);
    shown.form_guard = guard.clone();
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

fn new_trust_page(fields: &TrustFields, refused: Vec<store::FieldError>) -> FormPage {
    let mut shown = vec![
        FormField::text("trust", "ods_code", "ODS code", &fields.ods_code)
            .hint("The trust's code in the NHS Organisation Data Service, such as RJ1"),
        FormField::text("trust", "name", "Name", &fields.name),
        FormField::select("trust", "kind", "Kind of trust", &fields.kind, kinds()),
        FormField::select(
            "trust",
            "hcas_zone",
            "High Cost Area Supplement zone",
            &fields.hcas_zone,
            zones(None),
        ),
    ];
    let problems = place_problems(&mut shown, refused);
    FormPage {
        nav: Nav::for_role(Role::Admin, "/admin", ""),
        form_guard: String::new(),
        heading: "Add a trust".to_owned(),
        intro: "For an organisation the service does not list yet, such as a trust formed by a merger. Add its sites on the next page.",
        action: "/admin/trusts".to_owned(),
        submit: "Add the trust",
        back_href: "/admin#trusts".to_owned(),
        back_text: "Back to administration",
        fields: shown,
        problems,
    }
}

/// `GET /admin/trusts/new`.
pub async fn get_new_trust(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    let fields = TrustFields {
        kind: TrustKind::Acute.code().to_owned(),
        hcas_zone: HcasZone::InnerLondon.code().to_owned(),
        ..TrustFields::default()
    };
    form_page(&parts, &actor, new_trust_page(&fields, Vec::new()))
}

/// `POST /admin/trusts`: adds a trust, then opens its page to add sites.
pub async fn post_new_trust(
    State(state): State<AppState>,
    parts: Parts,
    Form(fields): Form<TrustFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state.store.add_trust(&actor, &fields.form()).await {
        Ok(added) => Ok(Redirect::to(&format!(
            "/admin/trusts/{}?done=added#add-site",
            added.ods_code
        ))
        .into_response()),
        Err(store::Error::Invalid(refused)) => {
            form_page(&parts, &actor, new_trust_page(&fields, refused))
        }
        Err(other) => Err(other.into()),
    }
}

struct SiteRow {
    id: i32,
    name: String,
    code: String,
    postcode: String,
    zone: &'static str,
}

#[derive(Template)]
#[template(path = "admin_trust.html")]
struct TrustPage {
    nav: Nav,
    form_guard: String,
    notice: Option<String>,
    code: String,
    name: String,
    sites: Vec<SiteRow>,
    site_fields: Vec<FormField>,
    trust_fields: Vec<FormField>,
    problems: Vec<Problem>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// What a change just did, in words.
fn done_notice(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "added" => "The trust is added. Add its sites here.",
            "changed" => "The trust's details are saved.",
            "site-added" => "The site is added. Staff and vacancies can be registered at it now.",
            "site-changed" => {
                "The site is saved. Vacancies there and staff based there are matched from where it is now."
            }
            "skill-added" => "The skill is in the vocabulary. Skills entered from now on are recognised as it.",
            "synonym-added" => "Skills entered from now on in these words are taken as this skill.",
            "synonym-removed" => "The words are no longer taken as this skill.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// Which of the trust page's forms came back refused, with what was typed.
enum TrustPageForm<'a> {
    None,
    Trust(&'a TrustFields, Vec<store::FieldError>),
    Site(&'a SiteFields, Vec<store::FieldError>),
}

async fn trust_page(
    state: &AppState,
    actor: &store::Actor,
    parts: &Parts,
    ods_code: &str,
    notice: Option<String>,
    refused: TrustPageForm<'_>,
) -> Result<Response, PageError> {
    let catalogue = state.store.catalogue().await?;
    let trust = catalogue
        .trust_by_code(ods_code)
        .ok_or(store::Error::NotFound("trust"))?;
    let mut sites: Vec<SiteRow> = catalogue
        .sites()
        .filter(|s| s.trust_id == trust.id)
        .map(|s| SiteRow {
            id: s.id,
            name: s.name.clone(),
            code: s.site_code.clone(),
            postcode: s.postcode.clone(),
            zone: HcasZone::from_code(&s.hcas_zone).map_or("", |z| z.label()),
        })
        .collect();
    sites.sort_by(|a, b| a.name.cmp(&b.name));
    let stored = TrustFields {
        name: trust.name.clone(),
        kind: trust.kind.clone(),
        hcas_zone: trust.hcas_zone.clone(),
        ..TrustFields::default()
    };
    let empty_site = SiteFields::default();
    let (trust_typed, site_typed, trust_refused, site_refused) = match refused {
        TrustPageForm::None => (&stored, &empty_site, Vec::new(), Vec::new()),
        TrustPageForm::Trust(typed, refused) => (typed, &empty_site, refused, Vec::new()),
        TrustPageForm::Site(typed, refused) => (&stored, typed, Vec::new(), refused),
    };
    let mut site_fields = site_fields("site", site_typed, true);
    let mut trust_fields = vec![
        FormField::text("trust", "name", "Name", &trust_typed.name),
        FormField::select("trust", "kind", "Kind of trust", &trust_typed.kind, kinds()),
        FormField::select(
            "trust",
            "hcas_zone",
            "High Cost Area Supplement zone",
            &trust_typed.hcas_zone,
            zones(None),
        ),
    ];
    let mut problems = place_problems(&mut site_fields, site_refused);
    problems.extend(place_problems(&mut trust_fields, trust_refused));
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = TrustPage {
        nav: Nav::for_role(actor.role, "/admin", &guard),
        form_guard: guard.clone(),
        notice,
        code: trust.ods_code.clone(),
        name: trust.name.clone(),
        sites,
        site_fields,
        trust_fields,
        problems,
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

/// The fields of a site form; the site code only when adding.
fn site_fields(prefix: &str, typed: &SiteFields, adding: bool) -> Vec<FormField> {
    let mut fields = Vec::new();
    if adding {
        fields.push(
            FormField::text(prefix, "site_code", "Site code (optional)", &typed.site_code).hint(
                "The ODS site code, such as RJ122. Leave it empty to have one made from the trust's code and the name.",
            ),
        );
    }
    fields.push(FormField::text(prefix, "name", "Name", &typed.name));
    fields.push(
        FormField::text(prefix, "postcode", "Postcode", &typed.postcode)
            .hint("The site's full postcode, such as SE5 9RS"),
    );
    fields.push(FormField::select(
        prefix,
        "hcas_zone",
        "High Cost Area Supplement zone",
        &typed.hcas_zone,
        zones(adding.then_some("The same as the trust's")),
    ));
    fields
}

/// `GET /admin/trusts/{ods}`.
pub async fn get_trust(
    State(state): State<AppState>,
    Path(ods_code): Path<String>,
    Query(query): Query<DoneQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    let notice = done_notice(query.done.as_deref());
    trust_page(
        &state,
        &actor,
        &parts,
        &ods_code,
        notice,
        TrustPageForm::None,
    )
    .await
}

/// `POST /admin/trusts/{ods}`: corrects the trust's name, kind or zone.
pub async fn post_trust(
    State(state): State<AppState>,
    Path(ods_code): Path<String>,
    parts: Parts,
    Form(fields): Form<TrustFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state
        .store
        .change_trust(&actor, &ods_code, &fields.form())
        .await
    {
        Ok(changed) => Ok(Redirect::to(&format!(
            "/admin/trusts/{}?done=changed",
            changed.ods_code
        ))
        .into_response()),
        Err(store::Error::Invalid(refused)) => {
            let refused = TrustPageForm::Trust(&fields, refused);
            trust_page(&state, &actor, &parts, &ods_code, None, refused).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/trusts/{ods}/sites`: adds a site to the trust.
pub async fn post_new_site(
    State(state): State<AppState>,
    Path(ods_code): Path<String>,
    parts: Parts,
    Form(fields): Form<SiteFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state
        .store
        .add_site(&actor, &ods_code, &fields.form())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/trusts/{}?done=site-added#sites",
            encode(&ods_code.trim().to_ascii_uppercase())
        ))
        .into_response()),
        Err(store::Error::Invalid(refused)) => {
            let refused = TrustPageForm::Site(&fields, refused);
            trust_page(&state, &actor, &parts, &ods_code, None, refused).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn site_page(
    state: &AppState,
    parts: &Parts,
    actor: &store::Actor,
    id: i32,
    typed: Option<(&SiteFields, Vec<store::FieldError>)>,
) -> Result<Response, PageError> {
    let catalogue = state.store.catalogue().await?;
    let site = catalogue.site(id).ok_or(store::Error::NotFound("site"))?;
    let stored = SiteFields {
        name: site.name.clone(),
        postcode: site.postcode.clone(),
        hcas_zone: site.hcas_zone.clone(),
        ..SiteFields::default()
    };
    let (typed, refused) = typed.unwrap_or((&stored, Vec::new()));
    let mut fields = site_fields("site", typed, false);
    let problems = place_problems(&mut fields, refused);
    let trust = catalogue.trust_code(site.trust_id);
    let shown = FormPage {
        nav: Nav::for_role(actor.role, "/admin", ""),
        form_guard: String::new(),
        heading: format!("Change {}", site.name),
        intro: "A new postcode moves the site: vacancies there and staff based there are matched from the new position at once.",
        action: format!("/admin/sites/{id}"),
        submit: "Save the site",
        back_href: format!("/admin/trusts/{trust}#sites"),
        back_text: "Back to the trust",
        fields,
        problems,
    };
    form_page(parts, actor, shown)
}

/// `GET /admin/sites/{id}`.
pub async fn get_site(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    site_page(&state, &parts, &actor, id, None).await
}

/// `POST /admin/sites/{id}`: corrects a site's name, postcode or zone.
pub async fn post_site(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    parts: Parts,
    Form(fields): Form<SiteFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state.store.change_site(&actor, id, &fields.form()).await {
        Ok(changed) => {
            let trust = state.store.catalogue().await?.trust_code(changed.trust_id);
            Ok(
                Redirect::to(&format!("/admin/trusts/{trust}?done=site-changed#sites"))
                    .into_response(),
            )
        }
        Err(store::Error::Invalid(refused)) => {
            site_page(&state, &parts, &actor, id, Some((&fields, refused))).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SkillFields {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
}

fn new_skill_page(fields: &SkillFields, refused: Vec<store::FieldError>) -> FormPage {
    let categories = SkillCategory::ALL
        .iter()
        .filter(|c| **c != SkillCategory::Custom)
        .map(|c| (c.code().to_owned(), c.label().to_owned()));
    let mut shown = vec![
        FormField::text("skill", "name", "Skill", &fields.name)
            .hint("As people should see it, such as Venepuncture"),
        FormField::select("skill", "category", "Family", &fields.category, categories),
    ];
    let problems = place_problems(&mut shown, refused);
    FormPage {
        nav: Nav::for_role(Role::Admin, "/admin", ""),
        form_guard: String::new(),
        heading: "Add a skill to the vocabulary".to_owned(),
        intro: "Skills people enter from now on are recognised as it, by its name, by the other ways of writing it you add next, and by close spellings.",
        action: "/admin/skills".to_owned(),
        submit: "Add the skill",
        back_href: "/admin#skills".to_owned(),
        back_text: "Back to administration",
        fields: shown,
        problems,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewSkillQuery {
    name: Option<String>,
}

/// `GET /admin/skills/new` (`?name=` fills in a custom skill someone typed).
pub async fn get_new_skill(
    State(state): State<AppState>,
    Query(query): Query<NewSkillQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    let fields = SkillFields {
        name: query.name.unwrap_or_default(),
        category: SkillCategory::Clinical.code().to_owned(),
        ..SkillFields::default()
    };
    form_page(&parts, &actor, new_skill_page(&fields, Vec::new()))
}

/// `POST /admin/skills`: adds a skill to the vocabulary.
pub async fn post_new_skill(
    State(state): State<AppState>,
    parts: Parts,
    Form(fields): Form<SkillFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state
        .store
        .add_skill(&actor, &fields.name, &fields.category)
        .await
    {
        Ok(added) => Ok(
            Redirect::to(&format!("/admin/skills/{}?done=skill-added", added.id)).into_response(),
        ),
        Err(store::Error::Invalid(refused)) => {
            form_page(&parts, &actor, new_skill_page(&fields, refused))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_skill.html")]
struct SkillPage {
    nav: Nav,
    form_guard: String,
    notice: Option<String>,
    id: i32,
    name: String,
    category: &'static str,
    synonyms: Vec<SynonymListed>,
    fields: Vec<FormField>,
    problems: Vec<Problem>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SynonymFields {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    synonym: String,
}

async fn skill_page(
    state: &AppState,
    parts: &Parts,
    actor: &store::Actor,
    id: i32,
    notice: Option<String>,
    typed: Option<(&SynonymFields, Vec<store::FieldError>)>,
) -> Result<Response, PageError> {
    let skill = state.store.skill_detail(actor, id).await?;
    let (value, refused) = typed.map_or((String::new(), Vec::new()), |(fields, refused)| {
        (fields.synonym.clone(), refused)
    });
    let mut fields = vec![
        FormField::text("synonym", "synonym", "Other words for it", &value)
            .hint("Such as an abbreviation, or what a team calls it"),
    ];
    let problems = place_problems(&mut fields, refused);
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = SkillPage {
        nav: Nav::for_role(actor.role, "/admin", &guard),
        form_guard: guard.clone(),
        notice,
        id: skill.id,
        name: skill.name,
        category: skill.category.label(),
        synonyms: skill.synonyms,
        fields,
        problems,
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

/// `GET /admin/skills/{id}`.
pub async fn get_skill(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(query): Query<DoneQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    let notice = done_notice(query.done.as_deref());
    skill_page(&state, &parts, &actor, id, notice, None).await
}

/// `POST /admin/skills/{id}/synonyms`: adds another way of writing the skill.
pub async fn post_synonym(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    parts: Parts,
    Form(fields): Form<SynonymFields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &fields.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state.store.add_synonym(&actor, id, &fields.synonym).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/skills/{id}?done=synonym-added#synonyms"))
                .into_response(),
        ),
        Err(store::Error::Invalid(refused)) => {
            skill_page(&state, &parts, &actor, id, None, Some((&fields, refused))).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/skills/{id}/synonyms/{synonym}/remove`: takes back a synonym admin added.
pub async fn post_remove_synonym(
    State(state): State<AppState>,
    Path((id, synonym)): Path<(i32, i32)>,
    parts: Parts,
    Form(form): Form<GuardOnly>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    match state.store.remove_synonym(&actor, id, synonym).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/skills/{id}?done=synonym-removed#synonyms"))
                .into_response(),
        ),
        Err(store::Error::Conflict(detail)) => Ok(cannot_be_done(
            &detail,
            &format!("/admin/skills/{id}"),
            "Back to the skill",
        )),
        Err(other) => Err(other.into()),
    }
}
