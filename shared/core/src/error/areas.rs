//! The failures of each area, named by what went wrong. The edge words each
//! one as a status, a stable problem `code` and a `detail`
//! (`edge::http::status`); nothing here knows HTTP.

use super::FieldError;
use crate::domain::MfaMethod;

/// A request the service cannot take, whatever the route.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    #[error("body too large")]
    TooLarge,
    #[error("body is not JSON")]
    NotJson,
    /// A path id that cannot name anything.
    #[error("no such resource")]
    NotFound,
    #[error("rate limited")]
    RateLimited { retry_after: i64 },
}

/// Who the caller is and what they may do.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("not signed in")]
    Unauthenticated,
    /// A presented access token that is not one of ours (malformed, forged).
    #[error("malformed token")]
    MalformedToken,
    #[error("token expired")]
    TokenExpired,
    #[error("token revoked")]
    TokenRevoked,
    #[error("csrf check failed")]
    CsrfFailed,
    #[error("forbidden")]
    Forbidden,
    #[error("reauthentication required")]
    ReauthenticationRequired,
    /// A single-use token (email link, `mfa_token`, provider state or login
    /// code) that is unknown, expired or already used.
    #[error("invalid single-use token")]
    InvalidSingleUseToken,
}

/// Signing in and keeping a session.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The password was right; a second factor must follow (`POST /v1/auth/login/mfa`).
    #[error("mfa required")]
    MfaRequired {
        mfa_token: String,
        methods: Vec<MfaMethod>,
    },
    /// A wrong second-factor code during a sign-in.
    #[error("wrong sign-in code")]
    WrongCode,
    /// A right password (or factor) for an account whose address was never proven.
    #[error("email not verified")]
    EmailNotVerified,
    #[error("account locked")]
    AccountLocked { retry_after: i64 },
    #[error("refresh token reused")]
    RefreshReused,
}

/// The account, its sessions and its linked providers.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("email taken")]
    EmailTaken,
    #[error("user not found")]
    UserNotFound,
    #[error("session not found")]
    SessionNotFound,
    #[error("provider not configured")]
    ProviderNotFound,
    #[error("identity not linked")]
    IdentityNotLinked,
    /// Unlinking would leave the account with no way to sign in.
    #[error("last way to sign in")]
    LastWayToSignIn,
}

/// Second factors: TOTP, the phone and SMS, backup codes.
#[derive(Debug, thiserror::Error)]
pub enum FactorError {
    /// A wrong TOTP, SMS or backup code outside a sign-in.
    #[error("wrong code")]
    WrongCode,
    #[error("totp already on")]
    TotpAlreadyOn,
    #[error("no pending totp")]
    NoPendingTotp,
    #[error("no factor on")]
    NoFactorOn,
    /// The phone cannot change or go while it receives sign-in codes.
    #[error("sms factor on")]
    SmsIsOn,
    #[error("no phone")]
    NoPhone,
    #[error("phone not verified")]
    PhoneNotVerified,
}

/// The task board.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("task not found")]
    NotFound,
    /// The task changed since the version the caller named (`If-Match`).
    #[error("stale version")]
    Stale,
    /// Concurrent writers kept winning; nothing was changed.
    #[error("contended")]
    Contended,
    #[error("not the owner")]
    NotOwner,
}

/// Uploaded files.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file not found")]
    NotFound,
    #[error("file too large")]
    TooLarge,
    #[error("file type not allowed")]
    UnsupportedType,
    /// Completion found no upload of the declared size.
    #[error("upload missing")]
    NotUploaded,
    #[error("file not ready")]
    NotReady,
    /// The owner keeps [`crate::domain::MAX_FILES_PER_USER`] ready files.
    #[error("too many files")]
    TooMany,
}

/// Workspaces and their members.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No such workspace, or the caller is not a member: the two read the same.
    #[error("workspace not found")]
    NotFound,
    #[error("no such member")]
    MemberNotFound,
    /// A member whose role does not allow the action.
    #[error("role does not allow")]
    NotAllowed,
    #[error("last owner")]
    LastOwner,
    #[error("too many workspaces")]
    TooMany,
    /// The member's role changed while this request decided.
    #[error("member changed")]
    MemberChanged,
    #[error("already a member")]
    AlreadyMember,
    #[error("already invited")]
    AlreadyInvited,
    #[error("invitation not found")]
    InvitationNotFound,
    /// The signed-in account is not the verified address the invitation names.
    #[error("not the invited address")]
    NotInvited,
}
