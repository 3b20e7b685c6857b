//! One sample of every failure, for the docs and the tests that check them.

use think_tank_core::error::{
    AccessError, AccountError, ApiError, FactorError, FieldError, FileError, RequestError,
    SignInError, TaskError, WorkspaceError,
};

/// One error of each kind, with the status and detail it answers with.
pub fn every_error() -> Vec<ApiError> {
    let request = [
        RequestError::Invalid(vec![FieldError::new(
            "email",
            "is not a valid email address",
        )]),
        RequestError::TooLarge,
        RequestError::NotJson,
        RequestError::NotFound,
        RequestError::RateLimited { retry_after: 60 },
    ];
    let access = [
        AccessError::Unauthenticated,
        AccessError::MalformedToken,
        AccessError::TokenExpired,
        AccessError::TokenRevoked,
        AccessError::CsrfFailed,
        AccessError::Forbidden,
        AccessError::ReauthenticationRequired,
        AccessError::InvalidSingleUseToken,
    ];
    let sign_in = [
        SignInError::InvalidCredentials,
        SignInError::MfaRequired {
            mfa_token: String::new(),
            methods: Vec::new(),
        },
        SignInError::WrongCode,
        SignInError::EmailNotVerified,
        SignInError::AccountLocked { retry_after: 900 },
        SignInError::RefreshReused,
    ];
    let account = [
        AccountError::EmailTaken,
        AccountError::UserNotFound,
        AccountError::SessionNotFound,
        AccountError::ProviderNotFound,
        AccountError::IdentityNotLinked,
        AccountError::LastWayToSignIn,
    ];
    let factor = [
        FactorError::WrongCode,
        FactorError::TotpAlreadyOn,
        FactorError::NoPendingTotp,
        FactorError::NoFactorOn,
        FactorError::SmsIsOn,
        FactorError::NoPhone,
        FactorError::PhoneNotVerified,
    ];
    let task = [
        TaskError::NotFound,
        TaskError::Stale,
        TaskError::Contended,
        TaskError::NotOwner,
    ];
    let file = [
        FileError::NotFound,
        FileError::TooLarge,
        FileError::UnsupportedType,
        FileError::NotUploaded,
        FileError::NotReady,
        FileError::TooMany,
    ];
    let workspace = [
        WorkspaceError::NotFound,
        WorkspaceError::MemberNotFound,
        WorkspaceError::NotAllowed,
        WorkspaceError::LastOwner,
        WorkspaceError::TooMany,
        WorkspaceError::MemberChanged,
        WorkspaceError::AlreadyMember,
        WorkspaceError::AlreadyInvited,
        WorkspaceError::InvitationNotFound,
        WorkspaceError::NotInvited,
    ];
    let mut all: Vec<ApiError> = Vec::new();
    all.extend(request.into_iter().map(ApiError::from));
    all.extend(access.into_iter().map(ApiError::from));
    all.extend(sign_in.into_iter().map(ApiError::from));
    all.extend(account.into_iter().map(ApiError::from));
    all.extend(factor.into_iter().map(ApiError::from));
    all.extend(task.into_iter().map(ApiError::from));
    all.extend(file.into_iter().map(ApiError::from));
    all.extend(workspace.into_iter().map(ApiError::from));
    all.push(ApiError::Unavailable(anyhow::anyhow!("sample")));
    all.push(ApiError::Internal(anyhow::anyhow!("sample")));
    all.iter().for_each(listed);
    all
}

/// Names every variant: a new one fails to compile here until it is also
/// listed in [`every_error`].
fn listed(e: &ApiError) {
    use AccessError as Ac;
    use AccountError as Au;
    match e {
        ApiError::Request(
            RequestError::Invalid(_)
            | RequestError::TooLarge
            | RequestError::NotJson
            | RequestError::NotFound
            | RequestError::RateLimited { .. },
        )
        | ApiError::Access(
            Ac::Unauthenticated
            | Ac::MalformedToken
            | Ac::TokenExpired
            | Ac::TokenRevoked
            | Ac::CsrfFailed
            | Ac::Forbidden
            | Ac::ReauthenticationRequired
            | Ac::InvalidSingleUseToken,
        )
        | ApiError::SignIn(
            SignInError::InvalidCredentials
            | SignInError::MfaRequired { .. }
            | SignInError::WrongCode
            | SignInError::EmailNotVerified
            | SignInError::AccountLocked { .. }
            | SignInError::RefreshReused,
        )
        | ApiError::Account(
            Au::EmailTaken
            | Au::UserNotFound
            | Au::SessionNotFound
            | Au::ProviderNotFound
            | Au::IdentityNotLinked
            | Au::LastWayToSignIn,
        )
        | ApiError::Factor(
            FactorError::WrongCode
            | FactorError::TotpAlreadyOn
            | FactorError::NoPendingTotp
            | FactorError::NoFactorOn
            | FactorError::SmsIsOn
            | FactorError::NoPhone
            | FactorError::PhoneNotVerified,
        )
        | ApiError::Task(
            TaskError::NotFound | TaskError::Stale | TaskError::Contended | TaskError::NotOwner,
        )
        | ApiError::File(
            FileError::NotFound
            | FileError::TooLarge
            | FileError::UnsupportedType
            | FileError::NotUploaded
            | FileError::NotReady
            | FileError::TooMany,
        )
        | ApiError::Workspace(
            WorkspaceError::NotFound
            | WorkspaceError::MemberNotFound
            | WorkspaceError::NotAllowed
            | WorkspaceError::LastOwner
            | WorkspaceError::TooMany
            | WorkspaceError::MemberChanged
            | WorkspaceError::AlreadyMember
            | WorkspaceError::AlreadyInvited
            | WorkspaceError::InvitationNotFound
            | WorkspaceError::NotInvited,
        )
        | ApiError::Unavailable(_)
        | ApiError::Internal(_) => {}
    }
}
