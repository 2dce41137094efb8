//! The invitation email, rendered from template files: HTML (auto-escaped) and plain text.

use chrono::{DateTime, Utc};
use minijinja::{context, Environment, Value};
use skillstream_domain::Role;

pub const SUBJECT: &str = "Welcome to SkillStream LMS";

/// What the email says.
#[derive(Debug, Clone)]
pub struct InvitationEmail {
    /// A reminder of an invitation already sent (subject "Reminder: …").
    pub reminder: bool,
    pub organization: String,
    /// The inviter's name, or their email when they have no name.
    pub inviter: String,
    pub first_name: Option<String>,
    pub role: Role,
    pub courses: Vec<String>,
    pub accept_url: String,
    pub expires_at: DateTime<Utc>,
    pub sso_enforced: bool,
}

/// To an admin: the holder of an expired link asks for a new invitation.
#[derive(Debug, Clone)]
pub struct RenewalRequestEmail {
    pub organization: String,
    pub invitee: String,
    pub expired_at: DateTime<Utc>,
    /// The Invitations page filtered to the invitee.
    pub invitations_url: String,
}

/// To the admins: a webhook endpoint was disabled (410 Gone, or failing for days).
#[derive(Debug, Clone)]
pub struct WebhookDisabledEmail {
    pub organization: String,
    pub url: String,
    pub reason: String,
    /// The Webhooks page.
    pub webhooks_url: String,
}

/// Both parts of a rendered email.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads the templates compiled into the binary. A syntax error in them is a build-time
    /// mistake that the unit tests catch.
    pub fn new() -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        // Auto-escaping follows the file name: `.html` is escaped, `.txt` is not.
        env.add_template(
            "invitation.html",
            include_str!("../../templates/invitation.html"),
        )?;
        env.add_template(
            "invitation.txt",
            include_str!("../../templates/invitation.txt"),
        )?;
        env.add_template(
            "renewal_request.html",
            include_str!("../../templates/renewal_request.html"),
        )?;
        env.add_template(
            "renewal_request.txt",
            include_str!("../../templates/renewal_request.txt"),
        )?;
        env.add_template(
            "webhook_disabled.html",
            include_str!("../../templates/webhook_disabled.html"),
        )?;
        env.add_template(
            "webhook_disabled.txt",
            include_str!("../../templates/webhook_disabled.txt"),
        )?;
        Ok(Self { env })
    }

    pub fn webhook_disabled(
        &self,
        email: &WebhookDisabledEmail,
    ) -> Result<Rendered, minijinja::Error> {
        let ctx = context! {
            organization => &email.organization,
            url => &email.url,
            reason => &email.reason,
            webhooks_url => Value::from_safe_string(escape_attribute(&email.webhooks_url)),
        };
        Ok(Rendered {
            subject: format!("A webhook endpoint of {} was disabled", email.organization),
            text: self
                .env
                .get_template("webhook_disabled.txt")?
                .render(&ctx)?,
            html: self
                .env
                .get_template("webhook_disabled.html")?
                .render(&ctx)?,
        })
    }

    pub fn invitation(&self, email: &InvitationEmail) -> Result<Rendered, minijinja::Error> {
        let role = email.role.label();
        let ctx = context! {
            organization => &email.organization,
            inviter => &email.inviter,
            first_name => &email.first_name,
            role => role,
            role_article => if matches!(email.role, Role::Admin | Role::Instructor) { "an" } else { "a" },
            courses => &email.courses,
            // minijinja's escaper also encodes `/`, which some mail clients show literally in
            // links; the URL is escaped here for the characters that matter in an attribute.
            accept_url => Value::from_safe_string(escape_attribute(&email.accept_url)),
            expires_on => email.expires_at.format("%A, %-d %B %Y at %H:%M UTC").to_string(),
            sso_enforced => email.sso_enforced,
            reminder => email.reminder,
        };
        let subject = if email.reminder {
            format!("Reminder: {SUBJECT}")
        } else {
            SUBJECT.to_string()
        };
        Ok(Rendered {
            subject,
            text: self.env.get_template("invitation.txt")?.render(&ctx)?,
            html: self.env.get_template("invitation.html")?.render(&ctx)?,
        })
    }

    pub fn renewal_request(
        &self,
        email: &RenewalRequestEmail,
    ) -> Result<Rendered, minijinja::Error> {
        let ctx = context! {
            organization => &email.organization,
            invitee => &email.invitee,
            expired_on => email.expired_at.format("%A, %-d %B %Y").to_string(),
            invitations_url => Value::from_safe_string(escape_attribute(&email.invitations_url)),
        };
        Ok(Rendered {
            subject: format!(
                "{} asks for a new invitation to {}",
                email.invitee, email.organization
            ),
            text: self.env.get_template("renewal_request.txt")?.render(&ctx)?,
            html: self
                .env
                .get_template("renewal_request.html")?
                .render(&ctx)?,
        })
    }
}

fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn email() -> InvitationEmail {
        InvitationEmail {
            reminder: false,
            organization: "Acme <Corp> & Sons".into(),
            inviter: "Grace \"Admin\" Hopper".into(),
            first_name: Some("<script>alert(1)</script>".into()),
            role: Role::Instructor,
            courses: vec!["Safety <101>".into(), "Onboarding".into()],
            accept_url: "https://lms.example.com/invite/abc_DEF-123".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap(),
            sso_enforced: false,
        }
    }

    #[test]
    fn both_parts_name_the_organization_inviter_role_courses_link_and_expiry() {
        let rendered = Templates::new().unwrap().invitation(&email()).unwrap();
        assert_eq!(rendered.subject, "Welcome to SkillStream LMS");
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains("Instructor"));
            assert!(part.contains("Onboarding"));
            assert!(part.contains("https://lms.example.com/invite/abc_DEF-123"));
            assert!(part.contains("Friday, 4 December 2026"));
        }
        assert!(rendered.text.contains("Acme <Corp> & Sons"));
        assert!(rendered.text.contains("as an Instructor"));
    }

    #[test]
    fn a_reminder_says_so_in_its_subject_and_first_line() {
        let reminder = InvitationEmail {
            reminder: true,
            ..email()
        };
        let rendered = Templates::new().unwrap().invitation(&reminder).unwrap();
        assert_eq!(rendered.subject, "Reminder: Welcome to SkillStream LMS");
        assert!(rendered
            .text
            .starts_with("Welcome to SkillStream LMS\n\nA reminder:"));
        assert!(rendered
            .html
            .contains("A reminder: your invitation is still waiting"));
    }

    #[test]
    fn a_renewal_request_names_the_invitee_and_escapes_it() {
        let rendered = Templates::new()
            .unwrap()
            .renewal_request(&RenewalRequestEmail {
                organization: "Acme".into(),
                invitee: "<b>ada</b>@example.com".into(),
                expired_at: Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap(),
                invitations_url: "https://lms.example.com/admin/invitations?q=ada%40example.com"
                    .into(),
            })
            .unwrap();
        assert!(rendered
            .subject
            .contains("asks for a new invitation to Acme"));
        assert!(rendered.text.contains("Friday, 4 December 2026"));
        assert!(rendered.html.contains("&lt;b&gt;ada"));
        assert!(!rendered.html.contains("<b>"));
        assert!(rendered.html.contains("q=ada%40example.com"));
    }

    #[test]
    fn user_supplied_text_is_escaped_in_html() {
        let rendered = Templates::new().unwrap().invitation(&email()).unwrap();
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.html.contains("&lt;script&gt;"));
        assert!(rendered.html.contains("Acme &lt;Corp&gt; &amp; Sons"));
        assert!(rendered.html.contains("Safety &lt;101&gt;"));
    }
}
