//! The OpenAPI description of the second-factor and phone routes.

use edge::openapi::Operation;
use serde_json::json;
use think_tank_core::domain::Profile;

use crate::{BackupCodes, CodeBody, DisableBody, PhoneBody, Setup};

/// Sensitive routes answer `reauthentication_required` unless the session
/// re-authenticated (`POST /v1/auth/reauthenticate`) a few minutes ago.
const SUDO: &str = "reauthentication_required";

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::new("mfa-totp-setup", "mfa", "Start TOTP setup (sensitive)")
            .describe("A new secret and its `otpauth://` URI for an authenticator app; confirm with `mfa/totp/enable`.")
            .signed_in()
            .reply::<Setup>(200, "The secret to scan.")
            .errors(&[SUDO, "email_not_verified", "conflict"]),
        Operation::new("mfa-totp-enable", "mfa", "Turn TOTP on with a first code")
            .signed_in()
            .body::<CodeBody>(json!({ "code": "123456" }))
            .reply::<BackupCodes>(200, "Ten single-use backup codes, shown once.")
            .errors(&["invalid_code", "conflict", "rate_limited"]),
        Operation::new("mfa-backup-codes", "mfa", "New backup codes (sensitive)")
            .describe("Replaces every unused code.")
            .signed_in()
            .reply::<BackupCodes>(200, "Ten new single-use codes, shown once.")
            .errors(&[SUDO, "email_not_verified", "conflict"]),
        Operation::new("mfa-disable", "mfa", "Turn every second factor off")
            .describe("The password (if the account has one) and a current code.")
            .signed_in()
            .body::<DisableBody>(json!({ "password": "correct horse battery", "code": "123456" }))
            .empty(204, "MFA is off.")
            .errors(&[SUDO, "invalid_credentials", "invalid_code", "conflict", "account_locked", "rate_limited"]),
        Operation::new("phone-add", "mfa", "Set my phone number (sensitive)")
            .describe("E.164; texts a code to confirm it with `phone/verify`.")
            .signed_in()
            .body::<PhoneBody>(json!({ "phone": "+447700900123" }))
            .empty(202, "A code is on its way.")
            .errors(&[SUDO, "email_not_verified", "conflict", "rate_limited"]),
        Operation::new("phone-verify", "mfa", "Confirm my phone number")
            .signed_in()
            .body::<CodeBody>(json!({ "code": "123456" }))
            .envelope::<Profile>(200, "The profile, `phone_verified` true.")
            .errors(&["invalid_code", "conflict", "rate_limited"]),
        Operation::new("phone-delete", "mfa", "Remove my phone number (sensitive)")
            .signed_in()
            .empty(204, "Removed.")
            .errors(&[SUDO, "conflict"]),
        Operation::new("mfa-sms-enable", "mfa", "Turn SMS codes on (sensitive)")
            .describe("Needs a verified phone.")
            .signed_in()
            .reply::<BackupCodes>(200, "Backup codes, when SMS is the first factor.")
            .errors(&[SUDO, "conflict"]),
        Operation::new("mfa-sms-send", "mfa", "Text me a code")
            .describe("For `reauthenticate` or `mfa/disable`.")
            .signed_in()
            .empty(202, "A code is on its way.")
            .errors(&["conflict", "rate_limited"]),
    ]
}
