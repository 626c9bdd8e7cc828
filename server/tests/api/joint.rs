//! Joint cases (联合处置): the coordinator gives assisting sections their tasks, each answers
//! its own or is released by the coordinator with a reason, the lead resolves only when no task
//! is open, one timeline shows every party's steps, and a late task is reminded and escalated
//! on its own deadline, once.

use crate::helpers::*;
use crate::notifications::record_sanitation;
use app::api::joint::AssistingTask;
use app::api::operations::Operation;
use app::backend::schedule;
use app::domain::calendar::shipped;
use app::domain::reminder::due_soon_at;
use app::domain::time::Timestamp;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn make(finding: &str, tasks: &[(&str, &str)]) -> Operation {
    Operation::MakeJoint {
        finding_id: finding.parse().unwrap(),
        tasks: tasks.iter().map(|(s, t)| AssistingTask { section_id: (*s).into(), task: (*t).into() }).collect(),
    }
}

fn answer(finding: &str, note: &str) -> Operation {
    Operation::AnswerTask { finding_id: finding.parse().unwrap(), note: note.into() }
}

fn waive(finding: &str, section: &str, reason: &str) -> Operation {
    Operation::WaiveTask { finding_id: finding.parse().unwrap(), section_id: section.into(), reason: reason.into() }
}

async fn apply(app: &TestApp, client: &Client, op: &Operation) -> (StatusCode, String) {
    let response = app.send(client, new_uuid(), op).await;
    let status = response.status();
    if status.is_success() {
        return (status, String::new());
    }
    let (status, code, _) = error_code(response).await;
    (status, code)
}

async fn detail(app: &TestApp, client: &Client, id: &str) -> Value {
    app.read_ok(client, "finding", &[("id", id)]).await
}

fn move_clock_to(app: &TestApp, at: Timestamp) {
    app.state.clock.advance(at.millis() - app.now().millis());
}

#[tokio::test]
async fn two_assisting_sections_one_waived_and_the_lead_closes_out_after_them() {
    let app = spawn_app().await;
    let id = record_sanitation(&app, "占道堆放建筑垃圾，需联合清理").await;
    let coordinator = app.user("coordinator").await;
    let lead = app.user("head_urban").await;
    let enforcement = app.user("head_enforcement").await;
    let engineering = app.user("head_engineering").await;
    let chief = app.user("chief01").await;
    let (ok, bad, forbidden, conflict) =
        (StatusCode::OK, StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN, StatusCode::CONFLICT);

    // Refused, with nothing written.
    let before = app.footprint().await;
    let tasks = [("law-enforcement", "依法查处占道经营")];
    assert_eq!(apply(&app, &lead, &make(&id, &tasks)).await, (forbidden, "forbidden".into()), "the coordinator's");
    assert_eq!(apply(&app, &coordinator, &make(&id, &[])).await, (bad, "joint_no_assisting".into()));
    let own = [("urban-management", "自己协办")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &own)).await, (bad, "joint_section_twice".into()));
    let twice = [("law-enforcement", "一"), ("law-enforcement", "二")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &twice)).await, (bad, "joint_section_twice".into()));
    let unknown = [("no-such-section", "任务")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &unknown)).await, (bad, "unknown_section".into()));
    let empty = [("law-enforcement", "  ")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &empty)).await, (bad, "note_empty".into()));
    let eight: Vec<(&str, &str)> = [
        "law-enforcement",
        "engineering",
        "traffic-police",
        "food-drug",
        "industry-commerce",
        "work-safety",
        "party-masses",
        "engineering",
    ]
    .into_iter()
    .map(|s| (s, "协办"))
    .collect();
    assert_eq!(apply(&app, &coordinator, &make(&id, &eight)).await, (bad, "joint_too_many".into()));
    assert_eq!(app.footprint().await, before, "a refused plan writes nothing");
    assert_eq!(app.read(&enforcement, "finding", &[("id", &id)]).await.status(), forbidden, "not assisting yet");

    // Made joint: each assisting section has its task and a deadline from the category's rule.
    let tasks = [("law-enforcement", "依法查处占道经营"), ("engineering", "清运建筑垃圾")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &tasks)).await.0, ok);
    let again = [("law-enforcement", "再次交办")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &again)).await, (bad, "joint_section_twice".into()));
    let page = detail(&app, &coordinator, &id).await;
    let joint = page["joint"].as_array().unwrap();
    assert_eq!(joint.len(), 2);
    assert!(joint.iter().all(|t| t["status"] == "open" && t["overdue"] == false), "{joint:?}");
    let deadline = joint[0]["deadline"].as_i64().unwrap();
    assert!(deadline > app.now().millis() + 24 * 3600 * 1000, "working days ahead");
    assert_eq!(joint[1]["deadline"], joint[0]["deadline"], "the same rule from the same moment");
    assert_eq!(page["may_waive_tasks"], true);
    let offered: Vec<&str> =
        page["joint_targets"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(!offered.contains(&"urban-management") && !offered.contains(&"engineering") && offered.len() == 5);

    // Each assisting section sees its task in its inbox and on the finding; it moves nothing else.
    let inbox = app.read_ok(&enforcement, "inbox", &[("filter", "open")]).await;
    let listed = &inbox["tasks"][0];
    assert_eq!(
        (listed["finding"]["id"].as_str(), listed["lead"]["id"].as_str()),
        (Some(id.as_str()), Some("urban-management"))
    );
    assert_eq!(listed["task"], "依法查处占道经营");
    let seen = detail(&app, &enforcement, &id).await;
    assert_eq!((seen["may_answer_task"].as_bool(), seen["moves"].as_array().map(Vec::len)), (Some(true), Some(0)));
    assert_eq!(apply(&app, &enforcement, &move_op(&id, "accept", None, None)).await.0, forbidden);
    assert_eq!(apply(&app, &lead, &answer(&id, "我是牵头科室")).await.0, forbidden, "the lead has no task");

    // The lead may not resolve while a task is open.
    assert_eq!(apply(&app, &lead, &move_op(&id, "accept", None, None)).await.0, ok);
    let resolve = move_op(&id, "resolve", Some("已清理"), None);
    assert_eq!(apply(&app, &lead, &resolve).await, (conflict, "tasks_open".into()));
    assert_eq!(detail(&app, &lead, &id).await["summary"]["status"], "accepted", "nothing moved");

    // One answers (once); the coordinator waives the other, with a reason.
    assert_eq!(apply(&app, &enforcement, &answer(&id, "已责令商户清除占道物品")).await.0, ok);
    assert_eq!(apply(&app, &enforcement, &answer(&id, "再答一次")).await, (conflict, "task_not_open".into()));
    assert_eq!(apply(&app, &lead, &resolve).await, (conflict, "tasks_open".into()), "one still open");
    assert_eq!(apply(&app, &engineering, &waive(&id, "engineering", "自己免除")).await.0, forbidden);
    assert_eq!(apply(&app, &coordinator, &waive(&id, "engineering", "")).await, (bad, "note_empty".into()));
    assert_eq!(apply(&app, &coordinator, &waive(&id, "engineering", "垃圾已由环卫清运")).await.0, ok);
    assert_eq!(
        apply(&app, &coordinator, &waive(&id, "engineering", "再免一次")).await,
        (conflict, "task_not_open".into())
    );
    assert_eq!(detail(&app, &engineering, &id).await["may_answer_task"], false, "waived: nothing to answer");

    // Now the lead resolves and the chief closes out (销号).
    assert_eq!(apply(&app, &lead, &resolve).await.0, ok);
    assert_eq!(apply(&app, &chief, &move_op(&id, "close_out", Some("现场核实"), None)).await.0, ok);

    // One timeline: every party's steps, in order.
    let notices = app.read_ok(&chief, "finding_notices", &[("id", &id)]).await;
    let kinds: Vec<&str> = notices.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    for kind in ["task_given", "task_done", "task_waived"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let waived = notices.as_array().unwrap().iter().find(|n| n["kind"] == "task_waived").unwrap();
    assert_eq!((waived["note"].as_str(), waived["actor"].is_string()), (Some("垃圾已由环卫清运"), true));
    assert_eq!(notices.as_array().unwrap().iter().filter(|n| n["kind"] == "task_given").count(), 2);
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    assert_eq!(overview["joint"]["cases"], 0, "closed out: no longer counted");
}

#[tokio::test]
async fn a_late_task_is_reminded_then_escalated_once_and_counted_against_its_section() {
    let app = spawn_app().await;
    let id = record_sanitation(&app, "违规设置户外广告牌").await;
    let coordinator = app.user("coordinator").await;
    let tasks = [("law-enforcement", "拆除违规广告牌")];
    assert_eq!(apply(&app, &coordinator, &make(&id, &tasks)).await.0, StatusCode::OK);
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    assert_eq!((overview["joint"]["cases"].as_u64(), overview["joint"]["open_tasks"].as_u64()), (Some(1), Some(1)));
    let deadline = Timestamp(detail(&app, &coordinator, &id).await["joint"][0]["deadline"].as_i64().unwrap());

    move_clock_to(&app, due_soon_at(deadline, &shipped()));
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().task_due_soon, 1);
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().task_due_soon, 0, "once");

    move_clock_to(&app, Timestamp(deadline.millis() + 1000));
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().task_overdue, 1);
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().task_overdue, 0, "once");
    let (escalated,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM joint_tasks WHERE escalated_at IS NOT NULL")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(escalated, 1);
    let task = &detail(&app, &coordinator, &id).await["joint"][0];
    assert_eq!((task["status"].as_str(), task["overdue"].as_bool()), (Some("open"), Some(true)));
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    assert_eq!(overview["joint"]["late_tasks"], 1);
    assert_eq!(overview["joint"]["late_by_section"][0]["section"]["id"], "law-enforcement");
    let enforcement = app.user("head_enforcement").await;
    assert_eq!(app.read_ok(&enforcement, "inbox", &[("filter", "open")]).await["tasks"][0]["overdue"], true);

    // The task's own reminders are in the finding's timeline.
    let notices = app.read_ok(&coordinator, "finding_notices", &[("id", &id)]).await;
    let kinds: Vec<&str> = notices.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(kinds.iter().filter(|k| **k == "overdue").count() >= 1, "{kinds:?}");
}
