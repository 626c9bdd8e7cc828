//! Patrols on the road: taking one from the phone (once), reading a road's week of them, and
//! forgetting positions after the retention period.

use super::inspections::{open_week, own_road, CLOCK_SKEW_MS};
use super::reference::Reference;
use super::store::patrols::{self as stored, Patrol};
use super::store::{directory, Conn};
use super::{Pool, Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::operations::Outcome;
use crate::api::patrol::{NewPatrol, PatrolTrail, RoadPatrols};
use crate::domain::admin::Tenure;
use crate::domain::patrol::{
    board_code_from, check_times, decode, summarize, PatrolError, PatrolWeek, MAX_SCANS, MAX_SCAN_CHARS,
};
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;

impl From<PatrolError> for ErrorCode {
    fn from(_: PatrolError) -> Self {
        ErrorCode::InvalidPatrol
    }
}

/// The chief's patrol of a road, as the phone recorded it: checked, measured, stored once.
/// It belongs to the week's inspection (started by it if need be).
pub async fn record(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    road_id: &str,
    week: &str,
    patrol: &NewPatrol,
    now: Timestamp,
) -> Result<Outcome> {
    let (road, tenure) = own_road(reference, tx, chief, road_id, patrol.started_at).await?;
    let geometry = road.geometry.clone();
    let week = open_week(week, now)?;
    check_times(patrol.started_at, patrol.ended_at).map_err(ErrorCode::from)?;
    if patrol.ended_at.millis() > now.millis().saturating_add(CLOCK_SKEW_MS) {
        return Err(ErrorCode::ObservedInFuture.into());
    }
    // A patrol late on Sunday may end on Monday: it belongs to the week it started or ended in.
    if IsoWeek::containing(patrol.started_at) != week && IsoWeek::containing(patrol.ended_at) != week {
        return Err(ErrorCode::InvalidPatrol.into());
    }
    let fixes = decode(patrol.started_at, patrol.ended_at, &patrol.trail).map_err(ErrorCode::from)?;
    if patrol.board.len() > MAX_SCANS || patrol.board.iter().any(|s| s.text.chars().count() > MAX_SCAN_CHARS) {
        return Err(ErrorCode::InvalidPatrol.into());
    }
    let code = super::store::reports::publication(tx, road_id).await?.and_then(|p| p.board_code);
    // A scan counts when it matches the road's code and was made during the patrol (with a
    // minute's grace either side for a slow camera).
    let board_checked = code.is_some_and(|code| {
        patrol.board.iter().any(|scan| {
            let during = scan.at.millis() >= patrol.started_at.millis() - 60_000
                && scan.at.millis() <= patrol.ended_at.millis() + 60_000;
            during && board_code_from(&scan.text).as_deref() == Some(code.as_str())
        })
    });
    let (summary, coverage) = summarize(&geometry, patrol.started_at, patrol.ended_at, &fixes, board_checked);
    let inspection_id = reference.inspection(tx, chief, road_id, week, now).await?.id.clone();
    let id = patrol.id.to_string();
    let row = stored::NewPatrol {
        id: &id,
        road_id,
        week,
        inspection_id: &inspection_id,
        chief_user_id: &chief.id,
        trail: &patrol.trail,
        summary: &summary,
        coverage: &coverage,
        after_hand_over: tenure == Tenure::Former,
    };
    if !stored::insert(tx, row, now).await? {
        return Err(ErrorCode::OperationConflict.into());
    }
    Ok(Outcome::PatrolRecorded { patrol_id: patrol.id, summary })
}

/// The week's figures of a road's patrols together.
pub fn week_of(patrols: &[Patrol]) -> Option<PatrolWeek> {
    let pairs: Vec<_> = patrols.iter().map(|p| (p.summary.clone(), p.coverage.clone())).collect();
    PatrolWeek::of(&pairs)
}

pub async fn week_summary(conn: &mut Conn, road_id: &str, week: IsoWeek) -> Result<Option<PatrolWeek>> {
    Ok(week_of(&stored::of_road_week(conn, road_id, week).await?))
}

/// A road's patrols of a week for its chief or the coordinator. Positions are private: the
/// coordinator sees every trail, a chief only their own; a section head nothing.
pub async fn of_road(conn: &mut Conn, user: &User, road_id: &str, week: IsoWeek) -> Result<RoadPatrols> {
    let road = directory::road(conn, road_id).await?.ok_or(ErrorCode::NotFound)?;
    let patrols = stored::of_road_week(conn, road_id, week).await?;
    let shown = |p: &Patrol| match user.role {
        Role::Coordinator => true,
        Role::RoadChief => p.chief_user_id == user.id,
        Role::SectionHead => false,
    };
    let may_read = match user.role {
        Role::Coordinator => true,
        Role::RoadChief => road.chief_user_id == user.id || patrols.iter().any(shown),
        Role::SectionHead => false,
    };
    if !may_read {
        return Err(ErrorCode::Forbidden.into());
    }
    let summary = week_of(&patrols);
    let mut trails = Vec::new();
    for patrol in patrols.iter().filter(|p| shown(p)) {
        let positions = match &patrol.trail {
            // Stored only after it was read once; unreadable now is a corrupt row.
            Some(text) => decode(patrol.summary.started_at, patrol.summary.ended_at, text)
                .map_err(|e| super::store::corrupt(format!("patrol {} trail: {e}", patrol.id)))?
                .iter()
                .map(|f| [f.point.lon, f.point.lat])
                .collect(),
            None => Vec::new(),
        };
        trails.push(PatrolTrail {
            id: super::store::uuid(&patrol.id)?,
            chief_name: patrol.chief_name.clone(),
            summary: patrol.summary.clone(),
            positions,
        });
    }
    Ok(RoadPatrols { road_id: road.named.id, week, summary, trails })
}

/// Deletes the positions of patrols that ended more than `retention_days` ago.
pub async fn forget_old_trails(pool: &Pool, now: Timestamp, retention_days: u32) -> Result<u64> {
    let cutoff = Timestamp(now.millis() - i64::from(retention_days) * 86_400_000);
    let mut tx = pool.begin_write().await?;
    let forgotten = stored::forget_trails(&mut tx, cutoff).await?;
    tx.commit().await?;
    Ok(forgotten)
}
