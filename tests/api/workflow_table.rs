//! Every move of the case workflow, legal and illegal, asked by every kind of person: the staff
//! member, their own trust's HR, the HR of the vacancy's (other) trust, the partnership and
//! admin. The table of legal moves below is DESIGN §2 written out by hand, not read from the
//! code under test.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::access::link;
use crate::helpers::{People, TestApp, create, people};
use crate::workflow::{move_pair, nurse, ward_post};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    StaffMember,
    OwnHr,
    VacancyHr,
    Partnership,
    Admin,
}

const EVERYONE: [Who; 5] = [
    Who::StaffMember,
    Who::OwnHr,
    Who::VacancyHr,
    Who::Partnership,
    Who::Admin,
];

const STATUSES: [&str; 11] = [
    "suggested",
    "interested",
    "shortlisted",
    "interview",
    "offered",
    "trial",
    "redeployed",
    "declined_by_staff",
    "rejected_by_employer",
    "trial_failed",
    "withdrawn",
];

/// DESIGN §2: from each status, the moves that follow it and whose each is (besides admin,
/// who may make any). A trial moved to `trial` again is its one extension.
fn legal(from: &str) -> &'static [(&'static str, Who)] {
    use Who::*;
    match from {
        "suggested" => &[
            ("interested", StaffMember),
            ("declined_by_staff", StaffMember),
            ("rejected_by_employer", VacancyHr),
            ("withdrawn", OwnHr),
        ],
        "interested" => &[
            ("shortlisted", VacancyHr),
            ("declined_by_staff", StaffMember),
            ("rejected_by_employer", VacancyHr),
            ("withdrawn", OwnHr),
        ],
        "shortlisted" => &[
            ("interview", VacancyHr),
            ("declined_by_staff", StaffMember),
            ("rejected_by_employer", VacancyHr),
            ("withdrawn", OwnHr),
        ],
        "interview" => &[
            ("offered", VacancyHr),
            ("declined_by_staff", StaffMember),
            ("rejected_by_employer", VacancyHr),
            ("withdrawn", OwnHr),
        ],
        "offered" => &[
            ("trial", VacancyHr),
            ("declined_by_staff", StaffMember),
            ("withdrawn", OwnHr),
        ],
        "trial" => &[
            ("redeployed", VacancyHr),
            ("trial_failed", VacancyHr),
            ("withdrawn", OwnHr),
            ("trial", VacancyHr),
        ],
        _ => &[],
    }
}

/// How to bring a fresh pair to `status`, as admin.
fn path_to(status: &str) -> Vec<Value> {
    let main = [
        ("interested", json!({"to": "interested"})),
        ("shortlisted", json!({"to": "shortlisted"})),
        (
            "interview",
            json!({"to": "interview", "date": "2026-10-01"}),
        ),
        ("offered", json!({"to": "offered"})),
        ("trial", json!({"to": "trial", "date": "2026-10-05"})),
        ("redeployed", json!({"to": "redeployed"})),
    ];
    let exit = |to: &str, after: usize| {
        let mut moves: Vec<Value> = main[..after].iter().map(|(_, m)| m.clone()).collect();
        moves.push(json!({"to": to, "reason": "the reason for this side exit, in full words"}));
        moves
    };
    match status {
        "suggested" => Vec::new(),
        "declined_by_staff" | "rejected_by_employer" | "withdrawn" => exit(status, 1),
        "trial_failed" => exit(status, 5),
        _ => {
            let upto = main.iter().position(|(s, _)| *s == status).unwrap() + 1;
            main[..upto].iter().map(|(_, m)| m.clone()).collect()
        }
    }
}

/// A request to move to `to` carrying whatever that move could need.
fn asking(to: &str) -> Value {
    json!({"to": to, "reason": "a reason written in full, long enough for any move", "date": "2026-11-20"})
}

/// A fresh pair: a nurse of Barts (R1H) with an account of their own, and a post at King's
/// (RJZ). Returns the pair's id and the nurse's token.
async fn fresh_pair(app: &TestApp, p: &People, n: &mut usize) -> (String, String) {
    *n += 1;
    let number = format!("T{n}");
    let staff_id = create(
        app,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(app, &number, "R1H").await,
    )
    .await;
    let post = ward_post(app, &format!("T-W{n}")).await;
    let vacancy = create(app, &p.hr_kings, "/api/v1/vacancies", post).await;
    let email = format!("member.{n}@nhs.net");
    app.user(&email, "staff", Some("R1H")).await;
    link(app, &email, staff_id).await;
    (format!("{staff_id}-{vacancy}"), app.sign_in(&email).await)
}

/// The answer `who` should get asking to move a pair from `from` to `to`.
fn expected(from: &str, to: &str, who: Who) -> StatusCode {
    if who == Who::Partnership {
        return StatusCode::NOT_FOUND; // not a party to any pair: it is not theirs to see
    }
    if to == "suggested" {
        return StatusCode::UNPROCESSABLE_ENTITY; // nothing moves back to the start
    }
    match legal(from).iter().find(|(status, _)| *status == to) {
        Some((_, mover)) if who == *mover || who == Who::Admin => StatusCode::OK,
        _ => StatusCode::CONFLICT,
    }
}

#[tokio::test]
async fn every_move_by_every_role_is_allowed_or_refused_as_the_workflow_says() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let mut n = 0;
    let mut checked = 0;
    for from in STATUSES {
        // One pair at `from` takes every refusal: a refused move changes nothing.
        let (pair, member) = fresh_pair(&app, &p, &mut n).await;
        for body in path_to(from) {
            let (status, shown) = move_pair(&app, &p.admin, &pair, body.clone()).await;
            assert_eq!(status, StatusCode::OK, "{from}: {body}: {shown}");
        }
        let token = |who: Who, member: &str| match who {
            Who::StaffMember => member.to_owned(),
            Who::OwnHr => p.hr_barts.clone(),
            Who::VacancyHr => p.hr_kings.clone(),
            Who::Partnership => p.analyst.clone(),
            Who::Admin => p.admin.clone(),
        };
        for to in STATUSES {
            for who in EVERYONE {
                let want = expected(from, to, who);
                if want == StatusCode::OK {
                    // An allowed move changes the pair: it gets a pair of its own at `from`.
                    let (own, own_member) = fresh_pair(&app, &p, &mut n).await;
                    for body in path_to(from) {
                        let (status, shown) = move_pair(&app, &p.admin, &own, body).await;
                        assert_eq!(status, StatusCode::OK, "{shown}");
                    }
                    let (status, shown) =
                        move_pair(&app, &token(who, &own_member), &own, asking(to)).await;
                    assert_eq!(status, want, "{from} → {to} by {who:?}: {shown}");
                    let now = if from == "trial" && to == "trial" {
                        "trial"
                    } else {
                        to
                    };
                    assert_eq!(shown["status"], now, "{from} → {to} by {who:?}: {shown}");
                } else {
                    let (status, shown) =
                        move_pair(&app, &token(who, &member), &pair, asking(to)).await;
                    assert_eq!(status, want, "{from} → {to} by {who:?}: {shown}");
                    if want == StatusCode::CONFLICT {
                        // The refusal lists the moves this person may make now.
                        let mine: Vec<&str> = legal(from)
                            .iter()
                            .filter(|(_, mover)| *mover == who || who == Who::Admin)
                            .map(|(status, _)| *status)
                            .filter(|status| !(from == "trial" && *status == "trial"))
                            .collect();
                        let detail = shown["detail"].as_str().unwrap_or_default();
                        let listed = detail.rsplit("Moves you may make now: ").next().unwrap();
                        let want_listed = if mine.is_empty() {
                            "none".to_owned()
                        } else {
                            mine.join(", ")
                        };
                        assert_eq!(listed, want_listed, "{from} → {to} by {who:?}: {detail}");
                    }
                }
                checked += 1;
            }
        }
        // Nothing refused moved the shared pair.
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/matches/{pair}"),
                Some(&p.admin),
                None,
            )
            .await;
        assert_eq!(reply.body["status"], from, "{}", reply.body);
    }
    assert_eq!(checked, STATUSES.len() * STATUSES.len() * EVERYONE.len());
    app.finish().await;
}
