//! What the store keeps of a user's second factors and phone. TOTP seeds are
//! sealed (`auth::sealed`); backup codes and SMS codes are kept only as
//! keyed hashes.

use serde::Serialize;

/// A factor a user can sign in with after their password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MfaMethod {
    Totp,
    Sms,
    BackupCode,
}

impl MfaMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            MfaMethod::Totp => "totp",
            MfaMethod::Sms => "sms",
            MfaMethod::BackupCode => "backup_code",
        }
    }
}

/// A user's second factors; absent fields mean "none".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaRecord {
    /// The enabled TOTP seed, sealed.
    pub totp: Option<String>,
    /// A seed set up but not yet confirmed with a code, sealed.
    pub pending_totp: Option<String>,
    /// The last TOTP step accepted: codes of this step or earlier are replays.
    pub last_step: Option<u64>,
    /// E.164.
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub sms_enabled: bool,
}

impl MfaRecord {
    /// The enabled factors, as `GET /v1/auth/me` lists them.
    pub fn enabled(&self) -> Vec<MfaMethod> {
        let mut methods = Vec::new();
        if self.totp.is_some() {
            methods.push(MfaMethod::Totp);
        }
        if self.sms_enabled {
            methods.push(MfaMethod::Sms);
        }
        methods
    }

    /// What a pending MFA login may answer with (backup codes exist whenever a factor is on).
    pub fn login_methods(&self) -> Vec<MfaMethod> {
        let mut methods = self.enabled();
        if !methods.is_empty() {
            methods.push(MfaMethod::BackupCode);
        }
        methods
    }

    /// The phone an SMS may go to: verified, SMS MFA on.
    pub fn sms_phone(&self) -> Option<&str> {
        self.phone.as_deref().filter(|_| self.sms_enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_methods_add_backup_codes_only_when_a_factor_is_on() {
        assert!(MfaRecord::default().login_methods().is_empty());
        let both = MfaRecord {
            totp: Some("sealed".into()),
            phone: Some("+15555550100".into()),
            phone_verified: true,
            sms_enabled: true,
            ..MfaRecord::default()
        };
        assert_eq!(
            both.login_methods(),
            [MfaMethod::Totp, MfaMethod::Sms, MfaMethod::BackupCode]
        );
    }
}
