//! Messages to sections outside the app (their webhooks), through a durable outbox: queued in
//! the same transaction as the routing that causes them, delivered at least once by the
//! courier (`server::courier`), each attempt logged, retried with back-off.

use super::auth::new_id;
use super::outbound::AllowList;
use super::reference::Reference;
use super::store::directory::{self, SectionChannels};
use super::store::notifications::{self as outbox, NewMessage, Status};
use super::store::{findings, users, Conn};
use super::{Pool, Result, Tx};
use crate::api::error::ErrorCode;
use crate::domain::notice::{retry_delay_ms, EmailAddress, WebhookFormat, WebhookUrl};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::{Lang, ServerMsg};
use serde_json::json;
use std::sync::OnceLock;

pub use outbox::Due;

/// How long a courier holds a message it is sending before another may take it over.
const LEASE_MS: i64 = 2 * 60_000;

static BASE_URL: OnceLock<String> = OnceLock::new();

/// Where links in messages point (the server's public address), set once at start-up.
pub fn set_base_url(url: &str) {
    let _ = BASE_URL.set(url.trim_end_matches('/').to_owned());
}

pub fn base_url() -> &'static str {
    BASE_URL.get().map_or("http://127.0.0.1:3000", String::as_str)
}

/// What a message says, ready for every channel: a subject and a
/// text (email, robot text messages) and the generic JSON webhook's body.
#[derive(Clone, Debug)]
pub struct Message {
    pub kind: &'static str,
    pub finding_id: Option<String>,
    pub subject: String,
    pub text: String,
    pub json: serde_json::Value,
}

/// A message written in each language: each recipient gets it in theirs.
#[derive(Clone, Debug)]
pub struct Letters {
    zh: Message,
    en: Message,
}

impl Letters {
    pub fn write(mut compose: impl FnMut(Lang) -> Message) -> Letters {
        Letters { zh: compose(Lang::ZhCn), en: compose(Lang::En) }
    }

    pub fn to(&self, lang: Lang) -> &Message {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// The same words as another kind of message.
    pub fn as_kind(mut self, kind: &'static str) -> Letters {
        self.zh.kind = kind;
        self.en.kind = kind;
        self
    }
}

/// A link to the app's start page for messages.
pub fn home_link() -> String {
    format!("{}/", base_url())
}

/// A link to a finding for messages.
pub fn finding_link(finding_id: &str) -> String {
    format!("{}/findings/{finding_id}", base_url())
}

/// The subject and text about a finding: `headline` first, then what, where, which road, the
/// deadline and the link.
pub fn finding_text(lang: Lang, headline: &str, facts: &findings::Facts, link: &str) -> (String, String) {
    let road = lang.pick(&facts.road_zh, &facts.road_en);
    let category = lang.pick(&facts.category_zh, &facts.category_en);
    let deadline = Timestamp(facts.deadline_at).format_local();
    let m = (facts.along_m.round() as i64).to_string();
    let text = lang.server_format(
        ServerMsg::tell_finding_text,
        &[
            ("headline", headline),
            ("section", lang.pick(&facts.section_zh, &facts.section_en)),
            ("category", category),
            ("road", road),
            ("m", &m),
            ("note", &facts.note),
            ("deadline", &deadline),
            ("link", link),
        ],
    );
    let subject = lang.server_format(
        ServerMsg::tell_finding_subject,
        &[("headline", headline), ("category", category), ("road", road)],
    );
    (subject, text)
}

/// The message about a finding for its section (and whoever else is told of it), in each
/// language; `headline` says what happened.
pub async fn about_finding(
    conn: &mut Conn,
    kind: &'static str,
    finding_id: &str,
    headline: impl Fn(Lang) -> String,
) -> Result<(String, Letters)> {
    let facts = findings::facts(conn, finding_id).await?;
    let link = finding_link(finding_id);
    let letters = Letters::write(|lang| {
        let (subject, text) = finding_text(lang, &headline(lang), &facts, &link);
        // The fields keep the office's own names, for programs; the text is the reader's.
        let json = json!({
            "event": format!("finding_{kind}"),
            "finding_id": finding_id,
            "section": facts.section_zh,
            "category": facts.category_zh,
            "road": facts.road_zh,
            "note": facts.note,
            "deadline": facts.deadline_at,
            "deadline_text": Timestamp(facts.deadline_at).format_local(),
            "url": link,
            "lang": lang.code(),
            "text": text,
        });
        Message { kind, finding_id: Some(finding_id.to_owned()), subject, text, json }
    });
    Ok((facts.section_id, letters))
}

/// Queues the message about a finding's routing (new, re-routed or reopened) for every channel
/// of `section_id`, the section it is routed to, inside the routing's transaction. `event` is
/// the history row that caused it. A section told only in the app costs nothing here.
pub async fn enqueue(
    tx: &mut Tx,
    reference: &mut Reference,
    section_id: &str,
    finding_id: &str,
    event: &str,
    now: Timestamp,
) -> Result<()> {
    let channels = reference.channels(tx, section_id).await?.clone();
    if channels.is_empty() {
        return Ok(());
    }
    let (_, letters) =
        about_finding(tx, "routed", finding_id, |lang| lang.server(ServerMsg::tell_routed).to_owned()).await?;
    deliver(tx, section_id, channels, event, &letters, now).await
}

/// Queues a message for every channel the section has (its webhook, its email address); its
/// in-app inbox always has the finding anyway. `event` makes the idempotency keys.
pub async fn to_section(tx: &mut Tx, section_id: &str, event: &str, letters: &Letters, now: Timestamp) -> Result<()> {
    let channels = directory::channels_of(tx, section_id).await?;
    deliver(tx, section_id, channels, event, letters, now).await
}

async fn deliver(
    tx: &mut Tx,
    section_id: &str,
    channels: SectionChannels,
    event: &str,
    letters: &Letters,
    now: Timestamp,
) -> Result<()> {
    let message = letters.to(channels.lang);
    let recipient = Recipient { section_id: Some(section_id), user_id: None };
    if let Some((url, format)) = channels.webhook {
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
    if let Some(address) = channels.email {
        insert(tx, &format!("{event}:email"), message, recipient, Outgoing::email(&address, message), now).await?;
    }
    Ok(())
}

/// Queues an email to a person in their language, if they have an address.
pub async fn to_user(tx: &mut Tx, user_id: &str, event: &str, letters: &Letters, now: Timestamp) -> Result<()> {
    if let Some((address, lang)) = users::email_of(tx, user_id).await? {
        let message = letters.to(lang);
        let recipient = Recipient { section_id: None, user_id: Some(user_id) };
        let outgoing = Outgoing::email(&address, message);
        insert(tx, &format!("{event}:email:{user_id}"), message, recipient, outgoing, now).await?;
    }
    Ok(())
}

/// Queues an email to every coordinator who has an address.
pub async fn to_coordinators(tx: &mut Tx, event: &str, letters: &Letters, now: Timestamp) -> Result<()> {
    for id in users::with_role(tx, Role::Coordinator).await? {
        to_user(tx, &id, event, letters, now).await?;
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
    let id = new_id(now);
    let row = NewMessage {
        id: &id,
        key,
        kind: message.kind,
        finding_id: message.finding_id.as_deref(),
        section_id: to.section_id,
        user_id: to.user_id,
        channel: out.channel,
        target: out.target,
        format: out.format,
        subject: out.subject,
        body: out.body,
    };
    outbox::insert(tx, row, now).await
}

/// Takes up to `limit` messages whose time has come, leasing each so that no other courier
/// (another process, or this one after a restart) sends it at the same time.
pub async fn claim_due(pool: &Pool, now: Timestamp, limit: i64) -> Result<Vec<Due>> {
    let candidates = outbox::due(&mut *pool.read().await?, now, limit).await?;
    if candidates.is_empty() {
        return Ok(candidates);
    }
    let mut tx = pool.begin_write().await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for due in candidates {
        if outbox::lease(&mut tx, &due.id, now, Timestamp(now.millis() + LEASE_MS)).await? {
            claimed.push(due);
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Records how an attempt went: sent for good, or failed and due again after the back-off
/// (given up after a day of retries).
pub async fn record_attempt(pool: &Pool, due: &Due, delivered: bool, detail: &str, now: Timestamp) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    let detail: String = detail.chars().take(500).collect();
    outbox::log_attempt(&mut tx, &new_id(now), &due.id, delivered, &detail, now).await?;
    if delivered {
        outbox::mark_sent(&mut tx, &due.id, now).await?;
    } else {
        let failures = due.failures + 1;
        let (status, next) = match retry_delay_ms(u32::try_from(failures).unwrap_or(u32::MAX)) {
            Some(delay) => (Status::Pending, now.millis() + delay),
            None => (Status::Failed, now.millis()),
        };
        outbox::mark_failed(&mut tx, &due.id, status, failures, Timestamp(next)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The coordinator sends a message again now (after it failed, or while it waits to retry).
pub async fn retry_now(pool: &Pool, id: &str, now: Timestamp) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    if !outbox::retry_now(&mut tx, id, now).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

/// Sets (or with `None`, removes) a section's webhook, if it points where webhooks may go.
pub async fn set_webhook(
    pool: &Pool,
    section_id: &str,
    webhook: Option<(&WebhookUrl, WebhookFormat)>,
    allow: &AllowList,
) -> Result<()> {
    if let Some((url, _)) = webhook {
        // The section first: a wrong section is the clearer answer, and costs no lookup.
        if !directory::section_exists(&mut *pool.read().await?, section_id).await? {
            return Err(ErrorCode::UnknownSection.into());
        }
        super::outbound::resolve(url, allow).await.map_err(|unreachable| unreachable.code())?;
    }
    let mut tx = pool.begin_write().await?;
    if !directory::set_webhook(&mut tx, section_id, webhook).await? {
        return Err(ErrorCode::UnknownSection.into());
    }
    tx.commit().await?;
    Ok(())
}

/// Sets (or with `None`, removes) a section's email address.
pub async fn set_email(pool: &Pool, section_id: &str, email: Option<&EmailAddress>) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    if !directory::set_email(&mut tx, section_id, email).await? {
        return Err(ErrorCode::UnknownSection.into());
    }
    tx.commit().await?;
    Ok(())
}

/// Sections with their channels, and messages that failed at least once and are not sent.
pub async fn channels(pool: &Pool) -> Result<crate::api::views::Channels> {
    use crate::api::views::{Channels, Delivery, SectionChannel};
    let mut conn = pool.read().await?;
    let sections = directory::all_channels(&mut conn).await?;
    let troubled = outbox::troubled(&mut conn, 100).await?;
    Ok(Channels {
        sections: sections
            .into_iter()
            .map(|(section, webhook_url, webhook_format, email)| SectionChannel {
                section,
                webhook_url,
                webhook_format,
                email,
            })
            .collect(),
        troubled: troubled
            .into_iter()
            .map(|t| {
                Ok(Delivery {
                    finding_id: t.finding()?,
                    id: t.id,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_told_in_each_language_with_every_placeholder_filled() {
        let facts = findings::Facts {
            road_zh: "市场一路".into(),
            road_en: "Market Road 1".into(),
            category_zh: "环境卫生".into(),
            category_en: "Sanitation".into(),
            section_id: "urban-management".into(),
            section_zh: "城市管理科".into(),
            section_en: "Urban Management".into(),
            note: "垃圾堆放".into(),
            deadline_at: 1_800_000_000_000,
            along_m: 120.4,
        };
        for (lang, headline) in [(Lang::ZhCn, "新问题交办"), (Lang::En, "New problem")] {
            let (subject, text) = finding_text(lang, headline, &facts, "http://x/findings/1");
            for said in [&subject, &text] {
                assert!(!said.contains('{') && !said.contains('}'), "{said}");
                assert!(said.contains(headline) && said.contains(lang.pick("市场一路", "Market Road 1")), "{said}");
            }
            assert!(text.contains("120") && text.contains("垃圾堆放") && text.contains("http://x/findings/1"));
            assert!(text.contains(lang.pick("城市管理科", "Urban Management")), "{text}");
        }
    }
}
