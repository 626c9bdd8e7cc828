//! The load test: 60 phones, each signed in as one road chief of the demo, and the 8 section
//! heads sync against the release server at the same time for a while: starts, findings with a
//! photo, submissions, section moves (accept, resolve), close-outs. Each keeps an outbox like
//! the real phone: an operation stays until the server has answered it, and is sent again
//! (same id) after a failure. Optionally the server is killed (SIGKILL) and restarted in the
//! middle. Prints requests, errors (5xx, timeouts), latency percentiles and the server's peak
//! RSS, then counts the rows: every acknowledged operation is in the database exactly once.
//!
//!   .ci/load [--postgres] [--kill] [--keep] [--phones 60] [--seconds 120]
//!
//! (`.ci/load` builds the release server and starts PostgreSQL when asked; this program runs
//! the server binary from `target/release/server` with a fresh data directory.)

use app::api::operations::{NewFinding, Operation, OperationRequest};
use app::backend::db::Pool;
use app::domain::inspection::CheckResult;
use app::domain::photo::PhotoHash;
use app::domain::time::IsoWeek;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The demo's categories but illegal structures, whose resolution needs a photo of the result
/// (the desks here resolve with a note only).
const CATEGORIES: [&str; 9] = [
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
const HEADS: [&str; 8] = [
    "head_urban",
    "head_enforcement",
    "head_engineering",
    "head_traffic",
    "head_food",
    "head_commerce",
    "head_safety",
    "head_party",
];
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

struct Options {
    phones: usize,
    seconds: u64,
    kill: bool,
    /// Leaves the data directory in place (to look at the screens after a load).
    keep: bool,
    database_url: Option<String>,
}

fn options() -> Options {
    let mut o = Options { phones: 60, seconds: 120, kill: false, keep: false, database_url: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--phones" => o.phones = args.next().and_then(|v| v.parse().ok()).expect("--phones N"),
            "--seconds" => o.seconds = args.next().and_then(|v| v.parse().ok()).expect("--seconds N"),
            "--kill" => o.kill = true,
            "--keep" => o.keep = true,
            "--database-url" => o.database_url = args.next(),
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

/// The server under test, a child process.
struct Server {
    child: Child,
    url: String,
    address: String,
    data_dir: PathBuf,
    database_url: String,
    peak_rss_kb: u64,
}

fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    // target/release/examples/load_test → target/release/server
    exe.parent().and_then(|p| p.parent()).expect("target dir").join("server")
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_owned()
}

impl Server {
    fn spawn(address: &str, data_dir: &PathBuf, database_url: &str) -> Child {
        Command::new(server_binary())
            .current_dir(workspace_root())
            .env("ROADCHIEF_ADDRESS", address)
            .env("ROADCHIEF_DATA_DIR", data_dir)
            .env("ROADCHIEF_DATABASE_URL", database_url)
            .env("ROADCHIEF_DEMO", "true")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("LEPTOS_OUTPUT_NAME", "road-chief")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the release server binary (build it with cargo leptos build --release)")
    }

    async fn start(database_url: String) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let address = format!("127.0.0.1:{port}");
        let data_dir = std::env::temp_dir().join(format!("road-chief-load-{port}"));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir).unwrap();
        let database_url = if database_url.is_empty() {
            format!("sqlite://{}", data_dir.join("load.db").display())
        } else {
            database_url
        };
        let child = Self::spawn(&address, &data_dir, &database_url);
        let server =
            Server { child, url: format!("http://{address}"), address, data_dir, database_url, peak_rss_kb: 0 };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{}/login", self.url)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start");
    }

    fn rss_high_water_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// SIGKILL, then the same server again on the same data.
    async fn kill_and_restart(&mut self) -> Duration {
        self.peak_rss_kb = self.peak_rss_kb.max(self.rss_high_water_kb());
        let started = Instant::now();
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
        self.child = Self::spawn(&self.address, &self.data_dir, &self.database_url);
        self.wait_ready().await;
        started.elapsed()
    }

    fn stop(&mut self) {
        self.peak_rss_kb = self.peak_rss_kb.max(self.rss_high_water_kb());
        // SIGTERM: the server shuts down in order.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// What every client measures.
#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    errors: usize,
    /// Connection failures while the server was down on purpose (the restart): retried.
    while_down: usize,
    rejected: HashMap<String, usize>,
    applied_ops: HashSet<Uuid>,
    moves_applied: usize,
    findings: HashSet<Uuid>,
    photos: usize,
}

struct Shared {
    tally: Mutex<Tally>,
    down: AtomicBool,
    stop: AtomicBool,
    base: String,
}

impl Shared {
    fn record(&self, started: Instant, outcome: Result<u16, ()>) {
        let mut t = self.tally.lock().unwrap();
        t.latencies_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        match outcome {
            Ok(s) if s >= 500 => t.errors += 1,
            Ok(_) => {}
            Err(()) if self.down.load(Ordering::SeqCst) => t.while_down += 1,
            Err(()) => t.errors += 1,
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).timeout(REQUEST_TIMEOUT).build().unwrap()
}

async fn sign_in(shared: &Shared, username: &str) -> reqwest::Client {
    let client = client();
    loop {
        let r = client
            .post(format!("{}/api/v1/session", shared.base))
            .json(&json!({"username": username, "password": "roadchief"}))
            .send()
            .await;
        if matches!(&r, Ok(r) if r.status().is_success()) {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A phone or a desk: its outbox, and what it has heard.
struct Device {
    client: reqwest::Client,
    outbox: Vec<OperationRequest>,
    cursor: Option<String>,
    pulled: Vec<Value>,
}

impl Device {
    /// Sends the outbox (or just pulls); true if the server answered.
    async fn sync(&mut self, shared: &Shared) -> bool {
        let body = json!({ "ops": self.outbox, "cursor": self.cursor });
        let started = Instant::now();
        let response = self.client.post(format!("{}/api/v1/sync", shared.base)).json(&body).send().await;
        let response = match response {
            Ok(r) => r,
            Err(_) => {
                shared.record(started, Err(()));
                return false;
            }
        };
        let status = response.status().as_u16();
        let answer: Option<Value> = response.json().await.ok();
        shared.record(started, if answer.is_some() || status >= 500 { Ok(status) } else { Err(()) });
        let Some(answer) = answer.filter(|_| status == 200) else { return false };
        let mut t = shared.tally.lock().unwrap();
        for (op, result) in self.outbox.iter().zip(answer["results"].as_array().into_iter().flatten()) {
            if result["result"] == "applied" {
                if t.applied_ops.insert(op.id) {
                    match &op.op {
                        Operation::MoveFinding { .. } => t.moves_applied += 1,
                        Operation::RecordFinding { finding, .. } => {
                            t.findings.insert(finding.id);
                        }
                        _ => {}
                    }
                }
            } else {
                let code = result["error"]["code"].as_str().unwrap_or("?").to_owned();
                *t.rejected.entry(code).or_default() += 1;
            }
        }
        drop(t);
        self.outbox.clear();
        self.cursor = answer["cursor"].as_str().map(str::to_owned);
        self.pulled = answer["findings"].as_array().cloned().unwrap_or_default();
        true
    }
}

fn uuid() -> Uuid {
    Uuid::parse_str(&app::backend::auth::new_id(app::backend::Clock::default().now())).unwrap()
}

fn photo(seed: u64) -> (Vec<u8>, PhotoHash) {
    // JPEG magic and 40 KB that do not compress: like a downsized phone photo.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    bytes.extend((0..40_000).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    (bytes, PhotoHash::parse(&hash).unwrap())
}

async fn think(shared: &Shared, n: u64) {
    let ms = 150 + (n * 7919) % 600;
    tokio::time::sleep(Duration::from_millis(ms)).await;
    let _ = shared;
}

/// One road chief's phone.
async fn phone(shared: Arc<Shared>, chief: String, road: String, coordinates: Vec<[f64; 2]>, seed: u64) {
    let mut device =
        Device { client: sign_in(&shared, &chief).await, outbox: Vec::new(), cursor: None, pulled: vec![] };
    let week = IsoWeek::containing(app::backend::Clock::default().now()).to_string();
    let mut photos: Vec<(Uuid, Vec<u8>, PhotoHash)> = Vec::new();
    let mut closed: HashSet<String> = HashSet::new();
    let mut cycle = 0u64;
    device.outbox.push(OperationRequest {
        id: uuid(),
        op: Operation::StartInspection { road_id: road.clone(), week: week.clone() },
        sent_at: None,
    });
    loop {
        let stopping = shared.stop.load(Ordering::SeqCst);
        if stopping && device.outbox.is_empty() && photos.is_empty() {
            return;
        }
        if !stopping && device.outbox.is_empty() {
            cycle += 1;
            let n = seed * 1000 + cycle;
            // A finding with a photo, somewhere along the road.
            let (bytes, hash) = photo(n);
            let t = (n % 97) as f64 / 97.0;
            let (a, b) = (coordinates[0], coordinates[1]);
            let finding = NewFinding {
                id: uuid(),
                category: CATEGORIES[(n % CATEGORIES.len() as u64) as usize].into(),
                note: format!("{road} 第 {cycle} 次：门前堆放杂物，需要清理"),
                lon: a[0] + (b[0] - a[0]) * t,
                lat: a[1] + (b[1] - a[1]) * t,
                off_road_confirmed: false,
                observed_at: app::backend::Clock::default().now(),
                photos: vec![hash.clone()],
                taken: Vec::new(),
                urgent: false,
                visit_id: None,
                shop_id: None,
            };
            photos.push((finding.id, bytes, hash));
            let op = Operation::RecordFinding { road_id: road.clone(), week: week.clone(), finding };
            device.outbox.push(OperationRequest { id: uuid(), op, sent_at: None });
            // Close out what the sections resolved.
            for f in device.pulled.iter().filter(|f| f["status"] == "resolved") {
                let id = f["id"].as_str().unwrap_or_default().to_owned();
                if closed.insert(id.clone()) {
                    let op: Operation = serde_json::from_value(
                        json!({"kind": "move_finding", "finding_id": id, "move": "close_out", "note": "已核查，销号"}),
                    )
                    .unwrap();
                    device.outbox.push(OperationRequest { id: uuid(), op, sent_at: None });
                }
            }
            // Every fifth round the week's checklist is submitted (again: it adds up).
            if cycle.is_multiple_of(5) {
                let results: BTreeMap<String, CheckResult> =
                    CATEGORIES.iter().chain(&["illegal_structure"]).map(|c| (c.to_string(), CheckResult::Ok)).collect();
                let op = Operation::SubmitInspection {
                    road_id: road.clone(),
                    week: week.clone(),
                    results,
                    findings: vec![],
                };
                device.outbox.push(OperationRequest { id: uuid(), op, sent_at: None });
            }
        }
        if device.sync(&shared).await {
            // Photos go up once their finding is on the server.
            let mut still = Vec::new();
            for (finding, bytes, hash) in photos.drain(..) {
                let known = shared.tally.lock().unwrap().findings.contains(&finding);
                if !known {
                    still.push((finding, bytes, hash));
                    continue;
                }
                let started = Instant::now();
                let url = format!("{}/api/v1/findings/{finding}/photos/{hash}", shared.base);
                match device.client.put(url).body(bytes.clone()).send().await {
                    Ok(r) if r.status().as_u16() == 204 => {
                        shared.record(started, Ok(204));
                        shared.tally.lock().unwrap().photos += 1;
                    }
                    Ok(r) => {
                        shared.record(started, Ok(r.status().as_u16()));
                        still.push((finding, bytes, hash));
                    }
                    Err(_) => {
                        shared.record(started, Err(()));
                        still.push((finding, bytes, hash));
                    }
                }
            }
            photos = still;
        } else {
            tokio::time::sleep(Duration::from_millis(1000)).await;
        }
        think(&shared, seed + cycle).await;
    }
}

/// A section head at a desk: accepts what came in, resolves what is accepted.
async fn desk(shared: Arc<Shared>, head: String, seed: u64) {
    let mut device = Device { client: sign_in(&shared, &head).await, outbox: Vec::new(), cursor: None, pulled: vec![] };
    let mut moved: HashSet<(String, &'static str)> = HashSet::new();
    let mut round = 0u64;
    loop {
        round += 1;
        let stopping = shared.stop.load(Ordering::SeqCst);
        if stopping && device.outbox.is_empty() {
            return;
        }
        if !stopping && device.outbox.is_empty() {
            let started = Instant::now();
            let inbox =
                device.client.post(format!("{}/api/inbox", shared.base)).form(&[("filter", "all")]).send().await;
            let items: Vec<Value> = match inbox {
                Ok(r) => {
                    shared.record(started, Ok(r.status().as_u16()));
                    r.json::<Value>().await.ok().and_then(|v| v["items"].as_array().cloned()).unwrap_or_default()
                }
                Err(_) => {
                    shared.record(started, Err(()));
                    Vec::new()
                }
            };
            for item in items.iter().take(6) {
                let id = item["id"].as_str().unwrap_or_default().to_owned();
                let action = match item["status"].as_str() {
                    Some("routed") => "accept",
                    Some("accepted") => "resolve",
                    _ => continue,
                };
                if moved.insert((id.clone(), action)) {
                    let op: Operation = serde_json::from_value(
                        json!({"kind": "move_finding", "finding_id": id, "move": action, "note": "已安排人员处理"}),
                    )
                    .unwrap();
                    device.outbox.push(OperationRequest { id: uuid(), op, sent_at: None });
                }
            }
        }
        if !device.outbox.is_empty() && !device.sync(&shared).await {
            tokio::time::sleep(Duration::from_millis(1000)).await;
        }
        think(&shared, seed * 31 + round).await;
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn roads_and_chiefs(pool: &Pool) -> Vec<(String, String, Vec<[f64; 2]>)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT u.username, r.id, r.geometry FROM roads r JOIN users u ON u.id = r.chief_user_id ORDER BY u.username, r.id",
    )
    .fetch_all(pool.any())
    .await
    .unwrap();
    let mut seen = HashSet::new();
    rows.into_iter()
        .filter(|(chief, _, _)| seen.insert(chief.clone()))
        .map(|(chief, road, geometry)| (chief, road, serde_json::from_str(&geometry).unwrap()))
        .collect()
}

#[tokio::main]
async fn main() {
    let o = options();
    let mut server = Server::start(o.database_url.clone().unwrap_or_default()).await;
    let engine = if server.database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let pool = Pool::connect(&server.database_url).await.unwrap();
    let chiefs = roads_and_chiefs(&pool).await;
    assert!(chiefs.len() >= o.phones, "the demo has {} road chiefs, fewer than {} phones", chiefs.len(), o.phones);
    println!(
        "load test on {engine}: {} phones (road chiefs) and {} section heads for {} s{}",
        o.phones,
        HEADS.len(),
        o.seconds,
        if o.kill { ", the server killed (SIGKILL) and restarted halfway" } else { "" }
    );
    let shared = Arc::new(Shared {
        tally: Mutex::new(Tally::default()),
        down: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        base: server.url.clone(),
    });
    let mut tasks = Vec::new();
    for (i, (chief, road, coordinates)) in chiefs.into_iter().take(o.phones).enumerate() {
        tasks.push(tokio::spawn(phone(shared.clone(), chief, road, coordinates, i as u64 + 1)));
    }
    for (i, head) in HEADS.iter().enumerate() {
        tasks.push(tokio::spawn(desk(shared.clone(), head.to_string(), i as u64 + 101)));
    }
    let started = Instant::now();
    let mut restart = None;
    if o.kill {
        tokio::time::sleep(Duration::from_secs(o.seconds / 2)).await;
        shared.down.store(true, Ordering::SeqCst);
        restart = Some(server.kill_and_restart().await);
        shared.down.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(o.seconds - o.seconds / 2)).await;
    } else {
        tokio::time::sleep(Duration::from_secs(o.seconds)).await;
    }
    // No new work; every outbox is sent until the server has answered all of it.
    shared.stop.store(true, Ordering::SeqCst);
    let drain = Instant::now();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    server.stop();

    // Every client has stopped: the tally is taken out whole.
    let t = std::mem::take(&mut *shared.tally.lock().unwrap());
    let mut sorted = t.latencies_ms.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "  requests: {} in {:.0} s ({:.0}/s), drained in {:.1} s",
        sorted.len(),
        elapsed.as_secs_f64(),
        sorted.len() as f64 / elapsed.as_secs_f64(),
        drain.elapsed().as_secs_f64()
    );
    println!("  errors (5xx, timeouts, refused while up): {}", t.errors);
    if let Some(down) = restart {
        println!(
            "  killed and back in {:.1} s; {} requests failed while it was down and were sent again",
            down.as_secs_f64(),
            t.while_down
        );
    }
    println!(
        "  latency ms: p50 {:.1}, p95 {:.1}, p99 {:.1}, max {:.1}",
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.95),
        percentile(&sorted, 0.99),
        sorted.last().copied().unwrap_or(0.0)
    );
    println!("  server peak RSS: {:.1} MB", server.peak_rss_kb as f64 / 1024.0);
    let mut rejected: Vec<_> = t.rejected.iter().collect();
    rejected.sort();
    println!(
        "  operations applied: {} ({} findings, {} moves, {} photos); refused with a reason: {rejected:?}",
        t.applied_ops.len(),
        t.findings.len(),
        t.moves_applied,
        t.photos
    );

    // Exactly once: what the phones were told was applied is in the database once, and nothing else.
    let pool = Pool::connect(&server.database_url).await.unwrap();
    let ops: Vec<(String,)> = sqlx::query_as("SELECT id FROM operations").fetch_all(pool.any()).await.unwrap();
    let ops: Vec<Uuid> = ops.iter().map(|(id,)| Uuid::parse_str(id).unwrap()).collect();
    let findings: Vec<(String,)> = sqlx::query_as("SELECT id FROM findings").fetch_all(pool.any()).await.unwrap();
    let findings: HashSet<Uuid> = findings.iter().map(|(id,)| Uuid::parse_str(id).unwrap()).collect();
    let (history,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM finding_history").fetch_one(pool.any()).await.unwrap();
    let (uploaded,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM finding_photos WHERE uploaded_at IS NOT NULL")
        .fetch_one(pool.any())
        .await
        .unwrap();
    let checks = [
        (
            "every acknowledged operation stored once",
            ops.len() == t.applied_ops.len() && ops.iter().all(|id| t.applied_ops.contains(id)),
        ),
        ("findings are exactly the acknowledged ones", findings == t.findings),
        ("one history step per finding and per applied move", history as usize == t.findings.len() + t.moves_applied),
        ("every acknowledged photo stored", uploaded as usize == t.photos),
        ("no errors", t.errors == 0),
    ];
    let mut ok = true;
    for (what, holds) in checks {
        println!("  {}: {what}", if holds { "yes" } else { "NO " });
        ok &= holds;
    }
    pool.close().await;
    if o.keep {
        println!("  kept: {}", server.data_dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&server.data_dir);
    }
    std::process::exit(if ok { 0 } else { 1 });
}
