//! Local delivery: every email becomes an `.eml` file in the outbox, every
//! text message an `<id>.sms` file (`To: <E.164>`, an empty line, the text).

use std::path::PathBuf;

use anyhow::Context;
use async_trait::async_trait;

use think_tank_core::error::StoreResult;
use think_tank_core::ports::{EmailSender, SmsSender};

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

#[async_trait]
impl SmsSender for OutboxSender {
    async fn send_sms(&self, id: &str, to: &str, text: &str) -> StoreResult<()> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .context("create outbox")?;
        let safe_id: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let message = format!("To: {to}\n\n{text}\n");
        tokio::fs::write(self.dir.join(format!("{safe_id}.sms")), message)
            .await
            .context("write outbox sms")?;
        Ok(())
    }
}
