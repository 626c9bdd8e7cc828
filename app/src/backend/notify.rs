//! Messages to sections outside the app (their webhooks), through a durable outbox: queued in
//! the same transaction as the routing that causes them, delivered at least once by the
//! courier (`server::courier`), each attempt logged, retried with back-off.

use super::auth::new_id;
use super::db::{Pool, Tx};
use super::{BackendError, Result};
use crate::api::error::ErrorCode;
use crate::domain::notice::{retry_delay_ms, EmailAddress, WebhookFormat, WebhookUrl};
use crate::domain::time::Timestamp;
use serde_json::json;
use std::sync::OnceLock;

/// How long a courier holds a message it is sending before another may take it over.
const LEASE_MS: i64 = 2 * 60_000;

static BASE_URL: OnceLock<String> = OnceLock::new();

/// Where links in messages point (the server's public address), set once at start-up.
pub fn set_base_url(url: &str) {
    let _ = BASE_URL.set(url.trim_end_matches('/').to_owned());
}

fn base_url() -> &'static str {
    BASE_URL.get().map_or("http://127.0.0.1:3000", String::as_str)
}

/// What a message says, in the office's language, ready for every channel: a subject and a
/// text (email, robot text messages) and the generic JSON webhook's body.
pub struct Message {
    pub kind: &'static str,
    pub finding_id: Option<String>,
    pub subject: String,
    pub text: String,
    pub json: serde_json::Value,
}

/// A link to the app's start page for messages.
pub fn home_link() -> String {
    format!("{}/", base_url())
}

/// A link to a finding for messages.
pub fn finding_link(finding_id: &str) -> String {
    format!("{}/findings/{finding_id}", base_url())
}

#[derive(sqlx::FromRow)]
struct Facts {
    road_zh: String,
    category_zh: String,
    section_id: String,
    section_zh: String,
    note: String,
    deadline_at: i64,
    along_m: f64,
}

/// The message about a finding for its section: `headline` first, then what, where, which
/// road, the deadline and the link.
pub async fn about_finding(
    tx: &mut Tx,
    kind: &'static str,
    finding_id: &str,
    headline: &str,
) -> Result<(String, Message)> {
    let facts: Facts = sqlx::query_as(
        "SELECT r.name_zh AS road_zh, c.name_zh AS category_zh, s.id AS section_id, s.name_zh AS section_zh, f.note, \
         f.deadline_at, f.along_m FROM findings f JOIN roads r ON r.id = f.road_id \
         JOIN categories c ON c.code = f.category_code JOIN sections s ON s.id = f.section_id WHERE f.id = $1",
    )
    .bind(finding_id)
    .fetch_one(&mut **tx)
    .await?;
    let link = finding_link(finding_id);
    let deadline = Timestamp(facts.deadline_at).format_local();
    let text = format!(
        "【路长巡查】{headline}\n{section}：{category}，{road}（距起点 {m} 米）。{note}\n处理期限：{deadline} 前\n查看：{link}",
        section = facts.section_zh,
        category = facts.category_zh,
        road = facts.road_zh,
        m = facts.along_m.round() as i64,
        note = facts.note,
    );
    let json = json!({
        "event": format!("finding_{kind}"),
        "finding_id": finding_id,
        "section": facts.section_zh,
        "category": facts.category_zh,
        "road": facts.road_zh,
        "note": facts.note,
        "deadline": facts.deadline_at,
        "deadline_text": deadline,
        "url": link,
        "text": text,
    });
    let subject = format!("【路长巡查】{headline}：{}，{}", facts.category_zh, facts.road_zh);
    let message = Message { kind, finding_id: Some(finding_id.to_owned()), subject, text, json };
    Ok((facts.section_id, message))
}

/// Queues the message about a finding's routing (new, re-routed or reopened) for every channel
/// its section has, inside the routing's transaction. `event` is the history row that caused it.
pub async fn enqueue(tx: &mut Tx, finding_id: &str, event: &str, now: Timestamp) -> Result<()> {
    let (section_id, message) = about_finding(tx, "routed", finding_id, "新问题交办").await?;
    to_section(tx, &section_id, event, &message, now).await
}

/// Queues a message for every channel the section has (its webhook, its email address); its
/// in-app inbox always has the finding anyway. `event` makes the idempotency keys.
pub async fn to_section(tx: &mut Tx, section_id: &str, event: &str, message: &Message, now: Timestamp) -> Result<()> {
    let (webhook_url, webhook_format, email): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT webhook_url, webhook_format, email FROM sections WHERE id = $1")
            .bind(section_id)
            .fetch_one(&mut **tx)
            .await?;
    let recipient = Recipient { section_id: Some(section_id), user_id: None };
    if let (Some(url), Some(format)) = (webhook_url, webhook_format.as_deref().and_then(WebhookFormat::parse)) {
        let body = match format {
            WebhookFormat::Json => message.json.to_string(),
            WebhookFormat::Wecom | WebhookFormat::Dingtalk => {
                json!({ "msgtype": "text", "text": { "content": message.text } }).to_string()
            }
        };
        let outgoing =
            Outgoing { channel: "webhook", target: &url, format: format.as_str(), subject: None, body: &body };
        insert(tx, &format!("{event}:webhook"), message, recipient, outgoing, now).await?;
    }
    if let Some(address) = email {
        insert(tx, &format!("{event}:email"), message, recipient, Outgoing::email(&address, message), now).await?;
    }
    Ok(())
}

/// Queues an email to a person, if they have an address.
pub async fn to_user(tx: &mut Tx, user_id: &str, event: &str, message: &Message, now: Timestamp) -> Result<()> {
    let email: Option<(Option<String>,)> =
        sqlx::query_as("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut **tx).await?;
    if let Some((Some(address),)) = email {
        let recipient = Recipient { section_id: None, user_id: Some(user_id) };
        let outgoing = Outgoing::email(&address, message);
        insert(tx, &format!("{event}:email:{user_id}"), message, recipient, outgoing, now).await?;
    }
    Ok(())
}

/// Queues an email to every coordinator who has an address.
pub async fn to_coordinators(tx: &mut Tx, event: &str, message: &Message, now: Timestamp) -> Result<()> {
    let coordinators: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = 'coordinator' ORDER BY id").fetch_all(&mut **tx).await?;
    for (id,) in coordinators {
        to_user(tx, &id, event, message, now).await?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct Recipient<'a> {
    section_id: Option<&'a str>,
    user_id: Option<&'a str>,
}

struct Outgoing<'a> {
    channel: &'static str,
    target: &'a str,
    format: &'a str,
    subject: Option<&'a str>,
    body: &'a str,
}

impl<'a> Outgoing<'a> {
    /// The message as an email to `address`: its subject and text.
    fn email(address: &'a str, message: &'a Message) -> Outgoing<'a> {
        Outgoing {
            channel: "email",
            target: address,
            format: "email",
            subject: Some(&message.subject),
            body: &message.text,
        }
    }
}

async fn insert(
    tx: &mut Tx,
    key: &str,
    message: &Message,
    to: Recipient<'_>,
    out: Outgoing<'_>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, idempotency_key, kind, finding_id, section_id, user_id, channel, target, format, \
         subject, body, status, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $12) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(new_id(now))
    .bind(key)
    .bind(message.kind)
    .bind(message.finding_id.as_deref())
    .bind(to.section_id)
    .bind(to.user_id)
    .bind(out.channel)
    .bind(out.target)
    .bind(out.format)
    .bind(out.subject)
    .bind(out.body)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A message the courier has taken to send now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Due {
    pub id: String,
    pub idempotency_key: String,
    pub channel: String,
    pub subject: Option<String>,
    pub target: String,
    pub format: String,
    pub body: String,
    pub failures: i64,
}

/// Takes up to `limit` messages whose time has come, leasing each so that no other courier
/// (another process, or this one after a restart) sends it at the same time.
pub async fn claim_due(pool: &Pool, now: Timestamp, limit: i64) -> Result<Vec<Due>> {
    let candidates: Vec<Due> = sqlx::query_as(
        "SELECT id, idempotency_key, channel, subject, target, format, body, failures FROM notifications \
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1) \
         ORDER BY next_attempt_at LIMIT $2",
    )
    .bind(now.millis())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for due in candidates {
        let taken = sqlx::query(
            "UPDATE notifications SET lease_until = $1 WHERE id = $2 AND status = 'pending' \
             AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(now.millis() + LEASE_MS)
        .bind(&due.id)
        .bind(now.millis())
        .execute(pool)
        .await?;
        if taken.rows_affected() == 1 {
            claimed.push(due);
        }
    }
    Ok(claimed)
}

/// Records how an attempt went: sent for good, or failed and due again after the back-off
/// (given up after a day of retries).
pub async fn record_attempt(pool: &Pool, due: &Due, delivered: bool, detail: &str, now: Timestamp) -> Result<()> {
    let mut tx = super::db::begin_write(pool).await?;
    sqlx::query("INSERT INTO notification_attempts (id, notification_id, at, ok, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id(now))
        .bind(&due.id)
        .bind(now.millis())
        .bind(super::db::flag(delivered))
        .bind(detail.chars().take(500).collect::<String>())
        .execute(&mut *tx)
        .await?;
    if delivered {
        sqlx::query("UPDATE notifications SET status = 'sent', sent_at = $1, lease_until = NULL WHERE id = $2")
            .bind(now.millis())
            .bind(&due.id)
            .execute(&mut *tx)
            .await?;
    } else {
        let failures = due.failures + 1;
        let (status, next) = match retry_delay_ms(u32::try_from(failures).unwrap_or(u32::MAX)) {
            Some(delay) => ("pending", now.millis() + delay),
            None => ("failed", now.millis()),
        };
        sqlx::query(
            "UPDATE notifications SET status = $1, failures = $2, next_attempt_at = $3, lease_until = NULL WHERE id = $4",
        )
        .bind(status)
        .bind(failures)
        .bind(next)
        .bind(&due.id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The coordinator sends a message again now (after it failed, or while it waits to retry).
pub async fn retry_now(pool: &Pool, id: &str, now: Timestamp) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE notifications SET status = 'pending', next_attempt_at = $1, lease_until = NULL \
         WHERE id = $2 AND status IN ('pending', 'failed')",
    )
    .bind(now.millis())
    .bind(id)
    .execute(pool)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(())
}

/// Sets (or with `None`, removes) a section's webhook.
pub async fn set_webhook(pool: &Pool, section_id: &str, webhook: Option<(&WebhookUrl, WebhookFormat)>) -> Result<()> {
    let changed = sqlx::query("UPDATE sections SET webhook_url = $1, webhook_format = $2 WHERE id = $3")
        .bind(webhook.map(|(u, _)| u.as_str()))
        .bind(webhook.map(|(_, f)| f.as_str()))
        .bind(section_id)
        .execute(pool)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(BackendError::Refused(ErrorCode::UnknownSection));
    }
    Ok(())
}

/// Sets (or with `None`, removes) a section's email address.
pub async fn set_email(pool: &Pool, section_id: &str, email: Option<&EmailAddress>) -> Result<()> {
    let changed = sqlx::query("UPDATE sections SET email = $1 WHERE id = $2")
        .bind(email.map(EmailAddress::as_str))
        .bind(section_id)
        .execute(pool)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(BackendError::Refused(ErrorCode::UnknownSection));
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Troubled {
    id: String,
    finding_id: Option<String>,
    recipient: String,
    channel: String,
    status: String,
    failures: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
}

/// Sections with their channels, and messages that failed at least once and are not sent.
pub async fn channels(pool: &Pool) -> Result<crate::api::views::Channels> {
    use crate::api::views::{Channels, Delivery, Named, SectionChannel};
    #[allow(clippy::type_complexity)]
    let sections: Vec<(String, String, String, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, name_zh, name_en, webhook_url, webhook_format, email FROM sections ORDER BY name_zh",
    )
    .fetch_all(pool)
    .await?;
    let troubled: Vec<Troubled> = sqlx::query_as(
        "SELECT n.id, n.finding_id, COALESCE(s.name_zh, u.display_name, n.target) AS recipient, n.channel, n.status, \
         n.failures, n.next_attempt_at, \
         (SELECT a.detail FROM notification_attempts a WHERE a.notification_id = n.id ORDER BY a.at DESC LIMIT 1) AS last_error \
         FROM notifications n LEFT JOIN sections s ON s.id = n.section_id LEFT JOIN users u ON u.id = n.user_id \
         WHERE n.status = 'failed' OR (n.status = 'pending' AND n.failures > 0) ORDER BY n.created_at DESC LIMIT 100",
    )
    .fetch_all(pool)
    .await?;
    Ok(Channels {
        sections: sections
            .into_iter()
            .map(|(id, name_zh, name_en, webhook_url, webhook_format, email)| SectionChannel {
                section: Named { id, name_zh, name_en },
                webhook_url,
                webhook_format,
                email,
            })
            .collect(),
        troubled: troubled
            .into_iter()
            .map(|t| {
                let finding_id = t
                    .finding_id
                    .map(|f| {
                        uuid::Uuid::parse_str(&f).map_err(|e| BackendError::Corrupt(format!("finding id {f}: {e}")))
                    })
                    .transpose()?;
                Ok(Delivery {
                    id: t.id,
                    finding_id,
                    recipient: t.recipient,
                    channel: t.channel,
                    status: t.status,
                    failures: u32::try_from(t.failures).unwrap_or(u32::MAX),
                    last_error: t.last_error,
                    next_attempt_at: Timestamp(t.next_attempt_at),
                })
            })
            .collect::<Result<Vec<_>>>()?,
    })
}
