//! Who a signed-in person is to the service: their role, per DESIGN §1.

use crate::code_enum::code_enum;

code_enum! {
    /// What a person may see and do.
    pub enum Role {
        /// An at-risk employee: their own profile and their own ranked vacancies.
        Staff => ("staff", "At-risk staff member"),
        /// A trust's HR account manager: their trust's staff and vacancies, candidates for them.
        TrustHr => ("trust_hr", "Trust HR"),
        /// The partnership's analysts: aggregates only, never personal data.
        Partnership => ("partnership", "Partnership analyst"),
        /// Everything, including trusts, users and configuration.
        Admin => ("admin", "Administrator"),
    }
}

impl Role {
    /// Whether someone in this role belongs to one trust (and must name it).
    pub fn belongs_to_a_trust(self) -> bool {
        matches!(self, Role::TrustHr | Role::Staff)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_read_from_their_codes_and_say_whether_they_need_a_trust() {
        assert_eq!(Role::from_code("trust_hr"), Some(Role::TrustHr));
        assert_eq!(Role::from_code("hr"), None);
        assert!(Role::TrustHr.belongs_to_a_trust());
        assert!(!Role::Partnership.belongs_to_a_trust());
        assert_eq!(Role::codes_list(), "staff, trust_hr, partnership, admin");
    }
}
