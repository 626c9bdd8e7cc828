//! Built assets go out precompressed with long cache lifetimes; pages are compressed on the fly.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn built_assets_are_served_under_the_build_precompressed_and_cached_for_a_year() {
    let site = temp_dir();
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/road-chief.js"), "console.log('plain');").unwrap();
    std::fs::write(site.join("pkg/road-chief.js.br"), b"brotli bytes").unwrap();
    let app = spawn_app_with_site(site.to_str().unwrap()).await;
    let client = app.anonymous();

    // The page names the build's path; the files are there.
    let page = client.get(app.url("/login")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let html = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let at = html.find("/pkg/").expect("the page loads the app's code");
    let base = &html[at..at + "/pkg/".len() + 13];
    assert!(base[5..17].chars().all(|c| c.is_ascii_hexdigit()) && base.ends_with('/'), "{base}");
    assert!(html.contains(&format!("{base}road-chief.css")), "the stylesheet is the build's too");

    let response = client
        .get(app.url(&format!("{base}road-chief.js")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let plain = client.get(app.url(&format!("{base}road-chief.js"))).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), "console.log('plain');");

    assert_eq!(client.get(app.url(&format!("{base}missing.js"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Another build's path is not this build's files.
    let other = client.get(app.url("/pkg/000000000000/road-chief.js")).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test]
async fn the_desk_screens_are_pages_and_other_single_segments_stay_files_or_not_found() {
    let site = temp_dir();
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let app = spawn_app_with_site(site.to_str().unwrap()).await;
    let coordinator = app.user("coordinator").await;
    for screen in ["/channels", "/rules", "/admin", "/race", "/overview"] {
        let page = coordinator.get(app.url(screen)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{screen}");
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{screen}");
    }
    let icon = app.anonymous().get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.text().await.unwrap(), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "a file, not a page");
    let missing = coordinator.get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(site);
}
