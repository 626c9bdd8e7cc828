//! The coordinator's administration: people, communities, sections, categories and roads.
//! Each write checks everything before it writes, runs in one transaction, and records every
//! field it changed (who, when, old → new). A road given to another chief keeps its past chiefs.

use super::auth::{hash_password_async, new_id};
use super::store::admin::{self as stored, Person, Record, UserDetails};
use super::store::users::{self, sessions, NewUser};
use super::store::{self, directory};
use super::{Pool, Result, Tx, User};
use crate::api::admin::{AdminCategory, AdminRoad, AdminSection, Directory};
use crate::api::error::ErrorCode;
use crate::domain::admin::{
    changed_fields, may_be_chief, may_change_role, may_disable, may_head_section, parse_phone, Names, Subject,
};
use crate::domain::deadline::WorkingDays;
use crate::domain::geometry::RoadGeometry;
use crate::domain::notice::EmailAddress;
use crate::domain::text::{Code, NewPassword, Username};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;

/// How many recorded changes the screen lists.
const CHANGES_LISTED: i64 = 200;

fn coordinator(user: &User) -> Result<()> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(())
}

/// Everything the administration screens show.
pub async fn directory(pool: &Pool, user: &User) -> Result<Directory> {
    coordinator(user)?;
    let mut conn = pool.read().await?;
    let users = stored::people(&mut conn).await?;
    let communities = stored::communities(&mut conn).await?;
    let sections = directory::sections(&mut conn).await?;
    let usernames = stored::usernames(&mut conn).await?;
    let username_of = |id: &str| usernames.get(id).cloned();
    let section_rows = sections
        .into_iter()
        .map(|s| AdminSection { head: s.head_user_id.as_deref().and_then(username_of), section: s.named })
        .collect();
    let categories = directory::categories(&mut conn)
        .await?
        .into_iter()
        .map(|c| AdminCategory { category: c.named(), section_id: c.section.id.clone(), days: c.deadline_days.get() })
        .collect();
    let terms = stored::chief_terms(&mut conn).await?;
    let mut roads = Vec::new();
    for r in directory::all_roads(&mut conn).await? {
        let chief = username_of(&r.chief_user_id).unwrap_or_default();
        let chiefs = terms.iter().filter(|(road, _)| *road == r.named.id).map(|(_, t)| t.clone()).collect();
        roads.push(AdminRoad {
            road: r.named.clone(),
            community_id: r.community.id.clone(),
            chief,
            coordinates: r.geometry.coordinates(),
            chiefs,
        });
    }
    let changes = stored::recent(&mut conn, CHANGES_LISTED).await?;
    Ok(Directory { users, communities, sections: section_rows, categories, roads, changes })
}

async fn record(
    tx: &mut Tx,
    actor: &User,
    subject: Subject,
    id: &str,
    fields: &[(&'static str, Option<&str>, Option<&str>)],
    now: Timestamp,
) -> Result<()> {
    let record = Record { actor_id: &actor.id, subject, subject_id: id };
    stored::record(tx, &record, &changed_fields(fields), now).await
}

/// A person's details as the forms give them, checked.
pub struct PersonForm {
    pub display_name: crate::domain::admin::Name,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<EmailAddress>,
}

impl PersonForm {
    pub fn parse(display_name: &str, role: Role, phone: Option<&str>, email: Option<&str>) -> Result<PersonForm> {
        let display_name = crate::domain::admin::Name::parse(display_name).map_err(ErrorCode::from)?;
        let phone = parse_phone(phone.unwrap_or("")).map_err(|_| ErrorCode::InvalidPhone)?;
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(EmailAddress::parse(e).map_err(|_| ErrorCode::InvalidEmail)?),
            None => None,
        };
        Ok(PersonForm { display_name, role, phone, email })
    }
}

fn username(text: &str) -> Result<Username> {
    Ok(Username::parse(text).map_err(|_| ErrorCode::InvalidUsername)?)
}

async fn someone(tx: &mut Tx, username: &str) -> Result<Person> {
    Ok(stored::person(tx, username).await?.ok_or(ErrorCode::NotFound)?)
}

/// A new account with a first password (they change it after signing in).
pub async fn create_user(
    pool: &Pool,
    actor: &User,
    name: &str,
    form: &PersonForm,
    password: NewPassword,
    now: Timestamp,
) -> Result<()> {
    coordinator(actor)?;
    let name = username(name)?;
    let hash = hash_password_async(password).await?;
    let mut tx = pool.begin_write().await?;
    let id = new_id(now);
    let user = NewUser {
        id: &id,
        username: name.as_str(),
        display_name: form.display_name.as_str(),
        role: form.role,
        phone: form.phone.as_deref(),
        email: form.email.as_ref().map(EmailAddress::as_str),
        password_hash: Some(&hash),
        lang: Lang::default(),
    };
    if !users::insert(&mut tx, &user, now).await? {
        return Err(ErrorCode::UsernameTaken.into());
    }
    let fields = [
        ("display_name", None, Some(form.display_name.as_str())),
        ("role", None, Some(form.role.as_str())),
        ("phone", None, form.phone.as_deref()),
        ("email", None, form.email.as_ref().map(EmailAddress::as_str)),
    ];
    record(&mut tx, actor, Subject::User, name.as_str(), &fields, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A person's name, role and contacts. The role changes only when they hold no post of the
/// old one, and never the coordinator's own.
pub async fn change_user(pool: &Pool, actor: &User, name: &str, form: &PersonForm, now: Timestamp) -> Result<()> {
    coordinator(actor)?;
    let mut tx = pool.begin_write().await?;
    let before = someone(&mut tx, name).await?;
    may_change_role(before.standing, form.role, before.id == actor.id).map_err(ErrorCode::from)?;
    let details = UserDetails {
        display_name: form.display_name.as_str(),
        role: form.role,
        phone: form.phone.as_deref(),
        email: form.email.as_ref().map(EmailAddress::as_str),
    };
    stored::set_user_details(&mut tx, &before.username, &details).await?;
    let fields = [
        ("display_name", Some(before.display_name.as_str()), Some(details.display_name)),
        ("role", Some(before.role.as_str()), Some(details.role.as_str())),
        ("phone", before.phone.as_deref(), details.phone),
        ("email", before.email.as_deref(), details.email),
    ];
    record(&mut tx, actor, Subject::User, &before.username, &fields, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Disables an account (its sessions end; it cannot sign in) or enables it again. An account
/// that holds a post is handed over first; the coordinator never disables their own.
pub async fn set_disabled(pool: &Pool, actor: &User, name: &str, disabled: bool, now: Timestamp) -> Result<()> {
    coordinator(actor)?;
    let mut tx = pool.begin_write().await?;
    let before = someone(&mut tx, name).await?;
    if before.disabled == disabled {
        return Ok(());
    }
    if disabled {
        may_disable(before.standing, before.id == actor.id).map_err(ErrorCode::from)?;
        sessions::end_all_of(&mut tx, &before.id, None).await?;
    }
    users::set_disabled(&mut tx, &before.username, disabled.then_some(now)).await?;
    let flag = |d: bool| if d { "disabled" } else { "enabled" };
    let fields = [("account", Some(flag(before.disabled)), Some(flag(disabled)))];
    record(&mut tx, actor, Subject::User, &before.username, &fields, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an account a new password; every session of it ends. The coordinator changes their
/// own password on the password screen, which asks for the old one.
pub async fn reset_password(
    pool: &Pool,
    actor: &User,
    name: &str,
    password: NewPassword,
    now: Timestamp,
) -> Result<()> {
    coordinator(actor)?;
    {
        let mut conn = pool.read().await?;
        let target = stored::person(&mut conn, name).await?.ok_or(ErrorCode::NotFound)?;
        if target.id == actor.id {
            return Err(ErrorCode::OwnAccount.into());
        }
    }
    let hash = hash_password_async(password).await?;
    let mut tx = pool.begin_write().await?;
    let target = someone(&mut tx, name).await?;
    users::set_password_hash(&mut tx, &target.username, &hash).await?;
    sessions::end_all_of(&mut tx, &target.id, None).await?;
    // The password itself is never written down; only that it was reset.
    record(&mut tx, actor, Subject::User, &target.username, &[("password", None, Some("reset"))], now).await?;
    tx.commit().await?;
    Ok(())
}

fn code(text: &str) -> Result<Code> {
    Ok(Code::parse(text).map_err(|_| ErrorCode::InvalidCode)?)
}

pub fn names(zh: &str, en: &str) -> Result<Names> {
    Ok(Names::parse(zh, en).map_err(ErrorCode::from)?)
}

/// Creates the community or renames it.
pub async fn put_community(pool: &Pool, actor: &User, id: &str, names: &Names, now: Timestamp) -> Result<()> {
    coordinator(actor)?;
    let id = code(id)?;
    let mut tx = pool.begin_write().await?;
    let (zh, en) = (names.zh.as_str(), names.en.as_str());
    match stored::community(&mut tx, id.as_str()).await? {
        Some(before) => {
            stored::set_names(&mut tx, Subject::Community, id.as_str(), zh, en).await?;
            let fields = [
                ("name_zh", Some(before.name_zh.as_str()), Some(zh)),
                ("name_en", Some(before.name_en.as_str()), Some(en)),
            ];
            record(&mut tx, actor, Subject::Community, id.as_str(), &fields, now).await?;
        }
        None => {
            let subdistrict = stored::subdistrict_id(&mut tx).await?.ok_or(ErrorCode::NotFound)?;
            directory::import::community(&mut tx, id.as_str(), &subdistrict, zh, en).await?;
            let fields = [("name_zh", None, Some(zh)), ("name_en", None, Some(en))];
            record(&mut tx, actor, Subject::Community, id.as_str(), &fields, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The head a form names, checked: an enabled section head.
async fn head(tx: &mut Tx, name: Option<&str>) -> Result<Option<Person>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let person = stored::person(tx, username(name)?.as_str()).await?.ok_or(ErrorCode::UnknownUser)?;
    may_head_section(person.standing).map_err(ErrorCode::from)?;
    Ok(Some(person))
}

/// Creates the section or changes its names and head. Its channels are set on the channels
/// screen.
pub async fn put_section(
    pool: &Pool,
    actor: &User,
    id: &str,
    names: &Names,
    head_name: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    coordinator(actor)?;
    let id = code(id)?;
    let mut tx = pool.begin_write().await?;
    let new_head = head(&mut tx, head_name).await?;
    let (zh, en) = (names.zh.as_str(), names.en.as_str());
    let now_head = new_head.as_ref().map(|p| p.username.as_str());
    let before = directory::sections(&mut tx).await?.into_iter().find(|s| s.named.id == id.as_str());
    match before {
        Some(before) => {
            let old_head = match &before.head_user_id {
                Some(h) => stored::person_by_id(&mut tx, h).await?.map(|p| p.username),
                None => None,
            };
            stored::set_names(&mut tx, Subject::Section, id.as_str(), zh, en).await?;
            stored::set_head(&mut tx, id.as_str(), new_head.as_ref().map(|p| p.id.as_str())).await?;
            let fields = [
                ("name_zh", Some(before.named.name_zh.as_str()), Some(zh)),
                ("name_en", Some(before.named.name_en.as_str()), Some(en)),
                ("head", old_head.as_deref(), now_head),
            ];
            record(&mut tx, actor, Subject::Section, id.as_str(), &fields, now).await?;
        }
        None => {
            directory::import::section(&mut tx, id.as_str(), (zh, en), now_head, Lang::default()).await?;
            let fields = [("name_zh", None, Some(zh)), ("name_en", None, Some(en)), ("head", None, now_head)];
            record(&mut tx, actor, Subject::Section, id.as_str(), &fields, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Creates the category or changes its names and its rule (section and working days; a rule
/// change is recorded with the rules as well).
pub async fn put_category(
    pool: &Pool,
    actor: &User,
    code_text: &str,
    names: &Names,
    section_id: &str,
    days: WorkingDays,
    now: Timestamp,
) -> Result<()> {
    coordinator(actor)?;
    let id = code(code_text)?;
    Code::parse(section_id).map_err(|_| ErrorCode::UnknownSection)?;
    let mut tx = pool.begin_write().await?;
    if !directory::section_exists(&mut tx, section_id).await? {
        return Err(ErrorCode::UnknownSection.into());
    }
    let (zh, en) = (names.zh.as_str(), names.en.as_str());
    let day_text = days.get().to_string();
    let before = directory::categories(&mut tx).await?.into_iter().find(|c| c.code == id.as_str());
    match before {
        Some(before) => {
            stored::set_names(&mut tx, Subject::Category, id.as_str(), zh, en).await?;
            let old_days = before.deadline_days.get().to_string();
            if before.section.id != section_id || before.deadline_days != days {
                let old = directory::Rule {
                    section_id: before.section.id.clone(),
                    days: before.deadline_days,
                    after_photo: before.after_photo,
                };
                let new = directory::Rule { section_id: section_id.to_owned(), days, ..old.clone() };
                directory::set_rule(&mut tx, id.as_str(), &new).await?;
                let change_id = new_id(now);
                let change = store::rules::Change {
                    id: &change_id,
                    category: id.as_str(),
                    actor_id: &actor.id,
                    old: &old,
                    new: &new,
                };
                store::rules::record(&mut tx, change, now).await?;
            }
            let fields = [
                ("name_zh", Some(before.name_zh.as_str()), Some(zh)),
                ("name_en", Some(before.name_en.as_str()), Some(en)),
                ("section", Some(before.section.id.as_str()), Some(section_id)),
                ("days", Some(old_days.as_str()), Some(day_text.as_str())),
            ];
            record(&mut tx, actor, Subject::Category, id.as_str(), &fields, now).await?;
        }
        None => {
            let position = stored::next_category_position(&mut tx).await?;
            let row = directory::import::CategoryRow {
                code: id.as_str(),
                name_zh: zh,
                name_en: en,
                section: section_id,
                days,
                after_photo: false,
                position,
            };
            directory::import::category(&mut tx, row).await?;
            let fields = [
                ("name_zh", None, Some(zh)),
                ("name_en", None, Some(en)),
                ("section", None, Some(section_id)),
                ("days", None, Some(day_text.as_str())),
            ];
            record(&mut tx, actor, Subject::Category, id.as_str(), &fields, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A road as its form gives it, checked (the line parsed from its GeoJSON at the boundary).
pub struct RoadChange {
    pub names: Names,
    pub community_id: String,
    pub chief: String,
    /// `None` keeps the road's line (a new road needs one).
    pub line: Option<RoadGeometry>,
}

/// How a line stands in the record of changes: `<points>;<metres>` (the screen words it).
fn line_summary(line: &RoadGeometry) -> String {
    format!("{};{:.0}", line.coordinates().len(), line.length_m())
}

/// Creates the road or changes it. A different chief is a rotation (交流轮岗): their term
/// begins now and the last one's ends; what each recorded stays theirs.
pub async fn put_road(pool: &Pool, actor: &User, id: &str, change: &RoadChange, now: Timestamp) -> Result<()> {
    coordinator(actor)?;
    let id = code(id)?;
    // Ids are codes: anything else names nothing (and never reaches a query).
    let community = Code::parse(&change.community_id).map_err(|_| ErrorCode::UnknownCommunity)?;
    let mut tx = pool.begin_write().await?;
    if stored::community(&mut tx, community.as_str()).await?.is_none() {
        return Err(ErrorCode::UnknownCommunity.into());
    }
    let chief = stored::person(&mut tx, username(&change.chief).map_err(|_| ErrorCode::UnknownUser)?.as_str())
        .await?
        .ok_or(ErrorCode::UnknownUser)?;
    let (zh, en) = (change.names.zh.as_str(), change.names.en.as_str());
    match directory::road(&mut tx, id.as_str()).await? {
        Some(before) => {
            let old_chief = stored::person_by_id(&mut tx, &before.chief_user_id).await?.map(|p| p.username);
            if before.chief_user_id != chief.id {
                may_be_chief(chief.standing).map_err(ErrorCode::from)?;
                stored::hand_over(&mut tx, id.as_str(), &chief.id, now).await?;
                // The new chief's phone pulls the road's findings, whatever its cursor.
                for finding in stored::findings_of_road(&mut tx, id.as_str()).await? {
                    tx.touch(&finding);
                }
            }
            stored::set_names(&mut tx, Subject::Road, id.as_str(), zh, en).await?;
            stored::set_road_community(&mut tx, id.as_str(), &change.community_id).await?;
            let (old_line, new_line) = (line_summary(&before.geometry), change.line.as_ref().map(line_summary));
            let new_line = match &change.line {
                Some(line) if *line != before.geometry => {
                    stored::set_road_line(&mut tx, id.as_str(), &line.coordinates()).await?;
                    new_line
                }
                _ => Some(old_line.clone()),
            };
            let fields = [
                ("name_zh", Some(before.named.name_zh.as_str()), Some(zh)),
                ("name_en", Some(before.named.name_en.as_str()), Some(en)),
                ("community", Some(before.community.id.as_str()), Some(change.community_id.as_str())),
                ("chief", old_chief.as_deref(), Some(chief.username.as_str())),
                ("line", Some(old_line.as_str()), new_line.as_deref()),
            ];
            record(&mut tx, actor, Subject::Road, id.as_str(), &fields, now).await?;
        }
        None => {
            let line = change.line.as_ref().ok_or(ErrorCode::InvalidRoadLine)?;
            may_be_chief(chief.standing).map_err(ErrorCode::from)?;
            let coordinates = line.coordinates();
            let row = directory::import::RoadRow {
                id: id.as_str(),
                name_zh: zh,
                name_en: en,
                community: &change.community_id,
                chief_username: &chief.username,
                coordinates: &coordinates,
            };
            directory::import::road(&mut tx, row).await?;
            stored::begin_term(&mut tx, id.as_str(), &chief.id, now).await?;
            let board = crate::domain::report::symbols(&super::auth::random_bytes::<10>());
            store::reports::set_board_code(&mut tx, id.as_str(), &board).await?;
            let summary = line_summary(line);
            let fields = [
                ("name_zh", None, Some(zh)),
                ("name_en", None, Some(en)),
                ("community", None, Some(change.community_id.as_str())),
                ("chief", None, Some(chief.username.as_str())),
                ("line", None, Some(summary.as_str())),
            ];
            record(&mut tx, actor, Subject::Road, id.as_str(), &fields, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
