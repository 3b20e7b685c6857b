//! Argon2id at OWASP's recommended parameters (19 MiB, t=2, p=1). Hashing runs
//! on a fixed set of worker threads, one per core, each reusing one 19 MiB
//! block of memory: more runs at once would only thrash those working sets,
//! and fresh blocks per run would make the allocator keep one per thread.
//! Unknown emails verify against a dummy hash of the same cost so that they
//! answer in the same time as a wrong password.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("static Argon2 parameters are valid")
}

fn hasher(params: Params) -> Argon2<'static> {
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

/// Memory for one Argon2 run at `params`, reused while the parameters stay the same.
struct Scratch(Vec<Block>);

impl Scratch {
    fn for_params(&mut self, params: &Params) -> &mut [Block] {
        if self.0.len() != params.block_count() {
            self.0 = vec![Block::default(); params.block_count()];
        }
        &mut self.0
    }
}

fn hash_with(password: &SecretString, scratch: &mut Scratch) -> anyhow::Result<String> {
    let params = params();
    let salt = SaltString::encode_b64(&crate::crypto::random_bytes(16))
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    hasher(params.clone())
        .hash_password_into_with_memory(
            password.expose_secret().as_bytes(),
            salt_bytes,
            &mut out,
            scratch.for_params(&params),
        )
        .map_err(|e| anyhow::anyhow!("hash password: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Recomputes the stored hash with the stored parameters and salt; the
/// comparison of the outputs is constant-time (`Output`'s equality).
fn verify_with(password: &SecretString, phc: &str, scratch: &mut Scratch) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let computed = hasher(params.clone()).hash_password_into_with_memory(
        password.expose_secret().as_bytes(),
        salt_bytes,
        &mut out,
        scratch.for_params(&params),
    );
    computed.is_ok() && Output::new(&out).is_ok_and(|o| o == expected)
}

type Job = Box<dyn FnOnce(&mut Scratch) + Send>;

/// The job queue of the hashing workers, started on first use.
fn workers() -> &'static Mutex<Sender<Job>> {
    static QUEUE: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for n in 0..cores {
            let receiver = receiver.clone();
            let _ = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&receiver));
        }
        Mutex::new(sender)
    })
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    let mut scratch = Scratch(Vec::new());
    loop {
        let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match next {
            Ok(job) => job(&mut scratch),
            Err(_) => return,
        }
    }
}

async fn run_hashing<T: Send + 'static>(
    work: impl FnOnce(&mut Scratch) -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |scratch| {
        let _ = done.send(work(scratch));
    });
    workers()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job)
        .map_err(|_| anyhow::anyhow!("hashing workers stopped"))?;
    result.await.context("password hashing worker")
}

pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    run_hashing(move |scratch| hash_with(&password, scratch)).await?
}

/// Verifies against `phc`, or against the dummy hash when there is no user, so
/// both cases cost one Argon2 run.
pub async fn verify(password: SecretString, phc: Option<String>) -> anyhow::Result<bool> {
    run_hashing(move |scratch| match phc {
        Some(phc) => verify_with(&password, &phc, scratch),
        None => {
            verify_with(&password, DUMMY_HASH, scratch);
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
    async fn hashes_from_the_crates_own_hasher_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let phc = hasher(params())
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        assert!(verify(secret("correct horse"), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!verify(secret("wrong horse"), Some(phc)).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_with_other_costs_verify_with_their_own_parameters() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let cheap = Params::new(8 * 1024, 1, 1, None).unwrap();
        let phc = hasher(cheap)
            .hash_password(b"older hash", &salt)
            .unwrap()
            .to_string();
        assert!(verify(secret("older hash"), Some(phc)).await.unwrap());
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
