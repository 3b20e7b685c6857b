//! Request bodies: unknown fields are refused, every field is validated.

use secrecy::SecretString;
use serde::Deserialize;
use think_tank_core::domain::Email;
use think_tank_core::services::accounts::Registration;
use think_tank_core::services::login::LoginInput;
use think_tank_core::services::validate::Checks;
use think_tank_core::ApiError;

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    password: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"\S")
    )]
    name: String,
}

impl edge::http::body::RequestBody for RegisterBody {
    type Valid = Registration;

    fn validate(self) -> Result<Registration, ApiError> {
        let mut checks = Checks::default();
        let email = checks.email("email", &self.email);
        checks.password("password", &self.password);
        let name = checks.text("name", &self.name, 1, 100);
        checks.finish()?;
        let email = email.ok_or_else(|| ApiError::field("email", "is required"))?;
        Ok(Registration {
            email,
            password: self.password.into(),
            name,
        })
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    password: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    device_name: Option<String>,
}

impl edge::http::body::RequestBody for LoginBody {
    type Valid = LoginInput;

    fn validate(self) -> Result<LoginInput, ApiError> {
        let mut checks = Checks::default();
        let email = checks.email("email", &self.email);
        if self.password.is_empty()
            || self.password.chars().count() > think_tank_core::auth::password::MAX_LEN
        {
            checks.fail("password", "must be 1 to 128 characters");
        }
        let device_name = self
            .device_name
            .map(|d| checks.text("device_name", &d, 0, 100))
            .filter(|d| !d.is_empty());
        checks.finish()?;
        let email = email.ok_or_else(|| ApiError::field("email", "is required"))?;
        Ok(LoginInput {
            email,
            password: self.password.into(),
            device_name,
            web: false,
        })
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeBody {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub name: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    new_password: String,
}

impl edge::http::body::RequestBody for PasswordChangeBody {
    type Valid = (SecretString, SecretString);

    fn validate(self) -> Result<(SecretString, SecretString), ApiError> {
        let mut checks = Checks::default();
        if self.current_password.is_empty() {
            checks.fail("current_password", "is required");
        }
        checks.password("new_password", &self.new_password);
        checks.finish()?;
        Ok((self.current_password.into(), self.new_password.into()))
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReauthBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    password: String,
    #[serde(default)]
    code: Option<String>,
}

impl edge::http::body::RequestBody for ReauthBody {
    type Valid = (SecretString, Option<String>);

    fn validate(self) -> Result<(SecretString, Option<String>), ApiError> {
        if self.password.is_empty() {
            return Err(ApiError::field("password", "is required"));
        }
        let code = self.code.filter(|c| !c.trim().is_empty());
        Ok((self.password.into(), code))
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaLoginBody {
    pub mfa_token: String,
    pub code: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = VerifyEmailBody))]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub token: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
}

impl edge::http::body::RequestBody for EmailBody {
    type Valid = Email;

    fn validate(self) -> Result<Email, ApiError> {
        let mut checks = Checks::default();
        let email = checks.email("email", &self.email);
        checks.finish()?;
        email.ok_or_else(|| ApiError::field("email", "must be a valid email address"))
    }
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaTokenBody {
    pub mfa_token: String,
}

// Their field types are the whole check.
edge::typed_bodies!(
    TokenBody,
    MfaLoginBody,
    MfaTokenBody,
    RefreshBody,
    MeBody,
    ResetBody
);
