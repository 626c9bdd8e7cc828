//! The courier: takes due messages from the notifications outbox (`app::backend::notify`) and
//! delivers them: webhooks by HTTP POST, email through the configured SMTP server. At least
//! once: a message counts as sent only when the receiver acknowledged it; every attempt is
//! logged; failures wait and retry.

use app::backend::notify::{self, Due};
use app::backend::outbound::{self, AllowList};
use app::backend::{Clock, Pool};
use app::domain::notice::WebhookUrl;
use app::domain::text::one_line;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Messages handled per round.
const ROUND: i64 = 20;

/// Email: the SMTP server and the sender's address.
#[derive(Clone)]
pub struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mail {
    /// From `smtp://host:port`, `smtp://host:587?tls=required` or `smtps://user:pass@host`.
    pub fn new(url: &str, from: &str, timeout: Duration) -> anyhow::Result<Mail> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(timeout)).build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("the sender {from:?} is not an address: {e}"))?;
        Ok(Mail { transport, from })
    }
}

#[derive(Clone)]
pub struct Courier {
    pool: Pool,
    clock: Clock,
    /// For each webhook request and its connection.
    timeout: Duration,
    /// Networks webhooks may reach although they are not public.
    allow: AllowList,
    mail: Option<Mail>,
}

/// The most of a receiver's answer read (enough for a robot's `errcode`).
const ANSWER_MAX: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

impl Courier {
    pub fn new(pool: Pool, clock: Clock, timeout: Duration, allow: AllowList) -> Courier {
        Courier { pool, clock, timeout, allow, mail: None }
    }

    /// Sends email through this server (without it, email messages fail and wait).
    pub fn with_mail(mut self, mail: Mail) -> Courier {
        self.mail = Some(mail);
        self
    }

    /// Sends what is due now, one round.
    pub async fn deliver_due(&self) -> anyhow::Result<Round> {
        let mut round = Round::default();
        for due in notify::claim_due(&self.pool, self.clock.now(), ROUND).await? {
            let (delivered, detail) = match due.channel.as_str() {
                "email" => self.send_email(&due).await,
                _ => self.post(&due).await,
            };
            if delivered {
                round.sent += 1;
            } else {
                round.failed += 1;
                // Webhook URLs carry their keys: only where they point goes to the log.
                let target = match due.channel.as_str() {
                    "email" => due.target.clone(),
                    _ => WebhookUrl::parse(&due.target).map(|u| u.redacted()).unwrap_or_default(),
                };
                tracing::warn!(notification = %due.id, channel = %due.channel, %target, %detail, "delivery failed");
            }
            notify::record_attempt(&self.pool, &due, delivered, &detail, self.clock.now()).await?;
        }
        Ok(round)
    }

    async fn send_email(&self, due: &Due) -> (bool, String) {
        let Some(mail) = &self.mail else {
            return (false, "no SMTP server is configured (ROADCHIEF_SMTP_URL)".into());
        };
        let to: Mailbox = match due.target.parse() {
            Ok(to) => to,
            Err(e) => return (false, format!("not an address: {e}")),
        };
        let message = Message::builder()
            .from(mail.from.clone())
            .to(to)
            // Names in the subject come from people: one line, whatever they typed.
            .subject(one_line(due.subject.as_deref().unwrap_or("路长巡查")))
            // The same message on every attempt: a receiving system can drop duplicates.
            .message_id(Some(format!("<{}@road-chief>", due.idempotency_key.replace([':', '@'], "."))))
            .singlepart(
                // Base64 carries Chinese text through any mail server, 8BITMIME or not.
                SinglePart::builder().header(ContentType::TEXT_PLAIN).body(
                    Body::new_with_encoding(due.body.clone(), ContentTransferEncoding::Base64)
                        .unwrap_or_else(Body::new),
                ),
            );
        let message = match message {
            Ok(m) => m,
            Err(e) => return (false, format!("could not build the email: {e}")),
        };
        match mail.transport.send(message).await {
            Ok(answer) => (true, format!("SMTP {}", answer.code())),
            Err(e) if e.is_timeout() => (false, "timed out".into()),
            Err(e) => (false, format!("SMTP: {e}")),
        }
    }

    /// Posts a webhook message to the addresses checked just now (`outbound::resolve`): no
    /// redirects followed, at most `ANSWER_MAX` bytes of the answer read. What is recorded for
    /// the coordinator is the status and a short reason, never the receiver's words.
    async fn post(&self, due: &Due) -> (bool, String) {
        let Ok(url) = WebhookUrl::parse(&due.target) else {
            return (false, "not a webhook URL".into());
        };
        let addresses = match outbound::resolve(&url, &self.allow).await {
            Ok(addresses) => addresses,
            Err(unreachable) => return (false, unreachable.detail().into()),
        };
        let (host, _) = url.endpoint().expect("a parsed webhook URL has a host");
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .resolve_to_addrs(host, &addresses)
            .build();
        let Ok(client) = client else { return (false, "could not prepare the request".into()) };
        let request = client
            .post(url.as_str())
            .header("content-type", "application/json; charset=utf-8")
            .header("idempotency-key", &due.idempotency_key)
            .body(due.body.clone());
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return (false, "timed out".into()),
            Err(e) if e.is_connect() => return (false, "could not connect".into()),
            Err(_) => return (false, "the request failed".into()),
        };
        let status = response.status();
        if !status.is_success() {
            // A redirect is an answer too, and not followed: a receiver moved is told to the
            // coordinator, not chased somewhere inside.
            return (false, format!("HTTP {}", status.as_u16()));
        }
        let mut answer = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            answer.extend_from_slice(&chunk);
            if answer.len() > ANSWER_MAX {
                break;
            }
        }
        // WeCom and DingTalk robots answer 200 with an error code in the body.
        if let Ok(answer) = serde_json::from_slice::<serde_json::Value>(&answer) {
            if let Some(code) = answer.get("errcode").and_then(|c| c.as_i64()).filter(|c| *c != 0) {
                return (false, format!("HTTP {}, errcode {code}", status.as_u16()));
            }
        }
        (true, format!("HTTP {}", status.as_u16()))
    }

    /// Runs the courier in the background until `stop` says so; a round in progress finishes
    /// first (a message is never left half-sent by a shutdown).
    pub fn spawn(self, every: Duration, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        every_round(every, stop, move || {
            let courier = self.clone();
            async move {
                if let Err(e) = courier.deliver_due().await {
                    tracing::error!(error = %e, "the courier's round failed");
                }
            }
        })
    }
}

/// Runs `round` every `every` until `stop` turns true.
fn every_round<F, R>(every: Duration, mut stop: watch::Receiver<bool>, round: R) -> JoinHandle<()>
where
    R: Fn() -> F + Send + 'static,
    F: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = ticks.tick() => round().await,
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    })
}

/// The scheduler: reminders and escalations (`app::backend::schedule`), one round every
/// `every`. Safe to run in several processes at once: each reminder is claimed by a unique key.
/// Each round also deletes the positions of patrols older than `patrol_retention_days`.
pub fn spawn_scheduler(
    pool: Pool,
    clock: Clock,
    every: Duration,
    patrol_retention_days: u32,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    every_round(every, stop, move || {
        let (pool, clock) = (pool.clone(), clock.clone());
        async move {
            match app::backend::schedule::run(&pool, clock.now()).await {
                Ok(done) if done != Default::default() => tracing::info!(?done, "reminders queued"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the scheduler's round failed"),
            }
            match app::backend::patrols::forget_old_trails(&pool, clock.now(), patrol_retention_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(trails = n, "patrol positions past retention deleted"),
                Err(e) => tracing::error!(error = %e, "deleting old patrol positions failed"),
            }
        }
    })
}
