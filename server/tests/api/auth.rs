//! Signing in and out, cookies, and the limit on failed attempts.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let response = app.sign_in_raw(&client, "Chief01", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let me: Value = response.json().await.unwrap();
    assert_eq!((me["username"].as_str(), me["role"].as_str()), (Some("chief01"), Some("road_chief")));
    assert_eq!(app.read_ok(&client, "me", &[]).await["display_name"], "王建国");

    let response = client.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.read_ok(&client, "me", &[]).await, Value::Null);
    assert_eq!(app.read(&client, "chief_home", &[]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let (s1, c1, m1) = error_code(app.sign_in_raw(&client, "chief01", "wrong-password").await).await;
    let (s2, c2, m2) = error_code(app.sign_in_raw(&client, "nobody", PASSWORD).await).await;
    assert_eq!((s1, c1.as_str()), (StatusCode::UNAUTHORIZED, "wrong_credentials"));
    assert_eq!((s1, c1, m1.clone()), (s2, c2, m2));
    assert_eq!(m1, "用户名或密码不正确。");
}

#[tokio::test]
async fn five_failures_for_an_account_lock_it_for_fifteen_minutes() {
    let app = spawn_app().await;
    let client = app.anonymous();
    for _ in 0..5 {
        assert_eq!(app.sign_in_raw(&client, "head_urban", "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with a Retry-After.
    let response = app.sign_in_raw(&client, "head_urban", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((840..=900).contains(&retry), "{retry}");
    assert_eq!(error_code(response).await.1, "too_many_attempts");
    // Once the window has passed, the right password works again.
    app.state.clock.advance(15 * 60_000 + 1000);
    assert_eq!(app.sign_in_raw(&client, "head_urban", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn five_failures_from_one_address_lock_that_address() {
    let app = spawn_app().await;
    let client = app.anonymous();
    for user in ["chief01", "chief02", "chief03", "chief04", "chief05"] {
        assert_eq!(app.sign_in_raw(&client, user, "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app.sign_in_raw(&client, "chief06", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn the_sign_in_form_works_without_javascript() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let response = client
        .post(app.url("/api/v1/session"))
        .form(&[("username", "chief01"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login?error=wrong_credentials");
    let response = client
        .post(app.url("/api/v1/session"))
        .form(&[("username", "chief01"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
    assert_eq!(app.read_ok(&client, "me", &[]).await["username"], "chief01");
}

#[tokio::test]
async fn the_language_cookie_chooses_the_page_language() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let zh = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("登录路长巡查"), "{zh}");
    let en = client.get(app.url("/login")).header("cookie", "lang=en").send().await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Sign in to Road Chief"));
}
