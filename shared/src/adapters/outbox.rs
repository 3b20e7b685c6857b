//! Local email delivery: every message becomes an `.eml` file in the outbox.

use std::path::PathBuf;

use anyhow::Context;
use async_trait::async_trait;

use crate::error::StoreResult;
use crate::ports::EmailSender;

pub struct OutboxSender {
    dir: PathBuf,
}

impl OutboxSender {
    pub fn new(dir: &str) -> Self {
        Self {
            dir: PathBuf::from(dir),
        }
    }
}

#[async_trait]
impl EmailSender for OutboxSender {
    async fn send(&self, to: &str, message: &[u8]) -> StoreResult<()> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .context("create outbox")?;
        let safe_to: String = to
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "@.-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!("{}-{}.eml", uuid::Uuid::now_v7(), safe_to);
        tokio::fs::write(self.dir.join(name), message)
            .await
            .context("write outbox message")?;
        Ok(())
    }
}
