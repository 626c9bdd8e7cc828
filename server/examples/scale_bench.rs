//! Scale figures: a database with a million findings (generated: two years of a city's
//! findings, nearly all closed, the last two weeks' still moving), then the section inbox and
//! the coordinator's overview read through the real server (server functions over HTTP), many
//! times each. Prints p50 and p99 beside the bars (inbox p99 ≤ 25 ms, overview p99 ≤ 100 ms).
//!
//!   .ci/scale [--postgres] [--findings 1000000]

use app::backend::auth::new_id;
use app::backend::Clock;
use app::domain::performance::{on_time, tenths_of_day, week_start};
use app::domain::time::Timestamp;
use leptos::config::LeptosOptions;
use serde_json::json;
use server::config::Config;
use server::startup::Application;
use std::collections::BTreeMap;
use std::time::Instant;

const DAY_MS: i64 = 86_400_000;
const WEEKS: i64 = 104;
const ROUNDS: usize = 200;
/// Rows per INSERT statement, and per transaction.
const PER_STATEMENT: usize = 200;
const PER_TRANSACTION: usize = 20_000;

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    None
}

/// A cheap deterministic mix, so every run generates the same city.
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

struct Finding {
    id: String,
    road: usize,
    category: usize,
    received: i64,
    status: &'static str,
    deadline: i64,
    /// (to_status, at) for every step after routing.
    steps: Vec<(&'static str, i64)>,
}

fn generate(i: u64, now: i64, roads: usize, categories: usize) -> Finding {
    let r = mix(i);
    let age = (r % (WEEKS as u64 * 7 * DAY_MS as u64)) as i64;
    let received = now - age;
    let days = [5, 2, 5, 3, 5, 3, 3, 3, 5, 1][(i as usize) % 10];
    let deadline = received + days * DAY_MS * 7 / 5;
    let accepted = received + (r >> 8) as i64 % (6 * 3_600_000) + 600_000;
    let resolved = accepted + (r >> 16) as i64 % (days * DAY_MS * 3 / 2);
    let closed = resolved + (r >> 24) as i64 % (2 * DAY_MS) + 3_600_000;
    let pick = (r >> 40) % 100;
    let recent = age < 14 * DAY_MS;
    let status = match (recent, pick) {
        (true, 0..=24) => "routed",
        (true, 25..=49) => "accepted",
        (true, 50..=69) => "resolved",
        (true, 70..=70) => "returned",
        (true, _) => "closed",
        (false, 0..=0) => "resolved",
        (false, _) => "closed",
    };
    let mut steps = Vec::new();
    match status {
        "routed" => {}
        "returned" => steps.push(("returned", accepted.min(now))),
        _ => {
            steps.push(("accepted", accepted.min(now)));
            if status != "accepted" {
                steps.push(("resolved", resolved.min(now)));
            }
            if status == "closed" {
                steps.push(("closed", closed.min(now)));
            }
        }
    }
    Finding {
        id: new_id(Timestamp(received)),
        road: (r >> 48) as usize % roads,
        category: i as usize % categories,
        received,
        status,
        deadline,
        steps,
    }
}

async fn fill(pool: &app::backend::Pool, n: usize, now: i64) {
    let any = pool.any();
    let roads: Vec<(String, String)> =
        sqlx::query_as("SELECT id, chief_user_id FROM roads ORDER BY id").fetch_all(any).await.unwrap();
    let categories: Vec<(String, String)> =
        sqlx::query_as("SELECT code, section_id FROM categories ORDER BY code").fetch_all(any).await.unwrap();
    let started = Instant::now();
    let mut history = 0usize;
    // The review numbers the store counts as findings move, counted here for the generated ones.
    let mut weeks: BTreeMap<(String, i64), [i64; 4]> = BTreeMap::new();
    let mut close_times: BTreeMap<(String, i64, i64), i64> = BTreeMap::new();
    for start in (0..n).step_by(PER_TRANSACTION) {
        let mut tx = any.begin().await.unwrap();
        let batch: Vec<Finding> = (start..(start + PER_TRANSACTION).min(n))
            .map(|i| generate(i as u64, now, roads.len(), categories.len()))
            .collect();
        for chunk in batch.chunks(PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO findings (id, inspection_id, road_id, category_code, note, lon, lat, along_m, off_road_m, \
                 off_road_confirmed, observed_at, received_at, reported_by_user_id, status, section_id, deadline_at, \
                 updated_at, urgent, change_seq) VALUES ",
            );
            let mut steps = String::from(
                "INSERT INTO finding_history (id, finding_id, seq, at, actor_user_id, from_status, to_status, section_id, \
                 deadline_at, note, deadline_rule) VALUES ",
            );
            let mut first_step = true;
            for (k, f) in chunk.iter().enumerate() {
                let (road, chief) = &roads[f.road];
                let (category, section) = &categories[f.category];
                let updated = f.steps.last().map_or(f.received, |s| s.1);
                if k > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "('{id}', NULL, '{road}', '{category}', '门前堆放杂物', 120.32, 36.07, 100.0, 0.0, 0, {r}, {r}, \
                     '{chief}', '{status}', '{section}', {d}, {updated}, 0, {seq})",
                    id = f.id,
                    r = f.received,
                    status = f.status,
                    d = f.deadline,
                    seq = start + k + 1,
                ));
                let mut from = None::<&str>;
                let mut all = vec![("routed", f.received)];
                for (i, (to, at)) in std::iter::once(("routed", f.received)).chain(f.steps.iter().copied()).enumerate()
                {
                    let week = week_start(Timestamp(at)).millis();
                    let tally = weeks.entry((section.clone(), week)).or_default();
                    tally[0] += i64::from(i == 0);
                    if to == "resolved" {
                        tally[1] += 1;
                        tally[2] += i64::from(on_time(Timestamp(at), Timestamp(f.deadline)));
                    }
                    if to == "closed" {
                        tally[3] += 1;
                        *close_times.entry((section.clone(), week, tenths_of_day(at - f.received))).or_default() += 1;
                    }
                }
                all.extend(f.steps.iter().copied());
                for (seq, (to, at)) in all.into_iter().enumerate() {
                    if !first_step {
                        steps.push(',');
                    }
                    first_step = false;
                    let deadline = if seq == 0 { f.deadline.to_string() } else { "NULL".into() };
                    let rule = if seq == 0 { "'working_days:3'" } else { "NULL" };
                    steps.push_str(&format!(
                        "('{}', '{}', {}, {at}, '{chief}', {}, '{to}', '{section}', {deadline}, NULL, {rule})",
                        new_id(Timestamp(at)),
                        f.id,
                        seq + 1,
                        from.map_or("NULL".to_owned(), |s| format!("'{s}'")),
                    ));
                    from = Some(to);
                    history += 1;
                }
            }
            sqlx::query(&sql).execute(&mut *tx).await.unwrap();
            sqlx::query(&steps).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let mut tx = any.begin().await.unwrap();
    let rows: Vec<String> = weeks
        .iter()
        .map(|((section, week), t)| format!("('{section}', {week}, {}, {}, {}, {})", t[0], t[1], t[2], t[3]))
        .collect();
    for chunk in rows.chunks(PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO section_weeks (section_id, week_start, reported, resolved, resolved_on_time, closed) VALUES {}",
            chunk.join(",")
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    let rows: Vec<String> = close_times
        .iter()
        .map(|((section, week, tenths), n)| format!("('{section}', {week}, {tenths}, {n})"))
        .collect();
    for chunk in rows.chunks(PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO section_close_times (section_id, week_start, tenths, closings) VALUES {}",
            chunk.join(",")
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("UPDATE counters SET value = $1 WHERE name = 'finding_changes'")
        .bind(n as i64)
        .execute(any)
        .await
        .unwrap();
    // Fresh statistics, as an operator's nightly ANALYZE would leave them.
    sqlx::query("ANALYZE").execute(any).await.unwrap();
    println!("  generated {n} findings and {history} history steps in {:.0} s", started.elapsed().as_secs_f64());
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn time(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (f64, f64, usize) {
    let mut ms = Vec::with_capacity(ROUNDS);
    let mut bytes = 0;
    for round in 0..ROUNDS + 10 {
        let started = Instant::now();
        let response = client.post(url).form(form).send().await.unwrap();
        assert!(response.status().is_success(), "{url}: {}", response.status());
        bytes = response.bytes().await.unwrap().len();
        if round >= 10 {
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.99), bytes)
}

#[tokio::main]
async fn main() {
    let n: usize = arg("--findings").and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("road-chief-scale-{}", new_id(Clock::default().now())));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = arg("--database-url").unwrap_or_else(|| format!("sqlite://{}", dir.join("scale.db").display()));
    let engine = if database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let config = Config::demo_on_free_port(dir.clone(), database_url);
    let options =
        LeptosOptions::builder().output_name("road-chief").site_root("target/site").site_pkg_dir("pkg").build();
    let app = Application::build(&config, options, Clock::default()).await.unwrap();
    let base = format!("http://{}", app.address());
    println!("scale on {engine}:");
    fill(&app.state.pool, n, app.state.clock.now().millis()).await;
    tokio::spawn(app.run());

    let sign_in = |user: &'static str| {
        let base = base.clone();
        async move {
            let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
            let r = client
                .post(format!("{base}/api/v1/session"))
                .json(&json!({"username": user, "password": server::demo::DEMO_PASSWORD}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
            client
        }
    };
    let head = sign_in("head_urban").await;
    let coordinator = sign_in("coordinator").await;
    let (p50, p99, bytes) = time(&head, &format!("{base}/api/inbox"), &[("filter", "open")]).await;
    println!(
        "  section inbox (urban management, open):  p50 {p50:>6.1} ms  p99 {p99:>6.1} ms  ({} KB)  bar: p99 ≤ 25 ms",
        bytes / 1024
    );
    let (p50, p99, bytes) = time(&coordinator, &format!("{base}/api/overview"), &[]).await;
    println!(
        "  coordinator overview (this week):        p50 {p50:>6.1} ms  p99 {p99:>6.1} ms  ({} KB)  bar: p99 ≤ 100 ms",
        bytes / 1024
    );
    let _ = std::fs::remove_dir_all(&dir);
}
