//! The chief's street: the shops of each road and the work log of visits.

use super::{uuid, Conn, Tx};
use crate::api::street::{ShopView, VisitView};
use crate::backend::db::flag;
use crate::backend::Result;
use crate::domain::street::{Shop, Visit};
use crate::domain::time::{LocalDate, Timestamp};

#[derive(sqlx::FromRow)]
struct ShopRow {
    id: String,
    road_id: String,
    name: String,
    house_number: String,
    business_type: String,
    owner: Option<String>,
    contact: Option<String>,
    pledge_signed: i64,
    is_open: i64,
    last_visit: Option<i64>,
    findings: i64,
}

const SHOP_SELECT: &str = "SELECT s.id, s.road_id, s.name, s.house_number, s.business_type, s.owner, s.contact, \
     s.pledge_signed, s.is_open, (SELECT MAX(v.visited_at) FROM visits v WHERE v.shop_id = s.id) AS last_visit, \
     (SELECT COUNT(*) FROM findings f WHERE f.shop_id = s.id) AS findings FROM shops s";

fn shop_view(row: ShopRow) -> ShopView {
    ShopView {
        id: row.id,
        road_id: row.road_id,
        name: row.name,
        house_number: row.house_number,
        business_type: row.business_type,
        owner: row.owner,
        contact: row.contact,
        pledge_signed: row.pledge_signed != 0,
        open: row.is_open != 0,
        last_visit: row.last_visit.map(Timestamp),
        findings: u32::try_from(row.findings).unwrap_or(u32::MAX),
    }
}

/// The road's shops, in the order of their house numbers (12 after 2).
pub async fn shops_of_road(conn: &mut Conn, road_id: &str) -> Result<Vec<ShopView>> {
    let rows: Vec<ShopRow> =
        sqlx::query_as(&format!("{SHOP_SELECT} WHERE s.road_id = $1")).bind(road_id).fetch_all(conn).await?;
    let mut shops: Vec<ShopView> = rows.into_iter().map(shop_view).collect();
    shops.sort_by(|a, b| house_order(&a.house_number).cmp(&house_order(&b.house_number)).then(a.name.cmp(&b.name)));
    Ok(shops)
}

/// "12号" sorts after "2号": the leading number first, then the text.
fn house_order(text: &str) -> (u64, &str) {
    let digits: String = text.chars().take_while(char::is_ascii_digit).take(18).collect();
    (digits.parse().unwrap_or(u64::MAX), text)
}

pub async fn shop(conn: &mut Conn, id: &str) -> Result<Option<ShopView>> {
    let row: Option<ShopRow> =
        sqlx::query_as(&format!("{SHOP_SELECT} WHERE s.id = $1")).bind(id).fetch_optional(conn).await?;
    Ok(row.map(shop_view))
}

/// The road a shop is on.
pub async fn shop_road(conn: &mut Conn, id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT road_id FROM shops WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(row.map(|(r,)| r))
}

pub async fn shop_count(conn: &mut Conn, road_id: &str) -> Result<usize> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM shops WHERE road_id = $1").bind(road_id).fetch_one(conn).await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Adds a shop; `false` if the id is taken (nothing is written then).
pub async fn insert_shop(
    tx: &mut Tx,
    id: &str,
    road_id: &str,
    shop: &Shop,
    by: Option<&str>,
    now: Timestamp,
) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO shops (id, road_id, name, house_number, business_type, owner, contact, pledge_signed, is_open, \
         created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(road_id)
    .bind(shop.name.as_str())
    .bind(shop.house_number.as_str())
    .bind(shop.business_type.as_str())
    .bind(shop.owner.as_ref().map(|l| l.as_str()))
    .bind(shop.contact.as_ref().map(|l| l.as_str()))
    .bind(flag(shop.pledge_signed))
    .bind(flag(shop.open))
    .bind(now.millis())
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

pub async fn update_shop(tx: &mut Tx, id: &str, shop: &Shop, by: &str, now: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE shops SET name = $1, house_number = $2, business_type = $3, owner = $4, contact = $5, \
         pledge_signed = $6, is_open = $7, updated_at = $8, updated_by = $9 WHERE id = $10",
    )
    .bind(shop.name.as_str())
    .bind(shop.house_number.as_str())
    .bind(shop.business_type.as_str())
    .bind(shop.owner.as_ref().map(|l| l.as_str()))
    .bind(shop.contact.as_ref().map(|l| l.as_str()))
    .bind(flag(shop.pledge_signed))
    .bind(flag(shop.open))
    .bind(now.millis())
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A visit as recorded, for the rules that act on it later.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredVisit {
    pub id: String,
    pub road_id: String,
    pub shop_id: Option<String>,
    pub recorded_by: String,
    pub follow_up_on: Option<String>,
    pub follow_up_done_at: Option<i64>,
}

pub async fn visit(conn: &mut Conn, id: &str) -> Result<Option<StoredVisit>> {
    Ok(sqlx::query_as(
        "SELECT id, road_id, shop_id, recorded_by, follow_up_on, follow_up_done_at FROM visits WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub struct NewVisit<'a> {
    pub id: &'a str,
    pub road_id: &'a str,
    pub shop_id: Option<&'a str>,
    pub recorded_by: &'a str,
    pub visit: &'a Visit,
    pub visited_at: Timestamp,
    /// Sent by the road's former chief after the hand-over (made while it was theirs).
    pub after_hand_over: bool,
}

/// Adds a visit to the log; `false` if the id is taken (nothing is written then).
pub async fn insert_visit(tx: &mut Tx, v: NewVisit<'_>, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO visits (id, road_id, shop_id, recorded_by, asked, promised, follow_up_on, visited_at, received_at, \
         after_hand_over) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
    )
    .bind(v.id)
    .bind(v.road_id)
    .bind(v.shop_id)
    .bind(v.recorded_by)
    .bind(v.visit.asked.as_str())
    .bind(v.visit.promised.as_ref().map(|n| n.as_str()))
    .bind(v.visit.follow_up.map(|d| d.to_string()))
    .bind(v.visited_at.millis())
    .bind(now.millis())
    .bind(i64::from(v.after_hand_over))
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

pub async fn close_follow_up(tx: &mut Tx, id: &str, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE visits SET follow_up_done_at = $1 WHERE id = $2 AND follow_up_done_at IS NULL")
        .bind(now.millis())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LogRow {
    id: String,
    road_id: String,
    shop_id: Option<String>,
    shop_name: Option<String>,
    asked: String,
    promised: Option<String>,
    follow_up_on: Option<String>,
    follow_up_done_at: Option<i64>,
    visited_at: i64,
    recorded_by: String,
    finding_id: Option<String>,
    after_hand_over: i64,
}

const LOG_SELECT: &str = "SELECT v.id, v.road_id, v.shop_id, s.name AS shop_name, v.asked, v.promised, \
     v.follow_up_on, v.follow_up_done_at, v.visited_at, u.display_name AS recorded_by, f.id AS finding_id, \
     v.after_hand_over \
     FROM visits v JOIN users u ON u.id = v.recorded_by LEFT JOIN shops s ON s.id = v.shop_id \
     LEFT JOIN findings f ON f.visit_id = v.id";

fn log_view(row: LogRow) -> Result<VisitView> {
    Ok(VisitView {
        id: uuid(&row.id)?,
        road_id: row.road_id,
        shop_id: row.shop_id,
        shop_name: row.shop_name,
        asked: row.asked,
        promised: row.promised,
        follow_up: row.follow_up_on,
        follow_up_done: row.follow_up_done_at.is_some(),
        visited_at: Timestamp(row.visited_at),
        recorded_by: row.recorded_by,
        finding_id: row.finding_id.as_deref().map(uuid).transpose()?,
        after_hand_over: row.after_hand_over != 0,
    })
}

/// `LIKE` text matching `words` anywhere, with the pattern's own characters escaped.
fn containing(words: &str) -> String {
    let escaped: String = words
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c.to_ascii_lowercase()],
        })
        .collect();
    format!("%{escaped}%")
}

/// The road's work log, newest first: at most `limit` entries, those whose text, shop or
/// recorder contain `words` when given.
pub async fn log(conn: &mut Conn, road_id: &str, words: Option<&str>, limit: usize) -> Result<Vec<VisitView>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows: Vec<LogRow> = match words {
        None => {
            sqlx::query_as(&format!("{LOG_SELECT} WHERE v.road_id = $1 ORDER BY v.visited_at DESC, v.id LIMIT $2"))
                .bind(road_id)
                .bind(limit)
                .fetch_all(conn)
                .await?
        }
        Some(words) => {
            let sql = format!(
                "{LOG_SELECT} WHERE v.road_id = $1 AND (LOWER(v.asked) LIKE $2 ESCAPE '\\' \
                 OR LOWER(COALESCE(v.promised, '')) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(s.name, '')) LIKE $2 ESCAPE '\\' \
                 OR LOWER(COALESCE(s.house_number, '')) LIKE $2 ESCAPE '\\' OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
                 ORDER BY v.visited_at DESC, v.id LIMIT $3"
            );
            sqlx::query_as(&sql).bind(road_id).bind(containing(words)).bind(limit).fetch_all(conn).await?
        }
    };
    rows.into_iter().map(log_view).collect()
}

/// The road's follow-ups on or before `today` not marked done, oldest first.
pub async fn due(conn: &mut Conn, road_id: &str, today: LocalDate) -> Result<Vec<VisitView>> {
    let rows: Vec<LogRow> = sqlx::query_as(&format!(
        "{LOG_SELECT} WHERE v.road_id = $1 AND v.follow_up_on IS NOT NULL AND v.follow_up_on <= $2 \
         AND v.follow_up_done_at IS NULL ORDER BY v.follow_up_on, v.visited_at"
    ))
    .bind(road_id)
    .bind(today.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(log_view).collect()
}

/// A shop's visits, newest first.
pub async fn visits_of_shop(conn: &mut Conn, shop_id: &str) -> Result<Vec<VisitView>> {
    let rows: Vec<LogRow> =
        sqlx::query_as(&format!("{LOG_SELECT} WHERE v.shop_id = $1 ORDER BY v.visited_at DESC, v.id LIMIT 500"))
            .bind(shop_id)
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(log_view).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn house_numbers_sort_as_numbers() {
        let mut numbers = vec!["12号", "2号", "甲1号", "2-1号", "100号"];
        numbers.sort_by(|a, b| house_order(a).cmp(&house_order(b)));
        assert_eq!(numbers, vec!["2-1号", "2号", "12号", "100号", "甲1号"]);
    }

    #[test]
    fn search_words_cannot_widen_the_pattern() {
        assert_eq!(containing("50%_off"), "%50\\%\\_off%");
        assert_eq!(containing("Noodle"), "%noodle%");
        assert_eq!(containing("a\\b"), "%a\\\\b%");
    }
}
