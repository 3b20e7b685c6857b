//! Phone numbers an SMS may go to: valid for their country (libphonenumber's
//! metadata, through the `phonenumber` crate), written in E.164, and in a
//! country whose calling code is allowed (`SMS_ALLOWED_COUNTRY_CODES`).

use phonenumber::Mode;

/// An E.164 number (`+14155552671`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str, allowed_country_codes: &[u16]) -> Result<Self, &'static str> {
        let raw = raw.trim();
        let typed = |c: char| c.is_ascii_digit() || " -().".contains(c);
        // Letters would be read as a keypad's digits ("+1 800 FLOWERS").
        if !raw.starts_with('+') || raw.len() > 24 || !raw[1..].chars().all(typed) {
            return Err("must be an E.164 number such as +14155552671");
        }
        let number = phonenumber::parse(None, raw).map_err(|_| "is not a phone number")?;
        if !phonenumber::is_valid(&number) {
            return Err("is not a valid phone number");
        }
        if !allowed_country_codes.contains(&number.code().value()) {
            return Err("is in a country SMS codes are not sent to");
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: &[u16] = &[1, 44];

    #[test]
    fn valid_numbers_in_allowed_countries_come_back_in_e164() {
        for (raw, e164) in [
            ("+14155552671", "+14155552671"),
            ("+1 415 555 2671", "+14155552671"),
            ("+44 7400 123456", "+447400123456"),
        ] {
            assert_eq!(Phone::parse(raw, ALLOWED).unwrap().as_str(), e164, "{raw}");
        }
    }

    #[test]
    fn other_countries_and_malformed_numbers_are_refused() {
        assert!(
            Phone::parse("+33612345678", ALLOWED).is_err(),
            "France is not allowed"
        );
        for raw in [
            "",
            "4155552671",
            "+1",
            "+1415555267100000",
            "+1 415 CALL NOW",
            "+999123",
        ] {
            assert!(Phone::parse(raw, ALLOWED).is_err(), "{raw}");
        }
    }
}
