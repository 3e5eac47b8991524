//! `/upload`: trust HR choose a CSV or XLSX file of vacancies or at-risk staff, see every
//! problem by row and column before anything is written, and confirm; the file is then stored
//! all or nothing, by the same operation as `POST /api/v1/vacancies/import` and
//! `POST /api/v1/staff/import` (a dry run first, then the real one).
//!
//! Between the preview and the confirmation the file travels in the confirmation form itself
//! (base64), so the service keeps nothing half-uploaded and any instance can take the
//! confirmation. Confirming runs every check again: a file that became wrong meanwhile (a
//! site removed, say) is shown with its problems and nothing is written.
//!
//! Must never: write a row of a file that has a problem.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::Role;
use serde::Deserialize;
use store::import::ImportReport;
use store::import::staff::Staff;
use store::import::vacancies::Vacancies;

use super::{
    Nav, PageError, Problem, capitalised, expired_form, form_guard, guarded, page, problem_with,
    visitor,
};
use crate::state::AppState;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vacancies,
    Staff,
}

impl Kind {
    fn parse(text: &str) -> Option<Kind> {
        match text {
            "vacancies" => Some(Kind::Vacancies),
            "staff" => Some(Kind::Staff),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Kind::Vacancies => "vacancies",
            Kind::Staff => "staff",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Vacancies => "vacancies",
            Kind::Staff => "at-risk staff",
        }
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    nav: Nav,
    form_guard: String,
    kind: &'static str,
    problems: Vec<Problem>,
}

impl UploadPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// One problem in a file, where it is.
struct FileProblem {
    row: usize,
    column: String,
    value: String,
    message: String,
}

#[derive(Template)]
#[template(path = "upload_preview.html")]
struct PreviewPage {
    nav: Nav,
    form_guard: String,
    kind: &'static str,
    noun: &'static str,
    file_name: String,
    /// The file, base64 (URL-safe, unpadded), for the confirmation form.
    file: String,
    created: usize,
    updated: usize,
    unchanged: usize,
    ignored_columns: Vec<String>,
    problems: Vec<FileProblem>,
    /// The file was written: this is the result, not a preview.
    stored: bool,
}

/// `GET /upload`: the form to choose a file.
pub async fn get_upload(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, &[Role::TrustHr, Role::Admin]).await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = UploadPage {
        nav: Nav::for_role(actor.role, "/upload", &guard),
        form_guard: guard.clone(),
        kind: "",
        problems: Vec::new(),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

/// What a posted upload form held.
#[derive(Default)]
struct Posted {
    form_guard: String,
    kind: String,
    file_name: String,
    file: Vec<u8>,
}

async fn read_posted(mut multipart: Multipart) -> Result<Posted, String> {
    let mut posted = Posted::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(error.body_text()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                posted.file_name = field.file_name().unwrap_or_default().to_owned();
                posted.file = field.bytes().await.map_err(|e| e.body_text())?.to_vec();
            }
            "form_guard" | "kind" => {
                let text = field.text().await.map_err(|e| e.body_text())?;
                if name == "kind" {
                    posted.kind = text;
                } else {
                    posted.form_guard = text;
                }
            }
            _ => {}
        }
    }
    Ok(posted)
}

/// Runs the upload of `file` as `kind`: a dry run for a preview, or for real.
async fn run_upload(
    state: &AppState,
    actor: &store::Actor,
    kind: Kind,
    file: &[u8],
    dry_run: bool,
) -> Result<ImportReport, store::Error> {
    match kind {
        Kind::Vacancies => {
            state
                .store
                .upload::<Vacancies>(actor, file, dry_run, None, "Uploading vacancies")
                .await
        }
        Kind::Staff => {
            state
                .store
                .upload::<Staff>(actor, file, dry_run, None, "Uploading at-risk staff")
                .await
        }
    }
}

/// The preview (or, once stored, the result) of an upload.
#[allow(clippy::too_many_arguments)]
fn preview(
    actor: &store::Actor,
    guard: &str,
    kind: Kind,
    file_name: &str,
    file: &[u8],
    report: ImportReport,
    stored: bool,
) -> Response {
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown = PreviewPage {
        nav: Nav::for_role(actor.role, "/upload", guard),
        form_guard: guard.to_owned(),
        kind: kind.code(),
        noun: kind.noun(),
        file_name: file_name.to_owned(),
        file: if report.errors.is_empty() && !stored {
            URL_SAFE_NO_PAD.encode(file)
        } else {
            String::new()
        },
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        ignored_columns: report.ignored_columns,
        problems: report
            .errors
            .into_iter()
            .map(|e| FileProblem {
                row: e.row,
                column: e.column,
                value: e.value,
                message: capitalised(&e.message),
            })
            .collect(),
        stored,
    };
    page(status, &shown, None)
}

/// The upload form again with `problems`.
fn upload_again(actor: &store::Actor, guard: &str, kind: &str, problems: Vec<Problem>) -> Response {
    let shown = UploadPage {
        nav: Nav::for_role(actor.role, "/upload", guard),
        form_guard: guard.to_owned(),
        kind: match kind {
            "vacancies" => "vacancies",
            "staff" => "staff",
            _ => "",
        },
        problems,
    };
    page(StatusCode::UNPROCESSABLE_ENTITY, &shown, None)
}

/// `POST /upload`: checks the chosen file without writing it and shows every problem, or what
/// confirming would do.
pub async fn post_upload(
    State(state): State<AppState>,
    parts: Parts,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, &[Role::TrustHr, Role::Admin]).await?;
    let posted = match read_posted(multipart).await {
        Ok(posted) => posted,
        Err(_) => {
            let (guard, _) = form_guard(&parts.headers)?;
            let limit = state.store.settings().uploads.max_bytes / 1_000_000;
            return Ok(upload_again(
                &actor,
                &guard,
                "",
                vec![Problem::new(
                    "file",
                    format!(
                        "The file could not be received: choose a file smaller than {limit} MB"
                    ),
                )],
            ));
        }
    };
    if !guarded(&parts.headers, &posted.form_guard) {
        return Ok(expired_form());
    }
    let mut problems = Vec::new();
    let kind = Kind::parse(&posted.kind);
    if kind.is_none() {
        problems.push(Problem::new(
            "kind-vacancies",
            "Select whether the file holds vacancies or at-risk staff",
        ));
    }
    if posted.file.is_empty() {
        problems.push(Problem::new("file", "Choose a CSV or XLSX file to upload"));
    }
    let Some(kind) = kind.filter(|_| problems.is_empty()) else {
        return Ok(upload_again(
            &actor,
            &posted.form_guard,
            &posted.kind,
            problems,
        ));
    };
    match run_upload(&state, &actor, kind, &posted.file, true).await {
        Ok(report) => Ok(preview(
            &actor,
            &posted.form_guard,
            kind,
            &posted.file_name,
            &posted.file,
            report,
            false,
        )),
        Err(store::Error::UnreadableFile(detail)) => Ok(upload_again(
            &actor,
            &posted.form_guard,
            kind.code(),
            vec![Problem::new(
                "file",
                format!("The file cannot be read: {detail}"),
            )],
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    file_name: String,
    #[serde(default)]
    file: String,
}

/// `POST /upload/confirm`: stores the previewed file, all or nothing, and shows what was done;
/// or, when a row has become wrong since the preview, its problems with nothing written.
pub async fn post_upload_confirm(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, &[Role::TrustHr, Role::Admin]).await?;
    let (Some(kind), Ok(file)) = (Kind::parse(&form.kind), URL_SAFE_NO_PAD.decode(&form.file))
    else {
        return Ok(upload_again(
            &actor,
            &form.form_guard,
            &form.kind,
            vec![Problem::new(
                "file",
                "The file did not come through whole: choose it again",
            )],
        ));
    };
    match run_upload(&state, &actor, kind, &file, false).await {
        Ok(report) => {
            let stored = report.errors.is_empty();
            Ok(preview(
                &actor,
                &form.form_guard,
                kind,
                &form.file_name,
                &file,
                report,
                stored,
            ))
        }
        Err(store::Error::UnreadableFile(detail)) => Ok(upload_again(
            &actor,
            &form.form_guard,
            kind.code(),
            vec![Problem::new(
                "file",
                format!("The file cannot be read: {detail}"),
            )],
        )),
        Err(other) => Err(other.into()),
    }
}
