//! The OpenAPI document: served, complete, and saying who may call what.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_describes_every_route_with_its_roles() {
    let app = spawn_app().await;
    let response = app.anonymous().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    if let Ok(path) = std::env::var("ROADCHIEF_DUMP_OPENAPI") {
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for expected in
        ["/api/v1/session", "/api/v1/sync", "/api/v1/operations", "/api/v1/findings/{finding_id}/photos/{hash}"]
    {
        assert!(paths.contains_key(expected), "{expected} is described");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let roles = operation["x-roles"].as_array();
            assert!(roles.is_some_and(|r| !r.is_empty()), "{method} {path} says who may call it");
            assert!(operation["tags"].as_array().is_some_and(|t| t.len() == 1), "{method} {path} has one tag");
        }
    }
}
