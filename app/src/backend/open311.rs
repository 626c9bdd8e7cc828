//! Open311 GeoReport v2 over the subdistrict's work: the categories are the services; every
//! finding is a service request (as much as the public board shows of it); a platform posts a
//! resident's report with its key, and the report goes to the road's chief like one sent from
//! the board (its id is a service request too, following the finding once the chief confirms).

use super::auth::{random_bytes, token_hash};
use super::reports::{self, check_form, take, Incoming, Receipt, Refusal, ReportForm};
use super::store::directory;
use super::store::open311::{self as stored, Listing};
use super::store::reports::{self as stored_reports, PublicFinding, Report};
use super::store::Conn;
use super::{AppState, BackendError, Pool, Result};
use crate::api::views::Named;
use crate::board::{report_state, state_text};
use crate::domain::geometry::GeoPoint;
use crate::domain::open311::{parse_datetime, window, PlatformName, RequestStatus, MAX_LISTED};
use crate::domain::report::{ReportStatus, TrackingToken, MAX_OFF_ROAD_M};
use crate::domain::time::Timestamp;
use crate::i18n::{Lang, ServerMsg};
use uuid::Uuid;

/// Why a request was not answered as asked; each is told to the platform in its language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    UnknownJurisdiction,
    UnknownService,
    NotFound,
    /// This parameter's value cannot be read.
    BadParameter(&'static str),
    /// The dates span more than 90 days, or end before they start.
    BadWindow,
    KeyMissing,
    KeyRefused,
    /// Neither a position near a road nor an address naming one.
    NoPlace,
    Refused(Refusal),
}

/// Why an answer is not the one asked for: the platform's problem, or ours.
#[derive(Debug)]
pub enum Failure {
    Problem(Problem),
    Backend(BackendError),
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Failure {
        Failure::Problem(problem)
    }
}

impl From<BackendError> for Failure {
    fn from(e: BackendError) -> Failure {
        Failure::Backend(e)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Failure {
        Failure::Backend(e.into())
    }
}

type Answer<T> = std::result::Result<T, Failure>;

/// A service request as platforms see it.
#[derive(Clone, Debug)]
pub struct ServiceRequest {
    pub id: Uuid,
    pub status: RequestStatus,
    pub status_notes: String,
    pub service: Named,
    /// The section in charge, once there is one.
    pub agency: Option<Named>,
    pub requested_at: Timestamp,
    pub updated_at: Timestamp,
    /// The section's deadline while it has the case.
    pub expected_at: Option<Timestamp>,
    pub road: Named,
    pub along_m: Option<f64>,
    /// Longitude and latitude.
    pub position: Option<(f64, f64)>,
}

/// The jurisdiction asked for: none (this server's only one), or one of its subdistricts.
pub async fn jurisdiction(conn: &mut Conn, asked: Option<&str>) -> Answer<Option<String>> {
    let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) else { return Ok(None) };
    if stored::subdistricts(conn).await?.iter().any(|s| s == asked) {
        Ok(Some(asked.to_owned()))
    } else {
        Err(Problem::UnknownJurisdiction.into())
    }
}

/// The services: the categories a road chief records.
pub async fn services(conn: &mut Conn) -> Result<Vec<Named>> {
    Ok(directory::categories(conn).await?.iter().map(|c| c.named()).collect())
}

pub async fn service(conn: &mut Conn, code: &str) -> Answer<Named> {
    Ok(services(conn).await?.into_iter().find(|s| s.id == code).ok_or(Problem::UnknownService)?)
}

fn finding_notes(lang: Lang, finding: &PublicFinding, now: Timestamp) -> String {
    state_text(lang, finding.status, &finding.section, finding.deadline, now)
}

fn of_finding(lang: Lang, finding: PublicFinding, now: Timestamp) -> ServiceRequest {
    ServiceRequest {
        id: finding.id,
        status: RequestStatus::of_finding(finding.status),
        status_notes: finding_notes(lang, &finding, now),
        expected_at: finding.status.deadline_runs().then_some(finding.deadline),
        agency: Some(finding.section),
        service: finding.category,
        requested_at: finding.received_at,
        updated_at: finding.updated_at,
        road: finding.road,
        along_m: Some(finding.along_m),
        position: Some((finding.lon, finding.lat)),
    }
}

async fn of_report(conn: &mut Conn, lang: Lang, report: Report, now: Timestamp) -> Result<ServiceRequest> {
    let finding = match report.finding_id {
        Some(id) => stored::finding_request(conn, &id).await?,
        None => None,
    };
    let said = lang.server(report_state(report.status, report.same_as));
    let detail = match (&finding, report.status) {
        (Some(finding), _) => Some(finding_notes(lang, finding, now)),
        (None, ReportStatus::Answered) => report.reply.clone(),
        _ => None,
    };
    let status_notes = match detail {
        Some(detail) => lang.server_format(ServerMsg::public_311_notes, &[("state", said), ("detail", &detail)]),
        None => said.to_owned(),
    };
    let status = RequestStatus::of_report(report.status, finding.as_ref().map(|f| f.status));
    let updated_at = finding.as_ref().map(|f| f.updated_at).or(report.handled_at).unwrap_or(report.received_at);
    Ok(ServiceRequest {
        id: report.id,
        status,
        status_notes,
        expected_at: finding.as_ref().filter(|f| f.status.deadline_runs()).map(|f| f.deadline),
        agency: finding.as_ref().map(|f| f.section.clone()),
        service: report.category,
        requested_at: report.received_at,
        updated_at,
        road: report.road,
        along_m: report.position.map(|(_, _, along)| along),
        position: report.position.map(|(lon, lat, _)| (lon, lat)),
    })
}

/// One service request: a finding, or a report a platform (or the board) sent.
pub async fn request(conn: &mut Conn, id: &str, lang: Lang, now: Timestamp) -> Result<Option<ServiceRequest>> {
    let Ok(id) = Uuid::parse_str(id.trim()) else { return Ok(None) };
    if let Some(finding) = stored::finding_request(conn, &id).await? {
        return Ok(Some(of_finding(lang, finding, now)));
    }
    match stored_reports::by_id(conn, &id).await? {
        Some(report) => Ok(Some(of_report(conn, lang, report, now).await?)),
        None => Ok(None),
    }
}

/// What a listing asks for, as the query has it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Query {
    pub jurisdiction_id: Option<String>,
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
}

/// At most this many ids in one `service_request_id`.
const MAX_IDS: usize = 100;

/// The service requests a listing asks for: by ids (then nothing else counts), or the findings
/// made within the dates (the last 90 days unless given), of the services and states asked for.
pub async fn requests(conn: &mut Conn, query: &Query, lang: Lang, now: Timestamp) -> Answer<Vec<ServiceRequest>> {
    let subdistrict = jurisdiction(conn, query.jurisdiction_id.as_deref()).await?;
    if let Some(ids) = query.service_request_id.as_deref().filter(|ids| !ids.trim().is_empty()) {
        let ids: Vec<&str> = ids.split(',').map(str::trim).filter(|id| !id.is_empty()).collect();
        if ids.len() > MAX_IDS {
            return Err(Problem::BadParameter("service_request_id").into());
        }
        let mut found = Vec::new();
        for id in ids {
            if let Some(request) = request(conn, id, lang, now).await? {
                if !found.iter().any(|r: &ServiceRequest| r.id == request.id) {
                    found.push(request);
                }
            }
        }
        return Ok(found);
    }
    let date = |text: &Option<String>, name: &'static str| match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_datetime(text).map(Some).ok_or(Problem::BadParameter(name)),
    };
    let (start, end) = (date(&query.start_date, "start_date")?, date(&query.end_date, "end_date")?);
    let (from, to) = window(start, end, now).map_err(|_| Problem::BadWindow)?;
    let statuses =
        RequestStatus::parse_list(query.status.as_deref().unwrap_or("")).ok_or(Problem::BadParameter("status"))?;
    let categories: Vec<String> = query
        .service_code
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if categories.len() > MAX_IDS {
        return Err(Problem::BadParameter("service_code").into());
    }
    let listing = Listing {
        subdistrict: subdistrict.as_deref(),
        from,
        to,
        categories: &categories,
        statuses: &statuses,
        limit: MAX_LISTED,
    };
    let findings = stored::finding_requests(conn, &listing).await?;
    Ok(findings.into_iter().map(|f| of_finding(lang, f, now)).collect())
}

/// The service request a token (the report's tracking token) stands for.
pub async fn by_token(conn: &mut Conn, token: &str) -> Result<Option<Uuid>> {
    let Some(token) = TrackingToken::parse(token.trim()) else { return Ok(None) };
    Ok(stored_reports::by_tracking_hash(conn, &token_hash(token.as_str())).await?.map(|r| r.id))
}

/// A report as a platform posts it (fields as sent).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Posted {
    pub api_key: Option<String>,
    pub jurisdiction_id: Option<String>,
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// The platform a key belongs to.
async fn platform(conn: &mut Conn, key: Option<&str>) -> Answer<String> {
    let key = key.map(str::trim).filter(|k| !k.is_empty()).ok_or(Problem::KeyMissing)?;
    Ok(stored::platform_of(conn, &token_hash(key)).await?.ok_or(Problem::KeyRefused)?)
}

/// The road a posted report is on: the nearest to its position (within reach of one), else the
/// road its address names; with whether the position is to be kept (only when it placed it).
async fn road_of(conn: &mut Conn, subdistrict: Option<&str>, posted: &Posted) -> Answer<(String, bool)> {
    let mut roads = directory::all_roads(conn).await?;
    if let Some(subdistrict) = subdistrict {
        let communities = stored::communities_of(conn, subdistrict).await?;
        roads.retain(|r| communities.contains(&r.community.id));
    }
    let (lat, long) = (posted.lat.as_deref().unwrap_or("").trim(), posted.long.as_deref().unwrap_or("").trim());
    if !lat.is_empty() || !long.is_empty() {
        let unreadable = Problem::Refused(Refusal::InvalidPosition);
        let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), long.parse::<f64>()) else { return Err(unreadable.into()) };
        let point = GeoPoint::parse(lon, lat).map_err(|_| unreadable)?;
        let nearest = roads
            .iter()
            .map(|r| (r, r.geometry.place(point).off_road_m))
            .filter(|(_, off)| *off <= MAX_OFF_ROAD_M)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let (road, _) = nearest.ok_or(Problem::NoPlace)?;
        return Ok((road.named.id.clone(), true));
    }
    let address = posted.address_string.as_deref().unwrap_or("").trim().to_lowercase();
    if address.is_empty() {
        return Err(Problem::NoPlace.into());
    }
    // The longest name that the address holds (市场一路 before 市场路, were there both).
    let named = roads
        .iter()
        .flat_map(|r| [(r, r.named.name_zh.to_lowercase()), (r, r.named.name_en.to_lowercase())])
        .filter(|(_, name)| !name.is_empty() && address.contains(name.as_str()))
        .max_by_key(|(_, name)| name.chars().count());
    Ok(named.map(|(road, _)| (road.named.id.clone(), false)).ok_or(Problem::NoPlace)?)
}

/// Takes a platform's report: checked like one from the board (category, text, place, contact)
/// and kept within the platform's and the road's limits; it waits for the road's chief. With the
/// road it was placed on.
pub async fn post(state: &AppState, posted: &Posted, lang: Lang) -> Answer<(Receipt, Named)> {
    let now = state.clock.now();
    let (platform, road_id, keep_position, board) = {
        let mut conn = state.pool.read().await?;
        let platform = platform(&mut conn, posted.api_key.as_deref()).await?;
        let subdistrict = jurisdiction(&mut conn, posted.jurisdiction_id.as_deref()).await?;
        let (road_id, keep_position) = road_of(&mut conn, subdistrict.as_deref(), posted).await?;
        let board = reports::board(&mut conn, &road_id, now).await?.ok_or(Problem::NoPlace)?;
        (platform, road_id, keep_position, board)
    };
    let field = |f: &Option<String>| f.as_deref().unwrap_or("").trim().to_owned();
    let name = [field(&posted.first_name), field(&posted.last_name)].join(" ").trim().to_owned();
    let contact: Vec<String> =
        [name, field(&posted.phone), field(&posted.email)].into_iter().filter(|part| !part.is_empty()).collect();
    let form = ReportForm {
        category: field(&posted.service_code),
        note: posted.description.clone().unwrap_or_default(),
        lon: if keep_position { field(&posted.long) } else { String::new() },
        lat: if keep_position { field(&posted.lat) } else { String::new() },
        contact: contact.join(" · "),
        ..ReportForm::default()
    };
    let checked = check_form(&board, &form).map_err(|refusal| match refusal {
        Refusal::UnknownCategory => Problem::UnknownService,
        refusal => Problem::Refused(refusal),
    })?;
    let unique: String = random_bytes::<16>().iter().map(|b| format!("{b:02x}")).collect();
    let incoming = Incoming {
        road_id: &road_id,
        checked,
        lang,
        sender_key: format!("open311:{platform}"),
        challenge: format!("open311:{unique}"),
        via: Some(&platform),
    };
    let receipt = take(state, incoming, now).await?.map_err(Problem::Refused)?;
    Ok((receipt, board.road.named))
}

/// A new key for the platform `name` (shown once, kept only as a hash); `None` if `name` has a
/// key in use (revoke it first).
pub async fn create_key(pool: &Pool, name: &PlatformName, now: Timestamp) -> Result<Option<String>> {
    let key = crate::domain::report::symbols(&random_bytes::<20>());
    let mut tx = pool.begin_write().await?;
    if !stored::insert_key(&mut tx, name.as_str(), &token_hash(&key), now).await? {
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(key))
}

/// Revokes the key of `name`; `false` if it has none in use.
pub async fn revoke_key(pool: &Pool, name: &PlatformName, now: Timestamp) -> Result<bool> {
    let mut tx = pool.begin_write().await?;
    let revoked = stored::revoke_key(&mut tx, name.as_str(), now).await?;
    tx.commit().await?;
    Ok(revoked)
}
