//! Building the server: database and migrations, demo data, the router, the listener.

use crate::config::Config;
use crate::courier::{spawn_scheduler, Courier, Mail};
use crate::{board, demo, http_api, open311, protect, pwa};
use anyhow::Context;
use app::backend::identity::{self, Visitor};
use app::backend::photos::PhotoStore;
use app::backend::{db, AppState, Clock, Settings};
use app::domain::Role;
use app::pages::desk::DESK_SCREENS;
use app::{shell, App};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use leptos_router::SsrMode;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    /// Tells the courier and the scheduler to stop after their current round.
    stop: watch::Sender<bool>,
    background: Vec<JoinHandle<()>>,
    /// Held while the server runs, so that `server restore` refuses to swap the file under it.
    _data_lock: Option<std::fs::File>,
}

/// The file a running server holds locked in its data directory.
pub fn lock_path(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("road-chief.lock")
}

/// Takes the data directory's lock, or says which process may hold it.
pub fn lock_data_dir(config: &Config) -> anyhow::Result<std::fs::File> {
    let path = lock_path(config);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            anyhow::bail!("another Road Chief server or command is using {} (stop it first)", config.data_dir.display())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
    }
}

/// Opens (creating if needed) the database, applies the engine's migrations and gives a new
/// database its epoch.
pub async fn open_database(config: &Config) -> anyhow::Result<db::Pool> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let pool = db::Pool::connect(&config.database_url)
        .await
        .with_context(|| format!("opening {}", config.redacted_database_url()))?;
    let migrations = match pool.engine() {
        db::Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        db::Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrations.run(pool.any()).await.context("applying database migrations")?;
    db::ensure_epoch(&pool, &new_epoch()).await.context("writing the database epoch")?;
    Ok(pool)
}

/// A fresh database epoch: 16 lowercase hex digits.
pub fn new_epoch() -> String {
    app::backend::auth::random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where photos go: the bucket if one is configured, else the data directory.
pub fn photo_store(config: &Config) -> anyhow::Result<PhotoStore> {
    match &config.photo_bucket {
        Some(bucket) => PhotoStore::bucket(bucket).map_err(anyhow::Error::msg),
        None => Ok(PhotoStore::directory(&config.data_dir)),
    }
}

impl Application {
    pub async fn build(config: &Config, leptos_options: LeptosOptions, clock: Clock) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
        let data_lock = Some(lock_data_dir(config)?);
        let pool = open_database(config).await?;
        if config.demo {
            demo::ensure(&pool, clock.now()).await.context("loading the demo data")?;
        }
        app::backend::reports::ensure_board_codes(&pool).await.context("giving every road's board its code")?;
        let board_secret = app::backend::reports::BoardSecret::load_or_create(&pool)
            .await
            .context("reading the public board's key")?;
        let state = AppState {
            pool,
            clock,
            leptos_options,
            settings: Arc::new(Settings {
                secure_cookies: config.secure_cookies(),
                public_origin: config.public_origin(),
                webhook_allow: config.webhook_allow.clone(),
                trust_forwarded_for: config.trust_forwarded_for,
                photos: photo_store(config)?,
                board_secret,
            }),
        };
        let listener =
            TcpListener::bind(config.address).await.with_context(|| format!("listening on {}", config.address))?;
        app::backend::notify::set_base_url(&config.base_url());
        app::backend::calendars::seed_shipped(&state.pool, state.clock.now())
            .await
            .context("writing the shipped working-day calendars")?;
        let (stop, stopped) = watch::channel(false);
        let mut background = Vec::new();
        if config.notify_every_s > 0 {
            let mut courier = Courier::new(
                state.pool.clone(),
                state.clock.clone(),
                Duration::from_secs(10),
                state.settings.webhook_allow.clone(),
            );
            if let Some(url) = &config.smtp_url {
                courier = courier.with_mail(Mail::new(url, &config.mail_from, Duration::from_secs(20))?);
            }
            background.push(courier.spawn(Duration::from_secs(config.notify_every_s), stopped.clone()));
        }
        if config.schedule_every_s > 0 {
            background.push(spawn_scheduler(
                state.pool.clone(),
                state.clock.clone(),
                Duration::from_secs(config.schedule_every_s),
                config.patrol_retention_days,
                stopped,
            ));
        }
        Ok(Application { listener, router: router(state.clone()), state, stop, background, _data_lock: data_lock })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until Ctrl-C or SIGTERM, then shuts down in order: stop accepting, let requests in
    /// flight finish, stop the courier and the scheduler after their round, close the database
    /// (SQLite checkpoints its log into the file).
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Application { listener, router, state, stop, background, _data_lock } = self;
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signal)
            .await;
        tracing::info!("no longer accepting requests; stopping the courier and the scheduler");
        let _ = stop.send(true);
        for task in background {
            let _ = task.await;
        }
        state.pool.close().await;
        tracing::info!("stopped");
        served
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}

pub fn router(state: AppState) -> Router {
    // `/:desk` is the three desk screens by name (`app::pages::desk`), not every single segment.
    // Every page is sent whole once its data is read (`SsrMode::Async`), not streamed: the
    // browser's first paint is the page, not "Loading…" swapped for it when the stream ends.
    // Said here and not on each `Route`, where it would put ~40 KB more in the browser's bundle.
    let routes: Vec<AxumRouteListing> = generate_route_list(App)
        .into_iter()
        .flat_map(|route| {
            let methods: Vec<_> = route.methods().collect();
            let paths = match route.path() {
                "/{desk}" | "/:desk" => DESK_SCREENS.iter().map(|screen| format!("/{screen}")).collect(),
                path => vec![path.to_owned()],
            };
            paths.into_iter().map(move |path| AxumRouteListing::new(path, SsrMode::Async, methods.clone(), Vec::new()))
        })
        .collect();
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .layer(middleware::from_fn(require_session))
        .layer(middleware::from_fn_with_state(state.clone(), identity::identify));

    // Built assets are served under a path that names the build: they never change, so
    // browsers keep them.
    let served = app::backend::app_code::served(&state.leptos_options);
    let pkg_dir = std::path::Path::new(&*state.leptos_options.site_root).join(&*state.leptos_options.site_pkg_dir);
    let pkg = Router::new().fallback_service(ServeDir::new(&pkg_dir).precompressed_br().precompressed_gzip()).layer(
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
    );

    let worker = pwa::ServiceWorker::for_build(served);
    tracing::info!(build = %worker.build, "service worker ready");

    let (api, _) = http_api::router();
    let routes = Router::new()
        .merge(api.layer(middleware::from_fn_with_state(state.clone(), identity::identify)))
        .merge(board::router(state.clone()))
        .merge(open311::router())
        .route("/sw.js", get(move || std::future::ready(worker.response())))
        .route("/manifest.webmanifest", get(pwa::manifest))
        // Server functions (`/api/...`) take small arguments.
        .merge(pages.layer(middleware::from_fn_with_state(SERVER_FN_BODY_MAX, protect::limit_body)))
        .nest(&served.base, pkg)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell));
    guarded(routes, &state.settings).layer(CompressionLayer::new()).layer(TraceLayer::new_for_http()).with_state(state)
}

/// What every route passes through (`protect`): a panic answers 500, other sites' requests are
/// refused, every answer gets its headers.
pub fn guarded(routes: Router<AppState>, settings: &Settings) -> Router<AppState> {
    routes
        .layer(CatchPanicLayer::custom(protect::panicked))
        .layer(middleware::from_fn_with_state(settings.public_origin.clone(), protect::refuse_cross_site))
        .layer(middleware::from_fn_with_state(settings.secure_cookies, protect::headers))
}

/// The largest body a server function (or a page) takes.
const SERVER_FN_BODY_MAX: usize = 64 * 1024;

/// Pages need a signed-in user: anyone else is sent to the sign-in page first. (Server
/// functions and the JSON API answer 401 themselves.)
async fn require_session(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // The shell holds no data: the service worker fetches it to open the app offline.
    let open = path == "/login" || path == "/shell" || path.starts_with("/api/") || request.method() != Method::GET;
    if open {
        return next.run(request).await;
    }
    let role = request.extensions().get::<Visitor>().and_then(|v| v.user.as_ref()).map(|u| u.role);
    match role {
        None => Redirect::to("/login").into_response(),
        // Each role's start page.
        Some(Role::SectionHead) if path == "/" => Redirect::to("/inbox").into_response(),
        Some(Role::Coordinator) if path == "/" => Redirect::to("/overview").into_response(),
        Some(_) => next.run(request).await,
    }
}
