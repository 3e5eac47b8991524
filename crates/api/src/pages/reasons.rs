//! Why a pair was suggested, in plain words, from its explanation: told to the candidate
//! ("You have every skill it needs") or to the recruiting HR team ("Has every essential
//! skill"). The words only restate the explanation the matcher gave; they decide nothing.

use store::matches::Explanation;

/// Who reads the reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Voice {
    /// The staff member, about a vacancy.
    Candidate,
    /// The vacancy's HR team, about a candidate.
    Recruiter,
}

/// The reasons for a pair, one sentence each.
pub(crate) fn reasons(explanation: &Explanation, voice: Voice) -> Vec<String> {
    let candidate = voice == Voice::Candidate;
    let mut said = Vec::new();
    let matched = explanation.matched_skills.len();
    let essential = matched + explanation.missing_skills.len();
    let matched_list = explanation.matched_skills.join(", ");
    let missing_list = explanation.missing_skills.join(", ");
    if explanation.missing_skills.is_empty() && essential > 0 {
        said.push(match candidate {
            true => format!("You have every skill it needs: {matched_list}."),
            false => format!("Has every essential skill: {matched_list}."),
        });
    } else if essential > 0 {
        let held = if matched > 0 {
            format!(" ({matched_list})")
        } else {
            String::new()
        };
        said.push(match candidate {
            true => format!(
                "You have {matched} of the {essential} skills it needs{held}; it also asks for {missing_list}."
            ),
            false => format!(
                "Has {matched} of the {essential} essential skills{held}; lacks {missing_list}."
            ),
        });
    }
    if !explanation.matched_desirable_skills.is_empty() {
        let wanted = explanation.matched_desirable_skills.join(", ");
        said.push(match candidate {
            true => format!("You also have skills it would like: {wanted}."),
            false => format!("Also has desirable skills: {wanted}."),
        });
    }
    said.push(match (explanation.band_drop, candidate) {
        (0, true) => "It is at your band.".to_owned(),
        (1, true) => "It is one band below yours, which you said you would consider.".to_owned(),
        (n, true) => format!("It is {n} bands below yours, which you said you would consider."),
        (0, false) => "The post is at their band.".to_owned(),
        (1, false) => "The post is one band below theirs; they agreed to consider that.".to_owned(),
        (n, false) => format!("The post is {n} bands below theirs; they agreed to consider that."),
    });
    let from = match (explanation.location_basis.as_str(), candidate) {
        ("home_postcode", true) => "your home postcode",
        ("home_district", true) => "your home area",
        (_, true) => "where you work now",
        ("home_postcode", false) => "their home postcode",
        ("home_district", false) => "their home area",
        (_, false) => "where they work now",
    };
    said.push(match candidate {
        true => format!(
            "It is about {} minutes' journey from {from}.",
            explanation.travel_minutes
        ),
        false => format!(
            "About {} minutes' journey from {from}.",
            explanation.travel_minutes
        ),
    });
    if !explanation.still_eligible {
        said.push(match candidate {
            true => "It no longer fits what you told your HR team; it stays here because you have answered it."
                .to_owned(),
            false => "No longer passes every rule; kept because it has been acted on.".to_owned(),
        });
    }
    said
}
