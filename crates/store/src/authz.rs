//! Who is acting, and what each signed-in person may see and change, per DESIGN §1. Every
//! operation asks here; no operation, handler or page decides access on its own.
//!
//! A record outside someone's reach is reported as not found, for every verb, never as
//! forbidden, so that no one learns that another trust's record exists. A role that may never
//! do a thing at all (a partnership analyst asking for a person's record) is refused with the
//! reason.

use domain::Role;

use crate::audit::AuditActor;
use crate::error::{Error, Result};

/// A signed-in person, as every operation sees them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i32,
    pub email: String,
    pub role: Role,
    pub trust_id: Option<i32>,
    /// The trust's ODS code, for trust HR and staff.
    pub trust: Option<String>,
    pub staff_id: Option<i32>,
    /// The address the request came from, for the audit log.
    pub ip: Option<String>,
}

impl Actor {
    /// The actor as the audit log names them.
    pub fn audit(&self) -> AuditActor {
        AuditActor {
            user_id: Some(self.user_id),
            label: self.email.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// The fields an at-risk staff member may change on their own profile; the rest is HR's.
pub const SELF_SERVICE_FIELDS: &[&str] = &[
    "skills",
    "registrations",
    "home_postcode",
    "max_travel_minutes",
    "hours_min",
    "hours_max",
    "lower_band_consent",
    "email_frequency",
];

/// Which at-risk staff records an actor may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffScope {
    /// Every trust's (admin).
    All,
    /// One trust's (trust HR).
    Trust(i32),
    /// Only their own record (an at-risk staff member).
    Own(Option<i32>),
}

/// Which vacancies an actor may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VacancyScope {
    /// Every trust's (admin).
    All,
    /// One trust's, whatever their status (trust HR).
    Trust(i32),
    /// Open vacancies only, of any trust (an at-risk staff member looking for work).
    Open,
}

impl Actor {
    /// The vacancies this actor may read.
    pub fn vacancy_scope(&self) -> Result<VacancyScope> {
        match (self.role, self.trust_id) {
            (Role::Admin, _) => Ok(VacancyScope::All),
            (Role::TrustHr, Some(trust)) => Ok(VacancyScope::Trust(trust)),
            (Role::Staff, _) => Ok(VacancyScope::Open),
            (Role::TrustHr, None) => Err(Error::Forbidden(
                "your trust HR account is not linked to a trust; ask an administrator to fix it"
                    .to_owned(),
            )),
            (Role::Partnership, _) => Err(Error::Forbidden(
                "partnership accounts see aggregate reports only".to_owned(),
            )),
        }
    }

    /// Whether this actor may read a vacancy of trust `trust_id` with status `status`.
    pub fn may_read_vacancy(&self, trust_id: i32, status: &str) -> Result<bool> {
        Ok(match self.vacancy_scope()? {
            VacancyScope::All => true,
            VacancyScope::Trust(own) => own == trust_id,
            VacancyScope::Open => status == domain::VacancyStatus::Open.code(),
        })
    }

    /// Refuses roles that may never do this, saying who may.
    pub fn require_role(&self, allowed: &[Role], what: &str) -> Result<()> {
        if allowed.contains(&self.role) {
            Ok(())
        } else {
            let who: Vec<&str> = allowed.iter().map(|r| r.label()).collect();
            Err(Error::Forbidden(format!(
                "{what} is for {} accounts; you are signed in as {}",
                who.join(" or "),
                self.role.label()
            )))
        }
    }

    /// The staff records this actor may read. Partnership analysts see no personal data: for
    /// them every staff record is not found.
    pub fn staff_scope(&self) -> Result<StaffScope> {
        match (self.role, self.trust_id) {
            (Role::Admin, _) => Ok(StaffScope::All),
            (Role::TrustHr, Some(trust)) => Ok(StaffScope::Trust(trust)),
            (Role::Staff, _) => Ok(StaffScope::Own(self.staff_id)),
            (Role::TrustHr, None) => Err(Error::Forbidden(
                "your trust HR account is not linked to a trust; ask an administrator to fix it"
                    .to_owned(),
            )),
            // Not even that a person's record exists: no route of personal data answers a
            // partnership account with anything but "not found".
            (Role::Partnership, _) => Err(Error::NotFound("staff record")),
        }
    }

    /// Whether this actor may read the staff record `staff_id` of trust `trust_id`.
    pub fn may_read_staff(&self, trust_id: i32, staff_id: i32) -> Result<bool> {
        Ok(match self.staff_scope()? {
            StaffScope::All => true,
            StaffScope::Trust(own) => own == trust_id,
            StaffScope::Own(own) => own == Some(staff_id),
        })
    }

    /// Whether this actor may register and change records (staff, vacancies) of trust `trust_id`.
    pub fn may_manage_trust(&self, trust_id: i32) -> bool {
        match self.role {
            Role::Admin => true,
            Role::TrustHr => self.trust_id == Some(trust_id),
            Role::Staff | Role::Partnership => false,
        }
    }
}

impl Actor {
    /// Refuses a staff member's change to fields their HR team keeps, naming them.
    pub fn check_self_service(&self, given: &[&str]) -> Result<()> {
        if self.role != Role::Staff {
            return Ok(());
        }
        let outside: Vec<&str> = given
            .iter()
            .copied()
            .filter(|f| !SELF_SERVICE_FIELDS.contains(f))
            .collect();
        if outside.is_empty() {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "your HR team keeps {}; you can change {}",
                outside.join(", "),
                SELF_SERVICE_FIELDS.join(", ")
            )))
        }
    }

    /// Whether this actor may change the staff record `staff_id` of trust `trust_id`: their
    /// trust's HR and admin may change it all, the staff member their own preferences.
    pub fn may_change_staff(&self, trust_id: i32, staff_id: i32) -> bool {
        self.may_manage_trust(trust_id)
            || (self.role == Role::Staff && self.staff_id == Some(staff_id))
    }

    /// The trusts whose records an upload by this actor may create or change; `None` is any.
    pub fn upload_trusts(&self) -> Option<Vec<i32>> {
        match self.role {
            Role::Admin => None,
            _ => Some(self.trust_id.into_iter().collect()),
        }
    }

    /// Whether this actor may revoke an API token made by account `owner`: their own, or any
    /// for admin.
    pub fn may_revoke_token(&self, owner: i32) -> bool {
        owner == self.user_id || self.role == Role::Admin
    }

    /// Whether this actor may see a vacancy's candidates: the HR team of its trust, and admin.
    pub fn may_see_candidates(&self, trust_id: i32) -> bool {
        self.may_manage_trust(trust_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, trust_id: Option<i32>, staff_id: Option<i32>) -> Actor {
        Actor {
            user_id: 1,
            email: "someone@nhs.net".into(),
            role,
            trust_id,
            trust: None,
            staff_id,
            ip: None,
        }
    }

    #[test]
    fn each_role_reaches_exactly_the_staff_records_design_gives_it() {
        let admin = actor(Role::Admin, None, None);
        let hr = actor(Role::TrustHr, Some(1), None);
        let staff = actor(Role::Staff, Some(1), Some(7));
        let analyst = actor(Role::Partnership, None, None);
        assert!(admin.may_read_staff(2, 9).unwrap());
        assert!(hr.may_read_staff(1, 9).unwrap());
        assert!(!hr.may_read_staff(2, 9).unwrap());
        assert!(staff.may_read_staff(1, 7).unwrap());
        assert!(!staff.may_read_staff(1, 8).unwrap());
        assert!(matches!(
            analyst.may_read_staff(1, 7),
            Err(Error::NotFound("staff record"))
        ));
        assert!(hr.may_manage_trust(1) && !hr.may_manage_trust(2));
        assert!(admin.may_manage_trust(2));
        assert!(!staff.may_manage_trust(1) && !analyst.may_manage_trust(1));
    }
}
