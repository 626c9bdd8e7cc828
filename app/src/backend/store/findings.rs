//! Findings and their history. Every change of a finding goes with a history row in the same
//! transaction and marks the finding changed for devices (`Tx::touch`).

use super::{status, statuses, uuid, Conn, Tx};
use crate::api::district::MapFinding;
use crate::api::views::{FindingSummary, HistoryEntry, Named};
use crate::backend::db::flag;
use crate::backend::Result;
use crate::domain::deadline::{urgency, DeadlineRule};
use crate::domain::evidence::ClockSkew;
use crate::domain::finding::{FindingStatus, ReturnRuling, Selection};
use crate::domain::geometry::{GeoPoint, Placement};
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use std::collections::HashMap;

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

fn summary(row: Row, now: Timestamp) -> Result<FindingSummary> {
    let status = status(&row.status)?;
    let deadline = Timestamp(row.deadline_at);
    Ok(FindingSummary {
        id: uuid(&row.id)?,
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

async fn summaries(conn: &mut Conn, sql: &str, binds: &[&str], now: Timestamp) -> Result<Vec<FindingSummary>> {
    let mut query = sqlx::query_as::<_, Row>(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_all(conn).await?.into_iter().map(|r| summary(r, now)).collect()
}

pub async fn by_id(conn: &mut Conn, id: &str, now: Timestamp) -> Result<Option<FindingSummary>> {
    Ok(summaries(conn, &format!("{SELECT} WHERE f.id = $1"), &[id], now).await?.pop())
}

/// The findings on a chief's roads, the ones waiting for their check first.
pub async fn on_roads_of(conn: &mut Conn, chief_id: &str, now: Timestamp) -> Result<Vec<FindingSummary>> {
    let sql = format!(
        "{SELECT} WHERE r.chief_user_id = $1 ORDER BY CASE f.status WHEN '{resolved}' THEN 0 WHEN '{closed}' THEN 2 \
         ELSE 1 END, f.received_at DESC",
        resolved = FindingStatus::Resolved.as_str(),
        closed = FindingStatus::Closed.as_str(),
    );
    summaries(conn, &sql, &[chief_id], now).await
}

/// Findings on a chief's roads changed since the change counter `since`, oldest change first.
pub async fn changed_on_roads_of(
    conn: &mut Conn,
    chief_id: &str,
    since: i64,
    now: Timestamp,
) -> Result<Vec<FindingSummary>> {
    let sql = format!("{SELECT} WHERE r.chief_user_id = $1 AND f.change_seq > $2 ORDER BY f.change_seq, f.id");
    sqlx::query_as::<_, Row>(&sql)
        .bind(chief_id)
        .bind(since)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| summary(r, now))
        .collect()
}

pub async fn of_inspection(conn: &mut Conn, inspection_id: &str, now: Timestamp) -> Result<Vec<FindingSummary>> {
    summaries(conn, &format!("{SELECT} WHERE f.inspection_id = $1 ORDER BY f.observed_at"), &[inspection_id], now).await
}

/// Where a selection is counted or listed: a section's, on one road or in one community.
#[derive(Clone, Copy, Debug, Default)]
pub struct Within<'a> {
    pub section_id: Option<&'a str>,
    pub road_id: Option<&'a str>,
    pub community_id: Option<&'a str>,
}

enum Bound<'a> {
    Text(&'a str),
    Int(i64),
}

/// The WHERE clause of a selection, its values added to `binds`.
fn selecting<'a>(selection: &Selection, within: &Within<'a>, binds: &mut Vec<Bound<'a>>) -> String {
    let mut clauses = vec![format!("f.status IN ({})", statuses(selection.statuses))];
    let mut clause = |sql: &str, bound: Bound<'a>| {
        binds.push(bound);
        clauses.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(section) = within.section_id {
        clause("f.section_id = ?", Bound::Text(section));
    }
    if let Some(road) = within.road_id {
        clause("f.road_id = ?", Bound::Text(road));
    }
    if let Some(community) = within.community_id {
        clause("f.road_id IN (SELECT id FROM roads WHERE community_id = ?)", Bound::Text(community));
    }
    if let Some(from) = selection.from {
        clause("f.deadline_at >= ?", Bound::Int(from.millis()));
    }
    if let Some(until) = selection.until {
        clause("f.deadline_at < ?", Bound::Int(until.millis()));
    }
    clauses.join(" AND ")
}

async fn fetch_selected<T>(conn: &mut Conn, sql: &str, binds: Vec<Bound<'_>>) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut query = sqlx::query_as::<_, T>(sql);
    for bound in binds {
        query = match bound {
            Bound::Text(text) => query.bind(text),
            Bound::Int(n) => query.bind(n),
        };
    }
    Ok(query.fetch_all(conn).await?)
}

/// How many findings a selection holds (counted in the index).
pub async fn count_selected(conn: &mut Conn, selection: &Selection, within: &Within<'_>) -> Result<u32> {
    let mut binds = Vec::new();
    let sql = format!("SELECT COUNT(*) FROM findings f WHERE {}", selecting(selection, within, &mut binds));
    let rows: Vec<(i64,)> = fetch_selected(conn, &sql, binds).await?;
    Ok(rows.first().map_or(0, |(n,)| *n as u32))
}

/// How many findings a selection holds, per section.
pub async fn count_selected_by_section(conn: &mut Conn, selection: &Selection) -> Result<HashMap<String, u32>> {
    let mut binds = Vec::new();
    let sql = format!(
        "SELECT f.section_id, COUNT(*) FROM findings f WHERE {} GROUP BY f.section_id",
        selecting(selection, &Within::default(), &mut binds)
    );
    let rows: Vec<(String, i64)> = fetch_selected(conn, &sql, binds).await?;
    Ok(rows.into_iter().map(|(section, n)| (section, n as u32)).collect())
}

/// The roads a selection's findings are on.
pub async fn roads_selected(conn: &mut Conn, selection: &Selection, within: &Within<'_>) -> Result<Vec<String>> {
    let mut binds = Vec::new();
    let sql = format!("SELECT DISTINCT f.road_id FROM findings f WHERE {}", selecting(selection, within, &mut binds));
    let rows: Vec<(String,)> = fetch_selected(conn, &sql, binds).await?;
    Ok(rows.into_iter().map(|(road,)| road).collect())
}

/// The first `limit` findings of a selection by deadline (chosen in the index, then read).
pub async fn selected(
    conn: &mut Conn,
    selection: &Selection,
    within: &Within<'_>,
    limit: usize,
    now: Timestamp,
) -> Result<Vec<FindingSummary>> {
    let mut binds = Vec::new();
    let sql = format!(
        "SELECT f.id FROM findings f WHERE {} ORDER BY f.deadline_at, f.received_at LIMIT {limit}",
        selecting(selection, within, &mut binds)
    );
    let ids: Vec<(String,)> = fetch_selected(conn, &sql, binds).await?;
    let ids: Vec<&str> = ids.iter().map(|(id,)| id.as_str()).collect();
    summaries_of(conn, &ids, now).await
}

/// The summaries of `ids`, in the order given.
pub async fn summaries_of(conn: &mut Conn, ids: &[&str], now: Timestamp) -> Result<Vec<FindingSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let mut found = summaries(conn, &format!("{SELECT} WHERE f.id IN ({})", marks.join(", ")), ids, now).await?;
    let place: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    found.sort_by_cached_key(|f| place.get(f.id.to_string().as_str()).copied());
    Ok(found)
}

/// The first `limit` findings not closed out, with their place and the most pressing first:
/// those whose deadline passed or comes soonest (for the map).
pub async fn placed(conn: &mut Conn, limit: usize, now: Timestamp) -> Result<Vec<MapFinding>> {
    let sql = format!(
        "SELECT f.id, f.road_id, f.category_code, c.name_zh, c.name_en, f.status, f.deadline_at, f.lon, f.lat \
         FROM findings f JOIN categories c ON c.code = f.category_code \
         WHERE f.status IN ({}) ORDER BY f.deadline_at, f.received_at LIMIT {limit}",
        statuses(&FindingStatus::NOT_CLOSED)
    );
    type PlacedRow = (String, String, String, String, String, String, i64, f64, f64);
    let rows: Vec<PlacedRow> = sqlx::query_as(&sql).fetch_all(conn).await?;
    rows.into_iter()
        .map(|(id, road_id, code, name_zh, name_en, state, deadline_at, lon, lat)| {
            let status = status(&state)?;
            let deadline = Timestamp(deadline_at);
            Ok(MapFinding {
                id: uuid(&id)?,
                road_id,
                category: Named { id: code, name_zh, name_en },
                status,
                urgency: status.deadline_runs().then(|| urgency(deadline, now)),
                deadline,
                lon,
                lat,
            })
        })
        .collect()
}

/// Findings a section sent back, waiting for the coordinator to re-route them.
pub async fn returned(conn: &mut Conn, now: Timestamp) -> Result<Vec<FindingSummary>> {
    let sql = format!("{SELECT} WHERE f.status = '{}' ORDER BY f.updated_at", FindingStatus::Returned.as_str());
    summaries(conn, &sql, &[], now).await
}

/// What decides who may do what with a finding, and what a move starts from.
#[derive(Clone, Debug)]
pub struct Standing {
    pub status: FindingStatus,
    pub section_id: String,
    pub category_code: String,
    pub deadline: Timestamp,
    pub deadline_days: crate::domain::deadline::WorkingDays,
    pub urgent: bool,
    pub chief_user_id: String,
    pub head_user_id: Option<String>,
    /// Its category's resolution needs a photo of the result.
    pub after_photo_required: bool,
}

/// The finding's standing; with `lock`, its row stays locked until the transaction ends, so
/// two moves of one finding happen one after the other on every engine.
pub async fn standing(conn: &mut Conn, id: &str, lock: Option<crate::backend::db::Engine>) -> Result<Option<Standing>> {
    let sql = format!(
        "SELECT f.status, f.section_id, f.category_code, f.deadline_at, c.deadline_days, f.urgent, r.chief_user_id, \
         s.head_user_id, c.after_photo_required FROM findings f JOIN roads r ON r.id = f.road_id JOIN sections s ON s.id = f.section_id \
         JOIN categories c ON c.code = f.category_code WHERE f.id = $1{}",
        lock.map(|engine| engine.lock_rows_of("f")).unwrap_or_default()
    );
    #[allow(clippy::type_complexity)]
    let row: Option<(String, String, String, i64, i64, i64, String, Option<String>, i64)> =
        sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?;
    row.map(|(st, section_id, category_code, deadline, days, urgent, chief_user_id, head_user_id, after_photo)| {
        Ok(Standing {
            status: status(&st)?,
            deadline_days: super::directory::stored_working_days(days, &category_code)?,
            section_id,
            category_code,
            deadline: Timestamp(deadline),
            urgent: urgent != 0,
            chief_user_id,
            head_user_id,
            after_photo_required: after_photo != 0,
        })
    })
    .transpose()
}

/// Where the finding is, and who reported it.
pub struct Whereabouts {
    pub point: GeoPoint,
    pub off_road_m: f64,
    pub off_road_confirmed: bool,
    pub reported_by: String,
    pub after_hand_over: bool,
    /// The phone's clock minus the server's as the finding arrived.
    pub clock_skew: Option<ClockSkew>,
}

pub async fn whereabouts(conn: &mut Conn, id: &str) -> Result<Whereabouts> {
    #[allow(clippy::type_complexity)]
    let (lon, lat, off_road_m, confirmed, reported_by, late, skew): (f64, f64, f64, i64, String, i64, Option<i64>) =
        sqlx::query_as(
            "SELECT f.lon, f.lat, f.off_road_m, f.off_road_confirmed, u.display_name, f.after_hand_over, f.clock_skew_ms \
             FROM findings f JOIN users u ON u.id = f.reported_by_user_id WHERE f.id = $1",
        )
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(Whereabouts {
        point: GeoPoint { lon, lat },
        off_road_m,
        off_road_confirmed: confirmed != 0,
        reported_by,
        after_hand_over: late != 0,
        clock_skew: skew.map(ClockSkew),
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

pub async fn history(conn: &mut Conn, id: &str) -> Result<Vec<HistoryEntry>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT h.at, u.display_name AS actor, h.from_status, h.to_status, s.id AS section_id, s.name_zh AS section_zh, \
         s.name_en AS section_en, h.deadline_at, h.note, h.deadline_rule \
         FROM finding_history h JOIN users u ON u.id = h.actor_user_id JOIN sections s ON s.id = h.section_id \
         WHERE h.finding_id = $1 ORDER BY h.seq",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    // A step out of `returned` is the coordinator's ruling on the return, which the step
    // before it (the return) made at its section.
    let mut section_before = None::<String>;
    rows.into_iter()
        .map(|r| {
            let from = r.from_status.as_deref().map(status).transpose()?;
            let ruling = section_before.as_ref().and_then(|before| ReturnRuling::of(from, before, &r.section_id));
            section_before = Some(r.section_id.clone());
            Ok(HistoryEntry {
                at: Timestamp(r.at),
                actor: r.actor,
                from,
                to: status(&r.to_status)?,
                ruling,
                section: Named { id: r.section_id, name_zh: r.section_zh, name_en: r.section_en },
                deadline: r.deadline_at.map(Timestamp),
                note: r.note,
                // Rows written before rules were recorded have none.
                deadline_rule: r.deadline_rule.as_deref().and_then(DeadlineRule::parse),
            })
        })
        .collect()
}

/// One step of a finding's history.
pub struct Step<'a> {
    pub id: &'a str,
    pub finding_id: &'a str,
    pub at: Timestamp,
    pub actor_id: &'a str,
    pub from: Option<FindingStatus>,
    pub to: FindingStatus,
    pub section_id: &'a str,
    pub deadline: Option<(Timestamp, DeadlineRule)>,
    pub note: Option<&'a Note>,
}

/// Appends a step. Its number follows the finding's last step: the caller holds the finding
/// (a new one, or one locked by `standing`), so no other step can come in between. The first
/// step (routing a new finding, from no status) is number 1.
pub async fn append(tx: &mut Tx, step: Step<'_>) -> Result<()> {
    let seq = if step.from.is_none() {
        "1"
    } else {
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM finding_history WHERE finding_id = $2)"
    };
    sqlx::query(&format!(
        "INSERT INTO finding_history (id, finding_id, seq, at, actor_user_id, from_status, to_status, section_id, \
         deadline_at, note, deadline_rule) VALUES ($1, $2, {seq}, $3, $4, $5, $6, $7, $8, $9, $10)",
    ))
    .bind(step.id)
    .bind(step.finding_id)
    .bind(step.at.millis())
    .bind(step.actor_id)
    .bind(step.from.map(FindingStatus::as_str))
    .bind(step.to.as_str())
    .bind(step.section_id)
    .bind(step.deadline.map(|(at, _)| at.millis()))
    .bind(step.note.map(Note::as_str))
    .bind(step.deadline.map(|(_, rule)| rule.to_text()))
    .execute(&mut **tx)
    .await?;
    super::tallies::count(tx, step.finding_id, step.section_id, step.from, step.to, step.at).await
}

/// A finding as it is first stored.
pub struct NewFinding<'a> {
    pub id: &'a str,
    pub inspection_id: &'a str,
    pub road_id: &'a str,
    pub category_code: &'a str,
    pub note: &'a Note,
    pub placement: &'a Placement,
    pub off_road_confirmed: bool,
    pub observed_at: Timestamp,
    pub reported_by: &'a str,
    pub section_id: &'a str,
    pub deadline: Timestamp,
    pub urgent: bool,
    /// Sent by the road's former chief after the hand-over (made while it was theirs).
    pub after_hand_over: bool,
    /// The phone's clock minus the server's as it arrived.
    pub clock_skew: Option<ClockSkew>,
}

/// Stores a new routed finding; `false` if its id is taken (nothing is written then).
pub async fn insert(tx: &mut Tx, f: NewFinding<'_>, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO findings (id, inspection_id, road_id, category_code, note, lon, lat, along_m, off_road_m, \
         off_road_confirmed, observed_at, received_at, reported_by_user_id, status, section_id, deadline_at, updated_at, \
         urgent, change_seq, after_hand_over, clock_skew_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $12, $17, 0, $18, $19) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(f.id)
    .bind(f.inspection_id)
    .bind(f.road_id)
    .bind(f.category_code)
    .bind(f.note.as_str())
    .bind(f.placement.point.lon)
    .bind(f.placement.point.lat)
    .bind(f.placement.along_m)
    .bind(f.placement.off_road_m)
    .bind(flag(f.off_road_confirmed))
    .bind(f.observed_at.millis())
    .bind(now.millis())
    .bind(f.reported_by)
    .bind(FindingStatus::Routed.as_str())
    .bind(f.section_id)
    .bind(f.deadline.millis())
    .bind(flag(f.urgent))
    .bind(flag(f.after_hand_over))
    .bind(f.clock_skew.map(|s| s.0))
    .execute(&mut **tx)
    .await?;
    if written.rows_affected() == 1 {
        tx.touch(f.id);
    }
    Ok(written.rows_affected() == 1)
}

/// Links a new finding to the work-log visit whose request it is and to the shop it is about;
/// `false` if that visit already has a finding (nothing is written then).
pub async fn link_to_street(tx: &mut Tx, id: &str, visit_id: Option<&str>, shop_id: Option<&str>) -> Result<bool> {
    if let Some(visit) = visit_id {
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM findings WHERE visit_id = $1").bind(visit).fetch_optional(&mut **tx).await?;
        if taken.is_some() {
            return Ok(false);
        }
    }
    sqlx::query("UPDATE findings SET visit_id = $1, shop_id = $2 WHERE id = $3")
        .bind(visit_id)
        .bind(shop_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Findings about a shop, newest first.
pub async fn about_shop(conn: &mut Conn, shop_id: &str, now: Timestamp) -> Result<Vec<FindingSummary>> {
    summaries(conn, &format!("{SELECT} WHERE f.shop_id = $1 ORDER BY f.received_at DESC"), &[shop_id], now).await
}

/// A move's result: the new status, the section it is with, its deadline.
pub async fn set_state(
    tx: &mut Tx,
    id: &str,
    status: FindingStatus,
    section_id: &str,
    deadline: Timestamp,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE findings SET status = $1, section_id = $2, deadline_at = $3, updated_at = $4 WHERE id = $5")
        .bind(status.as_str())
        .bind(section_id)
        .bind(deadline.millis())
        .bind(now.millis())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    tx.touch(id);
    Ok(())
}

/// A later deadline (an extension): no longer overdue.
pub async fn extend(tx: &mut Tx, id: &str, deadline: Timestamp, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE findings SET deadline_at = $1, escalated_at = NULL, updated_at = $2 WHERE id = $3")
        .bind(deadline.millis())
        .bind(now.millis())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    tx.touch(id);
    Ok(())
}

/// Marks the finding overdue and escalated, if it is still with its section and past this
/// deadline; whether it was.
pub async fn escalate(tx: &mut Tx, id: &str, deadline: Timestamp, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE findings SET escalated_at = $1 WHERE id = $2 AND deadline_at = $3 AND deadline_at < $1 \
         AND status IN ({})",
        statuses(&FindingStatus::WITH_SECTION)
    ))
    .bind(now.millis())
    .bind(id)
    .bind(deadline.millis())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        tx.touch(id);
    }
    Ok(done.rows_affected() == 1)
}

/// Whether the finding is still with its section with this deadline.
pub async fn still_due(conn: &mut Conn, id: &str, deadline: Timestamp) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT deadline_at FROM findings WHERE id = $1 AND deadline_at = $2 AND status IN ({})",
        statuses(&FindingStatus::WITH_SECTION)
    ))
    .bind(id)
    .bind(deadline.millis())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// What a message about a finding says: where, what, which section, until when.
#[derive(sqlx::FromRow)]
pub struct Facts {
    pub road_zh: String,
    pub road_en: String,
    pub category_zh: String,
    pub category_en: String,
    pub section_id: String,
    pub section_zh: String,
    pub section_en: String,
    pub note: String,
    pub deadline_at: i64,
    pub along_m: f64,
}

pub async fn facts(conn: &mut Conn, id: &str) -> Result<Facts> {
    Ok(sqlx::query_as(
        "SELECT r.name_zh AS road_zh, r.name_en AS road_en, c.name_zh AS category_zh, c.name_en AS category_en, \
         s.id AS section_id, s.name_zh AS section_zh, s.name_en AS section_en, f.note, \
         f.deadline_at, f.along_m FROM findings f JOIN roads r ON r.id = f.road_id \
         JOIN categories c ON c.code = f.category_code JOIN sections s ON s.id = f.section_id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// A road's findings waiting for the chief's check, and those still open.
pub async fn road_counts(conn: &mut Conn, road_id: &str) -> Result<(u32, u32)> {
    let (awaiting, open): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COALESCE(SUM(CASE WHEN status = '{}' THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN status IN ({}) THEN 1 ELSE 0 END), 0) \
         FROM findings WHERE road_id = $1",
        FindingStatus::Resolved.as_str(),
        statuses(&FindingStatus::OPEN),
    ))
    .bind(road_id)
    .fetch_one(conn)
    .await?;
    Ok((u32::try_from(awaiting).unwrap_or(u32::MAX), u32::try_from(open).unwrap_or(u32::MAX)))
}

/// The categories an inspection already has findings in.
pub async fn categories_in(conn: &mut Conn, inspection_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT category_code FROM findings WHERE inspection_id = $1")
        .bind(inspection_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// A finding with the section, its deadline and when that deadline was set (the latest history
/// step with one).
pub struct Due {
    pub id: String,
    pub deadline: Timestamp,
    pub set_at: Option<Timestamp>,
}

pub async fn with_section(conn: &mut Conn) -> Result<Vec<Due>> {
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT f.id, f.deadline_at, (SELECT MAX(h.at) FROM finding_history h WHERE h.finding_id = f.id \
         AND h.deadline_at IS NOT NULL) FROM findings f WHERE f.status IN ({})",
        statuses(&FindingStatus::WITH_SECTION)
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, deadline, set_at)| Due { id, deadline: Timestamp(deadline), set_at: set_at.map(Timestamp) })
        .collect())
}

/// The section (its id and Chinese name) of every finding past its deadline while with it.
pub async fn overdue_sections(conn: &mut Conn, now: Timestamp) -> Result<Vec<(String, String, String)>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT s.id, s.name_zh, s.name_en FROM findings f JOIN sections s ON s.id = f.section_id \
         WHERE f.status IN ({}) AND f.deadline_at < $1",
        statuses(&FindingStatus::WITH_SECTION)
    ))
    .bind(now.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// One exported finding, names in both languages.
#[derive(sqlx::FromRow)]
pub struct ExportRow {
    pub id: String,
    pub road_zh: String,
    pub road_en: String,
    pub community_zh: String,
    pub community_en: String,
    pub category_zh: String,
    pub category_en: String,
    pub note: String,
    pub along_m: f64,
    pub reporter: String,
    pub observed_at: i64,
    pub received_at: i64,
    pub status: String,
    pub section_zh: String,
    pub section_en: String,
    pub deadline_at: i64,
    pub urgent: i64,
}

pub async fn received_between(conn: &mut Conn, from: Timestamp, to: Timestamp) -> Result<Vec<ExportRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, r.name_zh AS road_zh, r.name_en AS road_en, m.name_zh AS community_zh, m.name_en AS community_en, \
         c.name_zh AS category_zh, c.name_en AS category_en, f.note, f.along_m, u.display_name AS reporter, \
         f.observed_at, f.received_at, f.status, s.name_zh AS section_zh, s.name_en AS section_en, f.deadline_at, f.urgent \
         FROM findings f JOIN roads r ON r.id = f.road_id JOIN communities m ON m.id = r.community_id \
         JOIN categories c ON c.code = f.category_code JOIN sections s ON s.id = f.section_id \
         JOIN users u ON u.id = f.reported_by_user_id \
         WHERE f.received_at >= $1 AND f.received_at <= $2 ORDER BY f.received_at",
    )
    .bind(from.millis())
    .bind(to.millis())
    .fetch_all(conn)
    .await?)
}
