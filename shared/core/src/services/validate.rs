//! Field validation at the edge, collecting every problem at once.

use crate::domain::Email;
use crate::error::{ApiError, FieldError};

#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn email(&mut self, field: &str, raw: &str) -> Option<Email> {
        Email::parse(raw)
            .map_err(|m| self.0.push(FieldError::new(field, m)))
            .ok()
    }

    pub fn password(&mut self, field: &str, raw: &str) {
        if let Err(m) = crate::auth::password::validate(raw) {
            self.0.push(FieldError::new(field, m));
        }
    }

    /// Trimmed text of `min..=max` characters.
    pub fn text(&mut self, field: &str, raw: &str, min: usize, max: usize) -> String {
        let trimmed = raw.trim();
        let len = trimmed.chars().count();
        if len < min || len > max {
            self.0.push(FieldError::new(
                field,
                format!("must be {min} to {max} characters"),
            ));
        }
        trimmed.to_string()
    }

    pub fn fail(&mut self, field: &str, message: &str) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RequestError;

    #[test]
    fn every_failing_field_is_reported() {
        let mut c = Checks::default();
        c.email("email", "nope");
        c.password("password", "short");
        c.text("name", "   ", 1, 100);
        let Err(ApiError::Request(RequestError::Invalid(errors))) = c.finish() else {
            panic!("expected validation errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "name"]);
    }

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        let mut c = Checks::default();
        assert_eq!(c.text("name", "  Zoë  ", 1, 3), "Zoë");
        assert!(c.finish().is_ok());
    }
}
