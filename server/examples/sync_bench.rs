//! Sync ingest benchmark: findings per second through `POST /api/v1/sync` in batches of 50 and
//! 500, beside inserting the same rows straight into the database in one transaction, in the
//! same run, on SQLite and (with `--postgres postgres://user@host:port`) on PostgreSQL, each
//! round on a fresh database. Run with `.ci/bench` (release build). Prints medians of several
//! rounds and the ratios.

use app::api::operations::{NewFinding, Operation, OperationRequest};
use app::backend::auth::new_id;
use app::backend::{db, Clock};
use app::domain::time::{IsoWeek, Timestamp};
use leptos::config::LeptosOptions;
use serde_json::{json, Value};
use server::config::Config;
use server::startup::Application;
use std::time::Instant;
use uuid::Uuid;

const FINDINGS: usize = 2000;
const ROUNDS: usize = 3;
const ROAD: &str = "market-road-2";

struct Fresh {
    dir: std::path::PathBuf,
    config: Config,
}

/// A new empty database: a SQLite file, or a database on the given PostgreSQL server.
async fn fresh_database(dir: &std::path::Path, postgres: Option<&str>) -> String {
    match postgres {
        None => format!("sqlite://{}", dir.join("bench.db").display()),
        Some(server) => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("bench_{}", new_id(Clock::default().now()).replace('-', ""));
            let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
            admin.close().await.unwrap();
            format!("{server}/{name}")
        }
    }
}

impl Fresh {
    async fn new(postgres: Option<&str>) -> Fresh {
        let dir = std::env::temp_dir().join(format!("road-chief-bench-{}", new_id(Clock::default().now())));
        std::fs::create_dir_all(&dir).unwrap();
        let config = Config::demo_on_free_port(dir.clone(), fresh_database(&dir, postgres).await);
        Fresh { dir, config }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn uuid(now: Timestamp) -> Uuid {
    Uuid::parse_str(&new_id(now)).unwrap()
}

/// Points along the first segment of the road, so every finding is on the road.
fn findings(coordinates: &[[f64; 2]], now: Timestamp) -> Vec<NewFinding> {
    let (a, b) = (coordinates[0], coordinates[1]);
    (0..FINDINGS)
        .map(|i| {
            let t = (i % 100) as f64 / 100.0;
            NewFinding {
                id: uuid(now),
                category: ["sanitation", "shop_sign", "street_occupation"][i % 3].into(),
                note: format!("第 {i} 个问题：垃圾堆放，需要清理"),
                lon: a[0] + (b[0] - a[0]) * t,
                lat: a[1] + (b[1] - a[1]) * t,
                off_road_confirmed: false,
                observed_at: now,
                photos: Vec::new(),
                taken: Vec::new(),
                urgent: false,
                visit_id: None,
                shop_id: None,
            }
        })
        .collect()
}

async fn road_coordinates(pool: &db::Pool) -> Vec<[f64; 2]> {
    let (geometry,): (String,) =
        sqlx::query_as("SELECT geometry FROM roads WHERE id = $1").bind(ROAD).fetch_one(pool.any()).await.unwrap();
    serde_json::from_str(&geometry).unwrap()
}

/// Seconds to push every finding through the sync API in batches of `batch`.
async fn through_sync(batch: usize, postgres: Option<&str>) -> f64 {
    let fresh = Fresh::new(postgres).await;
    let options =
        LeptosOptions::builder().output_name("road-chief").site_root("target/site").site_pkg_dir("pkg").build();
    let app = Application::build(&fresh.config, options, Clock::default()).await.unwrap();
    let base = format!("http://{}", app.address());
    let now = app.state.clock.now();
    let coordinates = road_coordinates(&app.state.pool).await;
    tokio::spawn(app.run());
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed_in = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "chief01", "password": server::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success());
    let week = IsoWeek::containing(now).to_string();
    let ops: Vec<OperationRequest> = findings(&coordinates, now)
        .into_iter()
        .map(|finding| OperationRequest {
            id: uuid(now),
            op: Operation::RecordFinding { road_id: ROAD.into(), week: week.clone(), finding },
            sent_at: None,
        })
        .collect();

    let start = Instant::now();
    for chunk in ops.chunks(batch) {
        let answer: Value = client
            .post(format!("{base}/api/v1/sync"))
            .json(&json!({ "ops": chunk }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let applied = answer["results"].as_array().unwrap().iter().filter(|r| r["result"] == "applied").count();
        assert_eq!(applied, chunk.len(), "{}", answer["results"][0]);
    }
    start.elapsed().as_secs_f64()
}

/// Seconds to insert the same rows (finding, history) straight into the database in one
/// transaction.
async fn direct_insert(postgres: Option<&str>) -> f64 {
    let fresh = Fresh::new(postgres).await;
    let pool = server::startup::open_database(&fresh.config).await.unwrap();
    let now = Clock::default().now();
    server::demo::ensure(&pool, now).await.unwrap();
    let coordinates = road_coordinates(&pool).await;
    let (chief,): (String,) =
        sqlx::query_as("SELECT id FROM users WHERE username = 'chief01'").fetch_one(pool.any()).await.unwrap();
    let rows = findings(&coordinates, now);
    let start = Instant::now();
    let mut tx = pool.begin_write().await.unwrap();
    let inspection = new_id(now);
    let week = IsoWeek::containing(now);
    sqlx::query("INSERT INTO inspections (id, road_id, iso_year, iso_week, chief_user_id, started_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&inspection).bind(ROAD).bind(i64::from(week.year())).bind(i64::from(week.week())).bind(&chief).bind(now.millis())
        .execute(&mut *tx).await.unwrap();
    for (i, f) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO findings (id, inspection_id, road_id, category_code, note, lon, lat, along_m, off_road_m, \
             off_road_confirmed, observed_at, received_at, reported_by_user_id, status, section_id, deadline_at, updated_at, change_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, $8, $8, $9, 'routed', 'urban-management', $8, $8, $10)",
        )
        .bind(f.id.to_string()).bind(&inspection).bind(ROAD).bind(&f.category).bind(&f.note).bind(f.lon).bind(f.lat)
        .bind(now.millis()).bind(&chief).bind(i as i64 + 1)
        .execute(&mut *tx).await.unwrap();
        sqlx::query(
            "INSERT INTO finding_history (id, finding_id, seq, at, actor_user_id, to_status, section_id, deadline_at, note) \
             VALUES ($1, $2, 1, $3, $4, 'routed', 'urban-management', $3, $5)",
        )
        .bind(new_id(now)).bind(f.id.to_string()).bind(now.millis()).bind(&chief).bind(&f.note)
        .execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    start.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

async fn engine(name: &str, postgres: Option<&str>) {
    let mut direct = Vec::new();
    let mut by_50 = Vec::new();
    let mut by_500 = Vec::new();
    for _ in 0..ROUNDS {
        direct.push(direct_insert(postgres).await);
        by_50.push(through_sync(50, postgres).await);
        by_500.push(through_sync(500, postgres).await);
    }
    let rate = |secs: f64| FINDINGS as f64 / secs;
    let (direct, by_50, by_500) = (rate(median(direct)), rate(median(by_50)), rate(median(by_500)));
    println!("sync ingest on {name}, {FINDINGS} findings, median of {ROUNDS} rounds (findings per second)");
    println!("  direct insert, one transaction: {direct:>8.0} /s");
    println!("  sync API, batches of 50:        {by_50:>8.0} /s  ({:.1}% of direct)", 100.0 * by_50 / direct);
    println!(
        "  sync API, batches of 500:       {by_500:>8.0} /s  ({:.1}% of direct; bar 25%)",
        100.0 * by_500 / direct
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let postgres = args.iter().position(|a| a == "--postgres").and_then(|i| args.get(i + 1)).cloned();
    engine("SQLite", None).await;
    if let Some(server) = postgres {
        engine("PostgreSQL", Some(server.trim_end_matches('/'))).await;
    }
}
