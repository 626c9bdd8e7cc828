//! Building the server: database and migrations, demo data, the router, the listener.

use crate::config::Config;
use crate::courier::{spawn_scheduler, Courier, Mail};
use crate::{demo, http_api, pwa};
use anyhow::Context;
use app::backend::auth::{self, SESSION_COOKIE};
use app::backend::{db, AppState, Clock, Settings};
use app::domain::Role;
use app::{shell, App};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

/// Opens (creating if needed) the database and applies the migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<db::Pool> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let pool = db::connect(&config.database_url).await.with_context(|| format!("opening {}", config.database_url))?;
    sqlx::migrate!("./migrations").run(&pool).await.context("applying database migrations")?;
    Ok(pool)
}

impl Application {
    pub async fn build(config: &Config, leptos_options: LeptosOptions, clock: Clock) -> anyhow::Result<Application> {
        let pool = open_database(config).await?;
        if config.demo {
            demo::ensure(&pool, clock.now()).await.context("loading the demo data")?;
        }
        let state = AppState {
            pool,
            clock,
            leptos_options,
            settings: Arc::new(Settings {
                secure_cookies: config.secure_cookies(),
                trust_forwarded_for: config.trust_forwarded_for,
                photos: app::backend::photos::PhotoStore::new(&config.data_dir),
            }),
        };
        let listener =
            TcpListener::bind(config.address).await.with_context(|| format!("listening on {}", config.address))?;
        app::backend::notify::set_base_url(&config.base_url());
        app::backend::calendars::seed_shipped(&state.pool, state.clock.now())
            .await
            .context("writing the shipped working-day calendars")?;
        if config.notify_every_s > 0 {
            let mut courier = Courier::new(state.pool.clone(), state.clock.clone(), Duration::from_secs(10));
            if let Some(url) = &config.smtp_url {
                courier = courier.with_mail(Mail::new(url, &config.mail_from, Duration::from_secs(20))?);
            }
            courier.spawn(Duration::from_secs(config.notify_every_s));
        }
        if config.schedule_every_s > 0 {
            spawn_scheduler(state.pool.clone(), state.clock.clone(), Duration::from_secs(config.schedule_every_s));
        }
        Ok(Application { listener, router: router(state.clone()), state })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub async fn run(self) -> std::io::Result<()> {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .layer(middleware::from_fn_with_state(state.clone(), require_session));

    // Built assets carry a hash in their names: they never change, so browsers keep them.
    let pkg_dir = std::path::Path::new(&*state.leptos_options.site_root).join(&*state.leptos_options.site_pkg_dir);
    let pkg = Router::new().fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip()).layer(
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
    );

    let site_root = std::path::Path::new(&*state.leptos_options.site_root).to_owned();
    let worker = pwa::ServiceWorker::for_site(&site_root, &state.leptos_options.site_pkg_dir);
    tracing::info!(build = %worker.build, "service worker ready");

    Router::new()
        .nest("/api/v1", http_api::router())
        .route("/sw.js", get(move || std::future::ready(worker.response())))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .merge(pages)
        .nest(&format!("/{}", state.leptos_options.site_pkg_dir), pkg)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages need a signed-in user: anyone else is sent to the sign-in page first. (Server
/// functions and the JSON API check the session themselves and answer 401.)
async fn require_session(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // The shell holds no data: the service worker fetches it to open the app offline.
    let open = path == "/login" || path == "/shell" || path.starts_with("/api/") || request.method() != Method::GET;
    if open {
        return next.run(request).await;
    }
    let user = match auth::cookie(request.headers(), SESSION_COOKIE) {
        Some(token) => auth::user_for_session(&state.pool, token, state.clock.now()).await.ok().flatten(),
        None => None,
    };
    match user.map(|u| u.role) {
        None => Redirect::to("/login").into_response(),
        // Each role's start page.
        Some(Role::SectionHead) if path == "/" => Redirect::to("/inbox").into_response(),
        Some(Role::Coordinator) if path == "/" => Redirect::to("/overview").into_response(),
        Some(_) => next.run(request).await,
    }
}
