//! Argon2id at OWASP's recommended parameters (19 MiB, t=2, p=1), run off the
//! async workers. Unknown emails verify against a dummy hash of the same cost so
//! that they answer in the same time as a wrong password.

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The hash of a random password that was thrown away, at the same cost as
/// real hashes: verifying against it takes as long as a wrong password does.
/// It protects nothing, so it is not a secret.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$vCbkWScQvKHel3V//two3A$KqtYvsTaPZ9dMYUDVebSOBngQ4dA/om7qZ2N6WskH+w";

pub fn validate(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(format!("must be at least {MIN_LEN} characters"));
    }
    if chars > MAX_LEN {
        return Err(format!("must be at most {MAX_LEN} characters"));
    }
    Ok(())
}

fn hash_blocking(password: &SecretString) -> anyhow::Result<String> {
    let salt_bytes = crate::crypto::random_bytes(16);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash password: {e}"))?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &SecretString, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok()
}

/// One Argon2 run per core at a time: more would only thrash 19 MiB working sets.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

async fn run_hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _slot = hashing_slots()
        .acquire()
        .await
        .context("hashing slots closed")?;
    tokio::task::spawn_blocking(work)
        .await
        .context("password hashing task")
}

pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    run_hashing(move || hash_blocking(&password))
        .await
        .context("password hashing task")?
}

/// Verifies against `phc`, or against the dummy hash when there is no user, so
/// both cases cost one Argon2 run.
pub async fn verify(password: SecretString, phc: Option<String>) -> anyhow::Result<bool> {
    run_hashing(move || match phc {
        Some(phc) => verify_blocking(&password, &phc),
        None => {
            verify_blocking(&password, DUMMY_HASH);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let phc = hash(secret("correct horse")).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(secret("correct horse"), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!verify(secret("wrong horse"), Some(phc)).await.unwrap());
    }

    #[test]
    fn the_dummy_hash_has_the_same_cost_as_real_hashes() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19 * 1024, 2, 1)
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(secret("anything"), None).await.unwrap());
    }

    #[test]
    fn length_limits_are_enforced() {
        assert!(validate("short").is_err());
        assert!(validate(&"x".repeat(129)).is_err());
        assert!(validate("long enough").is_ok());
    }
}
