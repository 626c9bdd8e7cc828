//! Configuration: safe defaults, then an optional TOML file, then environment variables.
//!
//! | setting | TOML key | environment | default |
//! | --- | --- | --- | --- |
//! | listen address | `address` | `ROADCHIEF_ADDRESS` | Leptos's site address (127.0.0.1:3000) |
//! | data directory | `data_dir` | `ROADCHIEF_DATA_DIR` | `data` |
//! | database URL (`sqlite://` or `postgres://`) | `database_url` | `ROADCHIEF_DATABASE_URL` | `sqlite://<data_dir>/road-chief.db` |
//! | demo data | `demo` | `ROADCHIEF_DEMO` | `false` |
//! | public URL (https → Secure cookies) | `public_url` | `ROADCHIEF_PUBLIC_URL` | none |
//! | trust X-Forwarded-For | `trust_forwarded_for` | `ROADCHIEF_TRUST_FORWARDED_FOR` | `false` |
//! | courier round (s, 0 = off) | `notify_every_s` | `ROADCHIEF_NOTIFY_EVERY_S` | `15` |
//! | scheduler round (s, 0 = off) | `schedule_every_s` | `ROADCHIEF_SCHEDULE_EVERY_S` | `60` |
//! | days a patrol's positions are kept | `patrol_retention_days` | `ROADCHIEF_PATROL_RETENTION_DAYS` | `180` |
//! | SMTP server for email | `smtp_url` | `ROADCHIEF_SMTP_URL` | none (email is not sent) |
//! | sender of email | `mail_from` | `ROADCHIEF_MAIL_FROM` | `路长巡查 <road-chief@localhost>` |
//! | photos in an S3-compatible bucket | `photo_bucket` | `ROADCHIEF_PHOTO_BUCKET` | none (`<data_dir>/photos`) |
//! | the bucket's endpoint | `s3_endpoint` | `ROADCHIEF_S3_ENDPOINT` | AWS |
//! | the bucket's region | `s3_region` | `ROADCHIEF_S3_REGION` | `us-east-1` |
//! | networks webhooks may reach although not public | `webhook_allow` (a list) | `ROADCHIEF_WEBHOOK_ALLOW` (comma-separated) | none |
//! | the bucket's credentials | `s3_access_key_id`, `s3_secret_access_key` | `ROADCHIEF_S3_ACCESS_KEY_ID`, `ROADCHIEF_S3_SECRET_ACCESS_KEY` | none |
//!
//! The file is `ROADCHIEF_CONFIG` if set, else `road-chief.toml` in the working directory
//! if it exists.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    address: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    demo: Option<bool>,
    public_url: Option<String>,
    trust_forwarded_for: Option<bool>,
    notify_every_s: Option<u64>,
    schedule_every_s: Option<u64>,
    patrol_retention_days: Option<u32>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    photo_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    webhook_allow: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub address: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo: bool,
    pub public_url: Option<String>,
    pub trust_forwarded_for: bool,
    /// How often the courier looks for messages to send to sections' webhooks; 0 turns it off.
    pub notify_every_s: u64,
    /// How often the scheduler looks for reminders to send; 0 turns it off.
    pub schedule_every_s: u64,
    /// Days a patrol's positions are kept after it ended (its figures stay).
    pub patrol_retention_days: u32,
    /// Networks webhooks may reach although they are not public (an office's own receiver).
    pub webhook_allow: app::backend::outbound::AllowList,
    /// `smtp://host:25`, `smtp://host:587?tls=required` or `smtps://user:password@host:465`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Photos in an S3-compatible bucket instead of the data directory.
    pub photo_bucket: Option<app::backend::photos::Bucket>,
}

impl Config {
    /// A server of the demo on a free loopback port, without courier and scheduler rounds: what
    /// the benchmarks start in their own process.
    pub fn demo_on_free_port(data_dir: PathBuf, database_url: String) -> Config {
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url,
            demo: true,
            public_url: None,
            trust_forwarded_for: false,
            notify_every_s: 0,
            schedule_every_s: 0,
            patrol_retention_days: 180,
            smtp_url: None,
            mail_from: "bench@localhost".into(),
            photo_bucket: None,
            webhook_allow: Default::default(),
        }
    }

    /// Where links in messages point: the public URL, else the listening address.
    pub fn base_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.address))
    }

    /// The database URL without its password, for logs and messages.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url)
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// `scheme://host[:port]` of the public URL.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?;
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
        Some(format!("{scheme}://{host}"))
    }

    /// Reads the configuration from the file and the environment.
    pub fn load(default_address: SocketAddr) -> anyhow::Result<Config> {
        let path = std::env::var_os("ROADCHIEF_CONFIG").map(PathBuf::from);
        let file = match &path {
            Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?),
            None => std::fs::read_to_string("road-chief.toml").ok(),
        };
        let file: FileConfig = match file {
            Some(text) => toml::from_str(&text).context("the configuration file is not valid")?,
            None => FileConfig::default(),
        };
        Self::resolve(file, |k| std::env::var(k).ok(), default_address)
    }

    fn resolve(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
        default_address: SocketAddr,
    ) -> anyhow::Result<Config> {
        let flag = |key: &str, value: Option<bool>| -> anyhow::Result<bool> {
            match env(key).as_deref().map(str::trim) {
                None | Some("") => Ok(value.unwrap_or(false)),
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(other) => bail!("{key} must be true or false, not {other:?}"),
            }
        };
        let seconds = |key: &str, value: Option<u64>, default: u64| -> anyhow::Result<u64> {
            match env(key) {
                Some(s) => s.trim().parse().with_context(|| format!("{key} {s:?} is not a number of seconds")),
                None => Ok(value.unwrap_or(default)),
            }
        };
        let smtp_url = env("ROADCHIEF_SMTP_URL").or(file.smtp_url).filter(|u| !u.trim().is_empty());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("ROADCHIEF_SMTP_URL must start with smtp:// or smtps://");
            }
        }
        let address = match env("ROADCHIEF_ADDRESS") {
            Some(a) => {
                a.parse().with_context(|| format!("ROADCHIEF_ADDRESS {a:?} is not an address like 127.0.0.1:3000"))?
            }
            None => file.address.unwrap_or(default_address),
        };
        let data_dir =
            env("ROADCHIEF_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("ROADCHIEF_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("road-chief.db").display()));
        if app::backend::db::Engine::of_url(&database_url).is_none() {
            bail!("the database URL must start with sqlite: or postgres://, not {:?}", redact(&database_url));
        }
        let text = |key: &str, value: Option<String>| env(key).or(value).filter(|v| !v.trim().is_empty());
        let photo_bucket = match text("ROADCHIEF_PHOTO_BUCKET", file.photo_bucket) {
            None => None,
            Some(url) => {
                if !url.starts_with("s3://") {
                    bail!("ROADCHIEF_PHOTO_BUCKET must be an s3://bucket/prefix URL");
                }
                Some(app::backend::photos::Bucket {
                    url,
                    endpoint: text("ROADCHIEF_S3_ENDPOINT", file.s3_endpoint),
                    region: text("ROADCHIEF_S3_REGION", file.s3_region).unwrap_or_else(|| "us-east-1".into()),
                    access_key_id: text("ROADCHIEF_S3_ACCESS_KEY_ID", file.s3_access_key_id),
                    secret_access_key: text("ROADCHIEF_S3_SECRET_ACCESS_KEY", file.s3_secret_access_key),
                })
            }
        };
        let webhook_allow = match env("ROADCHIEF_WEBHOOK_ALLOW") {
            Some(list) => list.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect(),
            None => file.webhook_allow.unwrap_or_default(),
        };
        let webhook_allow = app::backend::outbound::AllowList::parse(&webhook_allow)
            .map_err(|e| anyhow::anyhow!("webhook_allow: {e}"))?;
        Ok(Config {
            address,
            webhook_allow,
            data_dir,
            database_url,
            demo: flag("ROADCHIEF_DEMO", file.demo)?,
            public_url: env("ROADCHIEF_PUBLIC_URL").or(file.public_url),
            trust_forwarded_for: flag("ROADCHIEF_TRUST_FORWARDED_FOR", file.trust_forwarded_for)?,
            notify_every_s: seconds("ROADCHIEF_NOTIFY_EVERY_S", file.notify_every_s, 15)?,
            schedule_every_s: seconds("ROADCHIEF_SCHEDULE_EVERY_S", file.schedule_every_s, 60)?,
            patrol_retention_days: match env("ROADCHIEF_PATROL_RETENTION_DAYS") {
                Some(s) => match s.trim().parse() {
                    Ok(days) if days > 0 => days,
                    _ => bail!("ROADCHIEF_PATROL_RETENTION_DAYS {s:?} is not a number of days (1 or more)"),
                },
                None => match file.patrol_retention_days {
                    Some(0) => bail!("patrol_retention_days must be 1 or more"),
                    Some(days) => days,
                    None => 180,
                },
            },
            smtp_url,
            mail_from: env("ROADCHIEF_MAIL_FROM")
                .or(file.mail_from)
                .unwrap_or_else(|| "路长巡查 <road-chief@localhost>".to_owned()),
            photo_bucket,
        })
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(file: &str, env: &[(&str, &str)]) -> anyhow::Result<Config> {
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::resolve(toml::from_str(file)?, |k| env.get(k).cloned(), "127.0.0.1:3000".parse().unwrap())
    }

    #[test]
    fn safe_defaults() {
        let c = resolve("", &[]).unwrap();
        assert_eq!(c.address.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/road-chief.db");
        assert!(!c.demo && !c.trust_forwarded_for && !c.secure_cookies());
    }

    #[test]
    fn environment_overrides_file() {
        let c = resolve(
            "demo = false\ndata_dir = \"/var/lib/rc\"\npublic_url = \"https://rc.example\"",
            &[("ROADCHIEF_DEMO", "true")],
        )
        .unwrap();
        assert!(c.demo);
        assert_eq!(c.database_url, "sqlite:///var/lib/rc/road-chief.db");
        assert!(c.secure_cookies());
        assert_eq!(c.public_origin().as_deref(), Some("https://rc.example"));
        let behind = resolve("public_url = \"https://gov.example:8443/roads/\"", &[]).unwrap();
        assert_eq!(behind.public_origin().as_deref(), Some("https://gov.example:8443"));
        assert_eq!(resolve("", &[]).unwrap().public_origin(), None);
        let allowed = resolve("webhook_allow = [\"10.20.0.0/16\"]", &[]).unwrap();
        assert_eq!(allowed.webhook_allow, app::backend::outbound::AllowList::parse(&["10.20.0.0/16"]).unwrap());
    }

    #[test]
    fn bad_values_are_reported() {
        assert!(resolve("", &[("ROADCHIEF_DEMO", "maybe")]).is_err());
        assert!(resolve("", &[("ROADCHIEF_ADDRESS", "nowhere")]).is_err());
        assert!(resolve("", &[("ROADCHIEF_DATABASE_URL", "mysql://x")]).is_err());
        assert!(resolve("colour = 1", &[]).is_err());
        assert!(resolve("", &[("ROADCHIEF_NOTIFY_EVERY_S", "often")]).is_err());
        assert!(resolve("", &[("ROADCHIEF_SCHEDULE_EVERY_S", "-1")]).is_err());
        assert!(resolve("smtp_url = \"http://mail\"", &[]).is_err());
        assert!(resolve("", &[("ROADCHIEF_PHOTO_BUCKET", "bucket")]).is_err());
        assert!(resolve("", &[("ROADCHIEF_WEBHOOK_ALLOW", "10.0.0.0/8, everything")]).is_err());
    }

    #[test]
    fn postgres_and_buckets_are_configured() {
        let c = resolve(
            "database_url = \"postgres://rc:secret@db:5432/rc\"\nphoto_bucket = \"s3://photos/jimo\"",
            &[("ROADCHIEF_S3_ENDPOINT", "http://127.0.0.1:9000")],
        )
        .unwrap();
        assert_eq!(c.redacted_database_url(), "postgres://rc:***@db:5432/rc");
        let bucket = c.photo_bucket.unwrap();
        assert_eq!((bucket.url.as_str(), bucket.region.as_str()), ("s3://photos/jimo", "us-east-1"));
        assert_eq!(bucket.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
    }
}
