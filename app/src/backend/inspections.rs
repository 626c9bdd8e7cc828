//! Weekly inspections: the chief's home, the inspection screen, starting and submitting.

use super::auth::{new_id, User};
use super::db::{Conn, Pool, Tx};
use super::directory::{self, Road};
use super::findings::{self, Recorded};
use super::{BackendError, Result};
use crate::api::error::ErrorCode;
use crate::api::operations::{NewFinding, Outcome};
use crate::api::views::{ChiefHome, InspectionPage, RoadCard};
use crate::domain::geometry::{check_placement, GeoPoint};
use crate::domain::inspection::{settle_results, week_is_open, CheckResult, InspectionStatus};
use crate::domain::photo::check_declared;
use crate::domain::text::{Code, Note};
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// An observed time this far ahead of the server's clock is a wrong clock, not a finding.
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

#[derive(sqlx::FromRow)]
struct InspectionRow {
    id: String,
    started_at: i64,
    submitted_at: Option<i64>,
}

async fn find(conn: &mut Conn, road_id: &str, week: IsoWeek) -> Result<Option<InspectionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, started_at, submitted_at FROM inspections WHERE road_id = $1 AND iso_year = $2 AND iso_week = $3",
    )
    .bind(road_id)
    .bind(week.year())
    .bind(i32::from(week.week()))
    .fetch_optional(conn)
    .await?)
}

fn status_of(row: Option<&InspectionRow>) -> InspectionStatus {
    InspectionStatus::from_times(row.map(|r| Timestamp(r.started_at)), row.and_then(|r| r.submitted_at.map(Timestamp)))
}

pub async fn chief_home(pool: &Pool, chief: &User, now: Timestamp) -> Result<ChiefHome> {
    let week = IsoWeek::containing(now);
    let mut conn = pool.acquire().await?;
    let mut roads = Vec::new();
    for road in directory::roads_of_chief(pool, &chief.id).await? {
        let inspection = find(&mut conn, &road.named.id, week).await?;
        let (awaiting, open): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN status IN ('routed', 'accepted', 'returned') THEN 1 ELSE 0 END), 0) \
             FROM findings WHERE road_id = $1",
        )
        .bind(&road.named.id)
        .fetch_one(&mut *conn)
        .await?;
        roads.push(RoadCard {
            road: road.named,
            community: road.community,
            status: status_of(inspection.as_ref()),
            awaiting_check: awaiting as u32,
            open: open as u32,
        });
    }
    Ok(ChiefHome { week, roads })
}

/// The road, if `user` may record on it: only its own chief.
async fn own_road(pool: &Pool, user: &User, road_id: &str) -> Result<Road> {
    let road = directory::road(pool, road_id).await?.ok_or(ErrorCode::NotFound)?;
    if user.role != Role::RoadChief || road.chief_user_id != user.id {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(road)
}

pub async fn page(pool: &Pool, user: &User, road_id: &str, now: Timestamp) -> Result<InspectionPage> {
    let road = directory::road(pool, road_id).await?.ok_or(ErrorCode::NotFound)?;
    let allowed = match user.role {
        Role::RoadChief => road.chief_user_id == user.id,
        Role::Coordinator => true,
        Role::SectionHead => false,
    };
    if !allowed {
        return Err(ErrorCode::Forbidden.into());
    }
    let week = IsoWeek::containing(now);
    let mut conn = pool.acquire().await?;
    let inspection = find(&mut conn, road_id, week).await?;
    let (results, findings) = match &inspection {
        Some(row) => {
            let results: Vec<(String, String)> =
                sqlx::query_as("SELECT category_code, result FROM inspection_results WHERE inspection_id = $1")
                    .bind(&row.id)
                    .fetch_all(&mut *conn)
                    .await?;
            let results = results
                .into_iter()
                .map(|(c, r)| {
                    CheckResult::parse(&r).map(|r| (c, r)).ok_or_else(|| BackendError::Corrupt(format!("result {r}")))
                })
                .collect::<Result<Vec<_>>>()?;
            (results, findings::of_inspection(pool, &row.id, now).await?)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(InspectionPage {
        road: road.view(),
        week,
        status: status_of(inspection.as_ref()),
        submitted_at: inspection.as_ref().and_then(|r| r.submitted_at.map(Timestamp)),
        results,
        findings,
        categories: directory::categories(pool).await?.iter().map(|c| c.view()).collect(),
    })
}

fn open_week(text: &str, now: Timestamp) -> Result<IsoWeek> {
    let week = IsoWeek::parse(text).map_err(|_| ErrorCode::Malformed)?;
    if !week_is_open(week, now) {
        return Err(ErrorCode::WeekNotOpen.into());
    }
    Ok(week)
}

/// This week's inspection of the road, started now if there is none yet.
async fn start_or_continue(
    tx: &mut Tx,
    chief: &User,
    road_id: &str,
    week: IsoWeek,
    now: Timestamp,
) -> Result<(String, Timestamp)> {
    if let Some(row) = find(tx, road_id, week).await? {
        return Ok((row.id, Timestamp(row.started_at)));
    }
    let id = new_id(now);
    sqlx::query("INSERT INTO inspections (id, road_id, iso_year, iso_week, chief_user_id, started_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(road_id)
        .bind(week.year())
        .bind(i32::from(week.week()))
        .bind(&chief.id)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?;
    Ok((id, now))
}

fn inspection_uuid(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id).map_err(|e| BackendError::Corrupt(format!("inspection id {id}: {e}")))
}

pub async fn start(
    pool: &Pool,
    tx: &mut Tx,
    chief: &User,
    road_id: &str,
    week: &str,
    now: Timestamp,
) -> Result<Outcome> {
    own_road(pool, chief, road_id).await?;
    let week = open_week(week, now)?;
    let (id, started_at) = start_or_continue(tx, chief, road_id, week, now).await?;
    Ok(Outcome::InspectionStarted { inspection_id: inspection_uuid(&id)?, started_at })
}

/// Checks one new finding against its road and the categories.
fn parse_finding(
    road: &Road,
    categories: &[directory::Category],
    input: &NewFinding,
    now: Timestamp,
) -> Result<Recorded> {
    let category = categories.iter().find(|c| c.code == input.category).ok_or(ErrorCode::UnknownCategory)?;
    let note = Note::parse(&input.note)?;
    let point = GeoPoint::parse(input.lon, input.lat).map_err(|_| ErrorCode::InvalidPosition)?;
    let placement =
        check_placement(&road.geometry, point, input.off_road_confirmed).map_err(|_| ErrorCode::OffRoadUnconfirmed)?;
    if input.observed_at.millis() > now.millis() + CLOCK_SKEW_MS {
        return Err(ErrorCode::ObservedInFuture.into());
    }
    check_declared(&input.photos).map_err(|_| ErrorCode::TooManyPhotos)?;
    Ok(Recorded {
        id: input.id,
        category: category.clone(),
        note,
        placement,
        off_road_confirmed: input.off_road_confirmed && placement.is_off_road(),
        observed_at: input.observed_at,
        photos: input.photos.clone(),
        urgent: input.urgent,
    })
}

/// A finding id the server has not seen: the same id under another operation means the device
/// is confused (or replaying edited content), and is refused rather than overwritten.
async fn ensure_new(tx: &mut Tx, id: Uuid) -> Result<()> {
    let taken: Option<(String,)> =
        sqlx::query_as("SELECT id FROM findings WHERE id = $1").bind(id.to_string()).fetch_optional(&mut **tx).await?;
    match taken {
        Some(_) => Err(ErrorCode::OperationConflict.into()),
        None => Ok(()),
    }
}

/// Records one finding sent on its own: this week's (or last week's) inspection of the chief's
/// road is started if needed, and the finding is routed with its deadline counted from now.
pub async fn record_finding(
    pool: &Pool,
    tx: &mut Tx,
    chief: &User,
    road_id: &str,
    week: &str,
    input: &NewFinding,
    now: Timestamp,
) -> Result<Outcome> {
    let road = own_road(pool, chief, road_id).await?;
    let week = open_week(week, now)?;
    let categories = directory::categories(pool).await?;
    let recorded = parse_finding(&road, &categories, input, now)?;
    let (inspection_id, _) = start_or_continue(tx, chief, road_id, week, now).await?;
    ensure_new(tx, recorded.id).await?;
    let finding = findings::insert_routed(tx, chief, road_id, &inspection_id, &recorded, now).await?;
    Ok(Outcome::FindingRecorded { inspection_id: inspection_uuid(&inspection_id)?, finding })
}

/// What a chief submits for a road and week, as it came in.
pub struct Submission<'a> {
    pub road_id: &'a str,
    pub week: &'a str,
    pub ticked: &'a BTreeMap<String, CheckResult>,
    pub findings: &'a [NewFinding],
}

/// Submits the week's inspection: results for every category and the new findings, routed
/// with deadlines. A second submission in the same week adds to the first.
pub async fn submit(
    pool: &Pool,
    tx: &mut Tx,
    chief: &User,
    submission: Submission<'_>,
    now: Timestamp,
) -> Result<Outcome> {
    let Submission { road_id, week, ticked, findings: new_findings } = submission;
    let road = own_road(pool, chief, road_id).await?;
    let week = open_week(week, now)?;
    let categories = directory::categories(pool).await?;
    let recorded =
        new_findings.iter().map(|f| parse_finding(&road, &categories, f, now)).collect::<Result<Vec<_>>>()?;
    let mut ids = BTreeSet::new();
    if !recorded.iter().all(|f| ids.insert(f.id)) {
        return Err(ErrorCode::Malformed.into());
    }

    let (inspection_id, _) = start_or_continue(tx, chief, road_id, week, now).await?;
    let earlier: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT category_code FROM findings WHERE inspection_id = $1")
            .bind(&inspection_id)
            .fetch_all(&mut **tx)
            .await?;
    let codes = |c: &str| Code::parse(c).map_err(|_| BackendError::Refused(ErrorCode::UnknownCategory));
    let with_findings = earlier
        .iter()
        .map(|(c,)| c.as_str())
        .chain(recorded.iter().map(|f| f.category.code.as_str()))
        .map(codes)
        .collect::<Result<BTreeSet<_>>>()?;
    let ticked = ticked.iter().map(|(c, r)| Ok((codes(c)?, *r))).collect::<Result<BTreeMap<_, _>>>()?;
    let all = categories.iter().map(|c| codes(&c.code)).collect::<Result<Vec<_>>>()?;
    let settled = settle_results(&all, &ticked, &with_findings)?;

    for (code, result) in &settled {
        sqlx::query(
            "INSERT INTO inspection_results (inspection_id, category_code, result) VALUES ($1, $2, $3) \
             ON CONFLICT (inspection_id, category_code) DO UPDATE SET result = excluded.result",
        )
        .bind(&inspection_id)
        .bind(code.as_str())
        .bind(result.as_str())
        .execute(&mut **tx)
        .await?;
    }
    let mut routed = Vec::new();
    for finding in &recorded {
        ensure_new(tx, finding.id).await?;
        routed.push(findings::insert_routed(tx, chief, road_id, &inspection_id, finding, now).await?);
    }
    sqlx::query("UPDATE inspections SET submitted_at = $1 WHERE id = $2")
        .bind(now.millis())
        .bind(&inspection_id)
        .execute(&mut **tx)
        .await?;
    Ok(Outcome::InspectionSubmitted {
        inspection_id: inspection_uuid(&inspection_id)?,
        submitted_at: now,
        findings: routed,
    })
}
