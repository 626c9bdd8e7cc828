//! Every route of the JSON API and every server function, called by someone without a session,
//! by each role, and by the wrong chief and the wrong section: each holds to who it says may
//! call it (`x-roles` in the OpenAPI document, `app::api::reads::CALLERS`). A route or server
//! function that says nothing fails this test.

use crate::helpers::*;
use crate::photos::{finding_with, hash_of, jpeg, put};
use app::api::reads::CALLERS;
use app::domain::Role;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// What a caller may get: anything but a refusal of who they are, or exactly such a refusal.
#[derive(Debug, PartialEq)]
enum Expect {
    Allowed,
    Unauthorized,
    Forbidden,
    /// The wrong chief or section: not theirs (403), or not even there for them (404).
    NotTheirs,
}

fn check(expect: &Expect, status: StatusCode, what: &str) {
    let ok = match expect {
        Expect::Allowed => status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
        Expect::Unauthorized => status == StatusCode::UNAUTHORIZED,
        Expect::Forbidden => status == StatusCode::FORBIDDEN,
        Expect::NotTheirs => status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
    };
    assert!(ok, "{what}: expected {expect:?}, got {status}");
    assert!(!status.is_server_error(), "{what}: {status}");
}

fn expect_for(roles: Option<&[Role]>, caller: Option<Role>) -> Expect {
    match (roles, caller) {
        (None, _) => Expect::Allowed,
        (Some(_), None) => Expect::Unauthorized,
        (Some(roles), Some(role)) if roles.contains(&role) => Expect::Allowed,
        (Some(_), Some(_)) => Expect::Forbidden,
    }
}

fn declared_roles(operation: &Value, what: &str) -> Option<Vec<Role>> {
    let names: Vec<&str> = operation["x-roles"]
        .as_array()
        .unwrap_or_else(|| panic!("{what} does not say who may call it (x-roles)"))
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    if names == ["anyone"] {
        return None;
    }
    Some(names.iter().map(|n| Role::parse(n).unwrap_or_else(|| panic!("{what}: unknown role {n}"))).collect())
}

#[tokio::test]
async fn every_route_and_server_function_holds_to_its_declared_callers() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    // chief01's sanitation finding with a photo: routed to urban management.
    let photo = jpeg(9);
    let hash = hash_of(&photo);
    let finding = finding_with(&app, &chief, vec![hash.clone()]).await;
    assert_eq!(put(&app, &chief, &finding, hash.as_str(), photo.clone()).await.status(), StatusCode::NO_CONTENT);
    let finding_id = finding.id.to_string();

    let callers: Vec<(Option<Role>, &str, Client)> = vec![
        (None, "nobody", app.anonymous()),
        (Some(Role::RoadChief), "chief01", chief),
        (Some(Role::SectionHead), "head_urban", app.user("head_urban").await),
        (Some(Role::Coordinator), "coordinator", app.user("coordinator").await),
    ];
    // Roles that may call a route, but not about chief01's finding.
    let strangers: Vec<(Role, &str, Client)> = vec![
        (Role::RoadChief, "chief02", app.user("chief02").await),
        (Role::SectionHead, "head_engineering", app.user("head_engineering").await),
    ];

    // The JSON API, from its own document. Signing out comes last: it ends the sessions.
    let doc: Value = app.anonymous().get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut operations: Vec<(String, String, Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    operations.sort_by_key(|(method, _, _)| method == "DELETE");
    assert!(operations.len() >= 17, "the document lists {} operations", operations.len());
    for (method, path, operation) in &operations {
        let what = format!("{method} {path}");
        let roles = declared_roles(operation, &what);
        let url = path
            .replace("{finding_id}", &finding_id)
            .replace("{hash}", hash.as_str())
            .replace("{code}", "sanitation")
            .replace("{year}", "2026");
        let url = if url.contains("/findings/{id}") {
            url.replace("{id}", &finding_id)
        } else if url.contains("/sections/{id}") {
            url.replace("{id}", "urban-management")
        } else {
            url.replace("{id}", "no-such-message")
        };
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for (role, name, client) in &callers {
            let response = client
                .request(method.clone(), app.url(&url))
                .header("content-type", "application/json")
                .body("{}")
                .send();
            let status = response.await.unwrap().status();
            check(&expect_for(roles.as_deref(), *role), status, &format!("{what} as {name}"));
        }
        // About chief01's finding, with a request that would otherwise go through.
        let about_the_finding = url.contains(&finding_id) || url.contains("/photos/");
        for (role, name, client) in strangers.iter().filter(|_| about_the_finding) {
            if !roles.as_deref().is_some_and(|r| r.contains(role)) {
                continue;
            }
            let request = client.request(method.clone(), app.url(&url));
            let request = match (method.as_str(), path.as_str()) {
                ("PUT", p) if p.ends_with("/board") => request.json(&serde_json::json!({"public": true})),
                ("PUT", p) if p.contains("/photos/") => request.body(photo.clone()),
                ("POST", p) if p.ends_with("/extension") => {
                    request.json(&serde_json::json!({"reason": "需要更多时间"}))
                }
                _ => request.header("content-type", "application/json").body("{}"),
            };
            let status = request.send().await.unwrap().status();
            check(&Expect::NotTheirs, status, &format!("{what} as {name}"));
        }
    }

    // The server functions, from the registry: every one must be in `CALLERS`.
    let week = app.week();
    let args = [("road_id", "market-road-1"), ("id", finding_id.as_str()), ("filter", "all"), ("week", week.as_str())];
    let fresh = [
        (None, "nobody", app.anonymous()),
        (Some(Role::RoadChief), "chief01", app.user("chief01").await),
        (Some(Role::SectionHead), "head_urban", app.user("head_urban").await),
        (Some(Role::Coordinator), "coordinator", app.user("coordinator").await),
    ];
    let strangers = [
        (Role::RoadChief, "chief02", app.user("chief02").await),
        (Role::SectionHead, "head_engineering", app.user("head_engineering").await),
    ];
    let mut seen = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.trim_start_matches("/api/");
        let roles = CALLERS
            .iter()
            .find(|(name, _)| *name == endpoint)
            .unwrap_or_else(|| panic!("server function {path} does not say who may call it (app::api::reads::CALLERS)"))
            .1;
        seen += 1;
        for (role, name, client) in &fresh {
            let status = client.post(app.url(path)).form(&args).send().await.unwrap().status();
            check(&expect_for(roles, *role), status, &format!("{path} as {name}"));
        }
        if ["inspection", "finding", "finding_notices", "street", "work_log"].contains(&endpoint) {
            for (role, name, client) in &strangers {
                if roles.is_some_and(|r| r.contains(role)) {
                    let status = client.post(app.url(path)).form(&args).send().await.unwrap().status();
                    check(&Expect::NotTheirs, status, &format!("{path} as {name}"));
                }
            }
        }
    }
    assert_eq!(seen, CALLERS.len(), "every declared server function exists");
}
