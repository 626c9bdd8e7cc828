//! The subdistrict's reference data: subdistricts, communities, roads, sections (with their
//! channels) and categories (with their routing rules).

use super::{corrupt, Conn, Tx};
use crate::api::views::{CategoryView, Named, RoadView};
use crate::backend::Result;
use crate::domain::deadline::WorkingDays;
use crate::domain::geometry::RoadGeometry;
use crate::domain::notice::{EmailAddress, WebhookFormat, WebhookUrl};
use crate::i18n::Lang;

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
    let geometry = parse_geometry(&row.geometry).map_err(|e| corrupt(format!("road {}: {e}", row.id)))?;
    Ok(Road {
        named: Named { id: row.id, name_zh: row.name_zh, name_en: row.name_en },
        community: Named { id: row.community_id, name_zh: row.community_zh, name_en: row.community_en },
        chief_user_id: row.chief_user_id,
        chief_name: row.chief_name,
        geometry,
    })
}

pub async fn road(conn: &mut Conn, id: &str) -> Result<Option<Road>> {
    let sql = format!("{ROAD_SELECT} WHERE r.id = $1");
    let row: Option<RoadRow> = sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?;
    row.map(road_from_row).transpose()
}

pub async fn roads_of_chief(conn: &mut Conn, user_id: &str) -> Result<Vec<Road>> {
    let sql = format!("{ROAD_SELECT} WHERE r.chief_user_id = $1 ORDER BY r.name_zh");
    let rows: Vec<RoadRow> = sqlx::query_as(&sql).bind(user_id).fetch_all(conn).await?;
    rows.into_iter().map(road_from_row).collect()
}

pub async fn all_roads(conn: &mut Conn) -> Result<Vec<Road>> {
    let sql = format!("{ROAD_SELECT} ORDER BY c.name_zh, r.name_zh");
    let rows: Vec<RoadRow> = sqlx::query_as(&sql).fetch_all(conn).await?;
    rows.into_iter().map(road_from_row).collect()
}

/// Every road with its community, without geometry (for narrowing lists).
pub async fn road_communities(conn: &mut Conn) -> Result<Vec<(Named, Named)>> {
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.name_zh, r.name_en, c.id, c.name_zh, c.name_en FROM roads r \
         JOIN communities c ON c.id = r.community_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(road, road_zh, road_en, id, name_zh, name_en)| {
            (Named { id: road, name_zh: road_zh, name_en: road_en }, Named { id, name_zh, name_en })
        })
        .collect())
}

#[derive(Clone, Debug)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub section: Named,
    pub deadline_days: WorkingDays,
    /// A resolution needs a photo of the result.
    pub after_photo: bool,
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
        .ok_or_else(|| corrupt(format!("category {category} deadline {days}")))
}

/// All categories in the order the checklist shows them.
pub async fn categories(conn: &mut Conn) -> Result<Vec<Category>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT c.code, c.name_zh, c.name_en, s.id, s.name_zh, s.name_en, c.deadline_days, c.after_photo_required \
         FROM categories c JOIN sections s ON s.id = c.section_id ORDER BY c.position, c.code",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(code, name_zh, name_en, sid, szh, sen, days, after_photo)| {
            let deadline_days = stored_working_days(days, &code)?;
            Ok(Category {
                code,
                name_zh,
                name_en,
                section: Named { id: sid, name_zh: szh, name_en: sen },
                deadline_days,
                after_photo: after_photo != 0,
            })
        })
        .collect()
}

/// A category's rule: where its findings go, in how many working days, and whether their
/// resolution needs a photo of the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub section_id: String,
    pub days: WorkingDays,
    pub after_photo: bool,
}

pub async fn rule(conn: &mut Conn, code: &str) -> Result<Option<Rule>> {
    let row: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT section_id, deadline_days, after_photo_required FROM categories WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await?;
    row.map(|(section_id, days, after_photo)| {
        Ok(Rule { section_id, days: stored_working_days(days, code)?, after_photo: after_photo != 0 })
    })
    .transpose()
}

pub async fn set_rule(tx: &mut Tx, code: &str, rule: &Rule) -> Result<()> {
    sqlx::query("UPDATE categories SET section_id = $1, deadline_days = $2, after_photo_required = $3 WHERE code = $4")
        .bind(&rule.section_id)
        .bind(i64::from(rule.days.get()))
        .bind(i64::from(rule.after_photo))
        .bind(code)
        .execute(&mut **tx)
        .await?;
    Ok(())
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

pub async fn sections(conn: &mut Conn) -> Result<Vec<Section>> {
    let rows: Vec<SectionRow> = sqlx::query_as(
        "SELECT s.id, s.name_zh, s.name_en, s.head_user_id, u.display_name AS head_name \
         FROM sections s LEFT JOIN users u ON u.id = s.head_user_id ORDER BY s.id",
    )
    .fetch_all(conn)
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

/// The first section a user heads (a head usually has one).
pub async fn section_headed_by(conn: &mut Conn, user_id: &str) -> Result<Option<Named>> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, name_zh, name_en FROM sections WHERE head_user_id = $1 ORDER BY id LIMIT 1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, name_zh, name_en)| Named { id, name_zh, name_en }))
}

pub async fn section_exists(conn: &mut Conn, id: &str) -> Result<bool> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sections WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(row.is_some())
}

/// Where a section is told about findings outside the app.
#[derive(Clone, Debug)]
pub struct SectionChannels {
    pub webhook: Option<(String, WebhookFormat)>,
    pub email: Option<String>,
    /// The language the section is written to in.
    pub lang: Lang,
}

impl SectionChannels {
    /// Told only in the app: nothing to send.
    pub fn is_empty(&self) -> bool {
        self.webhook.is_none() && self.email.is_none()
    }
}

pub async fn channels_of(conn: &mut Conn, section_id: &str) -> Result<SectionChannels> {
    let (url, format, email, lang): (Option<String>, Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT webhook_url, webhook_format, email, lang FROM sections WHERE id = $1")
            .bind(section_id)
            .fetch_one(conn)
            .await?;
    let webhook = match (url, format.as_deref().map(WebhookFormat::parse)) {
        (Some(url), Some(Some(format))) => Some((url, format)),
        (Some(_), _) => return Err(corrupt(format!("webhook format of section {section_id}"))),
        (None, _) => None,
    };
    Ok(SectionChannels { webhook, email, lang: Lang::from_code(&lang).unwrap_or_default() })
}

/// Every section with its channels, for the coordinator's screen.
pub async fn all_channels(conn: &mut Conn) -> Result<Vec<(Named, Option<String>, Option<String>, Option<String>)>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, String, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, name_zh, name_en, webhook_url, webhook_format, email FROM sections ORDER BY name_zh",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_zh, name_en, url, format, email)| (Named { id, name_zh, name_en }, url, format, email))
        .collect())
}

/// Sets (or with `None`, removes) a section's webhook; whether the section exists.
pub async fn set_webhook(tx: &mut Tx, section_id: &str, webhook: Option<(&WebhookUrl, WebhookFormat)>) -> Result<bool> {
    let changed = sqlx::query("UPDATE sections SET webhook_url = $1, webhook_format = $2 WHERE id = $3")
        .bind(webhook.map(|(u, _)| u.as_str()))
        .bind(webhook.map(|(_, f)| f.as_str()))
        .bind(section_id)
        .execute(&mut **tx)
        .await?;
    Ok(changed.rows_affected() == 1)
}

/// Sets (or with `None`, removes) a section's email address; whether the section exists.
pub async fn set_email(tx: &mut Tx, section_id: &str, email: Option<&EmailAddress>) -> Result<bool> {
    let changed = sqlx::query("UPDATE sections SET email = $1 WHERE id = $2")
        .bind(email.map(EmailAddress::as_str))
        .bind(section_id)
        .execute(&mut **tx)
        .await?;
    Ok(changed.rows_affected() == 1)
}

pub async fn subdistrict_count(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subdistricts").fetch_one(conn).await?;
    Ok(n)
}

/// Import: names, and who holds which post, as the file says.
pub mod import {
    use super::*;

    pub async fn subdistrict(tx: &mut Tx, id: &str, name_zh: &str, name_en: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO subdistricts (id, name_zh, name_en) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en",
        )
        .bind(id)
        .bind(name_zh)
        .bind(name_en)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn community(tx: &mut Tx, id: &str, subdistrict: &str, name_zh: &str, name_en: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO communities (id, subdistrict_id, name_zh, name_en) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET subdistrict_id = excluded.subdistrict_id, name_zh = excluded.name_zh, \
             name_en = excluded.name_en",
        )
        .bind(id)
        .bind(subdistrict)
        .bind(name_zh)
        .bind(name_en)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn section(
        tx: &mut Tx,
        id: &str,
        (name_zh, name_en): (&str, &str),
        head: Option<&str>,
        lang: Lang,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sections (id, name_zh, name_en, head_user_id, lang) \
             VALUES ($1, $2, $3, (SELECT id FROM users WHERE username = $4), $5) \
             ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             head_user_id = excluded.head_user_id, lang = excluded.lang",
        )
        .bind(id)
        .bind(name_zh)
        .bind(name_en)
        .bind(head)
        .bind(lang.code())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub struct CategoryRow<'a> {
        pub code: &'a str,
        pub name_zh: &'a str,
        pub name_en: &'a str,
        pub section: &'a str,
        pub days: WorkingDays,
        pub after_photo: bool,
        pub position: i64,
    }

    pub async fn category(tx: &mut Tx, c: CategoryRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO categories (code, name_zh, name_en, section_id, deadline_days, position, after_photo_required) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             section_id = excluded.section_id, deadline_days = excluded.deadline_days, position = excluded.position, \
             after_photo_required = excluded.after_photo_required",
        )
        .bind(c.code)
        .bind(c.name_zh)
        .bind(c.name_en)
        .bind(c.section)
        .bind(i64::from(c.days.get()))
        .bind(c.position)
        .bind(i64::from(c.after_photo))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub struct RoadRow<'a> {
        pub id: &'a str,
        pub name_zh: &'a str,
        pub name_en: &'a str,
        pub community: &'a str,
        pub chief_username: &'a str,
        pub coordinates: &'a [[f64; 2]],
    }

    pub async fn road(tx: &mut Tx, r: RoadRow<'_>) -> Result<()> {
        let geometry = serde_json::to_string(r.coordinates).expect("coordinates serialize");
        sqlx::query(
            "INSERT INTO roads (id, name_zh, name_en, community_id, chief_user_id, geometry) \
             VALUES ($1, $2, $3, $4, (SELECT id FROM users WHERE username = $5), $6) \
             ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             community_id = excluded.community_id, chief_user_id = excluded.chief_user_id, geometry = excluded.geometry",
        )
        .bind(r.id)
        .bind(r.name_zh)
        .bind(r.name_en)
        .bind(r.community)
        .bind(r.chief_username)
        .bind(geometry)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
