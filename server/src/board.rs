//! The public pages, for anyone (no sign-in): a road's board with the report form
//! (`/board/{road}`), sending a report (`POST /board/{road}/reports`, a multipart form), and
//! following one (`/track/{token}`, or `/track?code=` with the short code). Each page carries
//! its own policy with a fresh nonce; every refusal is the page again, with what was typed and
//! the reason in the resident's language.

use crate::protect;
use app::backend::identity::Visitor;
use app::backend::photos;
use app::backend::reports::{self, Receipt, Refusal, ReportForm};
use app::backend::AppState;
use app::board::print::{self, Paper};
use app::board::road::FormState;
use app::board::{self, road, track};
use app::domain::geometry::GeoPoint;
use app::domain::photo::{PhotoHash, MAX_PHOTO_BYTES};
use app::domain::report::{ShortCode, TrackingToken, MAX_REPORT_PHOTOS};
use app::i18n::{Lang, ServerMsg, LANG_COOKIE};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// Two photos at the limit and the text fields.
const REPORT_BODY_MAX: usize = MAX_REPORT_PHOTOS * (MAX_PHOTO_BYTES + 1) + 64 * 1024;
/// A text field of the form (the note is at most 2000 characters).
const FIELD_MAX: usize = 16 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let send = axum::routing::post(send_report)
        .layer(DefaultBodyLimit::max(REPORT_BODY_MAX))
        .layer(from_fn_with_state(REPORT_BODY_MAX, protect::limit_body));
    Router::new()
        .route("/board/{road}", get(board_page))
        .route("/board/{road}/reports", send)
        .route("/board/{road}/same", get(same_problems))
        .route("/board/photos/{hash}", get(public_photo))
        .route("/track", get(lookup))
        .route("/track/{token}", get(tracked))
        .layer(Extension(Arc::new(Asks { lookups: PerSender::default(), same: PerSender::default() })))
        .merge(
            Router::new()
                .route("/boards/print", get(print_boards))
                .layer(axum::middleware::from_fn_with_state(state, app::backend::identity::identify)),
        )
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    lang: Option<String>,
    code: Option<String>,
    sent: Option<String>,
    size: Option<String>,
    road: Option<String>,
    category: Option<String>,
    lon: Option<String>,
    lat: Option<String>,
}

/// The query of a public page; anything it does not understand is left out.
fn page_query(raw: Option<String>) -> PageQuery {
    raw.and_then(|q| serde_urlencoded::from_str(&q).ok()).unwrap_or_default()
}

/// The page's language: chosen in the link (and then remembered), else as for every page.
fn language(headers: &HeaderMap, query: &PageQuery) -> (Lang, bool) {
    match query.lang.as_deref().and_then(Lang::from_code) {
        Some(lang) => (lang, true),
        None => (app::backend::auth::request_lang(headers), false),
    }
}

fn nonce() -> String {
    app::backend::auth::random_bytes::<16>().iter().map(|b| format!("{b:02x}")).collect()
}

/// An HTML answer with the page's own policy.
fn html(status: StatusCode, nonce: &str, page: String, remember: Option<Lang>) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&board::policy(nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    // The tracking link is the resident's secret: it is not sent on to other sites.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Some(lang) = remember {
        let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    response
}

fn internal(e: app::backend::BackendError, lang: Lang) -> Response {
    tracing::error!(error = %e, "public page");
    let nonce = nonce();
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        &nonce,
        board::not_found(lang, &nonce, ServerMsg::public_refused_busy),
        None,
    )
}

async fn board_page(
    State(state): State<AppState>,
    Path(road_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = page_query(query);
    let (lang, chosen) = language(&headers, &query);
    let remember = chosen.then_some(lang);
    let now = state.clock.now();
    let nonce = nonce();
    let board = match state.pool.read().await {
        Ok(mut conn) => reports::board(&mut conn, &road_id, now).await,
        Err(e) => Err(e.into()),
    };
    match board {
        Ok(Some(board)) => {
            let form =
                FormState { challenge: state.settings.board_secret.challenge(&road_id, now), ..FormState::default() };
            html(StatusCode::OK, &nonce, road::page(lang, &nonce, &board, &form, now), remember)
        }
        Ok(None) => html(
            StatusCode::NOT_FOUND,
            &nonce,
            board::not_found(lang, &nonce, ServerMsg::public_not_found_road),
            remember,
        ),
        Err(e) => internal(e, lang),
    }
}

/// "Is it one of these?" for the report form: the open problems of a kind near a place, as a
/// fragment of the form (empty when there are none).
async fn same_problems(
    State(state): State<AppState>,
    Extension(asks): Extension<Arc<Asks>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(road_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = page_query(query);
    let (lang, _) = language(&headers, &query);
    let nonce = nonce();
    let sender = protect::client_ip(&headers, peer, state.settings.trust_forwarded_for);
    if !asks.same.allow(sender, state.clock.now().millis(), SAME_PER_WINDOW) {
        // The form works without the offer: nothing is offered for a while.
        let mut response = html(StatusCode::TOO_MANY_REQUESTS, &nonce, String::new(), None);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
        return response;
    }
    let place = match (query.lon.as_deref(), query.lat.as_deref()) {
        (Some(lon), Some(lat)) => match (lon.trim().parse(), lat.trim().parse()) {
            (Ok(lon), Ok(lat)) => GeoPoint::parse(lon, lat).ok(),
            _ => None,
        },
        _ => None,
    };
    let Some(place) = place else {
        return html(StatusCode::BAD_REQUEST, &nonce, road::refusal_fragment(lang, Refusal::InvalidPosition), None);
    };
    let category = query.category.unwrap_or_default();
    let found = match state.pool.read().await {
        Ok(mut conn) => reports::same_problems(&mut conn, &road_id, &category, place).await,
        Err(e) => Err(e.into()),
    };
    match found {
        Ok(Some(choices)) => html(StatusCode::OK, &nonce, road::same_choices(lang, &choices), None),
        Ok(None) => html(StatusCode::NOT_FOUND, &nonce, String::new(), None),
        Err(e) => internal(e, lang),
    }
}

/// A photo the road's chief showed on a board; 404 for any other.
async fn public_photo(State(state): State<AppState>, Path(hash): Path<String>) -> Response {
    let Ok(hash) = PhotoHash::parse(&hash) else { return StatusCode::NOT_FOUND.into_response() };
    match photos::public(&state.pool, &state.settings.photos, &hash).await {
        Ok(Some((bytes, kind))) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
            // Taken off the board, it stops being served within minutes.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            response
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "public photo");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Reads the multipart form; a refusal if it cannot be read or carries too much.
async fn read_form(request: Request, state: &AppState) -> Result<ReportForm, Refusal> {
    let mut multipart = match Multipart::from_request(request, state).await {
        Ok(m) => m,
        Err(rejection) => {
            tracing::debug!(%rejection, "report form not multipart");
            return Err(Refusal::Unreadable);
        }
    };
    let mut form = ReportForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Refusal::TooLarge),
            Err(e) => {
                tracing::debug!(error = %e, "report form unreadable");
                return Err(Refusal::Unreadable);
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Refusal::TooLarge),
            Err(_) => return Err(Refusal::Unreadable),
        };
        if name == "photos" {
            // A file input left empty still sends an empty part.
            if bytes.is_empty() {
                continue;
            }
            if form.photos.len() == MAX_REPORT_PHOTOS {
                return Err(Refusal::TooManyPhotos);
            }
            form.photos.push(bytes.to_vec());
            continue;
        }
        if bytes.len() > FIELD_MAX {
            return Err(Refusal::TooLarge);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "category" => form.category = text,
            "note" => form.note = text,
            "lon" => form.lon = text,
            "lat" => form.lat = text,
            "contact" => form.contact = text,
            "challenge" => form.challenge = text,
            "counter" => form.counter = text,
            "same_as" => form.same_as = text,
            _ => {}
        }
    }
    Ok(form)
}

fn refusal_status(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::Wait { .. } => StatusCode::TOO_MANY_REQUESTS,
        Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::TooLarge | Refusal::PhotoTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Refusal::AlreadySent => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

async fn send_report(
    State(state): State<AppState>,
    Path(road_id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let lang = app::backend::auth::request_lang(&headers);
    let now = state.clock.now();
    let sender: IpAddr = protect::client_ip(&headers, peer, state.settings.trust_forwarded_for);
    let outcome = match read_form(request, &state).await {
        Ok(form) => {
            let sent = reports::submit(&state, &road_id, &form, lang, sender).await;
            (form, sent)
        }
        Err(refusal) => (ReportForm::default(), Ok(Err(refusal))),
    };
    let (form, refusal) = match outcome {
        (_, Ok(Ok(Some(Receipt { token, .. })))) => {
            return Redirect::to(&format!("/track/{}?sent=1", token.as_str())).into_response()
        }
        (_, Ok(Ok(None))) => {
            let nonce = nonce();
            let page = board::not_found(lang, &nonce, ServerMsg::public_not_found_road);
            return html(StatusCode::NOT_FOUND, &nonce, page, None);
        }
        (_, Err(e)) => return internal(e, lang),
        (form, Ok(Err(refusal))) => (form, refusal),
    };
    tracing::info!(road = %road_id, ?refusal, "resident report refused");
    // The page again, as it was typed, with a fresh challenge and the reason.
    let nonce = nonce();
    let board = match state.pool.read().await {
        Ok(mut conn) => reports::board(&mut conn, &road_id, now).await,
        Err(e) => Err(e.into()),
    };
    let board = match board {
        Ok(Some(board)) => board,
        Ok(None) => {
            let page = board::not_found(lang, &nonce, ServerMsg::public_not_found_road);
            return html(StatusCode::NOT_FOUND, &nonce, page, None);
        }
        Err(e) => return internal(e, lang),
    };
    let again = FormState {
        challenge: state.settings.board_secret.challenge(&road_id, now),
        category: form.category,
        note: form.note,
        contact: form.contact,
        lon: form.lon,
        lat: form.lat,
        refusal: Some(refusal),
    };
    let mut response = html(refusal_status(refusal), &nonce, road::page(lang, &nonce, &board, &again, now), None);
    if let Refusal::Wait { retry_after_s } = refusal {
        if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

async fn tracked(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = page_query(query);
    let (lang, chosen) = language(&headers, &query);
    let remember = chosen.then_some(lang);
    let nonce = nonce();
    let Some(token) = TrackingToken::parse(&token) else {
        return html(StatusCode::NOT_FOUND, &nonce, track::lookup_page(lang, &nonce, "", true), remember);
    };
    let found = match state.pool.read().await {
        Ok(mut conn) => reports::track_by_token(&mut conn, &token).await,
        Err(e) => Err(e.into()),
    };
    match found {
        Ok(Some(tracking)) => {
            let path = format!("/track/{}", token.as_str());
            let page = track::page(lang, &nonce, &tracking, query.sent.is_some(), &path);
            html(StatusCode::OK, &nonce, page, remember)
        }
        Ok(None) => html(StatusCode::NOT_FOUND, &nonce, track::lookup_page(lang, &nonce, "", true), remember),
        Err(e) => internal(e, lang),
    }
}

/// Asks per sender within a window: code lookups (a short code is 40 bits, and guessing them
/// is kept slow), and the form's "is it one of these?" (each a read of the road's problems).
#[derive(Default)]
struct PerSender {
    recent: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

const WINDOW_MS: i64 = 10 * 60_000;

struct Asks {
    lookups: PerSender,
    same: PerSender,
}

/// Short-code lookups per sender and window.
const LOOKUPS_PER_WINDOW: u32 = 30;
/// "Is it one of these?" per sender and window: a resident moving the pin and changing the
/// kind asks a few dozen times.
const SAME_PER_WINDOW: u32 = 120;

impl PerSender {
    /// Counts one ask; whether it may go ahead.
    fn allow(&self, sender: IpAddr, now: i64, per_window: u32) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() > 100_000 {
            recent.retain(|_, (start, _)| now - *start < WINDOW_MS);
        }
        let entry = recent.entry(sender).or_insert((now, 0));
        if now - entry.0 >= WINDOW_MS {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= per_window
    }
}

async fn lookup(
    State(state): State<AppState>,
    Extension(asks): Extension<Arc<Asks>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = page_query(query);
    let (lang, chosen) = language(&headers, &query);
    let remember = chosen.then_some(lang);
    let nonce = nonce();
    let typed = query.code.clone().unwrap_or_default();
    if typed.trim().is_empty() {
        return html(StatusCode::OK, &nonce, track::lookup_page(lang, &nonce, "", false), remember);
    }
    let typed: String = typed.chars().take(20).collect();
    let sender = protect::client_ip(&headers, peer, state.settings.trust_forwarded_for);
    let now = state.clock.now();
    if !asks.lookups.allow(sender, now.millis(), LOOKUPS_PER_WINDOW) {
        let page = board::not_found(lang, &nonce, ServerMsg::public_refused_busy);
        let mut response = html(StatusCode::TOO_MANY_REQUESTS, &nonce, page, remember);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
        return response;
    }
    let Ok(code) = ShortCode::parse(&typed) else {
        return html(StatusCode::NOT_FOUND, &nonce, track::lookup_page(lang, &nonce, &typed, true), remember);
    };
    let found = match state.pool.read().await {
        Ok(mut conn) => reports::track_by_code(&mut conn, &code).await,
        Err(e) => Err(e.into()),
    };
    match found {
        Ok(Some(tracking)) => {
            let path = format!("/track?code={}", code.as_str());
            html(StatusCode::OK, &nonce, track::page(lang, &nonce, &tracking, false, &path), remember)
        }
        Ok(None) => html(StatusCode::NOT_FOUND, &nonce, track::lookup_page(lang, &nonce, &typed, true), remember),
        Err(e) => internal(e, lang),
    }
}

/// Every road's board (or `?road=`'s), one per A4 (or `?size=a3`) sheet, for the coordinator.
async fn print_boards(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = page_query(query);
    let lang = visitor.lang;
    let Some(user) = visitor.user.as_ref() else { return Redirect::to("/login").into_response() };
    let nonce = nonce();
    let paper = query.size.as_deref().and_then(Paper::parse).unwrap_or(Paper::A4);
    let boards = match state.pool.read().await {
        Ok(mut conn) => reports::printed_boards(&mut conn, user, query.road.as_deref()).await,
        Err(e) => Err(e.into()),
    };
    match boards {
        Ok(boards) => {
            let page = print::page(lang, &nonce, &boards, paper, app::backend::notify::base_url());
            html(StatusCode::OK, &nonce, page, None)
        }
        Err(app::backend::BackendError::Refused(code)) => {
            let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::FORBIDDEN);
            let page = board::not_found(lang, &nonce, ServerMsg::public_print_not_allowed);
            html(status, &nonce, page, None)
        }
        Err(e) => internal(e, lang),
    }
}
