//! What happened around a finding besides its moves, for its timeline: reminders, messages
//! sent about it (through which channel, to whom, delivered or not), extension requests.

use super::db::Pool;
use super::Result;
use crate::api::views::NoticeEntry;
use crate::domain::time::Timestamp;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Sent {
    at: i64,
    kind: String,
    channel: String,
    recipient: String,
    status: String,
}

#[derive(sqlx::FromRow)]
struct Extension {
    requested_at: i64,
    asked_by: String,
    reason: String,
    status: String,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    new_deadline_at: Option<i64>,
    decision_note: Option<String>,
}

fn entry(at: i64, kind: &str) -> NoticeEntry {
    NoticeEntry {
        at: Timestamp(at),
        kind: kind.to_owned(),
        channel: None,
        to: None,
        status: None,
        actor: None,
        note: None,
        deadline: None,
    }
}

pub async fn notices(pool: &Pool, id: &Uuid) -> Result<Vec<NoticeEntry>> {
    let id = id.to_string();
    let mut out = Vec::new();
    let reminders: Vec<(i64, String)> =
        sqlx::query_as("SELECT created_at, kind FROM reminders WHERE finding_id = $1 ORDER BY created_at")
            .bind(&id)
            .fetch_all(pool)
            .await?;
    out.extend(reminders.into_iter().map(|(at, kind)| entry(at, &kind)));
    let sent: Vec<Sent> = sqlx::query_as(
        "SELECT COALESCE(n.sent_at, n.created_at) AS at, n.kind, n.channel, \
         COALESCE(s.name_zh, u.display_name, n.target) AS recipient, n.status \
         FROM notifications n LEFT JOIN sections s ON s.id = n.section_id LEFT JOIN users u ON u.id = n.user_id \
         WHERE n.finding_id = $1 ORDER BY n.created_at",
    )
    .bind(&id)
    .fetch_all(pool)
    .await?;
    out.extend(sent.into_iter().map(|s| NoticeEntry {
        channel: Some(s.channel),
        to: Some(s.recipient),
        status: Some(s.status),
        ..entry(s.at, &format!("message_{}", s.kind))
    }));
    let extension: Option<Extension> = sqlx::query_as(
        "SELECT e.requested_at, a.display_name AS asked_by, e.reason, e.status, e.decided_at, \
         d.display_name AS decided_by, e.new_deadline_at, e.decision_note FROM extension_requests e \
         JOIN users a ON a.id = e.requested_by LEFT JOIN users d ON d.id = e.decided_by WHERE e.finding_id = $1",
    )
    .bind(&id)
    .fetch_optional(pool)
    .await?;
    if let Some(e) = extension {
        out.push(NoticeEntry {
            actor: Some(e.asked_by),
            note: Some(e.reason),
            ..entry(e.requested_at, "extension_asked")
        });
        // A grant is in the history already (the new deadline, its rule and note); a refusal
        // changes nothing there, so it is shown here.
        if let (Some(at), "refused") = (e.decided_at, e.status.as_str()) {
            out.push(NoticeEntry {
                actor: e.decided_by,
                note: e.decision_note,
                deadline: e.new_deadline_at.map(Timestamp),
                ..entry(at, &format!("extension_{}", e.status))
            });
        }
    }
    out.sort_by_key(|n| n.at);
    Ok(out)
}
