//! Findings: reading them for each party, routing new ones, and moving them along the state
//! machine of `domain::finding`, with a history row in the same transaction as every change.

use super::auth::{new_id, User};
use super::db::{flag, Conn, Pool, Tx};
use super::directory::{self, Category};
use super::{BackendError, Result};
use crate::api::error::ErrorCode;
use crate::api::operations::{Outcome, RoutedFinding};
use crate::api::views::{FindingDetail, FindingSummary, HistoryEntry, Named};
use crate::domain::calendar::OfficialCalendar;
use crate::domain::deadline::{urgency, DeadlineRule};
use crate::domain::finding::{available_moves, decide, Command, FindingStatus, Move, Party};
use crate::domain::geometry::{GeoPoint, Placement};
use crate::domain::photo::PhotoHash;
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use crate::domain::Role;
use uuid::Uuid;

/// The rule and deadline of a finding received now: its category's working days, or the same
/// working day if it is urgent, counted in the stored calendar (`backend::calendars`).
pub fn deadline_for(
    category: &Category,
    urgent: bool,
    received: Timestamp,
    calendar: &OfficialCalendar,
) -> (Timestamp, DeadlineRule) {
    let rule = DeadlineRule::for_finding(category.deadline_days, urgent);
    (rule.deadline(received, calendar), rule)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    road_id: String,
    road_zh: String,
    road_en: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    note: String,
    status: String,
    section_id: String,
    section_zh: String,
    section_en: String,
    deadline_at: i64,
    observed_at: i64,
    received_at: i64,
    along_m: f64,
    urgent: i64,
}

const SELECT: &str = "SELECT f.id, f.road_id, r.name_zh AS road_zh, r.name_en AS road_en, f.category_code, \
     c.name_zh AS category_zh, c.name_en AS category_en, f.note, f.status, f.section_id, \
     s.name_zh AS section_zh, s.name_en AS section_en, f.deadline_at, f.observed_at, f.received_at, f.along_m, f.urgent \
     FROM findings f JOIN roads r ON r.id = f.road_id JOIN categories c ON c.code = f.category_code \
     JOIN sections s ON s.id = f.section_id";

pub(super) fn status(text: &str) -> Result<FindingStatus> {
    FindingStatus::parse(text).ok_or_else(|| BackendError::Corrupt(format!("finding status {text}")))
}

fn summary(row: Row, now: Timestamp) -> Result<FindingSummary> {
    let status = status(&row.status)?;
    let deadline = Timestamp(row.deadline_at);
    Ok(FindingSummary {
        id: Uuid::parse_str(&row.id).map_err(|e| BackendError::Corrupt(format!("finding id {}: {e}", row.id)))?,
        road: Named { id: row.road_id, name_zh: row.road_zh, name_en: row.road_en },
        category: Named { id: row.category_code, name_zh: row.category_zh, name_en: row.category_en },
        note: row.note,
        status,
        section: Named { id: row.section_id, name_zh: row.section_zh, name_en: row.section_en },
        deadline,
        urgency: status.deadline_runs().then(|| urgency(deadline, now)),
        observed_at: Timestamp(row.observed_at),
        received_at: Timestamp(row.received_at),
        along_m: row.along_m,
        urgent: row.urgent != 0,
    })
}

async fn select(pool: &Pool, filter: &str, binds: &[&str], now: Timestamp) -> Result<Vec<FindingSummary>> {
    let sql = format!("{SELECT} WHERE {filter}");
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_all(pool).await?.into_iter().map(|r| summary(r, now)).collect()
}

/// The findings on a chief's roads, the ones waiting for their check first.
pub async fn on_roads_of(pool: &Pool, chief: &User, now: Timestamp) -> Result<Vec<FindingSummary>> {
    select(
        pool,
        "r.chief_user_id = $1 ORDER BY CASE f.status WHEN 'resolved' THEN 0 WHEN 'closed' THEN 2 ELSE 1 END, f.received_at DESC",
        &[&chief.id],
        now,
    )
    .await
}

/// Findings on a chief's roads changed since the change counter `since`, oldest change first.
pub async fn changed_on_roads_of(pool: &Pool, chief: &User, since: i64, now: Timestamp) -> Result<Vec<FindingSummary>> {
    let since = since.to_string();
    select(
        pool,
        "r.chief_user_id = $1 AND f.change_seq > CAST($2 AS BIGINT) ORDER BY f.change_seq",
        &[&chief.id, &since],
        now,
    )
    .await
}

pub async fn of_inspection(pool: &Pool, inspection_id: &str, now: Timestamp) -> Result<Vec<FindingSummary>> {
    select(pool, "f.inspection_id = $1 ORDER BY f.observed_at", &[inspection_id], now).await
}

/// A section's findings that are with it or waiting for the chief, by deadline.
pub async fn of_section(pool: &Pool, section_id: &str, now: Timestamp) -> Result<Vec<FindingSummary>> {
    select(
        pool,
        "f.section_id = $1 AND f.status IN ('routed', 'accepted', 'resolved') ORDER BY f.deadline_at, f.received_at",
        &[section_id],
        now,
    )
    .await
}

pub async fn returned(pool: &Pool, now: Timestamp) -> Result<Vec<FindingSummary>> {
    select(pool, "f.status = 'returned' ORDER BY f.updated_at", &[], now).await
}

/// The roles `user` holds towards a finding on `road_chief` routed to `section_head`.
pub(super) fn parties(user: &User, road_chief: &str, section_head: Option<&str>) -> Vec<Party> {
    let mut parties = Vec::new();
    match user.role {
        Role::RoadChief if user.id == road_chief => parties.push(Party::RoadChief),
        Role::SectionHead if section_head == Some(user.id.as_str()) => parties.push(Party::Section),
        Role::Coordinator => parties.push(Party::Coordinator),
        _ => {}
    }
    parties
}

#[derive(sqlx::FromRow)]
pub(super) struct Access {
    pub status: String,
    pub section_id: String,
    pub category_code: String,
    pub deadline_at: i64,
    pub deadline_days: i64,
    pub urgent: i64,
    pub chief_user_id: String,
    pub head_user_id: Option<String>,
}

pub(super) async fn access(conn: &mut Conn, id: &Uuid) -> Result<Option<Access>> {
    Ok(sqlx::query_as(
        "SELECT f.status, f.section_id, f.category_code, f.deadline_at, c.deadline_days, f.urgent, r.chief_user_id, \
         s.head_user_id FROM findings f JOIN roads r ON r.id = f.road_id JOIN sections s ON s.id = f.section_id \
         JOIN categories c ON c.code = f.category_code WHERE f.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?)
}

/// What `user` is to the finding: refused unless they may see it at all.
pub async fn parties_of(pool: &Pool, user: &User, id: &Uuid) -> Result<Vec<Party>> {
    let mut conn = pool.acquire().await?;
    let access = access(&mut conn, id).await?.ok_or(ErrorCode::NotFound)?;
    let parties = parties(user, &access.chief_user_id, access.head_user_id.as_deref());
    if parties.is_empty() {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(parties)
}

pub async fn detail(pool: &Pool, user: &User, id: &Uuid, now: Timestamp) -> Result<FindingDetail> {
    let parties = parties_of(pool, user, id).await?;
    let summary = select(pool, "f.id = $1", &[&id.to_string()], now).await?.pop().ok_or(ErrorCode::NotFound)?;
    let road = directory::road(pool, &summary.road.id).await?.ok_or(ErrorCode::NotFound)?;
    let (lon, lat, off_road_m, confirmed, reporter): (f64, f64, f64, i64, String) = sqlx::query_as(
        "SELECT f.lon, f.lat, f.off_road_m, f.off_road_confirmed, u.display_name \
         FROM findings f JOIN users u ON u.id = f.reported_by_user_id WHERE f.id = $1",
    )
    .bind(id.to_string())
    .fetch_one(pool)
    .await?;
    let moves = available_moves(summary.status, &parties);
    let summary_status_runs = summary.status.deadline_runs();
    let reroute_targets = if moves.contains(&Move::Reroute) {
        directory::sections(pool).await?.into_iter().map(|s| s.named).filter(|s| s.id != summary.section.id).collect()
    } else {
        Vec::new()
    };
    Ok(FindingDetail {
        summary,
        road: road.view(),
        point: GeoPoint { lon, lat },
        off_road_m,
        off_road_confirmed: confirmed != 0,
        reported_by: reporter,
        history: history(pool, id).await?,
        photos: super::photos::of_finding(pool, id).await?,
        moves,
        reroute_targets,
        may_ask_extension: parties.contains(&Party::Section)
            && summary_status_runs
            && super::extensions::of_finding(pool, id).await?.is_none(),
        may_decide_extension: parties.contains(&Party::Coordinator)
            && super::extensions::of_finding(pool, id).await?.as_deref() == Some("pending"),
    })
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    at: i64,
    actor: String,
    from_status: Option<String>,
    to_status: String,
    section_id: String,
    section_zh: String,
    section_en: String,
    deadline_at: Option<i64>,
    note: Option<String>,
    deadline_rule: Option<String>,
}

async fn history(pool: &Pool, id: &Uuid) -> Result<Vec<HistoryEntry>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT h.at, u.display_name AS actor, h.from_status, h.to_status, s.id AS section_id, s.name_zh AS section_zh, \
         s.name_en AS section_en, h.deadline_at, h.note, h.deadline_rule \
         FROM finding_history h JOIN users u ON u.id = h.actor_user_id JOIN sections s ON s.id = h.section_id \
         WHERE h.finding_id = $1 ORDER BY h.seq",
    )
    .bind(id.to_string())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(HistoryEntry {
                at: Timestamp(r.at),
                actor: r.actor,
                from: r.from_status.as_deref().map(status).transpose()?,
                to: status(&r.to_status)?,
                section: Named { id: r.section_id, name_zh: r.section_zh, name_en: r.section_en },
                deadline: r.deadline_at.map(Timestamp),
                note: r.note,
                // Rows written before rules were recorded have none.
                deadline_rule: r.deadline_rule.as_deref().and_then(DeadlineRule::parse),
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn record(
    tx: &mut Tx,
    finding_id: &str,
    now: Timestamp,
    actor: &User,
    from: Option<FindingStatus>,
    to: FindingStatus,
    section_id: &str,
    deadline: Option<(Timestamp, DeadlineRule)>,
    note: Option<&Note>,
) -> Result<String> {
    let id = new_id(now);
    sqlx::query(
        "INSERT INTO finding_history (id, finding_id, seq, at, actor_user_id, from_status, to_status, section_id, \
         deadline_at, note, deadline_rule) VALUES ($1, $2, \
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM finding_history WHERE finding_id = $2), $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(finding_id)
    .bind(now.millis())
    .bind(&actor.id)
    .bind(from.map(FindingStatus::as_str))
    .bind(to.as_str())
    .bind(section_id)
    .bind(deadline.map(|(at, _)| at.millis()))
    .bind(note.map(Note::as_str))
    .bind(deadline.map(|(_, rule)| rule.to_text()))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A finding as the chief recorded it, checked and ready to route.
pub struct Recorded {
    pub id: Uuid,
    pub category: Category,
    pub note: Note,
    pub placement: Placement,
    pub off_road_confirmed: bool,
    pub observed_at: Timestamp,
    pub photos: Vec<PhotoHash>,
    pub urgent: bool,
}

/// The next value of the change counter devices pull by. Called inside write transactions,
/// which SQLite runs one at a time, so the counter follows the order of commits.
pub(super) const NEXT_CHANGE: &str = "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM findings)";

/// Stores a new finding routed to its category's section, with its deadline counted from now
/// (the moment the server received it).
pub async fn insert_routed(
    tx: &mut Tx,
    chief: &User,
    road_id: &str,
    inspection_id: &str,
    finding: &Recorded,
    now: Timestamp,
) -> Result<RoutedFinding> {
    let calendar = super::calendars::current(tx).await?;
    let (deadline, rule) = deadline_for(&finding.category, finding.urgent, now, &calendar);
    let section_id = &finding.category.section.id;
    let id = finding.id.to_string();
    sqlx::query(&format!(
        "INSERT INTO findings (id, inspection_id, road_id, category_code, note, lon, lat, along_m, off_road_m, \
         off_road_confirmed, observed_at, received_at, reported_by_user_id, status, section_id, deadline_at, updated_at, urgent, change_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, {NEXT_CHANGE})",
    ))
    .bind(&id)
    .bind(inspection_id)
    .bind(road_id)
    .bind(&finding.category.code)
    .bind(finding.note.as_str())
    .bind(finding.placement.point.lon)
    .bind(finding.placement.point.lat)
    .bind(finding.placement.along_m)
    .bind(finding.placement.off_road_m)
    .bind(flag(finding.off_road_confirmed))
    .bind(finding.observed_at.millis())
    .bind(now.millis())
    .bind(&chief.id)
    .bind(FindingStatus::Routed.as_str())
    .bind(section_id)
    .bind(deadline.millis())
    .bind(now.millis())
    .bind(flag(finding.urgent))
    .execute(&mut **tx)
    .await?;
    for (position, photo) in finding.photos.iter().enumerate() {
        sqlx::query("INSERT INTO finding_photos (finding_id, sha256, position) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(photo.as_str())
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
    }
    let event = record(
        tx,
        &id,
        now,
        chief,
        None,
        FindingStatus::Routed,
        section_id,
        Some((deadline, rule)),
        Some(&finding.note),
    )
    .await?;
    super::notify::enqueue(tx, &id, &event, now).await?;
    Ok(RoutedFinding { id: finding.id, section_id: section_id.clone(), deadline, urgency: urgency(deadline, now) })
}

/// Parses a move's free-form fields into the command the state machine decides on.
pub fn command(action: Move, note: Option<&str>, section_id: Option<&str>) -> Result<Command<String>> {
    Ok(match action {
        Move::Accept => Command::Accept,
        Move::Resolve => Command::Resolve { note: Note::parse(note.unwrap_or(""))? },
        Move::Return => Command::Return { reason: Note::parse(note.unwrap_or(""))? },
        Move::Reopen => Command::Reopen { reason: Note::parse(note.unwrap_or(""))? },
        Move::CloseOut => Command::CloseOut { note: Note::parse_optional(note)? },
        Move::Reroute => Command::Reroute {
            to: section_id.map(str::trim).filter(|s| !s.is_empty()).ok_or(ErrorCode::SectionRequired)?.to_owned(),
            note: Note::parse_optional(note)?,
        },
    })
}

/// Applies a move by `user` to a finding, inside the caller's transaction.
pub async fn apply_move(
    tx: &mut Tx,
    user: &User,
    id: &Uuid,
    command: &Command<String>,
    now: Timestamp,
) -> Result<Outcome> {
    let access = access(tx, id).await?.ok_or(ErrorCode::NotFound)?;
    let parties = parties(user, &access.chief_user_id, access.head_user_id.as_deref());
    if parties.is_empty() {
        return Err(ErrorCode::Forbidden.into());
    }
    let from = status(&access.status)?;
    let transition = decide(from, &access.section_id, &parties, command)?;

    let mut deadline = Timestamp(access.deadline_at);
    let mut rule = None;
    if transition.restarts_deadline {
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM sections WHERE id = $1")
            .bind(&transition.section)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(ErrorCode::UnknownSection.into());
        }
        let days = directory::stored_working_days(access.deadline_days, &access.category_code)?;
        let restarted = DeadlineRule::for_finding(days, access.urgent != 0);
        deadline = restarted.deadline(now, &super::calendars::current(tx).await?);
        rule = Some(restarted);
    }

    sqlx::query(&format!(
        "UPDATE findings SET status = $1, section_id = $2, deadline_at = $3, updated_at = $4, \
         change_seq = {NEXT_CHANGE} WHERE id = $5"
    ))
    .bind(transition.to.as_str())
    .bind(&transition.section)
    .bind(deadline.millis())
    .bind(now.millis())
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    let new_deadline = rule.map(|r| (deadline, r));
    let event = record(
        tx,
        &id.to_string(),
        now,
        user,
        Some(from),
        transition.to,
        &transition.section,
        new_deadline,
        command.note(),
    )
    .await?;
    if transition.restarts_deadline {
        // Re-routed or reopened: the section that has it now is told.
        super::notify::enqueue(tx, &id.to_string(), &event, now).await?;
    }
    Ok(Outcome::FindingMoved { finding_id: *id, status: transition.to, section_id: transition.section, deadline })
}
