//! The subdistrict on one map, for the coordinator.

use super::store::{directory, findings, inspections, patrols, Conn};
use super::{Result, User};
use crate::api::district::{DistrictMap, MapRoad, MapTexts, MAP_FINDINGS_LIMIT};
use crate::api::error::ErrorCode;
use crate::domain::finding::{FindingStatus, Selection};
use crate::domain::inspection::InspectionStatus;
use crate::domain::patrol::joined_coverage;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use crate::i18n::Lang;
use std::collections::HashMap;

/// Each road with `week`'s inspection and patrols, and the findings not closed out now.
pub async fn map(
    conn: &mut Conn,
    coordinator: &User,
    week: IsoWeek,
    lang: Lang,
    now: Timestamp,
) -> Result<DistrictMap> {
    if coordinator.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let by_road: HashMap<String, InspectionStatus> = inspections::of_week(conn, week).await?.into_iter().collect();
    let patrols = patrols::of_week(conn, week).await?;
    let roads = directory::all_roads(conn)
        .await?
        .into_iter()
        .map(|r| {
            let week_patrols = patrols.get(&r.named.id).map(Vec::as_slice).unwrap_or_default();
            let (joined, _) = joined_coverage(week_patrols.iter().map(|p| p.coverage.as_ref()));
            MapRoad {
                status: by_road.get(&r.named.id).copied().unwrap_or(InspectionStatus::NotStarted),
                walked_percent: super::patrols::week_of(week_patrols).map(|w| w.walked_percent),
                walked: joined
                    .map(|c| c.walked_lines(&r.geometry))
                    .unwrap_or_default()
                    .into_iter()
                    .map(rounded)
                    .collect(),
                coordinates: r.geometry.coordinates(),
                road: r.named,
                chief_name: r.chief_name,
            }
        })
        .collect();
    let drawn = findings::placed(conn, MAP_FINDINGS_LIMIT, now).await?;
    let open = findings::count_selected(conn, &Selection::of(&FindingStatus::NOT_CLOSED), &Default::default()).await?;
    Ok(DistrictMap {
        week,
        roads,
        not_drawn: open.saturating_sub(drawn.len() as u32),
        findings: drawn,
        texts: MapTexts::of(lang),
    })
}

/// To a tenth of a metre or so: the lines are worked out, and their digits past that are noise.
fn rounded(line: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    line.into_iter().map(|c| c.map(|x| (x * 1e6).round() / 1e6)).collect()
}
