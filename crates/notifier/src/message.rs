//! Messages: what the service says to people by email. Each message is a small typed model
//! holding only what its reader may see (DESIGN §1), rendered through its own pair of askama
//! templates in `templates/`: plain text, and HTML (escaped, in one layout). Rendering lives
//! here so that every message reads the same whichever part of the service sends it; the
//! caller stores it in the outbox and a transport delivers it. Snapshot tests hold every
//! message in both parts.
//!
//! Must never: take a database row or anything its reader may not see; build a link itself
//! (callers give each link, made from `[server] public_url`).

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A rendered email's three parts, before its recipient is known.
trait Rendered {
    fn subject(&self) -> String;
    fn text(&self) -> askama::Result<String>;
    fn html(&self) -> askama::Result<String>;
}

/// Renders `model` for `to`. The templates are checked when the crate is built, and every
/// value they show is a string or number the model holds, so rendering cannot fail at run time.
fn render(to: &str, model: &impl Rendered) -> Message {
    let part = |rendered: askama::Result<String>| {
        rendered.unwrap_or_else(|e| unreachable!("an email template failed to render: {e}"))
    };
    Message {
        to: to.to_owned(),
        subject: model.subject(),
        text: part(model.text()),
        html: part(model.html()),
    }
}

/// Declares the plain-text and HTML templates of a model (`templates/NAME.txt` and
/// `templates/NAME.html`, which read the model as `m`), and its subject.
macro_rules! email {
    ($model:ident, $text:literal, $html:literal, |$m:ident| $subject:expr) => {
        const _: () = {
            #[derive(askama::Template)]
            #[template(path = $text, escape = "none")]
            struct Text<'a> {
                m: &'a $model,
            }

            #[derive(askama::Template)]
            #[template(path = $html)]
            struct Html<'a> {
                m: &'a $model,
                title: String,
            }

            impl Rendered for $model {
                fn subject(&self) -> String {
                    let $m = self;
                    $subject
                }
                fn text(&self) -> askama::Result<String> {
                    askama::Template::render(&Text { m: self })
                }
                fn html(&self) -> askama::Result<String> {
                    askama::Template::render(&Html {
                        m: self,
                        title: self.subject(),
                    })
                }
            }
        };
    };
}

/// The invitation an at-risk staff member receives when HR has registered them: a one-time
/// link to set a password and complete their profile.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub name: String,
    pub trust_name: String,
    pub link: String,
    pub expires_on: String,
}

email!(Invitation, "invitation.txt", "invitation.html", |_m| {
    "Set up your Redeploy London account".to_owned()
});

pub fn invitation(to: &str, name: &str, trust_name: &str, link: &str, expires_on: &str) -> Message {
    render(
        to,
        &Invitation {
            name: name.to_owned(),
            trust_name: trust_name.to_owned(),
            link: link.to_owned(),
            expires_on: expires_on.to_owned(),
        },
    )
}

/// The email that lets someone set the password of an account an administrator made or reset.
#[derive(Debug, Clone)]
pub struct AccountLink {
    pub name: String,
    pub role: String,
    pub link: String,
    pub expires_on: String,
}

email!(AccountLink, "account_link.txt", "account_link.html", |_m| {
    "Choose the password of your Redeploy London account".to_owned()
});

pub fn account_link(to: &str, name: &str, role: &str, link: &str, expires_on: &str) -> Message {
    render(
        to,
        &AccountLink {
            name: name.to_owned(),
            role: role.to_owned(),
            link: link.to_owned(),
            expires_on: expires_on.to_owned(),
        },
    )
}

/// A vacancy as an email names it: what a candidate may see of any open post.
#[derive(Debug, Clone)]
pub struct VacancyLine {
    pub title: String,
    pub band: String,
    pub trust_name: String,
    pub site_name: String,
}

/// What changed for a candidate on one of their pairs.
#[derive(Debug, Clone)]
pub enum StatusNews {
    Shortlisted,
    /// The interview's date, in words.
    Interview(String),
    Offered,
    /// The trial's first and last days, in words.
    TrialStarts(String, String),
}

/// A candidate's pair moved on: shortlisted, invited to interview, offered the post, or
/// starting a trial.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub name: String,
    pub vacancy: VacancyLine,
    pub news: StatusNews,
    /// The pair's page, where they see what happens next.
    pub link: String,
}

impl StatusChange {
    fn news(&self) -> String {
        match &self.news {
            StatusNews::Shortlisted => "You have been shortlisted for this post.".to_owned(),
            StatusNews::Interview(date) => {
                format!("You are invited to an interview for this post on {date}.")
            }
            StatusNews::Offered => "You have been offered this post.".to_owned(),
            StatusNews::TrialStarts(first, last) => format!(
                "Your trial in this post starts on {first} and runs until {last}. Your redundancy rights are kept while it lasts."
            ),
        }
    }
}

email!(
    StatusChange,
    "status_change.txt",
    "status_change.html",
    |m| match &m.news {
        StatusNews::Shortlisted => format!("You are shortlisted: {}", m.vacancy.title),
        StatusNews::Interview(date) => format!("Interview on {date}: {}", m.vacancy.title),
        StatusNews::Offered => format!("You are offered the post: {}", m.vacancy.title),
        StatusNews::TrialStarts(first, _) =>
            format!("Your trial starts on {first}: {}", m.vacancy.title),
    }
);

/// A trial ends in a few days: to the staff member, and to their HR team.
#[derive(Debug, Clone)]
pub struct TrialEnding {
    /// Whom the email greets.
    pub name: String,
    /// The staff member on trial (for HR's email).
    pub staff_name: String,
    pub for_hr: bool,
    pub vacancy: VacancyLine,
    pub ends_on: String,
    pub link: String,
}

email!(
    TrialEnding,
    "trial_ending.txt",
    "trial_ending.html",
    |m| if m.for_hr {
        format!("{}'s trial ends on {}", m.staff_name, m.ends_on)
    } else {
        format!("Your trial ends on {}", m.ends_on)
    }
);

/// One suggested vacancy in a candidate's email.
#[derive(Debug, Clone)]
pub struct SuggestedVacancy {
    pub title: String,
    pub band: String,
    pub trust_name: String,
    pub site_name: String,
    pub travel_minutes: u32,
    pub closing_date: String,
    pub exact_match: bool,
    /// The pair's page, where they say whether they are interested.
    pub link: String,
}

/// New suitable vacancies for a candidate: exact matches at once, or the digest at the
/// frequency they chose; either way with a link that stops them without signing in.
#[derive(Debug, Clone)]
pub struct Vacancies {
    pub name: String,
    pub vacancies: Vec<SuggestedVacancy>,
    /// Exact matches sent as soon as they are found, not the digest.
    pub at_once: bool,
    /// How often the digest comes, in words ("every day", "every week").
    pub frequency: String,
    pub unsubscribe_link: String,
}

impl Vacancies {
    fn opening(&self) -> String {
        match (self.at_once, self.vacancies.len()) {
            (true, 1) => "A vacancy has just been posted that matches you exactly: your band, every essential skill, within an hour's travel and your hours.".to_owned(),
            (true, n) => format!("{n} vacancies have just been posted that match you exactly: your band, every essential skill, within an hour's travel and your hours."),
            (false, 1) => "A new vacancy suits you:".to_owned(),
            (false, n) => format!("{n} new vacancies suit you:"),
        }
    }
}

email!(
    Vacancies,
    "vacancies.txt",
    "vacancies.html",
    |m| match (m.at_once, m.vacancies.as_slice()) {
        (true, [one]) => format!("An exact match for you: {}", one.title),
        (true, many) => format!("{} exact matches for you", many.len()),
        (false, [one]) => format!("A new vacancy for you: {}", one.title),
        (false, many) => format!("{} new vacancies for you", many.len()),
    }
);

/// One candidate in an employer's email: only what a recruiting manager needs (DESIGN §1).
#[derive(Debug, Clone)]
pub struct CandidateLine {
    pub name: String,
    pub band: String,
    pub trust_code: String,
    pub score: u32,
    pub exact_match: bool,
    /// The pair's page, where HR moves the candidate on.
    pub link: String,
}

/// Why the vacancy's contact is told of these candidates.
#[derive(Debug, Clone)]
pub enum CandidatesNews {
    /// A candidate who matches exactly, at once.
    ExactMatch,
    /// The day's new candidates.
    Digest,
    /// The ring-fence ends on this day (in words) and these candidates, who meet every
    /// essential criterion, have no decision yet.
    RingFenceEnding(String),
}

/// New candidates for a vacancy, or the undecided ones as its ring-fence ends: to the
/// vacancy's contact.
#[derive(Debug, Clone)]
pub struct Candidates {
    pub vacancy: VacancyLine,
    pub reference: String,
    pub candidates: Vec<CandidateLine>,
    pub news: CandidatesNews,
    /// While the post is ring-fenced, the day it ends, in words.
    pub ring_fence_ends: Option<String>,
    /// The vacancy's page with every candidate.
    pub link: String,
}

impl Candidates {
    fn opening(&self) -> String {
        match (&self.news, self.candidates.len()) {
            (CandidatesNews::ExactMatch, _) => {
                "An at-risk member of NHS staff matches your vacancy exactly: the same band, every essential skill, within an hour's travel and the hours.".to_owned()
            }
            (CandidatesNews::Digest, 1) => "Your vacancy has a new candidate:".to_owned(),
            (CandidatesNews::Digest, n) => format!("Your vacancy has {n} new candidates:"),
            (CandidatesNews::RingFenceEnding(day), _) => format!(
                "The ring-fence on your vacancy ends on {day}. These candidates meet every essential criterion and have no decision yet: each is guaranteed an interview."
            ),
        }
    }
}

email!(
    Candidates,
    "candidates.txt",
    "candidates.html",
    |m| match &m.news {
        CandidatesNews::ExactMatch =>
            format!("An exact match for {} ({})", m.vacancy.title, m.reference),
        CandidatesNews::Digest =>
            format!("New candidates for {} ({})", m.vacancy.title, m.reference),
        CandidatesNews::RingFenceEnding(day) => {
            format!(
                "Ring-fence ends {day}: candidates waiting for {} ({})",
                m.vacancy.title, m.reference
            )
        }
    }
);

/// A case's redeployment period ends soon with no interview: to the staff member's HR team.
#[derive(Debug, Clone)]
pub struct PeriodEnding {
    pub staff_name: String,
    pub ends_on: String,
    /// The case's page.
    pub link: String,
}

email!(
    PeriodEnding,
    "period_ending.txt",
    "period_ending.html",
    |m| format!(
        "{}'s redeployment period ends on {} with no interview",
        m.staff_name, m.ends_on
    )
);

/// Renders any of this module's models for `to`.
pub fn for_recipient(to: &str, model: &Email) -> Message {
    match model {
        Email::StatusChange(m) => render(to, m),
        Email::TrialEnding(m) => render(to, m),
        Email::Vacancies(m) => render(to, m),
        Email::Candidates(m) => render(to, m),
        Email::PeriodEnding(m) => render(to, m),
    }
}

/// The emails the service sends about matches and cases.
#[derive(Debug, Clone)]
pub enum Email {
    StatusChange(StatusChange),
    TrialEnding(TrialEnding),
    Vacancies(Vacancies),
    Candidates(Candidates),
    PeriodEnding(PeriodEnding),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_carries_the_link_in_both_forms_and_escapes_names() {
        let m = invitation(
            "a@nhs.net",
            "Ada <b>Okafor</b>",
            "King's College Hospital NHS Foundation Trust",
            "https://redeploy.example/invitations/rdi_abc",
            "13 December 2026",
        );
        assert!(
            m.text
                .contains("https://redeploy.example/invitations/rdi_abc")
        );
        assert!(
            m.html
                .contains("href=\"https://redeploy.example/invitations/rdi_abc\"")
        );
        assert!(
            m.html.contains("Ada &#60;b&#62;Okafor&#60;/b&#62;")
                || m.html.contains("Ada &lt;b&gt;Okafor&lt;/b&gt;")
        );
        assert!(!m.html.contains("<b>Okafor"));
        assert!(
            m.text.contains("Ada <b>Okafor</b>"),
            "plain text is not escaped"
        );
        assert!(m.text.contains("until 13 December 2026"));
    }

    fn ward_sister() -> VacancyLine {
        VacancyLine {
            title: "Ward Sister".into(),
            band: "6".into(),
            trust_name: "King's College Hospital NHS Foundation Trust".into(),
            site_name: "King's College Hospital (Denmark Hill)".into(),
        }
    }

    fn suggested(title: &str, exact_match: bool, pair: &str) -> SuggestedVacancy {
        SuggestedVacancy {
            title: title.into(),
            band: "6".into(),
            trust_name: "Guy's and St Thomas' NHS Foundation Trust".into(),
            site_name: "St Thomas' Hospital".into(),
            travel_minutes: 24,
            closing_date: "31 January 2027".into(),
            exact_match,
            link: format!("https://redeploy.example/matches/{pair}"),
        }
    }

    fn candidate(name: &str, exact_match: bool, pair: &str) -> CandidateLine {
        CandidateLine {
            name: name.into(),
            band: "6".into(),
            trust_code: "R1H".into(),
            score: 87,
            exact_match,
            link: format!("https://redeploy.example/matches/{pair}"),
        }
    }

    /// Every email the service sends, with the values a reader would see.
    fn every_email() -> Vec<(&'static str, Message)> {
        let to = "reader@nhs.net";
        let status = |news| {
            for_recipient(
                to,
                &Email::StatusChange(StatusChange {
                    name: "Ada Okafor".into(),
                    vacancy: ward_sister(),
                    news,
                    link: "https://redeploy.example/matches/12-40".into(),
                }),
            )
        };
        let trial = |for_hr| {
            for_recipient(
                to,
                &Email::TrialEnding(TrialEnding {
                    name: if for_hr {
                        "King's HR team".into()
                    } else {
                        "Ada Okafor".into()
                    },
                    staff_name: "Ada Okafor".into(),
                    for_hr,
                    vacancy: ward_sister(),
                    ends_on: "Friday 5 March 2027".into(),
                    link: "https://redeploy.example/matches/12-40".into(),
                }),
            )
        };
        let candidates = |news, ring_fence_ends: Option<&str>, list| {
            for_recipient(
                to,
                &Email::Candidates(Candidates {
                    vacancy: ward_sister(),
                    reference: "KCH-J1".into(),
                    candidates: list,
                    news,
                    ring_fence_ends: ring_fence_ends.map(str::to_owned),
                    link: "https://redeploy.example/vacancies/40".into(),
                }),
            )
        };
        vec![
            (
                "invitation",
                invitation(
                    to,
                    "Ada Okafor",
                    "King's College Hospital NHS Foundation Trust",
                    "https://redeploy.example/invitations/rdi_abc",
                    "13 December 2026",
                ),
            ),
            (
                "account_link",
                account_link(
                    to,
                    "Sam Patel",
                    "Trust HR",
                    "https://redeploy.example/invitations/rdi_def",
                    "13 December 2026",
                ),
            ),
            ("status_shortlisted", status(StatusNews::Shortlisted)),
            (
                "status_interview",
                status(StatusNews::Interview("Tuesday 2 February 2027".into())),
            ),
            ("status_offered", status(StatusNews::Offered)),
            (
                "status_trial",
                status(StatusNews::TrialStarts(
                    "Monday 1 February 2027".into(),
                    "Sunday 28 February 2027".into(),
                )),
            ),
            ("trial_ending_staff", trial(false)),
            ("trial_ending_hr", trial(true)),
            (
                "vacancies_exact_match",
                for_recipient(
                    to,
                    &Email::Vacancies(Vacancies {
                        name: "Ada Okafor".into(),
                        vacancies: vec![suggested("Staff Nurse", true, "12-41")],
                        at_once: true,
                        frequency: "every day".into(),
                        unsubscribe_link: "https://redeploy.example/email/stop/rdu_abc".into(),
                    }),
                ),
            ),
            (
                "vacancies_digest",
                for_recipient(
                    to,
                    &Email::Vacancies(Vacancies {
                        name: "Ada Okafor".into(),
                        vacancies: vec![
                            suggested("Staff Nurse", true, "12-41"),
                            suggested("Practice Nurse", false, "12-42"),
                        ],
                        at_once: false,
                        frequency: "every week".into(),
                        unsubscribe_link: "https://redeploy.example/email/stop/rdu_abc".into(),
                    }),
                ),
            ),
            (
                "candidates_exact_match",
                candidates(
                    CandidatesNews::ExactMatch,
                    Some("Friday 15 January 2027"),
                    vec![candidate("Ada Okafor", true, "12-40")],
                ),
            ),
            (
                "candidates_digest",
                candidates(
                    CandidatesNews::Digest,
                    None,
                    vec![
                        candidate("Ada Okafor", true, "12-40"),
                        candidate("Ben Clarke", false, "13-40"),
                    ],
                ),
            ),
            (
                "ring_fence_ending",
                candidates(
                    CandidatesNews::RingFenceEnding("Friday 15 January 2027".into()),
                    Some("Friday 15 January 2027"),
                    vec![candidate("Ben Clarke", false, "13-40")],
                ),
            ),
            (
                "period_ending",
                for_recipient(
                    to,
                    &Email::PeriodEnding(PeriodEnding {
                        staff_name: "Ada Okafor".into(),
                        ends_on: "Monday 1 March 2027".into(),
                        link: "https://redeploy.example/staff/12".into(),
                    }),
                ),
            ),
        ]
    }

    /// Each email in both parts, as the reader receives it. A change to any template shows
    /// here as a changed snapshot, to be read and accepted on purpose.
    #[test]
    fn every_email_reads_as_its_snapshot_in_both_parts() {
        for (name, message) in every_email() {
            insta::assert_snapshot!(
                format!("{name}_text"),
                format!("Subject: {}\n\n{}", message.subject, message.text)
            );
            insta::assert_snapshot!(format!("{name}_html"), message.html);
        }
    }

    #[test]
    fn every_email_has_its_links_in_both_parts() {
        for (name, message) in every_email() {
            let links: Vec<&str> = message
                .text
                .split_whitespace()
                .filter(|w| w.starts_with("https://"))
                .collect();
            assert!(!links.is_empty(), "{name} has no link");
            for link in links {
                assert!(
                    message.html.contains(&format!("href=\"{link}\"")),
                    "{name}: {link} is not a link in the HTML part"
                );
            }
        }
    }
}
