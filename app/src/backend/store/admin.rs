//! The administration's writes to the directory, its record of changes, and each road's chiefs
//! over time.

use super::{corrupt, Conn, Tx};
use crate::api::admin::{AdminChange, AdminUser, ChiefTerm};
use crate::api::views::Named;
use crate::backend::Result;
use crate::domain::admin::{FieldChange, Standing, Subject, Term};
use crate::domain::time::Timestamp;
use crate::domain::Role;

/// One recorded field change.
pub struct Record<'a> {
    pub actor_id: &'a str,
    pub subject: Subject,
    pub subject_id: &'a str,
}

pub async fn record(tx: &mut Tx, who: &Record<'_>, changes: &[FieldChange], now: Timestamp) -> Result<()> {
    for change in changes {
        sqlx::query(
            "INSERT INTO admin_changes (id, at, actor_user_id, subject, subject_id, field, old_value, new_value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(crate::backend::auth::new_id(now))
        .bind(now.millis())
        .bind(who.actor_id)
        .bind(who.subject.as_str())
        .bind(who.subject_id)
        .bind(change.field)
        .bind(change.old.as_deref())
        .bind(change.new.as_deref())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

type ChangeRow = (i64, String, String, String, String, Option<String>, Option<String>);

/// The newest changes first.
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<AdminChange>> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT a.at, u.display_name, a.subject, a.subject_id, a.field, a.old_value, a.new_value \
         FROM admin_changes a JOIN users u ON u.id = a.actor_user_id ORDER BY a.at DESC, a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(at, actor, subject, subject_id, field, old, new)| {
            let subject = Subject::parse(&subject).ok_or_else(|| corrupt(format!("change subject {subject}")))?;
            Ok(AdminChange { at: Timestamp(at), actor, subject, subject_id, field, old, new })
        })
        .collect()
}

/// A person as the administration sees them.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub standing: Standing,
}

type PersonRow = (String, String, String, String, Option<String>, Option<String>, Option<i64>, i64, i64);

const PERSON_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.phone, u.email, u.disabled_at, \
     (SELECT COUNT(*) FROM roads r WHERE r.chief_user_id = u.id), \
     (SELECT COUNT(*) FROM sections s WHERE s.head_user_id = u.id) FROM users u";

fn person_from_row(row: PersonRow) -> Result<Person> {
    let (id, username, display_name, role, phone, email, disabled_at, roads, sections) = row;
    let role = Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?;
    let disabled = disabled_at.is_some();
    let standing = Standing { role, disabled, roads: roads as usize, sections: sections as usize };
    Ok(Person { id, username, display_name, role, phone, email, disabled, standing })
}

pub async fn person(conn: &mut Conn, username: &str) -> Result<Option<Person>> {
    let sql = format!("{PERSON_SELECT} WHERE u.username = $1");
    let row: Option<PersonRow> = sqlx::query_as(&sql).bind(username).fetch_optional(conn).await?;
    row.map(person_from_row).transpose()
}

pub async fn person_by_id(conn: &mut Conn, id: &str) -> Result<Option<Person>> {
    let sql = format!("{PERSON_SELECT} WHERE u.id = $1");
    let row: Option<PersonRow> = sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?;
    row.map(person_from_row).transpose()
}

/// Everyone, with the roads they are chief of and the sections they head.
pub async fn people(conn: &mut Conn) -> Result<Vec<AdminUser>> {
    let sql = format!("{PERSON_SELECT} ORDER BY u.role, u.username");
    let rows: Vec<PersonRow> = sqlx::query_as(&sql).fetch_all(&mut *conn).await?;
    let posts: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT chief_user_id, id, name_zh, name_en FROM roads \
         UNION ALL SELECT head_user_id, id, name_zh, name_en FROM sections WHERE head_user_id IS NOT NULL \
         ORDER BY 3",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let p = person_from_row(row)?;
            let posts = posts
                .iter()
                .filter(|(holder, ..)| *holder == p.id)
                .map(|(_, id, zh, en)| Named { id: id.clone(), name_zh: zh.clone(), name_en: en.clone() })
                .collect();
            Ok(AdminUser {
                username: p.username,
                display_name: p.display_name,
                role: p.role,
                phone: p.phone,
                email: p.email,
                disabled: p.disabled,
                posts,
            })
        })
        .collect()
}

/// Every account's username by id.
pub async fn usernames(conn: &mut Conn) -> Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, username FROM users").fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

pub struct UserDetails<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
}

pub async fn set_user_details(tx: &mut Tx, username: &str, d: &UserDetails<'_>) -> Result<()> {
    sqlx::query("UPDATE users SET display_name = $1, role = $2, phone = $3, email = $4 WHERE username = $5")
        .bind(d.display_name)
        .bind(d.role.as_str())
        .bind(d.phone)
        .bind(d.email)
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn communities(conn: &mut Conn) -> Result<Vec<Named>> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, name_zh, name_en FROM communities ORDER BY name_zh").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id, name_zh, name_en)| Named { id, name_zh, name_en }).collect())
}

pub async fn community(conn: &mut Conn, id: &str) -> Result<Option<Named>> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, name_zh, name_en FROM communities WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, name_zh, name_en)| Named { id, name_zh, name_en }))
}

/// The subdistrict new communities belong to (the office has one).
pub async fn subdistrict_id(conn: &mut Conn) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM subdistricts ORDER BY id LIMIT 1").fetch_optional(conn).await?;
    Ok(row.map(|(id,)| id))
}

pub async fn set_names(tx: &mut Tx, subject: Subject, id: &str, zh: &str, en: &str) -> Result<()> {
    let sql = match subject {
        Subject::Community => "UPDATE communities SET name_zh = $1, name_en = $2 WHERE id = $3",
        Subject::Section => "UPDATE sections SET name_zh = $1, name_en = $2 WHERE id = $3",
        Subject::Category => "UPDATE categories SET name_zh = $1, name_en = $2 WHERE code = $3",
        Subject::Road => "UPDATE roads SET name_zh = $1, name_en = $2 WHERE id = $3",
        Subject::User => return Err(corrupt("a user's names are set with the user")),
    };
    sqlx::query(sql).bind(zh).bind(en).bind(id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_head(tx: &mut Tx, section_id: &str, head_user_id: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE sections SET head_user_id = $1 WHERE id = $2")
        .bind(head_user_id)
        .bind(section_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The next place in the category list (new categories go last).
pub async fn next_category_position(conn: &mut Conn) -> Result<i64> {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(position) FROM categories").fetch_one(conn).await?;
    Ok(n.map_or(0, |n| n + 1))
}

pub async fn set_road_community(tx: &mut Tx, road_id: &str, community_id: &str) -> Result<()> {
    sqlx::query("UPDATE roads SET community_id = $1 WHERE id = $2")
        .bind(community_id)
        .bind(road_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_road_line(tx: &mut Tx, road_id: &str, coordinates: &[[f64; 2]]) -> Result<()> {
    let geometry = serde_json::to_string(coordinates).expect("coordinates serialize");
    sqlx::query("UPDATE roads SET geometry = $1 WHERE id = $2").bind(geometry).bind(road_id).execute(&mut **tx).await?;
    Ok(())
}

/// Hands the road to another chief: the current term ends now and a new one begins.
pub async fn hand_over(tx: &mut Tx, road_id: &str, chief_user_id: &str, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE roads SET chief_user_id = $1 WHERE id = $2")
        .bind(chief_user_id)
        .bind(road_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE road_chiefs SET until_at = $1 WHERE road_id = $2 AND until_at IS NULL")
        .bind(now.millis())
        .bind(road_id)
        .execute(&mut **tx)
        .await?;
    begin_term(tx, road_id, chief_user_id, now).await
}

/// A term beginning now (a new road's first chief).
pub async fn begin_term(tx: &mut Tx, road_id: &str, chief_user_id: &str, now: Timestamp) -> Result<()> {
    // Two hand-overs of one road in the same millisecond: the later one is the term.
    sqlx::query(
        "INSERT INTO road_chiefs (road_id, chief_user_id, from_at, until_at) VALUES ($1, $2, $3, NULL) \
         ON CONFLICT (road_id, from_at) DO UPDATE SET chief_user_id = excluded.chief_user_id, until_at = NULL",
    )
    .bind(road_id)
    .bind(chief_user_id)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// After an import wrote the road's chief: a term for them if they are not the one in office.
pub async fn keep_term(tx: &mut Tx, road_id: &str, now: Timestamp) -> Result<()> {
    let (chief,): (String,) =
        sqlx::query_as("SELECT chief_user_id FROM roads WHERE id = $1").bind(road_id).fetch_one(&mut **tx).await?;
    let current: Option<(String,)> =
        sqlx::query_as("SELECT chief_user_id FROM road_chiefs WHERE road_id = $1 AND until_at IS NULL")
            .bind(road_id)
            .fetch_optional(&mut **tx)
            .await?;
    match current {
        Some((holder,)) if holder == chief => Ok(()),
        Some(_) => hand_over(tx, road_id, &chief, now).await,
        None => begin_term(tx, road_id, &chief, now).await,
    }
}

/// One person's terms on a road.
pub async fn terms_of(conn: &mut Conn, road_id: &str, user_id: &str) -> Result<Vec<Term>> {
    let rows: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT from_at, until_at FROM road_chiefs WHERE road_id = $1 AND chief_user_id = $2")
            .bind(road_id)
            .bind(user_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(from, until)| Term {
            chief_user_id: user_id.to_owned(),
            from: Timestamp(from),
            until: until.map(Timestamp),
        })
        .collect())
}

/// The findings of a road (a new chief's phone pulls them all).
pub async fn findings_of_road(conn: &mut Conn, road_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM findings WHERE road_id = $1").bind(road_id).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Every road's chiefs, newest term first: `(road id, term)`.
pub async fn chief_terms(conn: &mut Conn) -> Result<Vec<(String, ChiefTerm)>> {
    let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.road_id, u.display_name, t.from_at, t.until_at FROM road_chiefs t \
         JOIN users u ON u.id = t.chief_user_id ORDER BY t.road_id, t.from_at DESC",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(road, chief_name, from, until)| {
            (road, ChiefTerm { chief_name, from: Timestamp(from), until: until.map(Timestamp) })
        })
        .collect())
}

/// One road's chiefs, newest term first.
pub async fn chiefs_of(conn: &mut Conn, road_id: &str) -> Result<Vec<ChiefTerm>> {
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT u.display_name, t.from_at, t.until_at FROM road_chiefs t \
         JOIN users u ON u.id = t.chief_user_id WHERE t.road_id = $1 ORDER BY t.from_at DESC",
    )
    .bind(road_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(chief_name, from, until)| ChiefTerm { chief_name, from: Timestamp(from), until: until.map(Timestamp) })
        .collect())
}
