//! The ESR staff groups every NHS post belongs to, and the professional registrations a
//! vacancy may require.

use crate::code_enum::{code_enum, fold};

code_enum! {
    /// The nine staff groups of the NHS Electronic Staff Record.
    pub enum StaffGroup {
        AddProfScientificTechnical => ("add_prof_scientific_technical", "Additional Professional Scientific and Technical"),
        AdditionalClinicalServices => ("additional_clinical_services", "Additional Clinical Services"),
        AdministrativeClerical => ("administrative_clerical", "Administrative and Clerical"),
        AlliedHealthProfessionals => ("allied_health_professionals", "Allied Health Professionals"),
        EstatesAncillary => ("estates_ancillary", "Estates and Ancillary"),
        HealthcareScientists => ("healthcare_scientists", "Healthcare Scientists"),
        MedicalDental => ("medical_dental", "Medical and Dental"),
        NursingMidwiferyRegistered => ("nursing_midwifery_registered", "Nursing and Midwifery Registered"),
        Students => ("students", "Students"),
    }
}

/// The text given was not a staff group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{given}\" is not an ESR staff group; use one of: {}", StaffGroup::ALL.iter().map(|g| g.label()).collect::<Vec<_>>().join("; "))]
pub struct StaffGroupError {
    pub given: String,
}

impl StaffGroup {
    /// Accepts the code, the ESR name (any case, `and` or `&`), or a common short name such as
    /// `AHP`, `Admin`, `Nursing`.
    pub fn parse(text: &str) -> Result<StaffGroup, StaffGroupError> {
        let folded = fold(&text.replace('&', " and ").replace('_', " "));
        let found = StaffGroup::ALL.iter().copied().find(|group| {
            folded == fold(&group.code().replace('_', " "))
                || folded == fold(group.label())
                || group.aliases().iter().any(|alias| folded == *alias)
        });
        found.ok_or_else(|| StaffGroupError {
            given: text.trim().to_owned(),
        })
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            StaffGroup::AddProfScientificTechnical => &[
                "add prof scientific and technic",
                "additional professional scientific and technical",
                "apst",
                "scientific and technical",
            ],
            StaffGroup::AdditionalClinicalServices => {
                &["acs", "clinical support", "healthcare support"]
            }
            StaffGroup::AdministrativeClerical => {
                &["admin", "admin and clerical", "a and c", "administrative"]
            }
            StaffGroup::AlliedHealthProfessionals => &["ahp", "ahps", "allied health"],
            StaffGroup::EstatesAncillary => &["estates", "ancillary", "facilities"],
            StaffGroup::HealthcareScientists => &["healthcare science", "scientists"],
            StaffGroup::MedicalDental => &["medical", "dental", "doctors"],
            StaffGroup::NursingMidwiferyRegistered => &[
                "nursing",
                "nursing and midwifery",
                "midwifery",
                "registered nursing",
            ],
            StaffGroup::Students => &["student"],
        }
    }
}

code_enum! {
    /// The professional registers a vacancy may require its holder to be on.
    pub enum Registration {
        Nmc => ("nmc", "Nursing and Midwifery Council (NMC)"),
        Hcpc => ("hcpc", "Health and Care Professions Council (HCPC)"),
        Gmc => ("gmc", "General Medical Council (GMC)"),
        Gphc => ("gphc", "General Pharmaceutical Council (GPhC)"),
        Gdc => ("gdc", "General Dental Council (GDC)"),
        Swe => ("swe", "Social Work England (SWE)"),
    }
}

/// The text given was not one of the professional registers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{given}\" is not a professional register; use one of NMC, HCPC, GMC, GPhC, GDC, SWE")]
pub struct RegistrationError {
    pub given: String,
}

impl Registration {
    /// Accepts the abbreviation in any case (`NMC`, `gphc`) or the register's full name.
    pub fn parse(text: &str) -> Result<Registration, RegistrationError> {
        let folded = fold(text);
        Registration::ALL
            .iter()
            .copied()
            .find(|reg| {
                folded == reg.code() || {
                    let label = reg.label();
                    let name = label.split(" (").next().unwrap_or(label);
                    folded == fold(name)
                }
            })
            .ok_or_else(|| RegistrationError {
                given: text.trim().to_owned(),
            })
    }

    /// The abbreviation as the register writes it: `NMC`, `GPhC`.
    pub fn abbreviation(self) -> &'static str {
        let label = self.label();
        label
            .rsplit_once('(')
            .map(|(_, rest)| rest.trim_end_matches(')'))
            .unwrap_or(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_groups_parse_from_esr_names_codes_and_short_names() {
        assert_eq!(
            StaffGroup::parse("Nursing and Midwifery Registered"),
            Ok(StaffGroup::NursingMidwiferyRegistered)
        );
        assert_eq!(
            StaffGroup::parse("Administrative & Clerical"),
            Ok(StaffGroup::AdministrativeClerical)
        );
        assert_eq!(
            StaffGroup::parse("AHP"),
            Ok(StaffGroup::AlliedHealthProfessionals)
        );
        assert_eq!(
            StaffGroup::parse("estates_ancillary"),
            Ok(StaffGroup::EstatesAncillary)
        );
        assert_eq!(
            StaffGroup::parse("Add Prof Scientific and Technic"),
            Ok(StaffGroup::AddProfScientificTechnical)
        );
    }

    #[test]
    fn an_unknown_staff_group_lists_the_valid_ones() {
        let message = StaffGroup::parse("Astronauts").unwrap_err().to_string();
        assert!(message.contains("\"Astronauts\""));
        assert!(message.contains("Allied Health Professionals"));
        assert!(message.contains("Estates and Ancillary"));
    }

    #[test]
    fn registrations_parse_by_abbreviation_or_name() {
        assert_eq!(Registration::parse("NMC"), Ok(Registration::Nmc));
        assert_eq!(Registration::parse("gphc"), Ok(Registration::Gphc));
        assert_eq!(
            Registration::parse("Health and Care Professions Council"),
            Ok(Registration::Hcpc)
        );
        assert_eq!(Registration::Gphc.abbreviation(), "GPhC");
        let message = Registration::parse("RCN").unwrap_err().to_string();
        assert!(message.contains("NMC, HCPC, GMC, GPhC, GDC, SWE"));
    }
}
