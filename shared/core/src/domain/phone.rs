//! Phone numbers an SMS may go to: valid for their region (libphonenumber's
//! metadata, through the `phonenumber` crate), written in E.164, a mobile
//! number, and in a region that is allowed (`SMS_ALLOWED_REGIONS`, ISO 3166
//! codes: `+1` alone would admit Jamaica and the Dominican Republic with the
//! United States and Canada).

use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};

/// An E.164 number (`+14155552671`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str, allowed_regions: &[String]) -> Result<Self, &'static str> {
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
        let region = number.country().id();
        let allowed = region.is_some_and(|id| allowed_regions.iter().any(|r| r == id.as_ref()));
        if !allowed {
            return Err("is in a region SMS codes are not sent to");
        }
        // Where mobile and fixed lines share a plan (the US, Canada), the
        // metadata cannot tell them apart; toll-free, premium, VoIP and the
        // rest are refused.
        match number.number_type(&DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile => {}
            _ => return Err("must be a mobile number"),
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `code` is an ISO 3166 region libphonenumber knows (`US`, `GB`).
pub fn is_known_region(code: &str) -> bool {
    code.parse::<phonenumber::country::Id>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        ["US", "CA", "GB"].map(String::from).to_vec()
    }

    #[test]
    fn mobile_numbers_of_allowed_regions_come_back_in_e164() {
        for (raw, e164) in [
            ("+14155552671", "+14155552671"),
            ("+1 415 555 2671", "+14155552671"),
            ("+1 604 555 0123", "+16045550123"),
            ("+44 7400 123456", "+447400123456"),
        ] {
            assert_eq!(
                Phone::parse(raw, &allowed()).unwrap().as_str(),
                e164,
                "{raw}"
            );
        }
    }

    #[test]
    fn regions_that_share_a_calling_code_are_told_apart() {
        for (raw, region) in [
            ("+1 876 555 0123", "Jamaica"),
            ("+1 809 555 0123", "the Dominican Republic"),
            ("+33 6 12 34 56 78", "France"),
        ] {
            assert_eq!(
                Phone::parse(raw, &allowed()),
                Err("is in a region SMS codes are not sent to"),
                "{region}"
            );
        }
    }

    #[test]
    fn numbers_that_are_not_mobile_are_refused() {
        for raw in ["+44 20 7946 0958", "+1 800 555 0199", "+44 9098 790 710"] {
            assert_eq!(
                Phone::parse(raw, &allowed()),
                Err("must be a mobile number"),
                "{raw}"
            );
        }
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for raw in [
            "",
            "4155552671",
            "+1",
            "+1415555267100000",
            "+1 415 CALL NOW",
            "+999123",
        ] {
            assert!(Phone::parse(raw, &allowed()).is_err(), "{raw}");
        }
    }

    #[test]
    fn known_regions_are_iso_codes() {
        assert!(is_known_region("JM") && is_known_region("GB"));
        assert!(!is_known_region("XX") && !is_known_region("uk"));
    }
}
