use app::api::operations::{NewFinding, Operation, OperationRequest};
use app::backend::auth::new_id;
use app::backend::{AppState, Clock};
use app::domain::time::{IsoWeek, Timestamp};
use leptos::config::LeptosOptions;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use server::config::Config;
use server::startup::Application;
use std::collections::BTreeMap;
use std::path::PathBuf;
use uuid::Uuid;

pub const PASSWORD: &str = server::demo::DEMO_PASSWORD;

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    /// The test's own database: a SQLite file in its directory, or a fresh PostgreSQL database.
    pub database_url: String,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The PostgreSQL server the suite runs against instead of SQLite, when `.ci/test` started one:
/// `postgres://user@127.0.0.1:PORT`. Each test gets a database of its own on it.
pub const POSTGRES_VARIABLE: &str = "ROADCHIEF_TEST_POSTGRES";

/// A fresh, empty database for one test.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var(POSTGRES_VARIABLE) {
        Ok(server) if !server.is_empty() => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let server = server.trim_end_matches('/');
            let name = format!("rc_{}", new_id(Clock::default().now()).replace('-', ""));
            let mut admin =
                sqlx::AnyConnection::connect(&format!("{server}/postgres")).await.expect("PostgreSQL answers");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
            admin.close().await.unwrap();
            format!("{server}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("test.db").display()),
    }
}

pub async fn test_config(dir: &std::path::Path, demo: bool) -> Config {
    Config {
        address: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_owned(),
        database_url: fresh_database(dir).await,
        demo,
        public_url: None,
        trust_forwarded_for: false,
        // Tests run the courier and the scheduler themselves, with the test's clock.
        notify_every_s: 0,
        schedule_every_s: 0,
        patrol_retention_days: 180,
        smtp_url: None,
        mail_from: "路长巡查 <road-chief@test.invalid>".into(),
        photo_bucket: None,
        // The tests' webhook receivers listen on this machine.
        webhook_allow: app::backend::outbound::AllowList::parse(&["127.0.0.0/8"]).unwrap(),
    }
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("road-chief-test-{}", new_id(Clock::default().now())));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the server with the demo subdistrict on a random port.
pub async fn spawn_app() -> TestApp {
    spawn_app_with_site("target/site").await
}

/// The same, serving built assets from `site_root`.
pub async fn spawn_app_with_site(site_root: &str) -> TestApp {
    let dir = temp_dir();
    let config = test_config(&dir, true).await;
    spawn_app_with(config, site_root).await
}

/// The server with this configuration (its own data directory) on a random port.
pub async fn spawn_app_with(config: Config, site_root: &str) -> TestApp {
    let (app, stop, _) = spawn_stoppable(config, site_root).await;
    // Never stopped: the server runs until the test ends.
    std::mem::forget(stop);
    app
}

/// The same, with a way to shut the server down as SIGTERM would, and its task to wait for.
pub async fn spawn_stoppable(
    config: Config,
    site_root: &str,
) -> (TestApp, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    // What the server logs (errors above all) goes with the test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let dir = config.data_dir.clone();
    let options = LeptosOptions::builder().output_name("road-chief").site_root(site_root).site_pkg_dir("pkg").build();
    let app = Application::build(&config, options, Clock::default()).await.expect("the server starts");
    let address = format!("http://{}", app.address());
    let state = app.state.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    (TestApp { address, state, database_url: config.database_url, dir }, stop, task)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The database, for what a test checks behind the API's back.
    pub fn db(&self) -> &sqlx::AnyPool {
        self.state.pool.any()
    }

    pub fn now(&self) -> Timestamp {
        self.state.clock.now()
    }

    pub fn week(&self) -> String {
        IsoWeek::containing(self.now()).to_string()
    }

    /// A client with its own cookie jar, not signed in.
    pub fn anonymous(&self) -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    pub async fn sign_in_raw(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/v1/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// A client signed in as a demo user.
    pub async fn user(&self, username: &str) -> Client {
        let client = self.anonymous();
        let response = self.sign_in_raw(&client, username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "signing in as {username}");
        client
    }

    pub async fn send(&self, client: &Client, id: Uuid, op: &Operation) -> Response {
        let request = OperationRequest { id, op: op.clone(), sent_at: None };
        client.post(self.url("/api/v1/operations")).json(&request).send().await.unwrap()
    }

    /// Calls a read server function (form-encoded arguments, JSON answer).
    pub async fn read(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Response {
        client.post(self.url(&format!("/api/{endpoint}"))).form(args).send().await.unwrap()
    }

    pub async fn read_ok(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Value {
        let response = self.read(client, endpoint, args).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
        body
    }

    /// Row counts of every table a write could touch, to show that a refusal changed nothing.
    pub async fn footprint(&self) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for table in [
            "inspections",
            "inspection_results",
            "findings",
            "finding_history",
            "operations",
            "shops",
            "visits",
            "joint_tasks",
            "patrols",
        ] {
            let (n,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(self.db()).await.unwrap();
            counts.push((table, n));
        }
        let (changed,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM findings")
            .fetch_one(self.db())
            .await
            .unwrap();
        counts.push(("findings.updated_at", changed));
        let (tallied,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(reported + resolved + resolved_on_time + closed), 0) AS BIGINT) FROM section_weeks",
        )
        .fetch_one(self.db())
        .await
        .unwrap();
        counts.push(("section_weeks", tallied));
        let (tasks,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM joint_tasks WHERE status <> 'open' OR escalated_at IS NOT NULL",
        )
        .fetch_one(self.db())
        .await
        .unwrap();
        counts.push(("joint_tasks closed", tasks));
        counts
    }

    /// A point on the road, `fraction` of the way between its first two points.
    pub async fn point_on(&self, client: &Client, road: &str, fraction: f64) -> (f64, f64) {
        let page = self.read_ok(client, "inspection", &[("road_id", road)]).await;
        let c = &page["road"]["coordinates"];
        let (a, b) = (&c[0], &c[1]);
        let lerp = |i: usize| a[i].as_f64().unwrap() + (b[i].as_f64().unwrap() - a[i].as_f64().unwrap()) * fraction;
        (lerp(0), lerp(1))
    }

    pub async fn finding(&self, client: &Client, road: &str, category: &str, note: &str) -> NewFinding {
        let (lon, lat) = self.point_on(client, road, 0.3).await;
        NewFinding {
            id: new_uuid(),
            category: category.into(),
            note: note.into(),
            lon,
            lat,
            off_road_confirmed: false,
            observed_at: self.now(),
            photos: Vec::new(),
            taken: Vec::new(),
            urgent: false,
            visit_id: None,
            shop_id: None,
        }
    }

    pub async fn sync(&self, client: &Client, body: &Value) -> Response {
        client.post(self.url("/api/v1/sync")).json(body).send().await.unwrap()
    }

    /// Syncs and expects 200; the answer as JSON.
    pub async fn sync_ok(&self, client: &Client, body: &Value) -> Value {
        let response = self.sync(client, body).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "sync: {answer}");
        answer
    }
}

pub fn new_uuid() -> Uuid {
    Uuid::parse_str(&new_id(Clock::default().now())).unwrap()
}

pub const CATEGORIES: [&str; 10] = [
    "illegal_structure",
    "sanitation",
    "shop_sign",
    "street_occupation",
    "road_damage",
    "waterlogging",
    "parking_traffic",
    "food_safety",
    "unlicensed_business",
    "safety_hazard",
];

/// Every category OK except the ones with findings.
pub fn results_for(findings: &[NewFinding]) -> BTreeMap<String, app::domain::inspection::CheckResult> {
    use app::domain::inspection::CheckResult;
    CATEGORIES
        .iter()
        .map(|c| {
            let problem = findings.iter().any(|f| f.category == *c);
            (c.to_string(), if problem { CheckResult::Problem } else { CheckResult::Ok })
        })
        .collect()
}

pub fn submit(app: &TestApp, road: &str, findings: Vec<NewFinding>) -> Operation {
    Operation::SubmitInspection { road_id: road.into(), week: app.week(), results: results_for(&findings), findings }
}

pub fn move_op(finding: &str, action: &str, note: Option<&str>, section: Option<&str>) -> Operation {
    serde_json::from_value(
        json!({"kind": "move_finding", "finding_id": finding, "move": action, "note": note, "section_id": section}),
    )
    .unwrap()
}

pub async fn error_code(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"]["code"].as_str().unwrap_or_default().to_owned(),
        body["error"]["message"].as_str().unwrap_or_default().to_owned(),
    )
}

pub mod app_ops {
    use super::*;

    pub fn start_op(app: &TestApp, road: &str) -> Operation {
        Operation::StartInspection { road_id: road.into(), week: app.week() }
    }

    pub async fn start_raw(app: &TestApp, client: &Client, road: &str) -> Response {
        app.send(client, new_uuid(), &start_op(app, road)).await
    }

    pub async fn start(app: &TestApp, client: &Client, road: &str) -> Value {
        let response = start_raw(app, client, road).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}
