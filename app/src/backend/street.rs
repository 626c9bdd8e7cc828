//! The chief's street: the road's shop register, its work log of visits, the follow-ups that
//! come due, and the links from a visit's request to the finding it became. The register and
//! the log are read by the road's chief and the coordinator only (owners' contacts are in it).

use super::reference::Reference;
use super::store::directory::{self, Category, Road};
use super::store::street::{self as stored, StoredVisit};
use super::store::{findings, Conn};
use super::{Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::operations::Outcome;
use crate::api::street::{NewVisit, ShopPage, StreetPage, VisitView, LOG_ON_PAGE, LOG_SEARCH_MAX};
use crate::domain::street::{
    coverage, Quarter, Shop, ShopError, ShopFields, Visit, VisitError, MAX_SHOPS_PER_ROAD, REPEAT_FINDINGS,
};
use crate::domain::text::Code;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use crate::i18n::{Lang, ServerMsg};
use uuid::Uuid;

/// A visit seen this far ahead of the server's clock is a wrong clock.
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The longest a visit can wait on a phone before it reaches the server.
const VISITED_BEFORE_MAX_MS: i64 = 30 * 86_400_000;

impl From<ShopError> for super::BackendError {
    fn from(e: ShopError) -> Self {
        super::BackendError::Refused(match e {
            ShopError::NameMissing => ErrorCode::ShopNameMissing,
            ShopError::HouseNumberMissing => ErrorCode::HouseNumberMissing,
            ShopError::BusinessTypeMissing => ErrorCode::BusinessTypeMissing,
            ShopError::TooLong => ErrorCode::TextTooLong,
        })
    }
}

impl From<VisitError> for super::BackendError {
    fn from(e: VisitError) -> Self {
        super::BackendError::Refused(match e {
            VisitError::AskedMissing => ErrorCode::AskedMissing,
            VisitError::TooLong => ErrorCode::NoteTooLong,
            VisitError::FollowUpNotADate | VisitError::FollowUpOutOfRange => ErrorCode::FollowUpInvalid,
        })
    }
}

/// The road's chief and the coordinator read a road's register and log.
fn may_read(user: &User, road: &Road) -> Result<()> {
    match user.role {
        Role::Coordinator => Ok(()),
        Role::RoadChief if road.chief_user_id == user.id => Ok(()),
        _ => Err(ErrorCode::Forbidden.into()),
    }
}

/// Section heads have no register to read: refused before anything is looked up.
fn may_read_registers(user: &User) -> Result<()> {
    match user.role {
        Role::Coordinator | Role::RoadChief => Ok(()),
        Role::SectionHead => Err(ErrorCode::Forbidden.into()),
    }
}

async fn readable_road(conn: &mut Conn, user: &User, road_id: &str) -> Result<Road> {
    may_read_registers(user)?;
    let road = directory::road(conn, road_id).await?.ok_or(ErrorCode::NotFound)?;
    may_read(user, &road)?;
    Ok(road)
}

pub async fn page(conn: &mut Conn, user: &User, road_id: &str, now: Timestamp) -> Result<StreetPage> {
    let road = readable_road(conn, user, road_id).await?;
    let shops = stored::shops_of_road(conn, road_id).await?;
    let quarter = Quarter::containing(now.local_date());
    Ok(StreetPage {
        road: road.view(),
        week: IsoWeek::containing(now),
        quarter,
        coverage: coverage(shops.iter().map(|s| (s.open, s.last_visit)), quarter),
        shops,
        due: stored::due(conn, road_id, now.local_date()).await?,
        log: stored::log(conn, road_id, None, LOG_ON_PAGE).await?,
        categories: directory::categories(conn).await?.iter().map(Category::view).collect(),
        chiefs: super::store::admin::chiefs_of(conn, road_id).await?,
    })
}

/// The street screens of every road a chief looks after (kept on the phone).
pub async fn pages_of_chief(conn: &mut Conn, chief: &User, now: Timestamp) -> Result<Vec<StreetPage>> {
    let mut pages = Vec::new();
    for road in directory::roads_of_chief(conn, &chief.id).await? {
        pages.push(page(conn, chief, &road.named.id, now).await?);
    }
    Ok(pages)
}

/// How many follow-ups are due on a road today.
pub async fn due_count(conn: &mut Conn, road_id: &str, now: Timestamp) -> Result<u32> {
    Ok(u32::try_from(stored::due(conn, road_id, now.local_date()).await?.len()).unwrap_or(u32::MAX))
}

pub async fn shop_page(conn: &mut Conn, user: &User, shop_id: &str, now: Timestamp) -> Result<ShopPage> {
    may_read_registers(user)?;
    let shop = stored::shop(conn, shop_id).await?.ok_or(ErrorCode::NotFound)?;
    let road = readable_road(conn, user, &shop.road_id).await?;
    let found = findings::about_shop(conn, shop_id, now).await?;
    Ok(ShopPage {
        repeat_offender: shop.findings >= REPEAT_FINDINGS,
        road: road.named,
        visits: stored::visits_of_shop(conn, shop_id).await?,
        findings: found,
        shop,
    })
}

/// The road's work log, searched: entries whose text, shop or recorder contain `words`.
pub async fn search_log(conn: &mut Conn, user: &User, road_id: &str, words: &str) -> Result<Vec<VisitView>> {
    readable_road(conn, user, road_id).await?;
    let words = words.trim();
    if words.chars().count() > 100 {
        return Err(ErrorCode::TextTooLong.into());
    }
    stored::log(conn, road_id, (!words.is_empty()).then_some(words), LOG_SEARCH_MAX).await
}

/// The road's chief or the coordinator adds a shop to the road or changes one of its shops.
pub async fn save_shop(
    tx: &mut Tx,
    reference: &mut Reference,
    user: &User,
    road_id: &str,
    shop_id: &str,
    fields: &ShopFields,
    now: Timestamp,
) -> Result<Outcome> {
    let road = reference.road(tx, road_id).await?.ok_or(ErrorCode::NotFound)?;
    may_read(user, road)?;
    let id = Code::parse(shop_id).map_err(|_| ErrorCode::Malformed)?;
    let shop = Shop::parse(fields)?;
    let created = match stored::shop_road(tx, id.as_str()).await? {
        Some(on) if on == road_id => {
            stored::update_shop(tx, id.as_str(), &shop, &user.id, now).await?;
            false
        }
        // Another road's shop is not this road's to change.
        Some(_) => return Err(ErrorCode::UnknownShop.into()),
        None => {
            if stored::shop_count(tx, road_id).await? >= MAX_SHOPS_PER_ROAD {
                return Err(ErrorCode::TooManyShops.into());
            }
            if !stored::insert_shop(tx, id.as_str(), road_id, &shop, Some(&user.id), now).await? {
                return Err(ErrorCode::OperationConflict.into());
            }
            true
        }
    };
    Ok(Outcome::ShopSaved { shop_id: id.as_str().to_owned(), created })
}

/// The road's chief records a visit or conversation in the road's work log.
pub async fn record_visit(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    road_id: &str,
    input: &NewVisit,
    now: Timestamp,
) -> Result<Outcome> {
    let (_, tenure) = super::inspections::own_road(reference, tx, chief, road_id, input.visited_at).await?;
    if input.visited_at.millis() > now.millis().saturating_add(CLOCK_SKEW_MS) {
        return Err(ErrorCode::ObservedInFuture.into());
    }
    if input.visited_at.millis() < now.millis().saturating_sub(VISITED_BEFORE_MAX_MS) {
        return Err(ErrorCode::ObservedTooLongAgo.into());
    }
    let visit =
        Visit::parse(&input.asked, input.promised.as_deref(), input.follow_up.as_deref(), input.visited_at, now)?;
    let shop_id = input.shop_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(shop) = shop_id {
        if stored::shop_road(tx, shop).await?.as_deref() != Some(road_id) {
            return Err(ErrorCode::UnknownShop.into());
        }
    }
    let id = input.id.to_string();
    let row = stored::NewVisit {
        id: &id,
        road_id,
        shop_id,
        recorded_by: &chief.id,
        visit: &visit,
        visited_at: input.visited_at,
        after_hand_over: tenure == crate::domain::admin::Tenure::Former,
    };
    if !stored::insert_visit(tx, row, now).await? {
        return Err(ErrorCode::OperationConflict.into());
    }
    Ok(Outcome::VisitRecorded { visit_id: input.id })
}

/// The road's chief marks a visit's follow-up done.
pub async fn follow_up_done(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    visit_id: &Uuid,
    now: Timestamp,
) -> Result<Outcome> {
    let visit = stored::visit(tx, &visit_id.to_string()).await?.ok_or(ErrorCode::NotFound)?;
    let road = reference.road(tx, &visit.road_id).await?.ok_or(ErrorCode::NotFound)?;
    if chief.role != Role::RoadChief || road.chief_user_id != chief.id {
        return Err(ErrorCode::Forbidden.into());
    }
    stored::close_follow_up(tx, &visit.id, now).await?;
    Ok(Outcome::FollowUpClosed { visit_id: *visit_id })
}

/// Where a new finding of `road_id` comes from in the work log: the visit whose request it is
/// (of the same road) and the shop it is about (the visit's, unless another of the road's is
/// named). Checked before the finding is written.
pub async fn finding_source(
    conn: &mut Conn,
    road_id: &str,
    visit_id: Option<&Uuid>,
    shop_id: Option<&str>,
) -> Result<(Option<String>, Option<String>)> {
    let visit: Option<StoredVisit> = match visit_id {
        None => None,
        Some(id) => Some(
            stored::visit(conn, &id.to_string())
                .await?
                .filter(|v| v.road_id == road_id)
                .ok_or(ErrorCode::UnknownVisit)?,
        ),
    };
    let shop = match shop_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(shop) => {
            if stored::shop_road(conn, shop).await?.as_deref() != Some(road_id) {
                return Err(ErrorCode::UnknownShop.into());
            }
            Some(shop.to_owned())
        }
        None => visit.as_ref().and_then(|v| v.shop_id.clone()),
    };
    Ok((visit.map(|v| v.id), shop))
}

/// The work log's columns in the reader's language.
pub fn log_headers(lang: Lang) -> [&'static str; 9] {
    [
        ServerMsg::sheet_visited,
        ServerMsg::sheet_shop,
        ServerMsg::sheet_house_number,
        ServerMsg::sheet_asked,
        ServerMsg::sheet_promised,
        ServerMsg::sheet_follow_up,
        ServerMsg::sheet_follow_up_done,
        ServerMsg::sheet_recorded_by,
        ServerMsg::sheet_finding,
    ]
    .map(|msg| lang.server(msg))
}

/// The whole work log of a road as rows, newest first, for a spreadsheet.
pub async fn log_rows(conn: &mut Conn, user: &User, road_id: &str, lang: Lang) -> Result<(Road, Vec<[String; 9]>)> {
    let road = readable_road(conn, user, road_id).await?;
    let shops = stored::shops_of_road(conn, road_id).await?;
    let number = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| shops.iter().find(|s| &s.id == id))
            .map(|s| s.house_number.clone())
            .unwrap_or_default()
    };
    let yes_no = |b: bool| lang.server(if b { ServerMsg::sheet_yes } else { ServerMsg::sheet_no }).to_owned();
    let rows = stored::log(conn, road_id, None, usize::MAX)
        .await?
        .into_iter()
        .map(|v| {
            [
                v.visited_at.format_local(),
                v.shop_name.clone().unwrap_or_default(),
                number(&v.shop_id),
                v.asked,
                v.promised.unwrap_or_default(),
                v.follow_up.clone().unwrap_or_default(),
                if v.follow_up.is_some() { yes_no(v.follow_up_done) } else { String::new() },
                v.recorded_by,
                v.finding_id.map(|f| f.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok((road, rows))
}
