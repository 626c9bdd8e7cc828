//! Signing in and out, cookies, sessions that end, and failed attempts that slow down whoever
//! makes them without locking a real user out.

use crate::helpers::*;
use app::domain::sign_in;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let response = app.sign_in_raw(&client, "Chief01", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned()).collect();
    let session = cookies.iter().find(|c| c.starts_with("rc_session=")).expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"),
        "{session}"
    );
    // The device cookie goes back to the sign-in endpoint only.
    let device = cookies.iter().find(|c| c.starts_with("rc_device=")).expect("a device cookie");
    assert!(device.contains("Path=/api/v1/session") && device.contains("HttpOnly"), "{device}");
    let me: Value = response.json().await.unwrap();
    assert_eq!((me["username"].as_str(), me["role"].as_str()), (Some("chief01"), Some("road_chief")));
    assert_eq!(app.read_ok(&client, "me", &[]).await["display_name"], "王建国");

    let response = client.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.read_ok(&client, "me", &[]).await, Value::Null);
    assert_eq!(app.read(&client, "chief_home", &[]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_in_again_ends_the_browsers_earlier_session() {
    let app = spawn_app().await;
    let client = app.anonymous();
    let first = app.sign_in_raw(&client, "chief01", PASSWORD).await;
    let cookie = |r: &Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap())
            .find(|c| c.starts_with("rc_session="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    let earlier = cookie(&first);
    let second = app.sign_in_raw(&client, "chief03", PASSWORD).await;
    assert_ne!(cookie(&second), earlier);
    let replayed = app.anonymous().post(app.url("/api/me")).header("cookie", earlier).send().await.unwrap();
    assert_eq!(replayed.json::<Value>().await.unwrap(), Value::Null, "the earlier session ended");
    assert_eq!(app.read_ok(&client, "me", &[]).await["username"], "chief03");
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

/// A server that counts failures by `X-Forwarded-For` (as behind a proxy), so that one test
/// can play several addresses.
async fn behind_a_proxy() -> TestApp {
    let mut config = test_config(&temp_dir(), true).await;
    config.trust_forwarded_for = true;
    spawn_app_with(config, "target/site").await
}

async fn sign_in_from(app: &TestApp, client: &Client, address: &str, username: &str, password: &str) -> Response {
    client
        .post(app.url("/api/v1/session"))
        // A client's own entry first: only the proxy's (the last) counts.
        .header("x-forwarded-for", format!("198.51.100.1, {address}"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &Response) -> i64 {
    response.headers()["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_guesser_waits_longer_after_each_failure_and_a_typo_costs_nothing() {
    let app = behind_a_proxy().await;
    let client = app.anonymous();
    // Two typos, then the right password: no wait at all.
    for _ in 0..2 {
        let r = sign_in_from(&app, &client, "203.0.113.5", "head_urban", "guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in_from(&app, &client, "203.0.113.5", "head_urban", PASSWORD).await.status(), StatusCode::OK);
    // A guesser: after the free failures, each try must wait twice as long as the last.
    let guesser = app.anonymous();
    let (mut waits, mut checked) = (Vec::new(), 0);
    while waits.len() < 4 {
        let r = sign_in_from(&app, &guesser, "192.0.2.66", "head_urban", "guess").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = retry_after(&r);
            let (_, code, message) = error_code(r).await;
            assert_eq!(code, "too_many_attempts");
            assert!(message.contains(&format!(" {wait} ")), "the message says how long: {message}");
            waits.push(wait);
            app.state.clock.advance(wait * 1000);
        } else {
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            checked += 1;
        }
    }
    assert_eq!(waits, vec![1, 2, 4, 8], "free failures, then doubling waits");
    assert_eq!(checked, sign_in::FREE_FAILURES + 3);
    // Meanwhile the account's owner, elsewhere, was never held up.
    assert_eq!(
        sign_in_from(&app, &app.anonymous(), "203.0.113.5", "head_urban", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_few_passwords_checked() {
    let app = behind_a_proxy().await;
    let attempts = (0..40).map(|_| {
        let client = app.anonymous();
        let app = &app;
        async move { sign_in_from(app, &client, "192.0.2.99", "coordinator", "guess").await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let waiting = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    // The check and the count are one step: no more than the free failures (and the first one
    // that makes the next wait) get their password checked, however many arrive at once.
    assert!(checked <= sign_in::FREE_FAILURES + 1, "{checked} checked: {statuses:?}");
    assert_eq!(checked + waiting, 40, "{statuses:?}");
    let (failures,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sign_in_failures").fetch_one(app.db()).await.unwrap();
    assert_eq!(failures as usize, checked, "only checked passwords are counted");
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = behind_a_proxy().await;
    // The coordinator signed in on this browser before: it carries the device cookie.
    let owner = app.anonymous();
    assert_eq!(sign_in_from(&app, &owner, "203.0.113.10", "coordinator", PASSWORD).await.status(), StatusCode::OK);
    owner.delete(app.url("/api/v1/session")).send().await.unwrap();
    // Strangers on many addresses try the account, and one of them floods from one address.
    for n in 0..(sign_in::ACCOUNT_CEILING + 5) {
        let stranger = app.anonymous();
        sign_in_from(&app, &stranger, &format!("192.0.2.{n}"), "coordinator", "guess").await;
    }
    // A browser that never signed in to the account is slowed down now...
    let new_browser = sign_in_from(&app, &app.anonymous(), "203.0.113.11", "coordinator", PASSWORD).await;
    assert_eq!(new_browser.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...but the owner's own browser goes straight in, from wherever it is.
    assert_eq!(sign_in_from(&app, &owner, "198.51.100.200", "coordinator", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_office_behind_one_address_is_not_locked_out_by_typos() {
    let app = behind_a_proxy().await;
    let office = "203.0.113.77";
    for chief in ["chief01", "chief02", "chief03", "chief04", "chief05", "chief06", "chief07", "chief08"] {
        let client = app.anonymous();
        for _ in 0..2 {
            assert_eq!(sign_in_from(&app, &client, office, chief, "typo").await.status(), StatusCode::UNAUTHORIZED);
        }
        assert_eq!(sign_in_from(&app, &client, office, chief, PASSWORD).await.status(), StatusCode::OK, "{chief}");
    }
}

#[tokio::test]
async fn failures_are_forgotten_after_a_day() {
    let app = behind_a_proxy().await;
    for _ in 0..3 {
        sign_in_from(&app, &app.anonymous(), "192.0.2.1", "chief01", "guess").await;
    }
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sign_in_failures").fetch_one(app.db()).await.unwrap();
        n
    };
    assert_eq!(count().await, 3);
    app.state.clock.advance(sign_in::MEMORY_MS + 1000);
    // The next attempt (of anyone) purges what no longer counts.
    sign_in_from(&app, &app.anonymous(), "192.0.2.2", "chief02", PASSWORD).await;
    assert_eq!(count().await, 0);
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_thirty_days() {
    let app = spawn_app().await;
    let idle = app.user("chief01").await;
    let busy = app.user("chief02").await;
    // Ten days on, both are still signed in (and were seen now).
    app.state.clock.advance(10 * 86_400_000);
    assert_eq!(app.read_ok(&idle, "me", &[]).await["username"], "chief01");
    assert_eq!(app.read_ok(&busy, "me", &[]).await["username"], "chief02");
    // Fifteen days without use end a session; use every ten days keeps it...
    app.state.clock.advance(10 * 86_400_000);
    assert_eq!(app.read_ok(&busy, "me", &[]).await["username"], "chief02");
    app.state.clock.advance(5 * 86_400_000);
    assert_eq!(app.read_ok(&idle, "me", &[]).await, Value::Null, "idle for 15 days");
    assert_eq!(app.read_ok(&busy, "me", &[]).await["username"], "chief02");
    // ...until thirty days after sign-in, however busy.
    app.state.clock.advance(6 * 86_400_000);
    assert_eq!(app.read_ok(&busy, "me", &[]).await, Value::Null, "31 days after sign-in");
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions() {
    let app = spawn_app().await;
    let phone = app.user("chief01").await;
    let desk = app.user("chief01").await;
    let change = |current: &str, new: &str| {
        desk.put(app.url("/api/v1/password")).json(&json!({"current": current, "new": new})).send()
    };
    let (status, code, _) = error_code(change("wrong-one", "a new long password").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "wrong_credentials"));
    let (status, code, _) = error_code(change(PASSWORD, "short").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "weak_password"));
    assert_eq!(app.read_ok(&phone, "me", &[]).await["username"], "chief01", "nothing changed yet");

    assert_eq!(change(PASSWORD, "a new long password").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(app.read_ok(&desk, "me", &[]).await["username"], "chief01", "the changer stays signed in");
    assert_eq!(app.read_ok(&phone, "me", &[]).await, Value::Null, "the other session ended");
    assert_eq!(app.sign_in_raw(&app.anonymous(), "chief01", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in_raw(&app.anonymous(), "chief01", "a new long password").await.status(), StatusCode::OK);

    // Set by the administrator (the command line): every session ends.
    let password = app::domain::text::NewPassword::parse("set by the office").unwrap();
    assert!(app::backend::auth::set_password(&app.state.pool, "chief01", password).await.unwrap());
    assert_eq!(app.read_ok(&desk, "me", &[]).await, Value::Null);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    let app = spawn_app().await;
    let signed_in = app.user("head_food").await;
    let pool = &app.state.pool;
    assert!(app::backend::auth::set_disabled(pool, "head_food", true, app.now()).await.unwrap());
    assert_eq!(app.read_ok(&signed_in, "me", &[]).await, Value::Null);
    // The right password says so (a wrong one says nothing more than for anyone).
    let (status, code, message) = error_code(app.sign_in_raw(&app.anonymous(), "head_food", PASSWORD).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "account_disabled"));
    assert!(message.contains("停用"), "{message}");
    let (_, code, _) = error_code(app.sign_in_raw(&app.anonymous(), "head_food", "guess").await).await;
    assert_eq!(code, "wrong_credentials");
    assert!(app::backend::auth::set_disabled(pool, "head_food", false, app.now()).await.unwrap());
    assert_eq!(app.sign_in_raw(&app.anonymous(), "head_food", PASSWORD).await.status(), StatusCode::OK);
    assert!(!app::backend::auth::set_disabled(pool, "nobody", true, app.now()).await.unwrap());
}

#[tokio::test]
async fn demo_mode_gives_passwords_only_to_the_demos_own_accounts() {
    let app = spawn_app().await;
    // An account made by hand, without a password yet.
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, created_at) VALUES ('u-extra', 'director', '张主任', 'coordinator', 0)",
    )
    .execute(app.db())
    .await
    .unwrap();
    server::demo::ensure(&app.state.pool, app.now()).await.unwrap();
    let (hash,): (Option<String>,) = sqlx::query_as("SELECT password_hash FROM users WHERE username = 'director'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(hash, None, "no demo password for an account that is not the demo's");
    assert_eq!(app.sign_in_raw(&app.anonymous(), "director", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
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
