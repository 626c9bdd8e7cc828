//! The courier: takes due messages from the notifications outbox (`app::backend::notify`) and
//! posts them to the sections' webhooks. At least once: a message counts as sent only when the
//! receiver acknowledged it; every attempt is logged; failures wait and retry.

use app::backend::notify::{self, Due};
use app::backend::{db::Pool, Clock};
use std::time::Duration;

/// Messages handled per round.
const ROUND: i64 = 20;

#[derive(Clone)]
pub struct Courier {
    pool: Pool,
    clock: Clock,
    http: reqwest::Client,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

impl Courier {
    pub fn new(pool: Pool, clock: Clock, timeout: Duration) -> Courier {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .expect("an HTTP client with timeouts builds");
        Courier { pool, clock, http }
    }

    /// Sends what is due now, one round.
    pub async fn deliver_due(&self) -> anyhow::Result<Round> {
        let mut round = Round::default();
        for due in notify::claim_due(&self.pool, self.clock.now(), ROUND).await? {
            let (delivered, detail) = self.send(&due).await;
            if delivered {
                round.sent += 1;
            } else {
                round.failed += 1;
                tracing::warn!(notification = %due.id, target = %due.target, %detail, "webhook delivery failed");
            }
            notify::record_attempt(&self.pool, &due, delivered, &detail, self.clock.now()).await?;
        }
        Ok(round)
    }

    async fn send(&self, due: &Due) -> (bool, String) {
        let request = self
            .http
            .post(&due.target)
            .header("content-type", "application/json; charset=utf-8")
            .header("idempotency-key", &due.idempotency_key)
            .body(due.body.clone());
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return (false, "timed out".into()),
            Err(e) => return (false, format!("could not connect: {e}")),
        };
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return (false, format!("HTTP {status}"));
        }
        // WeCom and DingTalk robots answer 200 with an error code in the body.
        if let Ok(answer) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(code) = answer.get("errcode").and_then(|c| c.as_i64()).filter(|c| *c != 0) {
                let message = answer.get("errmsg").and_then(|m| m.as_str()).unwrap_or("");
                return (false, format!("errcode {code}: {message}"));
            }
        }
        (true, format!("HTTP {status}"))
    }

    /// Runs the courier in the background for as long as the server runs.
    pub fn spawn(self, every: Duration) {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                if let Err(e) = self.deliver_due().await {
                    tracing::error!(error = %e, "the courier's round failed");
                }
            }
        });
    }
}
