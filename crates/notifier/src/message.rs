//! Messages: what the service says to people by email, as plain text and HTML. Rendering lives
//! here so that every message reads the same whichever part of the service sends it; the
//! caller stores it in the outbox and a transport delivers it.

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML, so that a name can never inject markup into an email.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The invitation an at-risk staff member receives when HR has registered them: a one-time
/// link to set a password and complete their profile.
pub fn invitation(to: &str, name: &str, trust_name: &str, link: &str, expires_on: &str) -> Message {
    let text = format!(
        "Dear {name},\n\n\
         {trust_name} has registered you with Redeploy London, the service that helps NHS staff whose \
         posts are at risk find other NHS jobs across London.\n\n\
         To see the vacancies that fit you and tell us what you are looking for, set a password here:\n\n\
         {link}\n\n\
         This link works once and until {expires_on}. If it has expired, ask your HR team for a new one.\n\n\
         If you were not expecting this email, you can ignore it.\n\n\
         Redeploy London\n"
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><body style=\"font-family: Arial, sans-serif; color: #212b32\">\
         <p>Dear {name},</p>\
         <p>{trust} has registered you with Redeploy London, the service that helps NHS staff whose posts are at risk \
         find other NHS jobs across London.</p>\
         <p>To see the vacancies that fit you and tell us what you are looking for, \
         <a href=\"{href}\" style=\"color: #005eb8\">set your password</a>.</p>\
         <p>This link works once and until {expires_on}. If it has expired, ask your HR team for a new one.</p>\
         <p>If you were not expecting this email, you can ignore it.</p>\
         <p>Redeploy London</p></body></html>",
        name = escape_html(name),
        trust = escape_html(trust_name),
        href = escape_html(link),
        expires_on = escape_html(expires_on),
    );
    Message {
        to: to.to_owned(),
        subject: "Set up your Redeploy London account".to_owned(),
        text,
        html,
    }
}

/// The email that lets someone set the password of an account an administrator made or reset.
pub fn account_link(to: &str, name: &str, role: &str, link: &str, expires_on: &str) -> Message {
    let text = format!(
        "Dear {name},\n\n\
         An administrator of Redeploy London has set up your account ({role}), or reset its \
         password. Choose your password here:\n\n\
         {link}\n\n\
         This link works once and until {expires_on}. If it has expired, ask the administrator for a new one.\n\n\
         If you were not expecting this email, tell the administrator and ignore the link.\n\n\
         Redeploy London\n"
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><body style=\"font-family: Arial, sans-serif; color: #212b32\">\
         <p>Dear {name},</p>\
         <p>An administrator of Redeploy London has set up your account ({role}), or reset its password.</p>\
         <p><a href=\"{href}\" style=\"color: #005eb8\">Choose your password</a>.</p>\
         <p>This link works once and until {expires_on}. If it has expired, ask the administrator for a new one.</p>\
         <p>If you were not expecting this email, tell the administrator and ignore the link.</p>\
         <p>Redeploy London</p></body></html>",
        name = escape_html(name),
        role = escape_html(role),
        href = escape_html(link),
        expires_on = escape_html(expires_on),
    );
    Message {
        to: to.to_owned(),
        subject: "Choose the password of your Redeploy London account".to_owned(),
        text,
        html,
    }
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
        assert!(m.html.contains("Ada &lt;b&gt;Okafor&lt;/b&gt;"));
        assert!(!m.html.contains("<b>Okafor"));
        assert!(m.text.contains("until 13 December 2026"));
    }
}
