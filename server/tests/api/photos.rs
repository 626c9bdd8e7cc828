//! Photos: declared with a finding, uploaded one by one, content-addressed, private.

use crate::helpers::*;
use app::api::operations::{NewFinding, Operation, OperationRequest};
use app::domain::photo::PhotoHash;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

pub fn hash_of(bytes: &[u8]) -> PhotoHash {
    PhotoHash::parse(&Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()).unwrap()
}

pub fn jpeg(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..2000u32).map(|i| (i as u8).wrapping_mul(seed)));
    bytes
}

/// A finding on chief01's road with the given photos declared, synced.
pub async fn finding_with(app: &TestApp, chief: &reqwest::Client, photos: Vec<PhotoHash>) -> NewFinding {
    let mut f = app.finding(chief, "market-road-2", "sanitation", "垃圾").await;
    f.photos = photos;
    let op = Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding: f.clone() };
    let answer = app.sync_ok(chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    assert_eq!(answer["results"][0]["result"], "applied", "{answer}");
    f
}

pub async fn put(
    app: &TestApp,
    client: &reqwest::Client,
    finding: &NewFinding,
    hash: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client.put(app.url(&format!("/api/v1/findings/{}/photos/{hash}", finding.id))).body(body).send().await.unwrap()
}

#[tokio::test]
async fn a_declared_photo_uploads_once_and_only_allowed_users_see_it() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let photo = jpeg(7);
    let hash = hash_of(&photo);
    let f = finding_with(&app, &chief, vec![hash.clone()]).await;

    assert_eq!(put(&app, &chief, &f, hash.as_str(), photo.clone()).await.status(), StatusCode::NO_CONTENT);
    // Resent after a lost answer: fine, and still one file.
    assert_eq!(put(&app, &chief, &f, hash.as_str(), photo.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.state.settings.photos.get(&hash).await.unwrap(), photo, "kept whole");

    for who in ["chief01", "head_urban", "coordinator"] {
        let client = app.user(who).await;
        let response = client.get(app.url(&format!("/api/v1/photos/{hash}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{who}");
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert_eq!(response.bytes().await.unwrap().to_vec(), photo);
    }
    for who in ["chief02", "head_traffic"] {
        let client = app.user(who).await;
        let response = client.get(app.url(&format!("/api/v1/photos/{hash}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let detail = app.read_ok(&chief, "finding", &[("id", &f.id.to_string())]).await;
    let shown = &detail["photos"][0];
    assert_eq!(
        (shown["hash"].as_str(), shown["uploaded"].as_bool(), shown["public"].as_bool()),
        (Some(hash.as_str()), Some(true), Some(false))
    );
    assert_eq!(detail["photos"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_clear_reason_and_store_nothing() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let photo = jpeg(3);
    let pdf = b"%PDF-1.7 not a photo".to_vec();
    let f = finding_with(&app, &chief, vec![hash_of(&photo), hash_of(&pdf)]).await;

    let cases = [
        (hash_of(&pdf).to_string(), pdf.clone(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_an_image"),
        (hash_of(&photo).to_string(), jpeg(4), StatusCode::BAD_REQUEST, "photo_hash_mismatch"),
        (hash_of(&jpeg(5)).to_string(), jpeg(5), StatusCode::NOT_FOUND, "not_found"),
        (
            hash_of(&photo).to_string(),
            vec![0xFF; 10 * 1024 * 1024 + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
    ];
    for (hash, body, status, code) in cases {
        let (s, c, message) = error_code(put(&app, &chief, &f, &hash, body).await).await;
        assert_eq!((s, c.as_str()), (status, code));
        assert!(!message.is_empty());
    }
    // Another chief cannot upload to this finding.
    let other = app.user("chief02").await;
    assert_eq!(put(&app, &other, &f, hash_of(&photo).as_str(), photo.clone()).await.status(), StatusCode::FORBIDDEN);
    let (uploaded,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM finding_photos WHERE uploaded_at IS NOT NULL")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(uploaded, 0);
    assert!(app.state.settings.photos.get(&hash_of(&photo)).await.is_err(), "nothing stored");
}

#[tokio::test]
async fn at_most_four_photos_per_finding() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut f = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    f.photos = (1..=5).map(|i| hash_of(&jpeg(i))).collect();
    let op = Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding: f };
    let before = app.footprint().await;
    let answer = app.sync_ok(&chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    assert_eq!(answer["results"][0]["error"]["code"], "too_many_photos");
    assert_eq!(app.footprint().await, before);
}

/// The S3-compatible server `.ci/test` starts (moto): `http://127.0.0.1:PORT`.
fn s3_endpoint() -> Option<String> {
    match std::env::var("ROADCHIEF_TEST_S3") {
        Ok(url) if !url.is_empty() => Some(url),
        // Under `.ci/test` the server is always there: its absence is a failure, not a skip.
        _ if std::env::var_os("ROADCHIEF_TEST_SERVICES").is_some() => panic!("ROADCHIEF_TEST_S3 is not set"),
        _ => {
            eprintln!("no S3-compatible server (ROADCHIEF_TEST_S3): the bucket test does not run");
            None
        }
    }
}

#[tokio::test]
async fn photos_live_in_an_s3_bucket_when_one_is_configured() {
    let Some(endpoint) = s3_endpoint() else { return };
    let bucket = format!("rc-{}", new_uuid().simple());
    let made = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(made.status().is_success(), "creating the bucket: {}", made.status());
    let dir = temp_dir();
    let mut config = test_config(&dir, true).await;
    let settings = app::backend::photos::Bucket {
        url: format!("s3://{bucket}/jimo"),
        endpoint: Some(endpoint.clone()),
        region: "us-east-1".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
    };
    config.photo_bucket = Some(settings.clone());
    let app = spawn_app_with(config, "target/site").await;
    let chief = app.user("chief01").await;
    let photo = jpeg(11);
    let hash = hash_of(&photo);
    let f = finding_with(&app, &chief, vec![hash.clone()]).await;
    assert_eq!(put(&app, &chief, &f, hash.as_str(), photo.clone()).await.status(), StatusCode::NO_CONTENT);

    // In the bucket (read by a client of its own), and not in the data directory.
    let reader = app::backend::photos::PhotoStore::bucket(&settings).unwrap();
    assert_eq!(reader.get(&hash).await.unwrap(), photo);
    assert!(!dir.join("photos").exists());

    // Still served through the server, with its permission checks.
    let served = chief.get(app.url(&format!("/api/v1/photos/{hash}"))).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().to_vec(), photo);
    let other = app.user("chief02").await;
    let refused = other.get(app.url(&format!("/api/v1/photos/{hash}"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_photo_shows_on_the_public_board_only_while_the_roads_chief_shows_it() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let photo = jpeg(11);
    let hash = hash_of(&photo);
    let f = finding_with(&app, &chief, vec![hash.clone()]).await;
    let on_board = app.url(&format!("/api/v1/findings/{}/photos/{hash}/board", f.id));
    let shown = |public: bool| json!({ "public": public });
    // Not arrived yet: nothing to show.
    let early = chief.put(&on_board).json(&shown(true)).send().await.unwrap();
    assert_eq!(early.status(), StatusCode::NOT_FOUND);
    assert_eq!(put(&app, &chief, &f, hash.as_str(), photo.clone()).await.status(), StatusCode::NO_CONTENT);

    let resident = app.anonymous();
    let public_url = app.url(&format!("/board/photos/{hash}"));
    let board_url = app.url("/board/market-road-2");
    assert_eq!(resident.get(&public_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let board = resident.get(&board_url).send().await.unwrap().text().await.unwrap();
    assert!(!board.contains("/board/photos/"), "no photo until the chief shows one");

    // Only the road's chief or the coordinator decides; a section or another chief may not.
    for who in ["head_urban", "chief02"] {
        let client = app.user(who).await;
        let refused = client.put(&on_board).json(&shown(true)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let malformed = chief.put(&on_board).json(&json!({ "public": "yes" })).send().await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(resident.get(&public_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    assert_eq!(chief.put(&on_board).json(&shown(true)).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let board = resident.get(&board_url).send().await.unwrap().text().await.unwrap();
    assert!(board.contains(&format!("src=\"/board/photos/{hash}\"")), "{board}");
    let served = resident.get(&public_url).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap().to_vec(), photo);
    let detail = app.read_ok(&chief, "finding", &[("id", &f.id.to_string())]).await;
    assert_eq!(
        (detail["photos"][0]["public"].as_bool(), detail["may_publish_photos"].as_bool()),
        (Some(true), Some(true))
    );

    let coordinator = app.user("coordinator").await;
    assert_eq!(coordinator.put(&on_board).json(&shown(false)).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(resident.get(&public_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let board = resident.get(&board_url).send().await.unwrap().text().await.unwrap();
    assert!(!board.contains("/board/photos/"));
}
