//! Open311 GeoReport v2 at `/open311/v2/`: `services`, `services/{code}`, `requests` (GET, and
//! POST with a platform's `api_key`), `requests/{id}` and `tokens/{token}`, each as `.json` or
//! `.xml`, with the subdistrict's id as `jurisdiction_id`. Texts are in the language of
//! `locale` (or `Accept-Language`). No cookie counts here (the key is the only authority), so
//! any site's page may call it.

use crate::protect;
use app::backend::db::Read;
use app::backend::open311::{self, Failure, Posted, Problem, Query, ServiceRequest};
use app::backend::reports::Refusal;
use app::backend::AppState;
use app::backend::BackendError;
use app::board::road::refusal_text;
use app::domain::open311::{format_datetime, split_format, Format};
use app::domain::time::Timestamp;
use app::i18n::{Lang, ServerMsg};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// A posted request is a few short fields.
const POST_BODY_MAX: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    let top = get(top).post(post_request).layer(DefaultBodyLimit::max(POST_BODY_MAX));
    Router::new()
        .route("/open311/v2/{file}", top.layer(from_fn_with_state(POST_BODY_MAX, protect::limit_body)))
        .route("/open311/v2/services/{file}", get(definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// A value in an answer: the same record is written as JSON or as XML.
enum Value {
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    Null,
    EmptyList,
}

type Record = Vec<(&'static str, Value)>;

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn json_of(record: &Record) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for (name, value) in record {
        let value = match value {
            Value::Text(t) => serde_json::Value::String(t.clone()),
            Value::Number(n) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into),
            Value::Int(n) => (*n).into(),
            Value::Bool(b) => (*b).into(),
            Value::Null => serde_json::Value::Null,
            Value::EmptyList => serde_json::Value::Array(Vec::new()),
        };
        object.insert((*name).to_owned(), value);
    }
    serde_json::Value::Object(object)
}

/// Text as XML holds it: escaped, and without the characters XML 1.0 cannot carry at all.
fn xml_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn xml_of(out: &mut String, item: &str, record: &Record) {
    out.push_str(&format!("<{item}>"));
    for (name, value) in record {
        let inner = match value {
            Value::Text(t) => {
                let mut escaped = String::new();
                xml_text(&mut escaped, t);
                escaped
            }
            Value::Number(n) => n.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null | Value::EmptyList => String::new(),
        };
        out.push_str(&format!("<{name}>{inner}</{name}>"));
    }
    out.push_str(&format!("</{item}>"));
}

/// An answer: a list of records (or one, as a service definition is), in the format asked for.
fn answer(format: Format, status: StatusCode, root: &str, item: &str, records: &[Record], single: bool) -> Response {
    let (content_type, body) = match format {
        Format::Json => {
            let body = if single {
                records.first().map_or_else(|| serde_json::json!({}), json_of)
            } else {
                serde_json::Value::Array(records.iter().map(json_of).collect())
            };
            ("application/json; charset=utf-8", body.to_string())
        }
        Format::Xml => {
            let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            if single {
                if let Some(one) = records.first() {
                    xml_of(&mut body, root, one);
                }
            } else {
                body.push_str(&format!("<{root}>"));
                for record in records {
                    xml_of(&mut body, item, record);
                }
                body.push_str(&format!("</{root}>"));
            }
            ("application/xml; charset=utf-8", body)
        }
    };
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    // Public data, read by any site's page; writes need the key, never a cookie.
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

fn problem_status(problem: Problem) -> StatusCode {
    match problem {
        Problem::UnknownJurisdiction | Problem::UnknownService | Problem::NotFound => StatusCode::NOT_FOUND,
        Problem::KeyMissing | Problem::KeyRefused => StatusCode::FORBIDDEN,
        Problem::Refused(Refusal::Wait { .. }) => StatusCode::TOO_MANY_REQUESTS,
        Problem::Refused(Refusal::Busy) => StatusCode::SERVICE_UNAVAILABLE,
        Problem::Refused(Refusal::AlreadySent) => StatusCode::CONFLICT,
        Problem::BadParameter(_) | Problem::BadWindow | Problem::NoPlace | Problem::Refused(_) => {
            StatusCode::BAD_REQUEST
        }
    }
}

fn problem_text(lang: Lang, problem: Problem) -> String {
    let msg = match problem {
        Problem::UnknownJurisdiction => ServerMsg::public_311_err_jurisdiction,
        Problem::UnknownService => ServerMsg::public_311_err_service,
        Problem::NotFound => ServerMsg::public_311_err_not_found,
        Problem::BadParameter(name) => {
            return lang.server_format(ServerMsg::public_311_err_parameter, &[("name", name)])
        }
        Problem::BadWindow => ServerMsg::public_311_err_window,
        Problem::KeyMissing => ServerMsg::public_311_err_key_missing,
        Problem::KeyRefused => ServerMsg::public_311_err_key_refused,
        Problem::NoPlace => ServerMsg::public_311_err_place,
        Problem::Refused(refusal) => return refusal_text(lang, refusal),
    };
    lang.server(msg).to_owned()
}

/// The standard's error list: `[{code, description}]`, or `<errors><error>…`.
fn failure(format: Format, lang: Lang, problem: Problem) -> Response {
    let status = problem_status(problem);
    let record =
        vec![("code", Value::Int(i64::from(status.as_u16()))), ("description", text(problem_text(lang, problem)))];
    let mut response = answer(format, status, "errors", "error", &[record], false);
    if let Problem::Refused(Refusal::Wait { retry_after_s }) = problem {
        if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

fn internal(format: Format, lang: Lang, e: BackendError) -> Response {
    tracing::error!(error = %e, "open311");
    let said = text(lang.server(ServerMsg::public_311_err_internal));
    let record = vec![("code", Value::Int(500)), ("description", said)];
    answer(format, StatusCode::INTERNAL_SERVER_ERROR, "errors", "error", &[record], false)
}

/// Neither `.json` nor `.xml`: said in JSON.
fn unknown_format(lang: Lang) -> Response {
    let said = text(lang.server(ServerMsg::public_311_err_format));
    let record = vec![("code", Value::Int(404)), ("description", said)];
    answer(Format::Json, StatusCode::NOT_FOUND, "errors", "error", &[record], false)
}

fn not_here(format: Format, lang: Lang) -> Response {
    let record =
        vec![("code", Value::Int(404)), ("description", text(lang.server(ServerMsg::public_311_err_resource)))];
    answer(format, StatusCode::NOT_FOUND, "errors", "error", &[record], false)
}

/// The query's (or form's) fields; a field given twice is one comma-separated list, as the
/// standard writes lists.
fn fields(raw: &str) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).ok()?;
    let mut joined: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs {
        match joined.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => joined.push((name, value)),
        }
    }
    Some(joined)
}

fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// The language: `locale` if given, else as for every page.
fn language(headers: &HeaderMap, fields: &[(String, String)]) -> Lang {
    field(fields, "locale")
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_else(|| app::backend::auth::request_lang(headers))
}

fn service_record(lang: Lang, service: &app::api::views::Named) -> Record {
    let name = lang.pick(&service.name_zh, &service.name_en).to_owned();
    let description = lang.server_format(ServerMsg::public_311_service_description, &[("name", &name)]);
    vec![
        ("service_code", text(service.id.clone())),
        ("service_name", text(name)),
        ("description", text(description)),
        ("metadata", Value::Bool(false)),
        ("type", text("realtime")),
        ("keywords", text("")),
        ("group", text("")),
    ]
}

fn datetime(at: Option<Timestamp>) -> Value {
    at.map_or(Value::Null, |at| text(format_datetime(at)))
}

fn request_record(lang: Lang, request: &ServiceRequest) -> Record {
    let road = lang.pick(&request.road.name_zh, &request.road.name_en);
    let address = match request.along_m {
        Some(m) => lang.server_format(ServerMsg::public_311_address, &[("road", road), ("m", &format!("{m:.0}"))]),
        None => road.to_owned(),
    };
    let (lat, long) = match request.position {
        Some((lon, lat)) => (Value::Number(lat), Value::Number(lon)),
        None => (Value::Null, Value::Null),
    };
    vec![
        ("service_request_id", text(request.id.to_string())),
        ("status", text(request.status.as_str())),
        ("status_notes", text(request.status_notes.clone())),
        ("service_name", text(lang.pick(&request.service.name_zh, &request.service.name_en))),
        ("service_code", text(request.service.id.clone())),
        // What the chief wrote, or a resident, stays between them: the board does not show it either.
        ("description", Value::Null),
        (
            "agency_responsible",
            request.agency.as_ref().map_or(Value::Null, |a| text(lang.pick(&a.name_zh, &a.name_en))),
        ),
        ("service_notice", Value::Null),
        ("requested_datetime", datetime(Some(request.requested_at))),
        ("updated_datetime", datetime(Some(request.updated_at))),
        ("expected_datetime", datetime(request.expected_at)),
        ("address", text(address)),
        ("address_id", Value::Null),
        ("zipcode", Value::Null),
        ("lat", lat),
        ("long", long),
        ("media_url", Value::Null),
    ]
}

/// What every resource is asked with: its name (`requests`, a code, an id, a token), the format,
/// the language and the query's fields.
struct Asked {
    name: String,
    format: Format,
    lang: Lang,
    fields: Vec<(String, String)>,
}

impl Asked {
    /// `name.json` or `name.xml`; for anything else the language to say so in.
    fn read(file: &str, query: Option<&str>, headers: &HeaderMap) -> Result<Asked, Lang> {
        let fields = fields(query.unwrap_or("")).unwrap_or_default();
        let lang = language(headers, &fields);
        let (name, format) = split_format(file).ok_or(lang)?;
        Ok(Asked { name: name.to_owned(), format, lang, fields })
    }

    fn field(&self, name: &str) -> Option<String> {
        field(&self.fields, name)
    }

    /// The answer, or the failure in the format asked for.
    fn settle(&self, answered: Result<Response, Failure>) -> Response {
        match answered {
            Ok(response) => response,
            Err(Failure::Problem(problem)) => failure(self.format, self.lang, problem),
            Err(Failure::Backend(e)) => internal(self.format, self.lang, e),
        }
    }

    /// Reads with a connection, within the jurisdiction asked for.
    async fn within(&self, state: &AppState) -> Result<Read, Failure> {
        let mut conn = state.pool.read().await.map_err(BackendError::from)?;
        open311::jurisdiction(&mut conn, self.field("jurisdiction_id").as_deref()).await?;
        Ok(conn)
    }
}

/// GET `services.{format}` and `requests.{format}`.
async fn top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asked = match Asked::read(&file, query.as_deref(), &headers) {
        Ok(asked) => asked,
        Err(lang) => return unknown_format(lang),
    };
    let (format, lang) = (asked.format, asked.lang);
    let answered = async {
        match asked.name.as_str() {
            "services" => {
                let mut conn = asked.within(&state).await?;
                let services = open311::services(&mut conn).await?;
                let records: Vec<Record> = services.iter().map(|s| service_record(lang, s)).collect();
                Ok(answer(format, StatusCode::OK, "services", "service", &records, false))
            }
            "requests" => {
                let query = Query {
                    jurisdiction_id: asked.field("jurisdiction_id"),
                    service_request_id: asked.field("service_request_id"),
                    service_code: asked.field("service_code"),
                    start_date: asked.field("start_date"),
                    end_date: asked.field("end_date"),
                    status: asked.field("status"),
                };
                let mut conn = state.pool.read().await.map_err(BackendError::from)?;
                let requests = open311::requests(&mut conn, &query, lang, state.clock.now()).await?;
                let records: Vec<Record> = requests.iter().map(|r| request_record(lang, r)).collect();
                Ok(answer(format, StatusCode::OK, "service_requests", "request", &records, false))
            }
            _ => Ok(not_here(format, lang)),
        }
    };
    asked.settle(answered.await)
}

/// POST `requests.{format}`: a platform posts a resident's report (form fields as the standard
/// names them; `api_key` required).
async fn post_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let asked = match Asked::read(&file, query.as_deref(), &headers) {
        Ok(asked) => asked,
        Err(lang) => return unknown_format(lang),
    };
    let format = asked.format;
    if asked.name != "requests" {
        return not_here(format, asked.lang);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return failure(format, asked.lang, Problem::Refused(Refusal::TooLarge))
        }
        Err(_) => return failure(format, asked.lang, Problem::Refused(Refusal::Unreadable)),
    };
    let Some(from_body) = std::str::from_utf8(&body).ok().and_then(fields) else {
        return failure(format, asked.lang, Problem::Refused(Refusal::Unreadable));
    };
    // The body's fields first; a key in the query (as some clients send it) also counts.
    let get = |name: &str| field(&from_body, name).or_else(|| asked.field(name));
    let posted = Posted {
        api_key: get("api_key"),
        jurisdiction_id: get("jurisdiction_id"),
        service_code: get("service_code"),
        lat: get("lat"),
        long: get("long"),
        address_string: get("address_string"),
        description: get("description"),
        email: get("email"),
        phone: get("phone"),
        first_name: get("first_name"),
        last_name: get("last_name"),
    };
    let lang = get("locale").as_deref().and_then(Lang::from_code).unwrap_or(asked.lang);
    let answered = async {
        let (receipt, road) = open311::post(&state, &posted, lang).await?;
        let (road, code) = (lang.pick(&road.name_zh, &road.name_en), receipt.short_code.display());
        let notice = lang.server_format(ServerMsg::public_311_notice, &[("road", road), ("code", &code)]);
        let record = vec![
            ("service_request_id", text(receipt.id.to_string())),
            ("token", text(receipt.token.as_str())),
            ("service_notice", text(notice)),
            ("account_id", Value::Null),
        ];
        Ok(answer(format, StatusCode::CREATED, "service_requests", "request", &[record], false))
    };
    Asked { lang, ..asked }.settle(answered.await)
}

/// GET `services/{code}.{format}`: the service's definition (no extra attributes are asked).
async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asked = match Asked::read(&file, query.as_deref(), &headers) {
        Ok(asked) => asked,
        Err(lang) => return unknown_format(lang),
    };
    let answered = async {
        let mut conn = asked.within(&state).await?;
        let service = open311::service(&mut conn, &asked.name).await?;
        let record = vec![("service_code", text(service.id)), ("attributes", Value::EmptyList)];
        Ok(answer(asked.format, StatusCode::OK, "service_definition", "service_definition", &[record], true))
    };
    asked.settle(answered.await)
}

/// GET `requests/{id}.{format}`: one service request, as a list of one.
async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asked = match Asked::read(&file, query.as_deref(), &headers) {
        Ok(asked) => asked,
        Err(lang) => return unknown_format(lang),
    };
    let answered = async {
        let mut conn = asked.within(&state).await?;
        let request =
            open311::request(&mut conn, &asked.name, asked.lang, state.clock.now()).await?.ok_or(Problem::NotFound)?;
        let record = request_record(asked.lang, &request);
        Ok(answer(asked.format, StatusCode::OK, "service_requests", "request", &[record], false))
    };
    asked.settle(answered.await)
}

/// GET `tokens/{token}.{format}`: the service request a posted report's token stands for.
async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let asked = match Asked::read(&file, query.as_deref(), &headers) {
        Ok(asked) => asked,
        Err(lang) => return unknown_format(lang),
    };
    let answered = async {
        let mut conn = asked.within(&state).await?;
        let id = open311::by_token(&mut conn, &asked.name).await?.ok_or(Problem::NotFound)?;
        let record = vec![("service_request_id", text(id.to_string())), ("token", text(asked.name.clone()))];
        Ok(answer(asked.format, StatusCode::OK, "service_requests", "request", &[record], false))
    };
    asked.settle(answered.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_carries_hostile_text_escaped_and_drops_what_it_cannot_hold() {
        let mut out = String::new();
        xml_text(&mut out, "<a href='x'>&\"\u{1}\u{FFFF}路\n");
        assert_eq!(out, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;路\n");
    }

    #[test]
    fn a_field_given_twice_is_one_list() {
        let f = fields("status=open&status=closed&service_code=a").unwrap();
        assert_eq!(field(&f, "status").as_deref(), Some("open,closed"));
        assert_eq!(field(&f, "service_code").as_deref(), Some("a"));
        assert_eq!(field(&f, "end_date"), None);
    }
}
