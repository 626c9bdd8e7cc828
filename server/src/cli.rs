//! Administrative commands: `server import FILE`, `server create-coordinator USERNAME NAME`,
//! `server set-password USERNAME`, `server disable-user USERNAME`, `server enable-user USERNAME`,
//! `server backup FILE`, `server restore FILE`, `server open311-key create|revoke NAME`. Passwords come
//! from `ROADCHIEF_PASSWORD` or standard input, never from the command line (where other users
//! could read them).

use crate::config::Config;
use crate::startup::open_database;
use anyhow::{bail, Context};
use app::backend::auth::{hash_password_async, new_id, set_disabled, set_password};
use app::backend::store::users::{self, NewUser};
use app::backend::{import, open311};
use app::domain::open311::PlatformName;
use app::domain::text::{NewPassword, Username};
use app::domain::time::Timestamp;
use app::domain::Role;
use std::io::BufRead;

fn now() -> Timestamp {
    app::backend::Clock::default().now()
}

/// The password for `create-coordinator` and `set-password`.
pub fn read_password() -> anyhow::Result<NewPassword> {
    let text = match std::env::var("ROADCHIEF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password (8 to 128 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    Ok(NewPassword::parse(&text)?)
}

pub async fn import_file(config: &Config, path: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let file = import::parse(&text)?;
    let pool = open_database(config).await?;
    let summary = import::import(&pool, &file, now()).await?;
    println!(
        "Imported {}: {} communities, {} sections, {} categories, {} roads, {} new shops; {} new users (without passwords: use set-password).",
        file.subdistrict.name_zh,
        summary.communities,
        summary.sections,
        summary.categories,
        summary.roads,
        summary.shops_added,
        summary.users_created
    );
    Ok(())
}

pub async fn create_coordinator(
    config: &Config,
    username: &str,
    display_name: &str,
    password: &NewPassword,
) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    if display_name.trim().is_empty() {
        bail!("the display name is empty");
    }
    let pool = open_database(config).await?;
    let hash = hash_password_async(password.clone()).await?;
    let id = new_id(now());
    let user = NewUser {
        id: &id,
        username: username.as_str(),
        display_name: display_name.trim(),
        role: Role::Coordinator,
        phone: None,
        email: None,
        password_hash: Some(&hash),
        lang: app::i18n::Lang::default(),
    };
    let mut tx = pool.begin_write().await?;
    let created = users::insert(&mut tx, &user, now()).await?;
    tx.commit().await?;
    if !created {
        bail!("a user named {} already exists", username.as_str());
    }
    println!("Coordinator {} created.", username.as_str());
    Ok(())
}

pub async fn set_user_password(config: &Config, username: &str, password: &NewPassword) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    let pool = open_database(config).await?;
    if !set_password(&pool, username.as_str(), password.clone()).await? {
        bail!("there is no user named {}", username.as_str());
    }
    println!("Password of {} set.", username.as_str());
    Ok(())
}

/// Disables an account (it cannot sign in; its sessions end now) or enables it again.
pub async fn set_user_disabled(config: &Config, username: &str, disabled: bool) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    let pool = open_database(config).await?;
    if !set_disabled(&pool, username.as_str(), disabled, now()).await? {
        bail!("there is no user named {}", username.as_str());
    }
    println!("{} {}.", username.as_str(), if disabled { "disabled: signed out everywhere" } else { "enabled" });
    Ok(())
}

/// `open311-key create NAME`: prints a new key for a 311 platform (shown once: only its hash is
/// kept). `open311-key revoke NAME`: the key stops working at once.
pub async fn open311_key(config: &Config, action: &str, name: &str) -> anyhow::Result<()> {
    let Some(name) = PlatformName::parse(name) else {
        bail!("a platform name is 1 to 40 letters, digits, '-', '_' or '.'");
    };
    let pool = open_database(config).await?;
    match action {
        "create" => match open311::create_key(&pool, &name, now()).await? {
            Some(key) => {
                eprintln!("Open311 key for {} (shown only now; it is the api_key of POST requests):", name.as_str());
                println!("{key}");
            }
            None => bail!("{} has a key in use: revoke it first", name.as_str()),
        },
        "revoke" => {
            if !open311::revoke_key(&pool, &name, now()).await? {
                bail!("{} has no key in use", name.as_str());
            }
            println!("The Open311 key of {} is revoked.", name.as_str());
        }
        _ => bail!("open311-key create NAME, or open311-key revoke NAME"),
    }
    Ok(())
}

pub const USAGE: &str = "\
Road Chief server

USAGE:
    server [serve]                               run the web app
    server import FILE.json                      import a subdistrict (communities, users, sections, categories, roads)
    server create-coordinator USERNAME NAME      create the first coordinator
    server set-password USERNAME                 set a user's password (their sessions end)
    server disable-user USERNAME                 stop an account from signing in (its sessions end)
    server enable-user USERNAME                  let a disabled account sign in again
    server backup FILE                           a consistent copy of the database, while the server runs
    server restore FILE                          bring a backup back (the server must be stopped)
    server open311-key create NAME               print a new Open311 api_key for a 311 platform
    server open311-key revoke NAME               stop that platform's key from working
Passwords are read from ROADCHIEF_PASSWORD or standard input.
Configuration: road-chief.toml or ROADCHIEF_* environment variables (see README).";
