//! Residents' reports and their photos, and what a road's public board shows.

use super::{corrupt, status, uuid, Conn, Tx};
use crate::api::reports::JoinedReport;
use crate::api::views::{KnownProblem, Named};
use crate::backend::Result;
use crate::domain::duplicate::{may_be_joined, SameAs};
use crate::domain::finding::FindingStatus;
use crate::domain::photo::{ImageKind, PhotoHash};
use crate::domain::report::{Recent, ReportStatus, ShortCode, SPAM_MEMORY_MS};
use crate::domain::time::Timestamp;
use crate::i18n::Lang;
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;

/// A report as stored.
#[derive(Clone, Debug)]
pub struct Report {
    pub id: Uuid,
    pub road: Named,
    pub chief_user_id: String,
    pub category: Named,
    pub note: String,
    pub position: Option<(f64, f64, f64)>,
    pub contact: Option<String>,
    pub lang: Lang,
    pub status: ReportStatus,
    pub reply: Option<String>,
    pub finding_id: Option<Uuid>,
    pub short_code: ShortCode,
    pub received_at: Timestamp,
    pub handled_at: Option<Timestamp>,
    /// What its sender said it is the same as.
    pub same_as: Option<SameAs>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    road_id: String,
    road_zh: String,
    road_en: String,
    chief_user_id: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    note: String,
    lon: Option<f64>,
    lat: Option<f64>,
    along_m: Option<f64>,
    contact: Option<String>,
    lang: String,
    status: String,
    reply: Option<String>,
    finding_id: Option<String>,
    short_code: String,
    received_at: i64,
    handled_at: Option<i64>,
    same_as_finding: Option<String>,
    same_as_report: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.road_id, r.name_zh AS road_zh, r.name_en AS road_en, r.chief_user_id, \
     p.category_code, c.name_zh AS category_zh, c.name_en AS category_en, p.note, p.lon, p.lat, p.along_m, p.contact, \
     p.lang, p.status, p.reply, p.finding_id, p.short_code, p.received_at, p.handled_at, \
     p.same_as_finding, p.same_as_report \
     FROM resident_reports p JOIN roads r ON r.id = p.road_id JOIN categories c ON c.code = p.category_code";

fn report(row: Row) -> Result<Report> {
    let position = match (row.lon, row.lat, row.along_m) {
        (Some(lon), Some(lat), Some(along)) => Some((lon, lat, along)),
        _ => None,
    };
    let same_as = match (row.same_as_finding.as_deref(), row.same_as_report.as_deref()) {
        (Some(finding), _) => Some(SameAs::Finding(uuid(finding)?)),
        (None, Some(report)) => Some(SameAs::Report(uuid(report)?)),
        (None, None) => None,
    };
    Ok(Report {
        id: uuid(&row.id)?,
        road: Named { id: row.road_id, name_zh: row.road_zh, name_en: row.road_en },
        chief_user_id: row.chief_user_id,
        category: Named { id: row.category_code, name_zh: row.category_zh, name_en: row.category_en },
        note: row.note,
        position,
        contact: row.contact,
        lang: Lang::from_code(&row.lang).unwrap_or_default(),
        status: ReportStatus::parse(&row.status).ok_or_else(|| corrupt(format!("report status {}", row.status)))?,
        reply: row.reply,
        finding_id: row.finding_id.as_deref().map(uuid).transpose()?,
        short_code: ShortCode::parse(&row.short_code).map_err(|_| corrupt(format!("short code {}", row.short_code)))?,
        received_at: Timestamp(row.received_at),
        handled_at: row.handled_at.map(Timestamp),
        same_as,
    })
}

async fn one(conn: &mut Conn, filter: &str, value: &str) -> Result<Option<Report>> {
    let sql = format!("{SELECT} WHERE {filter} = $1");
    let row: Option<Row> = sqlx::query_as(&sql).bind(value).fetch_optional(conn).await?;
    row.map(report).transpose()
}

pub async fn by_id(conn: &mut Conn, id: &Uuid) -> Result<Option<Report>> {
    one(conn, "p.id", &id.to_string()).await
}

pub async fn by_tracking_hash(conn: &mut Conn, hash: &str) -> Result<Option<Report>> {
    one(conn, "p.tracking_hash", hash).await
}

pub async fn by_short_code(conn: &mut Conn, code: &ShortCode) -> Result<Option<Report>> {
    one(conn, "p.short_code", code.as_str()).await
}

/// Reports waiting for a chief, oldest first: on `chief`'s roads, or on every road. Those
/// added to another waiting report are handled with it, not listed.
pub async fn waiting(conn: &mut Conn, chief: Option<&str>) -> Result<Vec<Report>> {
    let new = ReportStatus::New.as_str();
    let rows: Vec<Row> = match chief {
        Some(chief) => {
            let sql = format!("{SELECT} WHERE p.status = '{new}' AND p.same_as_report IS NULL AND r.chief_user_id = $1 ORDER BY p.received_at");
            sqlx::query_as(&sql).bind(chief).fetch_all(conn).await?
        }
        None => {
            let sql = format!("{SELECT} WHERE p.status = '{new}' AND p.same_as_report IS NULL ORDER BY p.received_at");
            sqlx::query_as(&sql).fetch_all(conn).await?
        }
    };
    rows.into_iter().map(report).collect()
}

/// Reports still new that the coordinator was not told of: id, road, chief, received.
pub async fn waiting_unescalated(conn: &mut Conn) -> Result<Vec<(Uuid, Named, String, Timestamp)>> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, r.id, r.name_zh, r.name_en, u.display_name, p.received_at FROM resident_reports p \
         JOIN roads r ON r.id = p.road_id JOIN users u ON u.id = r.chief_user_id \
         WHERE p.status = $1 AND p.escalated_at IS NULL AND p.same_as_report IS NULL ORDER BY p.received_at",
    )
    .bind(ReportStatus::New.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, road, name_zh, name_en, chief, at)| {
            Ok((uuid(&id)?, Named { id: road, name_zh, name_en }, chief, Timestamp(at)))
        })
        .collect()
}

/// Marks a report still new as escalated; `false` if it was handled or escalated meanwhile.
pub async fn mark_escalated(tx: &mut Tx, id: &Uuid, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "UPDATE resident_reports SET escalated_at = $1 WHERE id = $2 AND status = $3 AND escalated_at IS NULL",
    )
    .bind(now.millis())
    .bind(id.to_string())
    .bind(ReportStatus::New.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// How many reports wait on `chief`'s roads, and when the oldest came.
pub async fn waiting_summary(conn: &mut Conn, chief: &str) -> Result<(u32, Option<Timestamp>)> {
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(p.received_at) FROM resident_reports p JOIN roads r ON r.id = p.road_id \
         WHERE p.status = $1 AND p.same_as_report IS NULL AND r.chief_user_id = $2",
    )
    .bind(ReportStatus::New.as_str())
    .bind(chief)
    .fetch_one(conn)
    .await?;
    Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest.map(Timestamp)))
}

/// A report as it is first stored.
pub struct NewReport<'a> {
    pub id: &'a str,
    pub road_id: &'a str,
    pub category_code: &'a str,
    pub note: &'a str,
    pub position: Option<(f64, f64, f64)>,
    pub contact: Option<&'a str>,
    pub lang: Lang,
    pub tracking_hash: &'a str,
    pub short_code: &'a ShortCode,
    pub challenge: &'a str,
    pub sender_key: &'a str,
    /// The platform that posted it (Open311); `None` from the board.
    pub via: Option<&'a str>,
    /// An open problem it was checked to be the same as: it follows that finding, or waits
    /// with that report.
    pub same_as: Option<SameAs>,
}

/// Whether a solved challenge has served a report already.
pub async fn challenge_used(conn: &mut Conn, challenge: &str) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM resident_reports WHERE challenge = $1")
        .bind(challenge)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Stores a new report; `false` if one of its unique values (the challenge, the codes) is
/// taken: nothing is written then. One added to an open finding is taken up at once (it
/// follows the finding); one added to a waiting report waits with it.
pub async fn insert(tx: &mut Tx, r: NewReport<'_>, now: Timestamp) -> Result<bool> {
    let (status, finding, same_finding, same_report, handled_at) = match r.same_as {
        Some(SameAs::Finding(id)) => {
            (ReportStatus::Confirmed, Some(id.to_string()), Some(id.to_string()), None, Some(now.millis()))
        }
        Some(SameAs::Report(id)) => (ReportStatus::New, None, None, Some(id.to_string()), None),
        None => (ReportStatus::New, None, None, None, None),
    };
    let written = sqlx::query(
        "INSERT INTO resident_reports (id, road_id, category_code, note, lon, lat, along_m, contact, lang, status, \
         tracking_hash, short_code, challenge, sender_key, received_at, via, finding_id, same_as_finding, \
         same_as_report, handled_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         ON CONFLICT DO NOTHING",
    )
    .bind(r.id)
    .bind(r.road_id)
    .bind(r.category_code)
    .bind(r.note)
    .bind(r.position.map(|p| p.0))
    .bind(r.position.map(|p| p.1))
    .bind(r.position.map(|p| p.2))
    .bind(r.contact)
    .bind(r.lang.code())
    .bind(status.as_str())
    .bind(r.tracking_hash)
    .bind(r.short_code.as_str())
    .bind(r.challenge)
    .bind(r.sender_key)
    .bind(now.millis())
    .bind(r.via)
    .bind(finding)
    .bind(same_finding)
    .bind(same_report)
    .bind(handled_at)
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

pub async fn add_photo(
    tx: &mut Tx,
    report_id: &str,
    position: usize,
    hash: &PhotoHash,
    kind: ImageKind,
    bytes: usize,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_photos (report_id, sha256, position, content_type, byte_len) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT DO NOTHING",
    )
    .bind(report_id)
    .bind(hash.as_str())
    .bind(position as i64)
    .bind(kind.content_type())
    .bind(bytes as i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A report's photos in order, with type and size.
pub async fn photos_of(conn: &mut Conn, report_id: &Uuid) -> Result<Vec<(PhotoHash, ImageKind, usize)>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT sha256, content_type, byte_len FROM report_photos WHERE report_id = $1 ORDER BY position",
    )
    .bind(report_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(hash, kind, len)| {
            let hash = PhotoHash::parse(&hash).map_err(|_| corrupt(format!("photo hash {hash}")))?;
            let kind = ImageKind::parse_content_type(&kind).ok_or_else(|| corrupt(format!("photo type {kind}")))?;
            Ok((hash, kind, len.max(0) as usize))
        })
        .collect()
}

/// The reports a photo belongs to, with their road's chief.
pub async fn photo_holders(conn: &mut Conn, hash: &PhotoHash) -> Result<Vec<(String, ImageKind)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.chief_user_id, p.content_type FROM report_photos p JOIN resident_reports rr ON rr.id = p.report_id \
         JOIN roads r ON r.id = rr.road_id WHERE p.sha256 = $1",
    )
    .bind(hash.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(chief, kind)| {
            Ok((chief, ImageKind::parse_content_type(&kind).ok_or_else(|| corrupt(format!("photo type {kind}")))?))
        })
        .collect()
}

/// What bears on the limits for one more report from `sender_key` on `road_id`, newest first
/// (at most `sender_cap` of the sender's last day).
pub async fn recent(
    conn: &mut Conn,
    sender_key: &str,
    road_id: &str,
    now: Timestamp,
    sender_cap: usize,
) -> Result<Recent> {
    let times = |rows: Vec<(i64,)>| rows.into_iter().map(|(at,)| Timestamp(at)).collect::<Vec<_>>();
    let day_ago = now.millis() - DAY_MS;
    let sender: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT received_at FROM resident_reports WHERE sender_key = $1 AND received_at > $2 \
         ORDER BY received_at DESC LIMIT {sender_cap}"
    ))
    .bind(sender_key)
    .bind(day_ago)
    .fetch_all(&mut *conn)
    .await?;
    let spam: Vec<(i64,)> = sqlx::query_as(
        "SELECT handled_at FROM resident_reports WHERE sender_key = $1 AND status = $2 AND handled_at > $3 \
         ORDER BY handled_at DESC LIMIT 10",
    )
    .bind(sender_key)
    .bind(ReportStatus::Spam.as_str())
    .bind(now.millis() - SPAM_MEMORY_MS)
    .fetch_all(&mut *conn)
    .await?;
    let road: Vec<(i64,)> = sqlx::query_as(
        "SELECT received_at FROM resident_reports WHERE road_id = $1 AND received_at > $2 \
         ORDER BY received_at DESC LIMIT 100",
    )
    .bind(road_id)
    .bind(day_ago)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Recent { sender: times(sender), sender_spam: times(spam), road: times(road) })
}

/// What the chief decided: a report still new becomes `status`; `false` if it was handled
/// already (nothing changes then).
pub async fn handle(
    tx: &mut Tx,
    id: &Uuid,
    to: ReportStatus,
    reply: Option<&str>,
    finding_id: Option<&str>,
    by: &str,
    now: Timestamp,
) -> Result<bool> {
    let written = sqlx::query(
        "UPDATE resident_reports SET status = $1, reply = $2, finding_id = $3, handled_by = $4, handled_at = $5 \
         WHERE id = $6 AND status = $7",
    )
    .bind(to.as_str())
    .bind(reply)
    .bind(finding_id)
    .bind(by)
    .bind(now.millis())
    .bind(id.to_string())
    .bind(ReportStatus::New.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// The reports still waiting that their senders added to `id`, oldest first (at most 50).
pub async fn joined_to(conn: &mut Conn, id: &Uuid) -> Result<Vec<JoinedReport>> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT note, contact, received_at FROM resident_reports WHERE same_as_report = $1 AND status = $2 \
         ORDER BY received_at LIMIT 50",
    )
    .bind(id.to_string())
    .bind(ReportStatus::New.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(note, contact, received_at)| JoinedReport { note, contact, received_at: Timestamp(received_at) })
        .collect())
}

/// The reports waiting with `id` share the chief's decision on it: `to`, the reply, the finding.
pub async fn settle_joined(
    tx: &mut Tx,
    id: &Uuid,
    to: ReportStatus,
    reply: Option<&str>,
    finding_id: Option<&str>,
    by: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE resident_reports SET status = $1, reply = $2, finding_id = $3, handled_by = $4, handled_at = $5 \
         WHERE same_as_report = $6 AND status = $7",
    )
    .bind(to.as_str())
    .bind(reply)
    .bind(finding_id)
    .bind(by)
    .bind(now.millis())
    .bind(id.to_string())
    .bind(ReportStatus::New.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The reports waiting with `id`, which turned out to be spam, wait on their own again: their
/// senders are not counted as spammers for it.
pub async fn release_joined(tx: &mut Tx, id: &Uuid) -> Result<()> {
    sqlx::query("UPDATE resident_reports SET same_as_report = NULL WHERE same_as_report = $1 AND status = $2")
        .bind(id.to_string())
        .bind(ReportStatus::New.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A road's open problems: findings their section still works on, and placed reports waiting for the chief
/// (not those added to another), each with how many residents reported it.
pub async fn known_on_road(conn: &mut Conn, road_id: &str) -> Result<Vec<KnownProblem>> {
    type Row = (String, String, f64, f64, f64, Option<String>, i64, i64);
    let findings: Vec<Row> = sqlx::query_as(
        "SELECT f.id, f.category_code, f.lon, f.lat, f.along_m, f.status, f.received_at, \
         (SELECT COUNT(*) FROM resident_reports p WHERE p.finding_id = f.id) \
         FROM findings f WHERE f.road_id = $1 AND f.status <> $2 ORDER BY f.received_at DESC LIMIT 500",
    )
    .bind(road_id)
    .bind(FindingStatus::Closed.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let reports: Vec<Row> = sqlx::query_as(
        "SELECT p.id, p.category_code, p.lon, p.lat, p.along_m, CAST(NULL AS TEXT), p.received_at, \
         1 + (SELECT COUNT(*) FROM resident_reports j WHERE j.same_as_report = p.id AND j.status = $2) \
         FROM resident_reports p WHERE p.road_id = $1 AND p.status = $2 AND p.same_as_report IS NULL \
         AND p.lon IS NOT NULL AND p.lat IS NOT NULL AND p.along_m IS NOT NULL ORDER BY p.received_at DESC LIMIT 500",
    )
    .bind(road_id)
    .bind(ReportStatus::New.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut known = Vec::with_capacity(findings.len() + reports.len());
    for (id, category, lon, lat, along_m, finding_status, since, reports) in findings.into_iter().chain(reports) {
        let (which, status) = match finding_status {
            Some(text) => (SameAs::Finding(uuid(&id)?), Some(status(&text)?)),
            None => (SameAs::Report(uuid(&id)?), None),
        };
        if status.is_some_and(|s| !may_be_joined(s)) {
            continue;
        }
        let reports = u32::try_from(reports).unwrap_or(0);
        known.push(KnownProblem { which, category, lon, lat, along_m, status, since: Timestamp(since), reports });
    }
    Ok(known)
}

/// What a road publishes on its board.
#[derive(Clone, Debug, Default)]
pub struct Publication {
    pub board_code: Option<String>,
    pub public_contact: Option<String>,
    pub office_hours: Option<String>,
}

pub async fn publication(conn: &mut Conn, road_id: &str) -> Result<Option<Publication>> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT board_code, public_contact, office_hours FROM roads WHERE id = $1")
            .bind(road_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(board_code, public_contact, office_hours)| Publication { board_code, public_contact, office_hours }))
}

/// What every road publishes, by road.
pub async fn publications(conn: &mut Conn) -> Result<std::collections::HashMap<String, Publication>> {
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> =
        sqlx::query_as("SELECT id, board_code, public_contact, office_hours FROM roads").fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, board_code, public_contact, office_hours)| {
            (id, Publication { board_code, public_contact, office_hours })
        })
        .collect())
}

pub async fn set_publication(tx: &mut Tx, road_id: &str, contact: Option<&str>, hours: Option<&str>) -> Result<bool> {
    let written = sqlx::query("UPDATE roads SET public_contact = $1, office_hours = $2 WHERE id = $3")
        .bind(contact)
        .bind(hours)
        .bind(road_id)
        .execute(&mut **tx)
        .await?;
    Ok(written.rows_affected() == 1)
}

/// Roads whose board has no code yet.
pub async fn roads_without_board_code(conn: &mut Conn) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM roads WHERE board_code IS NULL").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn set_board_code(tx: &mut Tx, road_id: &str, code: &str) -> Result<()> {
    sqlx::query("UPDATE roads SET board_code = $1 WHERE id = $2 AND board_code IS NULL")
        .bind(code)
        .bind(road_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A finding as the public sees it (on the board, over Open311): no note, no people, no photos.
#[derive(Clone, Debug)]
pub struct PublicFinding {
    pub id: Uuid,
    pub road: Named,
    pub category: Named,
    pub status: FindingStatus,
    pub section: Named,
    pub lon: f64,
    pub lat: f64,
    pub along_m: f64,
    pub received_at: Timestamp,
    pub deadline: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub(super) struct PublicRow {
    id: String,
    road_id: String,
    road_zh: String,
    road_en: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    status: String,
    section_id: String,
    section_zh: String,
    section_en: String,
    lon: f64,
    lat: f64,
    along_m: f64,
    received_at: i64,
    deadline_at: i64,
    updated_at: i64,
}

pub(super) const PUBLIC_SELECT: &str =
    "SELECT f.id, r.id AS road_id, r.name_zh AS road_zh, r.name_en AS road_en, f.category_code, \
     c.name_zh AS category_zh, c.name_en AS category_en, f.status, s.id AS section_id, s.name_zh AS section_zh, \
     s.name_en AS section_en, f.lon, f.lat, f.along_m, f.received_at, f.deadline_at, f.updated_at \
     FROM findings f JOIN categories c ON c.code = f.category_code JOIN sections s ON s.id = f.section_id \
     JOIN roads r ON r.id = f.road_id JOIN communities m ON m.id = r.community_id";

pub(super) fn public(row: PublicRow) -> Result<PublicFinding> {
    Ok(PublicFinding {
        id: uuid(&row.id)?,
        road: Named { id: row.road_id, name_zh: row.road_zh, name_en: row.road_en },
        category: Named { id: row.category_code, name_zh: row.category_zh, name_en: row.category_en },
        status: status(&row.status)?,
        section: Named { id: row.section_id, name_zh: row.section_zh, name_en: row.section_en },
        lon: row.lon,
        lat: row.lat,
        along_m: row.along_m,
        received_at: Timestamp(row.received_at),
        deadline: Timestamp(row.deadline_at),
        updated_at: Timestamp(row.updated_at),
    })
}

/// The road's open findings and those closed since `closed_since`, newest first (at most 100).
pub async fn public_findings(conn: &mut Conn, road_id: &str, closed_since: Timestamp) -> Result<Vec<PublicFinding>> {
    let sql = format!(
        "{PUBLIC_SELECT} WHERE f.road_id = $1 AND (f.status <> '{}' OR f.updated_at >= $2) \
         ORDER BY f.received_at DESC LIMIT 100",
        FindingStatus::Closed.as_str()
    );
    let rows: Vec<PublicRow> = sqlx::query_as(&sql).bind(road_id).bind(closed_since.millis()).fetch_all(conn).await?;
    rows.into_iter().map(public).collect()
}

/// A finding's steps as the public sees them: which status, when, with which section.
pub async fn public_steps(conn: &mut Conn, finding_id: &Uuid) -> Result<Vec<(FindingStatus, Timestamp, Named)>> {
    let rows: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT h.to_status, h.at, s.id, s.name_zh, s.name_en FROM finding_history h \
         JOIN sections s ON s.id = h.section_id WHERE h.finding_id = $1 ORDER BY h.seq",
    )
    .bind(finding_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(st, at, id, name_zh, name_en)| Ok((status(&st)?, Timestamp(at), Named { id, name_zh, name_en })))
        .collect()
}
