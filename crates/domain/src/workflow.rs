//! The status machines: a match (staff member × vacancy), a staff member's case, a vacancy.
//!
//! Only legal transitions exist. Asking for an illegal one gives a [`TransitionError`] that
//! lists the moves that are allowed from where the thing stands, which the API turns into a 409.

use crate::code_enum::code_enum;

code_enum! {
    /// Where a pairing of a staff member and a vacancy has got to.
    pub enum MatchStatus {
        Suggested => ("suggested", "Suggested"),
        Interested => ("interested", "Interested"),
        Shortlisted => ("shortlisted", "Shortlisted"),
        Interview => ("interview", "Interview"),
        Offered => ("offered", "Offered"),
        Trial => ("trial", "In trial"),
        Redeployed => ("redeployed", "Redeployed"),
        DeclinedByStaff => ("declined_by_staff", "Declined by the staff member"),
        RejectedByEmployer => ("rejected_by_employer", "Rejected by the employer"),
        TrialFailed => ("trial_failed", "Trial did not succeed"),
        Withdrawn => ("withdrawn", "Withdrawn"),
    }
}

code_enum! {
    /// Where a staff member's at-risk case has got to.
    pub enum CaseStatus {
        Active => ("active", "Active"),
        InTrial => ("in_trial", "In trial"),
        Redeployed => ("redeployed", "Redeployed"),
        Redundant => ("redundant", "Made redundant"),
        Withdrawn => ("withdrawn", "Withdrawn"),
        Expired => ("expired", "Redeployment period ended"),
    }
}

code_enum! {
    /// Whether a vacancy is still to be filled.
    pub enum VacancyStatus {
        Open => ("open", "Open"),
        Filled => ("filled", "Filled"),
        Withdrawn => ("withdrawn", "Withdrawn"),
    }
}

code_enum! {
    /// How the staff member's HR team judged a decline: an unreasonable refusal of suitable
    /// alternative employment can cost the person their redundancy pay.
    pub enum DeclineJudgement {
        Reasonable => ("reasonable", "Reasonable"),
        Unreasonable => ("unreasonable", "Unreasonable"),
    }
}

/// A move the status machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move from {from} to {to}; allowed from {from}: {}", if allowed.is_empty() { "nothing (it is final)".to_owned() } else { allowed.join(", ") })]
pub struct TransitionError {
    pub from: &'static str,
    pub to: &'static str,
    /// The codes of the statuses that may follow `from`.
    pub allowed: Vec<&'static str>,
}

/// Checks a move against the list of statuses allowed to follow `from`.
fn checked_move<S: Copy + PartialEq>(
    from: S,
    to: S,
    next: &[S],
    code: fn(S) -> &'static str,
) -> Result<S, TransitionError> {
    if next.contains(&to) {
        Ok(to)
    } else {
        Err(TransitionError {
            from: code(from),
            to: code(to),
            allowed: next.iter().map(|s| code(*s)).collect(),
        })
    }
}

impl MatchStatus {
    /// The statuses that may follow this one.
    pub fn next(self) -> &'static [MatchStatus] {
        use MatchStatus::*;
        match self {
            Suggested => &[Interested, DeclinedByStaff, RejectedByEmployer, Withdrawn],
            Interested => &[Shortlisted, DeclinedByStaff, RejectedByEmployer, Withdrawn],
            Shortlisted => &[Interview, DeclinedByStaff, RejectedByEmployer, Withdrawn],
            Interview => &[Offered, DeclinedByStaff, RejectedByEmployer, Withdrawn],
            Offered => &[Trial, DeclinedByStaff, Withdrawn],
            Trial => &[Redeployed, TrialFailed, Withdrawn],
            Redeployed | DeclinedByStaff | RejectedByEmployer | TrialFailed | Withdrawn => &[],
        }
    }

    /// Checks that `to` may follow `self`.
    pub fn transition(self, to: MatchStatus) -> Result<MatchStatus, TransitionError> {
        checked_move(self, to, self.next(), MatchStatus::code)
    }

    /// Side exits must say why: a decline, a rejection, a failed trial, a withdrawal.
    pub fn requires_reason(self) -> bool {
        matches!(
            self,
            MatchStatus::DeclinedByStaff
                | MatchStatus::RejectedByEmployer
                | MatchStatus::TrialFailed
                | MatchStatus::Withdrawn
        )
    }

    /// No further move is possible.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }
}

/// Whose move it is to put a pair into a status (DESIGN §2, case workflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The at-risk staff member: interest, or a decline.
    StaffMember,
    /// The HR team of the vacancy's trust: shortlist, interview, offer, trial, reject,
    /// a failed trial, the redeployment.
    VacancyHr,
    /// The HR team of the staff member's trust: a withdrawal.
    StaffHr,
}

/// Who someone is to one pair. One account may be more than one of these (an HR team whose
/// trust both employs the person and offers the post); admin may make every move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairParties {
    pub staff_member: bool,
    pub staff_hr: bool,
    pub vacancy_hr: bool,
    pub admin: bool,
}

impl PairParties {
    /// Whether this person takes part in the pair at all.
    pub fn any(self) -> bool {
        self.staff_member || self.staff_hr || self.vacancy_hr || self.admin
    }

    /// Whether this person may make `mover`'s moves.
    pub fn may_act_as(self, mover: Mover) -> bool {
        self.admin
            || match mover {
                Mover::StaffMember => self.staff_member,
                Mover::VacancyHr => self.vacancy_hr,
                Mover::StaffHr => self.staff_hr,
            }
    }

    /// The statuses this person may move a pair to from `from`, in the machine's order.
    pub fn moves_from(self, from: MatchStatus) -> Vec<MatchStatus> {
        from.next()
            .iter()
            .copied()
            .filter(|to| to.mover().is_some_and(|mover| self.may_act_as(mover)))
            .collect()
    }
}

/// What a move into a status must carry besides the status itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveNeeds {
    /// A written reason: every side exit says why.
    pub reason: bool,
    /// A date: the interview's, or the trial's first day.
    pub date: bool,
}

impl MatchStatus {
    /// Whose move it is to put a pair into this status; none for `suggested`, where every
    /// pair starts.
    pub fn mover(self) -> Option<Mover> {
        use MatchStatus::*;
        match self {
            Suggested => None,
            Interested | DeclinedByStaff => Some(Mover::StaffMember),
            Shortlisted | Interview | Offered | Trial | Redeployed | RejectedByEmployer
            | TrialFailed => Some(Mover::VacancyHr),
            Withdrawn => Some(Mover::StaffHr),
        }
    }

    /// What a move into this status must carry.
    pub fn needs(self) -> MoveNeeds {
        MoveNeeds {
            reason: self.requires_reason(),
            date: matches!(self, MatchStatus::Interview | MatchStatus::Trial),
        }
    }

    /// Still open: neither redeployed nor ended by a side exit.
    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// The pair has not yet reached an interview.
    pub fn before_interview(self) -> bool {
        matches!(
            self,
            MatchStatus::Suggested | MatchStatus::Interested | MatchStatus::Shortlisted
        )
    }
}

/// The fewest characters of a reason of substance: what an employer must write to reject,
/// before an interview, a candidate who meets every essential criterion (DESIGN §2: such a
/// candidate is guaranteed an interview).
pub const SUBSTANTIVE_REASON_CHARS: usize = 40;

impl CaseStatus {
    /// The statuses that may follow this one. A withdrawn or expired case can be reopened, so
    /// that a mistake or an extension does not need a new registration.
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Active => &[InTrial, Redundant, Withdrawn, Expired],
            InTrial => &[Active, Redeployed, Withdrawn],
            Withdrawn | Expired => &[Active],
            Redeployed | Redundant => &[],
        }
    }

    pub fn transition(self, to: CaseStatus) -> Result<CaseStatus, TransitionError> {
        checked_move(self, to, self.next(), CaseStatus::code)
    }

    /// Only an active case is matched against vacancies.
    pub fn is_matchable(self) -> bool {
        self == CaseStatus::Active
    }
}

impl VacancyStatus {
    /// The statuses that may follow this one; a vacancy closed by mistake can be reopened.
    pub fn next(self) -> &'static [VacancyStatus] {
        match self {
            VacancyStatus::Open => &[VacancyStatus::Filled, VacancyStatus::Withdrawn],
            VacancyStatus::Filled | VacancyStatus::Withdrawn => &[VacancyStatus::Open],
        }
    }

    pub fn transition(self, to: VacancyStatus) -> Result<VacancyStatus, TransitionError> {
        checked_move(self, to, self.next(), VacancyStatus::code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vacancy_closes_as_filled_or_withdrawn_and_can_be_reopened() {
        assert_eq!(
            VacancyStatus::Open.transition(VacancyStatus::Filled),
            Ok(VacancyStatus::Filled)
        );
        assert_eq!(
            VacancyStatus::Withdrawn.transition(VacancyStatus::Open),
            Ok(VacancyStatus::Open)
        );
        let err = VacancyStatus::Filled
            .transition(VacancyStatus::Withdrawn)
            .unwrap_err();
        assert_eq!(err.allowed, vec!["open"]);
    }

    #[test]
    fn the_main_path_runs_from_suggested_to_redeployed() {
        use MatchStatus::*;
        let path = [
            Suggested,
            Interested,
            Shortlisted,
            Interview,
            Offered,
            Trial,
            Redeployed,
        ];
        for pair in path.windows(2) {
            assert_eq!(pair[0].transition(pair[1]), Ok(pair[1]));
        }
        assert!(Redeployed.is_final());
    }

    #[test]
    fn an_illegal_move_lists_the_allowed_ones() {
        let err = MatchStatus::Suggested
            .transition(MatchStatus::Offered)
            .unwrap_err();
        assert_eq!(
            err.allowed,
            vec![
                "interested",
                "declined_by_staff",
                "rejected_by_employer",
                "withdrawn"
            ]
        );
        assert!(
            err.to_string()
                .contains("cannot move from suggested to offered")
        );
        let err = MatchStatus::Redeployed
            .transition(MatchStatus::Trial)
            .unwrap_err();
        assert!(err.to_string().contains("nothing (it is final)"));
    }

    #[test]
    fn side_exits_need_a_reason_and_forward_moves_do_not() {
        assert!(MatchStatus::RejectedByEmployer.requires_reason());
        assert!(MatchStatus::TrialFailed.requires_reason());
        assert!(!MatchStatus::Shortlisted.requires_reason());
        assert_eq!(
            MatchStatus::Trial.transition(MatchStatus::TrialFailed),
            Ok(MatchStatus::TrialFailed)
        );
    }

    /// Every status, every kind of person: the moves each may make from there.
    #[test]
    fn each_party_makes_only_its_own_moves() {
        use MatchStatus::*;
        let staff = PairParties {
            staff_member: true,
            ..PairParties::default()
        };
        let staff_hr = PairParties {
            staff_hr: true,
            ..PairParties::default()
        };
        let vacancy_hr = PairParties {
            vacancy_hr: true,
            ..PairParties::default()
        };
        let both_hr = PairParties {
            staff_hr: true,
            vacancy_hr: true,
            ..PairParties::default()
        };
        let admin = PairParties {
            admin: true,
            ..PairParties::default()
        };
        let outsider = PairParties::default();
        let table: [(MatchStatus, PairParties, &[MatchStatus]); 20] = [
            (Suggested, staff, &[Interested, DeclinedByStaff]),
            (Suggested, vacancy_hr, &[RejectedByEmployer]),
            (Suggested, staff_hr, &[Withdrawn]),
            (Suggested, both_hr, &[RejectedByEmployer, Withdrawn]),
            (Suggested, admin, Suggested.next()),
            (Suggested, outsider, &[]),
            (Interested, staff, &[DeclinedByStaff]),
            (Interested, vacancy_hr, &[Shortlisted, RejectedByEmployer]),
            (Shortlisted, vacancy_hr, &[Interview, RejectedByEmployer]),
            (Interview, vacancy_hr, &[Offered, RejectedByEmployer]),
            (Interview, staff, &[DeclinedByStaff]),
            (Offered, vacancy_hr, &[Trial]),
            (Offered, staff, &[DeclinedByStaff]),
            (Offered, staff_hr, &[Withdrawn]),
            (Trial, vacancy_hr, &[Redeployed, TrialFailed]),
            (Trial, staff, &[]),
            (Trial, staff_hr, &[Withdrawn]),
            (Redeployed, admin, &[]),
            (TrialFailed, vacancy_hr, &[]),
            (DeclinedByStaff, staff, &[]),
        ];
        for (from, who, allowed) in table {
            assert_eq!(who.moves_from(from), allowed, "{who:?} from {from:?}");
        }
        assert!(!outsider.any());
        assert!(both_hr.any());
    }

    #[test]
    fn an_interview_and_a_trial_carry_a_date_and_side_exits_a_reason() {
        use MatchStatus::*;
        for &status in MatchStatus::ALL {
            let needs = status.needs();
            assert_eq!(
                needs.date,
                matches!(status, Interview | Trial),
                "{status:?}"
            );
            assert_eq!(needs.reason, status.requires_reason(), "{status:?}");
        }
        assert_eq!(Suggested.mover(), None);
        assert!(Trial.is_open());
        assert!(!Withdrawn.is_open());
    }

    #[test]
    fn a_case_returns_to_matching_after_a_failed_trial_and_can_be_reopened() {
        assert_eq!(
            CaseStatus::InTrial.transition(CaseStatus::Active),
            Ok(CaseStatus::Active)
        );
        assert_eq!(
            CaseStatus::Withdrawn.transition(CaseStatus::Active),
            Ok(CaseStatus::Active)
        );
        assert!(
            CaseStatus::Redeployed
                .transition(CaseStatus::Active)
                .is_err()
        );
        assert!(CaseStatus::Active.is_matchable());
        assert!(!CaseStatus::InTrial.is_matchable());
    }
}
