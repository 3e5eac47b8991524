//! What the service tells people by email, and when (DESIGN §3, email): each message is made
//! from its typed model in `notifier::message`, addressed, and queued in the outbox in the
//! transaction of what caused it, with a dedupe key naming that cause (and so its
//! `Message-ID`). Links are made here, from `[server] public_url`, to the page where the
//! reader acts.
//!
//! Must never: put in a message anything its reader may not see (DESIGN §1); send anything
//! outside a transaction that records why.

use chrono::NaiveDate;
use domain::MatchStatus;
use notifier::message::{Email, StatusChange, StatusNews, VacancyLine};
use sea_orm::ConnectionTrait;

use crate::Store;
use crate::entities::{staff, vacancy};
use crate::error::Result;
use crate::outbox;

/// A day as emails write it: "Tuesday 2 February 2027".
pub fn day_in_words(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// A move a candidate is told of, as written by the workflow.
#[derive(Debug, Clone)]
pub(crate) struct StatusNotice {
    pub staff: staff::Model,
    pub vacancy: vacancy::Model,
    pub to: MatchStatus,
    /// The interview's day, or the trial's first.
    pub date: Option<NaiveDate>,
    pub trial_ends: Option<NaiveDate>,
    /// Names the move: the pair's row and the transition's moment.
    pub cause: String,
}

impl Store {
    /// The base of every link in an email.
    fn public_url(&self) -> &str {
        self.settings().server.public_url.trim_end_matches('/')
    }

    /// A vacancy as an email names it.
    pub(crate) async fn vacancy_line(&self, post: &vacancy::Model) -> Result<VacancyLine> {
        let catalogue = self.catalogue().await?;
        Ok(VacancyLine {
            title: post.title.clone(),
            band: post.band.clone(),
            trust_name: catalogue
                .trust(post.trust_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            site_name: catalogue.site_name(post.site_id),
        })
    }

    /// Where a staff member acts on pair `staff_id`-`vacancy_id`: their vacancies, at the pair.
    pub(crate) fn staff_pair_link(&self, staff_id: i32, vacancy_id: i32) -> String {
        format!("{}/me#vacancy-{staff_id}-{vacancy_id}", self.public_url())
    }

    /// Queues the candidate's email about a move on their pair: shortlisted, invited to
    /// interview, offered the post, or starting a trial. Other moves are not emailed to them
    /// (they made them, or their HR team tells them).
    pub(crate) async fn queue_status_change<C: ConnectionTrait>(
        &self,
        txn: &C,
        notice: &StatusNotice,
    ) -> Result<()> {
        let news = match (notice.to, notice.date) {
            (MatchStatus::Shortlisted, _) => StatusNews::Shortlisted,
            (MatchStatus::Interview, Some(day)) => StatusNews::Interview(day_in_words(day)),
            (MatchStatus::Offered, _) => StatusNews::Offered,
            (MatchStatus::Trial, Some(first)) => StatusNews::TrialStarts(
                day_in_words(first),
                notice.trial_ends.map(day_in_words).unwrap_or_default(),
            ),
            _ => return Ok(()),
        };
        let model = Email::StatusChange(StatusChange {
            name: notice.staff.name.clone(),
            vacancy: self.vacancy_line(&notice.vacancy).await?,
            news,
            link: self.staff_pair_link(notice.staff.id, notice.vacancy.id),
        });
        let message = notifier::message::for_recipient(&notice.staff.email, &model);
        outbox::enqueue(txn, "status_change", &message, Some(notice.cause.clone())).await?;
        self.metrics().emails(crate::metrics::EmailEvent::Queued, 1);
        Ok(())
    }
}
