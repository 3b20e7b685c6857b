//! The one mapping from failures to HTTP: the status, the problem's stable
//! `code` and its human `detail`. The core names failures; only the edge
//! words them.

use http::StatusCode;

use think_tank_core::error::{
    AccessError, AccountError, ApiError, FactorError, FileError, RequestError, SignInError,
    TaskError, WorkspaceError,
};

/// How one failure reads over HTTP.
struct Wording {
    status: StatusCode,
    code: &'static str,
    detail: &'static str,
}

const fn say(status: StatusCode, code: &'static str, detail: &'static str) -> Wording {
    Wording {
        status,
        code,
        detail,
    }
}

pub fn status(err: &ApiError) -> StatusCode {
    wording(err).status
}

/// The problem's stable `code`.
pub fn code(err: &ApiError) -> &'static str {
    wording(err).code
}

/// A human sentence for the problem's `detail`; never internal text.
pub fn detail(err: &ApiError) -> &'static str {
    wording(err).detail
}

/// What a problem `code` means across every route, for the API's docs
/// (each failure's own `detail` says more).
pub fn meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "validation_failed" => "The request is not valid; see errors.",
        "payload_too_large" => "The request body is larger than 64 KiB.",
        "unsupported_media_type" => "The body's content type is not accepted here.",
        "not_found" => "The resource does not exist.",
        "rate_limited" => "Too many requests; retry later.",
        "unauthorized" => "Authentication is required, or the access token is not valid.",
        "token_expired" => "The access token has expired.",
        "token_revoked" => "The access token has been revoked.",
        "csrf_failed" => "The CSRF token is missing or does not match this session.",
        "forbidden" => "You do not have permission for this action.",
        "reauthentication_required" => "Sign in again (POST /v1/auth/reauthenticate) to do this.",
        "invalid_token" => "The token is invalid, expired or already used.",
        "invalid_credentials" => "The email or password is wrong.",
        "mfa_required" => {
            "Send a code from a second factor to POST /v1/auth/login/mfa with mfa_token."
        }
        "invalid_code" => "The code is wrong, expired or already used.",
        "email_not_verified" => "Confirm your email address first.",
        "account_locked" => "Too many failed logins; the account is locked for now.",
        "refresh_reused" => "The refresh token was already used; the session is revoked.",
        "email_taken" => "An account with this email already exists.",
        "conflict" => "The request conflicts with the current state.",
        "precondition_failed" => "The resource has changed since the given ETag.",
        "file_too_large" => "The file is larger than uploads may be.",
        "unavailable" => "A dependency is unavailable; retry later.",
        "internal_error" => "An unexpected error occurred.",
        _ => return None,
    })
}

fn wording(err: &ApiError) -> Wording {
    match err {
        ApiError::Request(e) => request(e),
        ApiError::Access(e) => access(e),
        ApiError::SignIn(e) => sign_in(e),
        ApiError::Account(e) => account(e),
        ApiError::Factor(e) => factor(e),
        ApiError::Task(e) => task(e),
        ApiError::File(e) => file(e),
        ApiError::Workspace(e) => workspace(e),
        ApiError::Unavailable(_) => say(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "A dependency is unavailable; retry later.",
        ),
        ApiError::Internal(_) => say(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "An unexpected error occurred.",
        ),
    }
}

fn request(e: &RequestError) -> Wording {
    use StatusCode as S;
    match e {
        RequestError::Invalid(_) => say(
            S::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "The request is not valid; see errors.",
        ),
        RequestError::TooLarge => say(
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is larger than 64 KiB.",
        ),
        RequestError::NotJson => say(
            S::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The request body must be application/json.",
        ),
        RequestError::NotFound => say(S::NOT_FOUND, "not_found", "The resource does not exist."),
        RequestError::RateLimited { .. } => say(
            S::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests; retry later.",
        ),
    }
}

fn access(e: &AccessError) -> Wording {
    use StatusCode as S;
    match e {
        AccessError::Unauthenticated => say(
            S::UNAUTHORIZED,
            "unauthorized",
            "Authentication is required.",
        ),
        AccessError::MalformedToken => say(
            S::UNAUTHORIZED,
            "unauthorized",
            "The access token is not valid.",
        ),
        AccessError::TokenExpired => say(
            S::UNAUTHORIZED,
            "token_expired",
            "The access token has expired.",
        ),
        AccessError::TokenRevoked => say(
            S::UNAUTHORIZED,
            "token_revoked",
            "The access token has been revoked.",
        ),
        AccessError::CsrfFailed => say(
            S::FORBIDDEN,
            "csrf_failed",
            "The CSRF token is missing or does not match this session.",
        ),
        AccessError::Forbidden => say(
            S::FORBIDDEN,
            "forbidden",
            "You do not have permission for this action.",
        ),
        AccessError::ReauthenticationRequired => say(
            S::FORBIDDEN,
            "reauthentication_required",
            "Sign in again (POST /v1/auth/reauthenticate) to do this.",
        ),
        AccessError::InvalidSingleUseToken => say(
            S::BAD_REQUEST,
            "invalid_token",
            "The token is invalid, expired or already used.",
        ),
    }
}

fn sign_in(e: &SignInError) -> Wording {
    use StatusCode as S;
    match e {
        SignInError::InvalidCredentials => say(
            S::UNAUTHORIZED,
            "invalid_credentials",
            "The email or password is wrong.",
        ),
        SignInError::MfaRequired { .. } => say(
            S::UNAUTHORIZED,
            "mfa_required",
            "Send a code from a second factor to POST /v1/auth/login/mfa with mfa_token.",
        ),
        SignInError::WrongCode => say(
            S::UNAUTHORIZED,
            "invalid_code",
            "The code is wrong, expired or already used.",
        ),
        SignInError::EmailNotVerified => say(
            S::FORBIDDEN,
            "email_not_verified",
            "Confirm your email address first (POST /v1/auth/verify-email/resend sends a new link).",
        ),
        SignInError::AccountLocked { .. } => say(
            S::TOO_MANY_REQUESTS,
            "account_locked",
            "Too many failed logins; the account is locked for now.",
        ),
        SignInError::RefreshReused => say(
            S::UNAUTHORIZED,
            "refresh_reused",
            "The refresh token was already used; the session is revoked.",
        ),
    }
}

fn account(e: &AccountError) -> Wording {
    use StatusCode as S;
    match e {
        AccountError::EmailTaken => say(
            S::CONFLICT,
            "email_taken",
            "An account with this email already exists.",
        ),
        AccountError::UserNotFound => say(S::NOT_FOUND, "not_found", "There is no such user."),
        AccountError::SessionNotFound => say(
            S::NOT_FOUND,
            "not_found",
            "You have no live session with this id.",
        ),
        AccountError::ProviderNotFound => say(
            S::NOT_FOUND,
            "not_found",
            "No sign-in provider of this name is configured.",
        ),
        AccountError::IdentityNotLinked => say(
            S::NOT_FOUND,
            "not_found",
            "This provider is not linked to your account.",
        ),
        AccountError::LastWayToSignIn => say(
            S::CONFLICT,
            "conflict",
            "This is your last way to sign in; set a password or link another provider first.",
        ),
    }
}

fn factor(e: &FactorError) -> Wording {
    use StatusCode as S;
    let conflict = |detail| say(S::CONFLICT, "conflict", detail);
    match e {
        FactorError::WrongCode => say(
            S::UNPROCESSABLE_ENTITY,
            "invalid_code",
            "The code is wrong, expired or already used.",
        ),
        FactorError::TotpAlreadyOn => conflict("An authenticator app is already on."),
        FactorError::NoPendingTotp => conflict(
            "There is no authenticator app being set up; start with POST /v1/auth/mfa/totp.",
        ),
        FactorError::NoFactorOn => conflict("No second factor is on."),
        FactorError::SmsIsOn => {
            conflict("The phone receives sign-in codes; turn SMS sign-in off first.")
        }
        FactorError::NoPhone => conflict("There is no phone number on the account."),
        FactorError::PhoneNotVerified => conflict("Verify the phone number first."),
    }
}

fn task(e: &TaskError) -> Wording {
    use StatusCode as S;
    match e {
        TaskError::NotFound => say(S::NOT_FOUND, "not_found", "There is no such task."),
        TaskError::Stale => say(
            S::PRECONDITION_FAILED,
            "precondition_failed",
            "The resource has changed since the given ETag.",
        ),
        TaskError::Contended => say(
            S::CONFLICT,
            "conflict",
            "The task kept changing while this update was applied; retry.",
        ),
        TaskError::NotOwner => say(
            S::FORBIDDEN,
            "forbidden",
            "Only the task's owner or an admin may do this.",
        ),
    }
}

fn file(e: &FileError) -> Wording {
    use StatusCode as S;
    match e {
        FileError::NotFound => say(S::NOT_FOUND, "not_found", "There is no such file."),
        FileError::TooLarge => say(
            S::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "The file is larger than uploads may be.",
        ),
        FileError::UnsupportedType => say(
            S::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Files of this content type may not be uploaded.",
        ),
        FileError::NotUploaded => say(
            S::CONFLICT,
            "conflict",
            "No upload of the declared size has arrived.",
        ),
        FileError::NotReady => say(
            S::CONFLICT,
            "conflict",
            "The file's upload has not been completed.",
        ),
        FileError::TooMany => say(
            S::CONFLICT,
            "conflict",
            "You keep as many files as an account may; delete some first.",
        ),
    }
}

#[cfg(test)]
mod tests;

fn workspace(e: &WorkspaceError) -> Wording {
    use StatusCode as S;
    let conflict = |detail| say(S::CONFLICT, "conflict", detail);
    match e {
        WorkspaceError::NotFound => say(S::NOT_FOUND, "not_found", "There is no such workspace."),
        WorkspaceError::MemberNotFound => say(
            S::NOT_FOUND,
            "not_found",
            "There is no such member in this workspace.",
        ),
        WorkspaceError::NotAllowed => say(
            S::FORBIDDEN,
            "forbidden",
            "Your role in this workspace does not allow this.",
        ),
        WorkspaceError::LastOwner => {
            conflict("A workspace keeps at least one owner; make another member owner first.")
        }
        WorkspaceError::TooMany => conflict("You already belong to 100 workspaces."),
        WorkspaceError::MemberChanged => conflict("The member changed meanwhile; retry."),
        WorkspaceError::AlreadyMember => conflict("This address already belongs to a member."),
        WorkspaceError::AlreadyInvited => {
            conflict("This address already has a pending invitation.")
        }
        WorkspaceError::InvitationNotFound => say(
            S::NOT_FOUND,
            "not_found",
            "There is no such pending invitation.",
        ),
        WorkspaceError::NotInvited => say(
            S::FORBIDDEN,
            "forbidden",
            "The invitation is for another address, or yours is not verified yet.",
        ),
    }
}
