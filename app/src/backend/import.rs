//! Importing a subdistrict from a JSON file: communities, users, sections, categories and
//! roads with their geometry. Everything is checked before anything is written, and the
//! whole file goes in one transaction; importing the same file again changes nothing.
//! Users are created without a password (set one with `server set-password`).

use super::auth::new_id;
use super::store::directory::import as put;
use super::store::street;
use super::store::users::{self, NewUser};
use super::Pool;
use crate::domain::deadline::WorkingDays;
use crate::domain::geometry::RoadGeometry;
use crate::domain::street::{Shop, ShopError, ShopFields, MAX_SHOPS_PER_ROAD};
use crate::domain::text::{Code, Username};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubdistrictFile {
    pub subdistrict: NamedEntry,
    pub communities: Vec<NamedEntry>,
    pub users: Vec<UserEntry>,
    pub sections: Vec<SectionEntry>,
    pub categories: Vec<CategoryEntry>,
    pub roads: Vec<RoadEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedEntry {
    pub id: Code,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub phone: Option<String>,
    /// Where reminders for this person go (a road chief's Friday reminder, the coordinator's
    /// escalations and weekly summary).
    #[serde(default)]
    pub email: Option<crate::domain::notice::EmailAddress>,
    /// The language messages to them are written in: "zh-CN" (the default) or "en".
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub id: Code,
    pub name_zh: String,
    pub name_en: String,
    pub head: Option<Username>,
    /// The language messages to the section are written in: "zh-CN" (the default) or "en".
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryEntry {
    pub code: Code,
    pub name_zh: String,
    pub name_en: String,
    pub section: Code,
    pub deadline_days: WorkingDays,
    /// A resolution needs a photo of the result.
    #[serde(default)]
    pub after_photo_required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadEntry {
    pub id: Code,
    pub name_zh: String,
    pub name_en: String,
    pub community: Code,
    pub chief: Username,
    pub geometry: LineStringEntry,
    /// The shops on the road (the register). Imported once: a shop already in the register
    /// keeps what its chief changed since.
    #[serde(default)]
    pub shops: Vec<ShopEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopEntry {
    pub id: Code,
    pub name: String,
    pub house_number: String,
    pub business_type: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub pledge_signed: bool,
    #[serde(default = "open")]
    pub open: bool,
}

fn open() -> bool {
    true
}

impl ShopEntry {
    fn shop(&self) -> Result<Shop, ShopError> {
        Shop::parse(&ShopFields {
            name: self.name.clone(),
            house_number: self.house_number.clone(),
            business_type: self.business_type.clone(),
            owner: self.owner.clone(),
            contact: self.contact.clone(),
            pledge_signed: self.pledge_signed,
            open: self.open,
        })
    }
}

/// A GeoJSON LineString geometry object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineStringEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: Vec<[f64; 2]>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not a valid subdistrict file: {0}")]
    Format(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Database(#[from] super::BackendError),
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub communities: usize,
    pub users_created: usize,
    pub sections: usize,
    pub categories: usize,
    pub roads: usize,
    /// Shops added to the register (those already in it are left as they are).
    pub shops_added: usize,
}

pub fn parse(text: &str) -> Result<SubdistrictFile, ImportError> {
    let file: SubdistrictFile = serde_json::from_str(text).map_err(|e| ImportError::Format(e.to_string()))?;
    check(&file)?;
    Ok(file)
}

fn nonempty(what: &str, text: &str) -> Result<(), ImportError> {
    if text.trim().is_empty() {
        Err(ImportError::Invalid(format!("{what}: the name is empty")))
    } else {
        Ok(())
    }
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<BTreeSet<&'a str>, ImportError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(ImportError::Invalid(format!("{what} {id} appears twice")));
        }
    }
    Ok(seen)
}

/// Every reference resolves, every name is there, every road's geometry is a line.
fn check(file: &SubdistrictFile) -> Result<(), ImportError> {
    nonempty("subdistrict", &file.subdistrict.name_zh)?;
    let communities = unique("community", file.communities.iter().map(|c| c.id.as_str()))?;
    let users = unique("user", file.users.iter().map(|u| u.username.as_str()))?;
    let sections = unique("section", file.sections.iter().map(|s| s.id.as_str()))?;
    unique("category", file.categories.iter().map(|c| c.code.as_str()))?;
    unique("road", file.roads.iter().map(|r| r.id.as_str()))?;
    unique("shop", file.roads.iter().flat_map(|r| r.shops.iter().map(|s| s.id.as_str())))?;
    for c in &file.communities {
        nonempty(&format!("community {}", c.id), &c.name_zh)?;
    }
    for (whose, lang) in file
        .users
        .iter()
        .map(|u| (u.username.as_str(), &u.lang))
        .chain(file.sections.iter().map(|s| (s.id.as_str(), &s.lang)))
    {
        if lang.as_deref().is_some_and(|code| Lang::exact(code).is_none()) {
            return Err(ImportError::Invalid(format!("{whose}: the language is \"zh-CN\" or \"en\"")));
        }
    }
    for u in &file.users {
        nonempty(&format!("user {}", u.username.as_str()), &u.display_name)?;
    }
    let role_of = |name: &Username| file.users.iter().find(|u| u.username == *name).map(|u| u.role);
    for s in &file.sections {
        nonempty(&format!("section {}", s.id), &s.name_zh)?;
        if let Some(head) = &s.head {
            if !users.contains(head.as_str()) {
                return Err(ImportError::Invalid(format!(
                    "section {}: head {} is not among the users",
                    s.id,
                    head.as_str()
                )));
            }
            if role_of(head) != Some(Role::SectionHead) {
                return Err(ImportError::Invalid(format!(
                    "section {}: head {} is not a section head",
                    s.id,
                    head.as_str()
                )));
            }
        }
    }
    for c in &file.categories {
        nonempty(&format!("category {}", c.code), &c.name_zh)?;
        if !sections.contains(c.section.as_str()) {
            return Err(ImportError::Invalid(format!("category {}: section {} does not exist", c.code, c.section)));
        }
    }
    for r in &file.roads {
        nonempty(&format!("road {}", r.id), &r.name_zh)?;
        if !communities.contains(r.community.as_str()) {
            return Err(ImportError::Invalid(format!("road {}: community {} does not exist", r.id, r.community)));
        }
        if role_of(&r.chief) != Some(Role::RoadChief) {
            return Err(ImportError::Invalid(format!(
                "road {}: chief {} is not a road chief among the users",
                r.id,
                r.chief.as_str()
            )));
        }
        if r.geometry.kind != "LineString" {
            return Err(ImportError::Invalid(format!("road {}: geometry must be a LineString", r.id)));
        }
        RoadGeometry::parse(&r.geometry.coordinates)
            .map_err(|e| ImportError::Invalid(format!("road {}: {e}", r.id)))?;
        if r.shops.len() > MAX_SHOPS_PER_ROAD {
            return Err(ImportError::Invalid(format!("road {}: more than {MAX_SHOPS_PER_ROAD} shops", r.id)));
        }
        for shop in &r.shops {
            shop.shop().map_err(|e| ImportError::Invalid(format!("road {}: shop {}: {e}", r.id, shop.id)))?;
        }
    }
    Ok(())
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Database(e.into())
    }
}

pub async fn import(pool: &Pool, file: &SubdistrictFile, now: Timestamp) -> Result<ImportSummary, ImportError> {
    check(file)?;
    let mut tx = pool.begin_write().await?;
    let s = &file.subdistrict;
    put::subdistrict(&mut tx, s.id.as_str(), &s.name_zh, &s.name_en).await?;
    for c in &file.communities {
        put::community(&mut tx, c.id.as_str(), s.id.as_str(), &c.name_zh, &c.name_en).await?;
    }
    let mut summary = ImportSummary { communities: file.communities.len(), ..Default::default() };
    for u in &file.users {
        let id = new_id(now);
        let user = NewUser {
            id: &id,
            username: u.username.as_str(),
            display_name: &u.display_name,
            role: u.role,
            phone: u.phone.as_deref(),
            email: u.email.as_ref().map(|e| e.as_str()),
            password_hash: None,
            lang: language(&u.lang),
        };
        if users::insert(&mut tx, &user, now).await? {
            summary.users_created += 1;
        } else {
            users::update_details(&mut tx, &user).await?;
        }
    }
    for sec in &file.sections {
        let names = (sec.name_zh.as_str(), sec.name_en.as_str());
        put::section(&mut tx, sec.id.as_str(), names, sec.head.as_ref().map(Username::as_str), language(&sec.lang))
            .await?;
    }
    for (position, c) in file.categories.iter().enumerate() {
        let row = put::CategoryRow {
            code: c.code.as_str(),
            name_zh: &c.name_zh,
            name_en: &c.name_en,
            section: c.section.as_str(),
            days: c.deadline_days,
            after_photo: c.after_photo_required,
            position: position as i64,
        };
        put::category(&mut tx, row).await?;
    }
    for r in &file.roads {
        let row = put::RoadRow {
            id: r.id.as_str(),
            name_zh: &r.name_zh,
            name_en: &r.name_en,
            community: r.community.as_str(),
            chief_username: r.chief.as_str(),
            coordinates: &r.geometry.coordinates,
        };
        put::road(&mut tx, row).await?;
        super::store::admin::keep_term(&mut tx, r.id.as_str(), now).await?;
        for entry in &r.shops {
            let shop = entry.shop().map_err(|e| ImportError::Invalid(format!("shop {}: {e}", entry.id)))?;
            if street::insert_shop(&mut tx, entry.id.as_str(), r.id.as_str(), &shop, None, now).await? {
                summary.shops_added += 1;
            }
        }
    }
    tx.commit().await?;
    summary.sections = file.sections.len();
    summary.categories = file.categories.len();
    summary.roads = file.roads.len();
    Ok(summary)
}

fn language(code: &Option<String>) -> Lang {
    code.as_deref().and_then(Lang::exact).unwrap_or_default()
}

/// The demo subdistrict: Jimo Road subdistrict, Dabaodao area, Qingdao.
pub const DEMO_FILE: &str = include_str!("../../demo/jimo-road.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_is_valid_and_complete() {
        let file = parse(DEMO_FILE).unwrap();
        assert!(file.roads.len() >= 12);
        assert_eq!(file.sections.len(), 8);
        assert_eq!(file.categories.len(), 10);
        assert_eq!(file.users.iter().filter(|u| u.role == Role::Coordinator).count(), 1);
        let market_road_1 = file.roads.iter().find(|r| r.id.as_str() == "market-road-1").unwrap();
        assert!(market_road_1.shops.len() >= 80, "the seed practice: 80+ shops on Market Road 1");
        for name in ["市场一路", "市场二路", "即墨路", "胶州路"] {
            assert!(file.roads.iter().any(|r| r.name_zh == name), "{name}");
        }
        for r in &file.roads {
            for [lon, lat] in &r.geometry.coordinates {
                assert!((lat - 36.07).abs() < 0.02 && (lon - 120.32).abs() < 0.02, "{}", r.id);
            }
        }
    }

    #[test]
    fn broken_files_are_refused_with_the_reason() {
        let mut file: serde_json::Value = serde_json::from_str(DEMO_FILE).unwrap();
        file["roads"][0]["chief"] = "nobody".into();
        let err = parse(&file.to_string()).unwrap_err().to_string();
        assert!(err.contains("nobody"), "{err}");

        let mut file: serde_json::Value = serde_json::from_str(DEMO_FILE).unwrap();
        file["roads"][1]["geometry"]["coordinates"] = serde_json::json!([[120.3, 36.07]]);
        assert!(parse(&file.to_string()).unwrap_err().to_string().contains("two distinct points"));

        let mut file: serde_json::Value = serde_json::from_str(DEMO_FILE).unwrap();
        file["categories"][0]["deadline_days"] = 0.into();
        assert!(matches!(parse(&file.to_string()), Err(ImportError::Format(_))));

        let mut file: serde_json::Value = serde_json::from_str(DEMO_FILE).unwrap();
        file["roads"][0]["shops"][3]["house_number"] = " ".into();
        let err = parse(&file.to_string()).unwrap_err().to_string();
        assert!(err.contains("house number") && err.contains("mr1-"), "{err}");

        let mut file: serde_json::Value = serde_json::from_str(DEMO_FILE).unwrap();
        let twin = file["roads"][0]["shops"][0].clone();
        file["roads"][1]["shops"].as_array_mut().unwrap().push(twin);
        assert!(parse(&file.to_string()).unwrap_err().to_string().contains("appears twice"));

        assert!(matches!(parse("{}"), Err(ImportError::Format(_))));
    }
}
