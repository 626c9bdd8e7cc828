//! Every read and write checks role and ownership on the server: refused with 401/403 and
//! nothing changed.

use crate::helpers::*;
use reqwest::StatusCode;

async fn one_routed_finding(app: &TestApp) -> String {
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-1", "road_damage", "坑洼").await;
    let id = f.id.to_string();
    assert_eq!(app.send(&chief, new_uuid(), &submit(app, "market-road-1", vec![f])).await.status(), StatusCode::OK);
    id
}

#[tokio::test]
async fn a_chief_cannot_touch_another_chiefs_road() {
    let app = spawn_app().await;
    let other = app.user("chief02").await;
    let before = app.footprint().await;
    let f = app.finding(&app.user("chief01").await, "market-road-1", "sanitation", "垃圾").await;
    let (status, code, _) =
        error_code(app.send(&other, new_uuid(), &submit(&app, "market-road-1", vec![f])).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let start = app_ops::start_raw(&app, &other, "market-road-1").await;
    assert_eq!(start.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.footprint().await, before);
    // Reading it is refused too.
    let response = app.read(&other, "inspection", &[("road_id", "market-road-1")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn moves_belong_to_their_party() {
    let app = spawn_app().await;
    let id = one_routed_finding(&app).await;
    let before = app.footprint().await;
    let cases = [
        ("head_traffic", "accept"),      // another section's head
        ("chief01", "accept"),           // the chief is not the section
        ("coordinator", "resolve"),      // the coordinator does not resolve
        ("head_engineering", "reroute"), // only the coordinator re-routes
        ("chief02", "close_out"),        // not this road's chief
    ];
    for (user, action) in cases {
        let client = app.user(user).await;
        let note = Some("说明");
        let section = (action == "reroute").then_some("work-safety");
        let (status, code, _) =
            error_code(app.send(&client, new_uuid(), &move_op(&id, action, note, section)).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user} {action}: {code}");
    }
    assert_eq!(app.footprint().await, before);

    // The right party, but an illegal move: 409 with a reason.
    let chief = app.user("chief01").await;
    let (status, code, message) =
        error_code(app.send(&chief, new_uuid(), &move_op(&id, "close_out", None, None)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "illegal_transition"));
    assert!(!message.is_empty());
    assert_eq!(app.footprint().await, before);
}

#[tokio::test]
async fn reads_are_limited_to_what_each_role_may_see() {
    let app = spawn_app().await;
    let id = one_routed_finding(&app).await;
    let traffic = app.user("head_traffic").await;
    assert_eq!(app.read(&traffic, "finding", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.read(&traffic, "overview", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.read(&traffic, "chief_home", &[]).await.status(), StatusCode::FORBIDDEN);
    let other_chief = app.user("chief05").await;
    assert_eq!(app.read(&other_chief, "finding", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.read(&other_chief, "inbox", &[("filter", "open")]).await.status(), StatusCode::FORBIDDEN);
    // The engineering head, the coordinator and the road's chief may read it.
    for user in ["head_engineering", "coordinator", "chief01"] {
        let client = app.user(user).await;
        app.read_ok(&client, "finding", &[("id", &id)]).await;
    }
    let unknown = new_uuid().to_string();
    assert_eq!(
        app.read(&app.user("coordinator").await, "finding", &[("id", &unknown)]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn without_a_session_nothing_is_read_or_written() {
    let app = spawn_app().await;
    let id = one_routed_finding(&app).await;
    let nobody = app.anonymous();
    let before = app.footprint().await;
    let (status, code, _) = error_code(app.send(&nobody, new_uuid(), &move_op(&id, "accept", None, None)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "unauthorized"));
    assert_eq!(app.read(&nobody, "chief_home", &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.read(&nobody, "finding", &[("id", &id)]).await.status(), StatusCode::UNAUTHORIZED);
    // Pages send the visitor to the sign-in page.
    let response = nobody.get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    assert_eq!(nobody.get(app.url("/login")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.footprint().await, before);
}
