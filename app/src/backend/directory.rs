//! The subdistrict's reference data: roads, sections, categories and who is responsible.

use super::db::Pool;
use super::{BackendError, Result};
use crate::api::views::{CategoryView, Named, RoadView};
use crate::domain::deadline::WorkingDays;
use crate::domain::geometry::RoadGeometry;

#[derive(Clone, Debug)]
pub struct Road {
    pub named: Named,
    pub community: Named,
    pub chief_user_id: String,
    pub chief_name: String,
    pub geometry: RoadGeometry,
}

impl Road {
    pub fn view(&self) -> RoadView {
        RoadView {
            road: self.named.clone(),
            community: self.community.clone(),
            chief_name: self.chief_name.clone(),
            coordinates: self.geometry.coordinates(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct RoadRow {
    id: String,
    name_zh: String,
    name_en: String,
    community_id: String,
    community_zh: String,
    community_en: String,
    chief_user_id: String,
    chief_name: String,
    geometry: String,
}

const ROAD_SELECT: &str = "SELECT r.id, r.name_zh, r.name_en, r.community_id, c.name_zh AS community_zh, \
     c.name_en AS community_en, r.chief_user_id, u.display_name AS chief_name, r.geometry \
     FROM roads r JOIN communities c ON c.id = r.community_id JOIN users u ON u.id = r.chief_user_id";

pub fn parse_geometry(text: &str) -> std::result::Result<RoadGeometry, String> {
    let coordinates: Vec<[f64; 2]> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    RoadGeometry::parse(&coordinates).map_err(|e| e.to_string())
}

fn road_from_row(row: RoadRow) -> Result<Road> {
    let geometry = parse_geometry(&row.geometry).map_err(|e| BackendError::Corrupt(format!("road {}: {e}", row.id)))?;
    Ok(Road {
        named: Named { id: row.id, name_zh: row.name_zh, name_en: row.name_en },
        community: Named { id: row.community_id, name_zh: row.community_zh, name_en: row.community_en },
        chief_user_id: row.chief_user_id,
        chief_name: row.chief_name,
        geometry,
    })
}

pub async fn road(pool: &Pool, id: &str) -> Result<Option<Road>> {
    let sql = format!("{ROAD_SELECT} WHERE r.id = $1");
    let row: Option<RoadRow> = sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?;
    row.map(road_from_row).transpose()
}

pub async fn roads_of_chief(pool: &Pool, user_id: &str) -> Result<Vec<Road>> {
    let sql = format!("{ROAD_SELECT} WHERE r.chief_user_id = $1 ORDER BY r.name_zh");
    let rows: Vec<RoadRow> = sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?;
    rows.into_iter().map(road_from_row).collect()
}

pub async fn all_roads(pool: &Pool) -> Result<Vec<Road>> {
    let sql = format!("{ROAD_SELECT} ORDER BY c.name_zh, r.name_zh");
    let rows: Vec<RoadRow> = sqlx::query_as(&sql).fetch_all(pool).await?;
    rows.into_iter().map(road_from_row).collect()
}

#[derive(Clone, Debug)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub section: Named,
    pub deadline_days: WorkingDays,
}

impl Category {
    pub fn named(&self) -> Named {
        Named { id: self.code.clone(), name_zh: self.name_zh.clone(), name_en: self.name_en.clone() }
    }

    pub fn view(&self) -> CategoryView {
        CategoryView {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            section: self.section.clone(),
            deadline_days: self.deadline_days.get(),
        }
    }
}

/// A category's deadline as the database holds it.
pub fn stored_working_days(days: i64, category: &str) -> Result<WorkingDays> {
    u16::try_from(days)
        .ok()
        .and_then(|d| WorkingDays::try_from(d).ok())
        .ok_or_else(|| BackendError::Corrupt(format!("category {category} deadline {days}")))
}

/// All categories in the order the checklist shows them.
pub async fn categories(pool: &Pool) -> Result<Vec<Category>> {
    let rows: Vec<(String, String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT c.code, c.name_zh, c.name_en, s.id, s.name_zh, s.name_en, c.deadline_days \
         FROM categories c JOIN sections s ON s.id = c.section_id ORDER BY c.position, c.code",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(code, name_zh, name_en, sid, szh, sen, days)| {
            let deadline_days = stored_working_days(days, &code)?;
            Ok(Category {
                code,
                name_zh,
                name_en,
                section: Named { id: sid, name_zh: szh, name_en: sen },
                deadline_days,
            })
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct Section {
    pub named: Named,
    pub head_user_id: Option<String>,
    pub head_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SectionRow {
    id: String,
    name_zh: String,
    name_en: String,
    head_user_id: Option<String>,
    head_name: Option<String>,
}

pub async fn sections(pool: &Pool) -> Result<Vec<Section>> {
    let rows: Vec<SectionRow> = sqlx::query_as(
        "SELECT s.id, s.name_zh, s.name_en, s.head_user_id, u.display_name AS head_name \
         FROM sections s LEFT JOIN users u ON u.id = s.head_user_id ORDER BY s.id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Section {
            named: Named { id: r.id, name_zh: r.name_zh, name_en: r.name_en },
            head_user_id: r.head_user_id,
            head_name: r.head_name,
        })
        .collect())
}

/// The sections a user heads (usually one).
pub async fn sections_headed_by(pool: &Pool, user_id: &str) -> Result<Vec<Named>> {
    Ok(sections(pool)
        .await?
        .into_iter()
        .filter(|s| s.head_user_id.as_deref() == Some(user_id))
        .map(|s| s.named)
        .collect())
}
