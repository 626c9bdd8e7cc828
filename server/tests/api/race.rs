//! The race board: figures counted per month, ranked by the written rules, shown to each reader
//! as they may see it, exported for the coordinator.

use crate::helpers::*;
use app::domain::race::Period;
use reqwest::StatusCode;
use serde_json::Value;

/// The row of a section (by id) or a chief (by name).
fn row<'a>(rows: &'a Value, who: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["who"]["id"] == who || r["who"]["name_zh"] == who)
        .unwrap_or_else(|| panic!("{who} not among {} rows", rows.as_array().unwrap().len()))
}

fn cell<'a>(row: &'a Value, measure: &str) -> &'a Value {
    row["cells"].as_array().unwrap().iter().find(|c| c["measure"] == measure).unwrap()
}

#[tokio::test]
async fn a_month_ranked_by_rates_with_too_few_cases_unranked_and_each_reader_seeing_their_own() {
    let app = spawn_app().await;
    // 10:00 on the first of next month, so that the whole story falls within one month.
    let first = Period::containing(app.now(), true).next().span().0;
    app.state.clock.advance(first.millis() - app.now().millis() + 10 * 3_600_000);
    let month = Period::containing(app.now(), true).to_string();

    // Chief01 submits Market Road 1 with five sanitation problems and five street stalls.
    let chief = app.user("chief01").await;
    let mut findings = Vec::new();
    for i in 0..5 {
        findings.push(app.finding(&chief, "market-road-1", "sanitation", &format!("垃圾 {i}")).await);
        findings.push(app.finding(&chief, "market-road-1", "street_occupation", &format!("占道 {i}")).await);
    }
    let response = app.send(&chief, new_uuid(), &submit(&app, "market-road-1", findings.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ids = |category: &str| -> Vec<String> {
        findings.iter().filter(|f| f.category == category).map(|f| f.id.to_string()).collect()
    };
    let (rubbish, stalls) = (ids("sanitation"), ids("street_occupation"));

    // Law enforcement resolves all five at once; urban management four, and returns the fifth,
    // which the coordinator sends back and which is then resolved after its deadline.
    let (urban, enforcement, coordinator) =
        (app.user("head_urban").await, app.user("head_enforcement").await, app.user("coordinator").await);
    for id in &stalls {
        assert_eq!(
            app.send(&enforcement, new_uuid(), &move_op(id, "resolve", Some("已清理"), None)).await.status(),
            StatusCode::OK
        );
    }
    for id in &rubbish[..4] {
        assert_eq!(
            app.send(&urban, new_uuid(), &move_op(id, "resolve", Some("已清运"), None)).await.status(),
            StatusCode::OK
        );
    }
    let last = &rubbish[4];
    assert_eq!(
        app.send(&urban, new_uuid(), &move_op(last, "return", Some("不归我们"), None)).await.status(),
        StatusCode::OK
    );
    let sent_back = move_op(last, "send_back", Some("人行道保洁属城管"), None);
    assert_eq!(app.send(&coordinator, new_uuid(), &sent_back).await.status(), StatusCode::OK);
    // Twelve days: late after any holiday.
    app.state.clock.advance(12 * 86_400_000);
    assert_eq!(
        app.send(&urban, new_uuid(), &move_op(last, "resolve", Some("已清运"), None)).await.status(),
        StatusCode::OK
    );
    // The chief closes out three of the stalls.
    for id in &stalls[..3] {
        assert_eq!(app.send(&chief, new_uuid(), &move_op(id, "close_out", None, None)).await.status(), StatusCode::OK);
    }
    app.state.clock.advance(86_400_000);

    let board = app.read_ok(&coordinator, "race", &[("period", &month)]).await;
    assert_eq!(
        (board["period"].as_str(), board["monthly"].as_bool(), board["everyone"].as_bool()),
        (Some(month.as_str()), Some(true), Some(true))
    );
    let weeks = board["weeks_due"].as_u64().unwrap();
    assert!(weeks >= 1, "{board}");

    // Sections: on time 5/5 beats 4/5; the rest resolved nothing: too few to rank.
    let sections = &board["sections"];
    let on_time = |id: &str| cell(row(sections, id), "on_time").clone();
    assert_eq!(on_time("law-enforcement")["figure"]["value"], 1.0);
    assert_eq!(on_time("law-enforcement")["place"], serde_json::json!({"standing": "ranked", "place": 1, "of": 2}));
    assert_eq!(on_time("urban-management")["figure"]["value"], 0.8);
    assert_eq!(on_time("urban-management")["place"]["place"], 2);
    assert_eq!(on_time("engineering")["place"]["standing"], "too_few");
    // One return, overruled: a rate of 1 over one case, below the minimum of three.
    let overruled = cell(row(sections, "urban-management"), "returns_overruled");
    assert_eq!((overruled["figure"]["value"].as_f64(), overruled["figure"]["cases"].as_u64()), (Some(1.0), Some(1)));
    assert_eq!(overruled["place"]["standing"], "too_few");
    assert_eq!(sections[0]["who"]["id"], "law-enforcement", "best overall first");

    // Chiefs: chief01 inspected one road of two in the first week due, nobody else anything.
    let chiefs = &board["chiefs"];
    let mine = row(chiefs, "王建国");
    let inspected = cell(mine, "inspections_on_time");
    let expected = 1.0 / (2.0 * weeks as f64);
    assert!((inspected["figure"]["value"].as_f64().unwrap() - expected).abs() < 1e-9, "{inspected}");
    assert_eq!(inspected["place"]["place"], 1);
    let tied = cell(row(chiefs, "李秀英"), "inspections_on_time");
    assert_eq!(tied["place"]["place"], 2, "every other chief shares second place: {tied}");
    assert_eq!(cell(mine, "days_to_close")["place"], serde_json::json!({"standing": "ranked", "place": 1, "of": 1}));
    assert_eq!(chiefs[0]["who"]["name_zh"], "王建国");
    assert_eq!(mine["mine"], false, "the coordinator has no row of their own");

    // A chief sees their own row, with what would move them up; a section head their section's.
    let chief02 = app.user("chief02").await;
    let own = app.read_ok(&chief02, "race", &[("period", &month)]).await;
    assert_eq!(own["everyone"], false);
    assert_eq!((own["chiefs"].as_array().unwrap().len(), own["sections"].as_array().unwrap().len()), (1, 0));
    assert_eq!(own["chiefs"][0]["who"]["name_zh"], "李秀英");
    let up = cell(&own["chiefs"][0], "inspections_on_time")["to_move_up"].as_f64().unwrap();
    assert!((up - expected).abs() < 1e-9, "reach chief01's figure");
    let own = app.read_ok(&urban, "race", &[("period", &month)]).await;
    assert_eq!(
        (own["chiefs"].as_array().unwrap().len(), own["sections"][0]["who"]["id"].as_str()),
        (0, Some("urban-management"))
    );
    assert_eq!(cell(&own["sections"][0], "on_time")["to_move_up"], 1.0);

    // The export: the coordinator's, in their language.
    let response = coordinator.get(app.url(&format!("/api/v1/race.csv?period={month}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}周期,类别,名称,总名次,指标,数值,案例数,名次"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains("按期办结率") && text.contains("执法中队") && text.contains("样本不足"));
    let refused = chief.get(app.url(&format!("/api/v1/race.csv?period={month}"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Periods that are not periods, or have not begun.
    let response = app.read(&coordinator, "race", &[("period", "2026-13")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "malformed");
    let later = Period::containing(app.now(), true).next().next().to_string();
    assert_eq!(app.read(&coordinator, "race", &[("period", &later)]).await.status(), StatusCode::NOT_FOUND);
    // None given: last week's board.
    let last_week = app.read_ok(&coordinator, "race", &[]).await;
    assert_eq!(last_week["monthly"], false);
}
