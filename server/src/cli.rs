//! Administrative commands: `server import FILE`, `server create-coordinator USERNAME NAME`,
//! `server set-password USERNAME`. Passwords come from `ROADCHIEF_PASSWORD` or standard input,
//! never from the command line (where other users could read them).

use crate::config::Config;
use crate::startup::open_database;
use anyhow::{bail, Context};
use app::backend::auth::{hash_password, new_id, set_password};
use app::backend::import;
use app::domain::text::{NewPassword, Username};
use app::domain::time::Timestamp;
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
        "Imported {}: {} communities, {} sections, {} categories, {} roads; {} new users (without passwords: use set-password).",
        file.subdistrict.name_zh, summary.communities, summary.sections, summary.categories, summary.roads, summary.users_created
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
    let done = sqlx::query(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, 'coordinator', $4, $5) \
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(new_id(now()))
    .bind(username.as_str())
    .bind(display_name.trim())
    .bind(hash_password(password))
    .bind(now().millis())
    .execute(&pool)
    .await?;
    if done.rows_affected() == 0 {
        bail!("a user named {} already exists", username.as_str());
    }
    println!("Coordinator {} created.", username.as_str());
    Ok(())
}

pub async fn set_user_password(config: &Config, username: &str, password: &NewPassword) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    let pool = open_database(config).await?;
    if !set_password(&pool, username.as_str(), password).await? {
        bail!("there is no user named {}", username.as_str());
    }
    println!("Password of {} set.", username.as_str());
    Ok(())
}

pub const USAGE: &str = "\
Road Chief server

USAGE:
    server [serve]                               run the web app
    server import FILE.json                      import a subdistrict (communities, users, sections, categories, roads)
    server create-coordinator USERNAME NAME      create the first coordinator
    server set-password USERNAME                 set a user's password
Passwords are read from ROADCHIEF_PASSWORD or standard input.
Configuration: road-chief.toml or ROADCHIEF_* environment variables (see README).";
