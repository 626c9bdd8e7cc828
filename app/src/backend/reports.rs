//! Residents' reports: sent from a road's public board, followed with a tracking link, and
//! triaged by the road's chief, who confirms one (a finding of the road, routed as usual),
//! answers it without a finding, or marks it as spam.

use super::auth::{new_id, random_bytes, token_hash};
use super::reference::Reference;
use super::store::directory::{self, Road};
use super::store::inspections::{self as stored_inspections, Inspection};
use super::store::reports::{self as stored, PublicFinding, Publication, Report};
use super::store::{photos as finding_photos, Conn};
use super::{inspections, AppState, BackendError, Pool, Result, User};
use crate::api::error::ErrorCode;
use crate::api::operations::{NewFinding, Outcome};
use crate::api::reports::ReportView;
use crate::api::views::{KnownProblem, Named};
use crate::domain::duplicate::{likely_same as nearest_same, may_join, SameAs};
use crate::domain::finding::FindingStatus;
use crate::domain::geometry::GeoPoint;
use crate::domain::inspection::InspectionStatus;
use crate::domain::open311::{may_post, PLATFORM_PER_DAY};
use crate::domain::photo::{ImageKind, PhotoHash, MAX_PHOTO_BYTES};
use crate::domain::report::{
    leading_zero_bits, may_report, sender_of, work_input, Challenge, ChallengeError, Contact, Limited, Recent,
    ReportStatus, ShortCode, TrackingToken, MAX_OFF_ROAD_M, MAX_REPORT_PHOTOS, SENDER_PER_DAY, WORK_BITS,
};
use crate::domain::text::Note;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use crate::i18n::Lang;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::time::Duration;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Closed findings stay on the board this long.
const CLOSED_SHOWN_MS: i64 = 30 * 86_400_000;

/// The server's key for what the public board signs (challenges) and hides (senders'
/// addresses): made once, kept in the database.
#[derive(Clone)]
pub struct BoardSecret([u8; 32]);

impl std::fmt::Debug for BoardSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoardSecret(..)")
    }
}

impl BoardSecret {
    pub async fn load_or_create(pool: &Pool) -> Result<BoardSecret> {
        let fresh: String = random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect();
        let mut tx = pool.begin_write().await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ('board_secret', $1) ON CONFLICT (key) DO NOTHING")
            .bind(&fresh)
            .execute(&mut *tx)
            .await?;
        let (hex,): (String,) =
            sqlx::query_as("SELECT value FROM meta WHERE key = 'board_secret'").fetch_one(&mut *tx).await?;
        tx.commit().await?;
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = hex
                .get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| BackendError::Corrupt("board secret".into()))?;
        }
        Ok(BoardSecret(key))
    }

    /// For tests: a fixed key.
    pub fn fixed(key: [u8; 32]) -> BoardSecret {
        BoardSecret(key)
    }

    fn mac(&self, text: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        mac.update(text.as_bytes());
        mac
    }

    fn sign(&self, text: &str) -> String {
        self.mac(text).finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A new challenge for the report form of `road_id`.
    pub fn challenge(&self, road_id: &str, now: Timestamp) -> String {
        let nonce: String = random_bytes::<16>().iter().map(|b| format!("{b:02x}")).collect();
        let signature = self.sign(&Challenge::signed_text(road_id, now, &nonce));
        format!("{}.{nonce}.{signature}", now.millis())
    }

    fn signed_by_us(&self, road_id: &str, challenge: &Challenge) -> bool {
        let Some(signature) = (0..32)
            .map(|i| u8::from_str_radix(challenge.signature.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        // Compared in constant time.
        self.mac(&Challenge::signed_text(road_id, challenge.issued_at, &challenge.nonce))
            .verify_slice(&signature)
            .is_ok()
    }

    /// The sender as the store keeps it: a keyed hash, not the address.
    pub fn sender_key(&self, address: IpAddr) -> String {
        self.sign(&format!("sender\n{}", sender_of(address)))[..32].to_owned()
    }
}

/// What a road's public board shows.
#[derive(Clone, Debug)]
pub struct Board {
    pub road: Road,
    pub publication: Publication,
    pub week: IsoWeek,
    pub this_week: InspectionStatus,
    pub findings: Vec<PublicFinding>,
    /// The photos the chief showed on the board, by finding.
    pub photos: std::collections::HashMap<Uuid, Vec<PhotoHash>>,
    pub categories: Vec<Named>,
}

pub async fn board(conn: &mut Conn, road_id: &str, now: Timestamp) -> Result<Option<Board>> {
    let Some(road) = directory::road(conn, road_id).await? else { return Ok(None) };
    let publication = stored::publication(conn, road_id).await?.unwrap_or_default();
    let week = IsoWeek::containing(now);
    let inspection = stored_inspections::find(conn, road_id, week).await?;
    let findings = stored::public_findings(conn, road_id, Timestamp(now.millis() - CLOSED_SHOWN_MS)).await?;
    let categories = directory::categories(conn).await?.iter().map(|c| c.named()).collect();
    let photos = finding_photos::public_of_road(conn, road_id).await?;
    Ok(Some(Board {
        road,
        publication,
        week,
        this_week: Inspection::status(inspection.as_ref()),
        findings,
        photos,
        categories,
    }))
}

/// The road's open problems likely the same as a new one of `category` at `lon`, `lat`, with
/// their distance: what the board's form offers. `None`: no such road.
pub async fn same_problems(
    conn: &mut Conn,
    road_id: &str,
    category: &str,
    at: GeoPoint,
) -> Result<Option<Vec<(KnownProblem, f64)>>> {
    if directory::road(conn, road_id).await?.is_none() {
        return Ok(None);
    }
    let known = stored::known_on_road(conn, road_id).await?;
    let offer =
        |(known, metres): (&KnownProblem, f64)| (KnownProblem { which: offered(known.which), ..known.clone() }, metres);
    Ok(Some(nearest_same(&known, category, at).into_iter().map(offer).collect()))
}

/// How the public form names a problem it offers. A finding by its id (public anyway); a
/// waiting report by a stand-in derived one way from its id, as its own id answers Open311's
/// `requests/{id}` with the report's exact place.
fn offered(which: SameAs) -> SameAs {
    match which {
        SameAs::Report(id) => {
            let digest = Sha256::digest([b"offered report:".as_slice(), id.as_bytes()].concat());
            SameAs::Report(Uuid::from_bytes(digest[..16].try_into().expect("16 of 32 bytes")))
        }
        finding => finding,
    }
}

/// A report as the board's form sent it (fields as typed; photos as bytes).
#[derive(Clone, Debug, Default)]
pub struct ReportForm {
    pub category: String,
    pub note: String,
    pub lon: String,
    pub lat: String,
    pub contact: String,
    pub challenge: String,
    pub counter: String,
    pub photos: Vec<Vec<u8>>,
    /// `finding:<id>` or `report:<id>` when the resident chose "it is this one"; else blank.
    pub same_as: String,
}

/// Why a report was not taken: each is said to the resident in their language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownCategory,
    NoteEmpty,
    NoteTooLong,
    ContactTooLong,
    InvalidPosition,
    TooFarFromRoad,
    TooManyPhotos,
    NotAnImage,
    PhotoTooLarge,
    /// The page's check was not done (no script) or not done right.
    ProofMissing,
    /// The page was open too long: reload it.
    ProofExpired,
    /// The same form was sent twice.
    AlreadySent,
    Wait {
        retry_after_s: i64,
    },
    /// Too many reports at this moment, server-wide.
    Busy,
    /// The form is larger than two photos and the text can be.
    TooLarge,
    /// The form could not be read at all.
    Unreadable,
}

/// What the resident keeps: the link's token (shown once) and the short code.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub id: Uuid,
    pub token: TrackingToken,
    pub short_code: ShortCode,
}

/// Public writes go one at a time, so a flood of reports waits behind itself and never in
/// front of the chiefs' own writes.
static PUBLIC_WRITES: Semaphore = Semaphore::const_new(1);
const PUBLIC_WRITE_WAIT: Duration = Duration::from_secs(5);

pub(crate) struct Checked {
    category: Named,
    note: Note,
    position: Option<(f64, f64, f64)>,
    contact: Option<Contact>,
    photos: Vec<(PhotoHash, ImageKind, Vec<u8>)>,
    /// Checked against the road's open problems when the report is kept.
    same_as: Option<SameAs>,
}

pub(crate) fn check_form(board: &Board, form: &ReportForm) -> std::result::Result<Checked, Refusal> {
    let category = board.categories.iter().find(|c| c.id == form.category).cloned().ok_or(Refusal::UnknownCategory)?;
    let note = Note::parse(&form.note).map_err(|e| match e {
        crate::domain::text::NoteError::Empty => Refusal::NoteEmpty,
        crate::domain::text::NoteError::TooLong => Refusal::NoteTooLong,
    })?;
    let contact = Contact::parse_optional(&form.contact).map_err(|_| Refusal::ContactTooLong)?;
    let position = match (form.lon.trim(), form.lat.trim()) {
        ("", "") => None,
        (lon, lat) => {
            let lon: f64 = lon.parse().map_err(|_| Refusal::InvalidPosition)?;
            let lat: f64 = lat.parse().map_err(|_| Refusal::InvalidPosition)?;
            let point = GeoPoint::parse(lon, lat).map_err(|_| Refusal::InvalidPosition)?;
            let placement = board.road.geometry.place(point);
            if placement.off_road_m > MAX_OFF_ROAD_M {
                return Err(Refusal::TooFarFromRoad);
            }
            Some((point.lon, point.lat, placement.along_m))
        }
    };
    if form.photos.len() > MAX_REPORT_PHOTOS {
        return Err(Refusal::TooManyPhotos);
    }
    let mut photos = Vec::new();
    for bytes in &form.photos {
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(Refusal::PhotoTooLarge);
        }
        let kind = ImageKind::sniff(bytes).ok_or(Refusal::NotAnImage)?;
        let hex: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let hash = PhotoHash::parse(&hex).map_err(|_| Refusal::NotAnImage)?;
        if !photos.iter().any(|(h, _, _): &(PhotoHash, ImageKind, Vec<u8>)| *h == hash) {
            photos.push((hash, kind, bytes.clone()));
        }
    }
    // Anything but a well-formed choice is a new problem: the choice only ever adds a report
    // to one already open, so a wrong one costs nothing.
    let same_as = SameAs::parse(&form.same_as);
    Ok(Checked { category, note, position, contact, photos, same_as })
}

/// Whether the form carries a challenge this server gave for this road, solved.
fn check_proof(
    secret: &BoardSecret,
    road_id: &str,
    form: &ReportForm,
    now: Timestamp,
) -> std::result::Result<(), Refusal> {
    let challenge = Challenge::parse(form.challenge.trim(), now).map_err(|e| match e {
        ChallengeError::Malformed => Refusal::ProofMissing,
        ChallengeError::Expired => Refusal::ProofExpired,
    })?;
    if !secret.signed_by_us(road_id, &challenge) {
        return Err(Refusal::ProofMissing);
    }
    let input = work_input(form.challenge.trim(), form.counter.trim()).ok_or(Refusal::ProofMissing)?;
    if leading_zero_bits(&Sha256::digest(input.as_bytes())) < WORK_BITS {
        return Err(Refusal::ProofMissing);
    }
    Ok(())
}

/// Takes a resident's report for `road_id`: checked whole (the form, the proof of work, the
/// limits) before anything is kept; photos are stored first, then the report in one
/// transaction. `Ok(Err(_))` is a refusal to show the resident; `Ok(Ok(None))` no such road.
pub async fn submit(
    state: &AppState,
    road_id: &str,
    form: &ReportForm,
    lang: Lang,
    sender: IpAddr,
) -> Result<std::result::Result<Option<Receipt>, Refusal>> {
    let (pool, secret) = (&state.pool, &state.settings.board_secret);
    let now = state.clock.now();
    let board = {
        let mut conn = pool.read().await?;
        match board(&mut conn, road_id, now).await? {
            Some(board) => board,
            None => return Ok(Ok(None)),
        }
    };
    if let Err(refusal) = check_proof(secret, road_id, form, now) {
        return Ok(Err(refusal));
    }
    let checked = match check_form(&board, form) {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let incoming = Incoming {
        road_id,
        checked,
        lang,
        sender_key: secret.sender_key(sender),
        challenge: form.challenge.trim().to_owned(),
        via: None,
    };
    Ok(take(state, incoming, now).await?.map(Some))
}

/// A report checked and ready to keep, from the board or from a platform.
pub(crate) struct Incoming<'a> {
    pub road_id: &'a str,
    pub checked: Checked,
    pub lang: Lang,
    /// Whom the limits count: a resident's address (as a keyed hash), or a platform.
    pub sender_key: String,
    /// Unique per report: the solved challenge, or for a platform's report a fresh value.
    pub challenge: String,
    /// The platform that posted it (Open311), if any.
    pub via: Option<&'a str>,
}

/// Keeps a checked report within the limits of its sender (a resident's, or a platform's when
/// `via` is set) and of its road: photos first, then the report in one transaction.
pub(crate) async fn take(
    state: &AppState,
    incoming: Incoming<'_>,
    now: Timestamp,
) -> Result<std::result::Result<Receipt, Refusal>> {
    let (pool, store) = (&state.pool, &state.settings.photos);
    let Incoming { road_id, checked, lang, sender_key, challenge, via } = incoming;
    let limits = |recent: &Recent| match via {
        None => may_report(recent, now),
        Some(_) => may_post(recent, now),
    };
    let sender_cap = if via.is_some() { PLATFORM_PER_DAY } else { SENDER_PER_DAY };
    let Ok(Ok(_permit)) = tokio::time::timeout(PUBLIC_WRITE_WAIT, PUBLIC_WRITES.acquire()).await else {
        return Ok(Err(Refusal::Busy));
    };
    {
        let mut conn = pool.read().await?;
        if stored::challenge_used(&mut conn, &challenge).await? {
            return Ok(Err(Refusal::AlreadySent));
        }
        if let Err(Limited::Wait { retry_after_s }) =
            limits(&stored::recent(&mut conn, &sender_key, road_id, now, sender_cap).await?)
        {
            return Ok(Err(Refusal::Wait { retry_after_s }));
        }
    }
    // Content-addressed files: one a failed report leaves behind is simply unused.
    for (hash, _, bytes) in &checked.photos {
        store.put(hash, bytes).await.map_err(|e| BackendError::Storage(format!("writing photo {hash}: {e}")))?;
    }
    let mut tx = pool.begin_write().await?;
    tx.serialize_by("resident-reports").await?;
    // Counted again inside the write: two forms sent at once cannot both slip under a limit.
    if let Err(Limited::Wait { retry_after_s }) =
        limits(&stored::recent(&mut tx, &sender_key, road_id, now, sender_cap).await?)
    {
        return Ok(Err(Refusal::Wait { retry_after_s }));
    }
    // The problem it was said to be may have been closed or handled since the form showed it.
    let same_as = match (checked.same_as, checked.position) {
        (Some(chosen), Some((lon, lat, _))) => {
            let known = stored::known_on_road(&mut tx, road_id).await?;
            let which = known.iter().map(|k| k.which).find(|which| offered(*which) == chosen);
            which.filter(|which| may_join(&known, &checked.category.id, GeoPoint { lon, lat }, *which))
        }
        _ => None,
    };
    let id = new_id(now);
    let token = TrackingToken::from_random(random_bytes());
    let short_code = ShortCode::from_random(random_bytes());
    let row = stored::NewReport {
        id: &id,
        road_id,
        category_code: &checked.category.id,
        note: checked.note.as_str(),
        position: checked.position,
        contact: checked.contact.as_ref().map(Contact::as_str),
        lang,
        tracking_hash: &token_hash(token.as_str()),
        short_code: &short_code,
        challenge: &challenge,
        sender_key: &sender_key,
        via,
        same_as,
    };
    if !stored::insert(&mut tx, row, now).await? {
        // The challenge was used meanwhile (or, once in a blue moon, a code repeated).
        return Ok(Err(Refusal::AlreadySent));
    }
    for (position, (hash, kind, bytes)) in checked.photos.iter().enumerate() {
        stored::add_photo(&mut tx, &id, position, hash, *kind, bytes.len()).await?;
    }
    tx.commit().await?;
    tracing::info!(report = %id, road = %road_id, via = via.unwrap_or("board"), ?same_as, "resident report received");
    let id = id.parse().map_err(|_| BackendError::Corrupt("new id".into()))?;
    Ok(Ok(Receipt { id, token, short_code }))
}

/// What the tracking link shows.
#[derive(Clone, Debug)]
pub struct Tracking {
    pub report: Report,
    pub photos: usize,
    /// The finding made from it, as the public sees its steps.
    pub steps: Vec<(FindingStatus, Timestamp, Named)>,
}

async fn tracking(conn: &mut Conn, report: Option<Report>) -> Result<Option<Tracking>> {
    let Some(report) = report else { return Ok(None) };
    let photos = stored::photos_of(conn, &report.id).await?.len();
    let steps = match report.finding_id {
        Some(finding) => stored::public_steps(conn, &finding).await?,
        None => Vec::new(),
    };
    Ok(Some(Tracking { report, photos, steps }))
}

pub async fn track_by_token(conn: &mut Conn, token: &TrackingToken) -> Result<Option<Tracking>> {
    let report = stored::by_tracking_hash(conn, &token_hash(token.as_str())).await?;
    tracking(conn, report).await
}

pub async fn track_by_code(conn: &mut Conn, code: &ShortCode) -> Result<Option<Tracking>> {
    let report = stored::by_short_code(conn, code).await?;
    tracking(conn, report).await
}

/// The reports waiting for `user`: a chief's on their roads, all of them for the coordinator.
pub async fn waiting(conn: &mut Conn, user: &User, now: Timestamp) -> Result<Vec<ReportView>> {
    let reports = match user.role {
        Role::RoadChief => stored::waiting(conn, Some(&user.id)).await?,
        Role::Coordinator => stored::waiting(conn, None).await?,
        Role::SectionHead => return Err(ErrorCode::Forbidden.into()),
    };
    let mut out = Vec::with_capacity(reports.len());
    for report in reports {
        let road_line = match report.position {
            Some(_) => Vec::new(),
            None => directory::road(conn, &report.road.id).await?.map(|r| r.geometry.coordinates()).unwrap_or_default(),
        };
        let photos = stored::photos_of(conn, &report.id).await?.into_iter().map(|(h, _, _)| h).collect();
        let joined = stored::joined_to(conn, &report.id).await?;
        out.push(ReportView {
            id: report.id,
            road: report.road,
            category: report.category,
            note: report.note,
            position: report.position.map(|(lon, lat, _)| [lon, lat]),
            along_m: report.position.map(|(_, _, along)| along),
            contact: report.contact,
            photos,
            received_at: report.received_at,
            waited_hours: u32::try_from((now.millis() - report.received_at.millis()).max(0) / 3_600_000)
                .unwrap_or(u32::MAX),
            short_code: report.short_code.display(),
            joined,
            road_line,
        });
    }
    Ok(out)
}

/// The coordinator sets what a road's board publishes: a work contact and office hours, each
/// one short line (blank: not shown).
pub async fn publish(pool: &Pool, user: &User, road_id: &str, contact: &str, hours: &str) -> Result<()> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let contact = Contact::parse_optional(contact).map_err(|_| ErrorCode::NoteTooLong)?;
    let hours = Contact::parse_optional(hours).map_err(|_| ErrorCode::NoteTooLong)?;
    let mut tx = pool.begin_write().await?;
    let contact = contact.as_ref().map(Contact::as_str);
    if !stored::set_publication(&mut tx, road_id, contact, hours.as_ref().map(Contact::as_str)).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

/// A report still new, on a road of `chief`, read inside the write.
async fn own_new_report(tx: &mut Conn, chief: &User, id: &Uuid) -> Result<Report> {
    let report = stored::by_id(tx, id).await?.ok_or(ErrorCode::NotFound)?;
    if chief.role != Role::RoadChief || report.chief_user_id != chief.id {
        return Err(ErrorCode::Forbidden.into());
    }
    if report.status != ReportStatus::New {
        return Err(ErrorCode::ReportHandled.into());
    }
    Ok(report)
}

/// How the chief confirms a report: the category and note as the report has them unless
/// changed, the report's place unless given (one of the two is needed), an optional public reply.
#[derive(Clone, Debug, Default)]
pub struct Confirmation {
    pub category: Option<String>,
    pub note: Option<Note>,
    pub position: Option<(f64, f64)>,
    pub reply: Option<Note>,
}

/// The chief confirms a report: it becomes a finding of this week's inspection of the road,
/// routed to its section with a deadline from now, with the report's photos.
pub async fn confirm(
    pool: &Pool,
    chief: &User,
    id: &Uuid,
    confirmation: &Confirmation,
    now: Timestamp,
) -> Result<Uuid> {
    super::retrying(|| async {
        let mut tx = pool.begin_write().await?;
        // As a report arriving to join this one does: it finds it still waiting, or handled.
        tx.serialize_by("resident-reports").await?;
        let report = own_new_report(&mut tx, chief, id).await?;
        let (lon, lat) = confirmation
            .position
            .or(report.position.map(|(lon, lat, _)| (lon, lat)))
            .ok_or(ErrorCode::InvalidPosition)?;
        let photos = stored::photos_of(&mut tx, id).await?;
        let finding_id: Uuid = new_id(now).parse().map_err(|_| BackendError::Corrupt("new id".into()))?;
        let input = NewFinding {
            id: finding_id,
            category: confirmation.category.clone().unwrap_or_else(|| report.category.id.clone()),
            note: confirmation.note.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| report.note.clone()),
            lon,
            lat,
            off_road_confirmed: true,
            observed_at: now,
            photos: photos.iter().map(|(h, _, _)| h.clone()).collect(),
            taken: Vec::new(),
            urgent: false,
            visit_id: None,
            shop_id: None,
        };
        let mut reference = Reference::default();
        let week = IsoWeek::containing(now).to_string();
        let single = inspections::Single { road_id: &report.road.id, week: &week, finding: &input, sent: None };
        let outcome = inspections::record_finding(&mut tx, &mut reference, chief, single, now).await?;
        let Outcome::FindingRecorded { .. } = outcome else {
            return Err(BackendError::Corrupt("recording a finding answered otherwise".into()));
        };
        let finding = finding_id.to_string();
        for (hash, kind, len) in &photos {
            finding_photos::mark_uploaded(&mut tx, &finding, hash, *kind, *len, now).await?;
        }
        let reply = confirmation.reply.as_ref().map(Note::as_str);
        if !stored::handle(&mut tx, id, ReportStatus::Confirmed, reply, Some(&finding), &chief.id, now).await? {
            return Err(ErrorCode::ReportHandled.into());
        }
        stored::settle_joined(&mut tx, id, ReportStatus::Confirmed, reply, Some(&finding), &chief.id, now).await?;
        tx.commit().await?;
        Ok(finding_id)
    })
    .await
}

/// The chief answers a report without a finding (already handled, not the subdistrict's
/// business, …): the reply is public on the tracking link.
pub async fn answer(pool: &Pool, chief: &User, id: &Uuid, reply: &Note, now: Timestamp) -> Result<()> {
    close_without_finding(pool, chief, id, ReportStatus::Answered, Some(reply), now).await
}

/// The chief marks a report as spam: hidden from the lists, and counted against its sender.
pub async fn mark_spam(pool: &Pool, chief: &User, id: &Uuid, now: Timestamp) -> Result<()> {
    close_without_finding(pool, chief, id, ReportStatus::Spam, None, now).await
}

async fn close_without_finding(
    pool: &Pool,
    chief: &User,
    id: &Uuid,
    to: ReportStatus,
    reply: Option<&Note>,
    now: Timestamp,
) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    tx.serialize_by("resident-reports").await?;
    own_new_report(&mut tx, chief, id).await?;
    let reply = reply.map(Note::as_str);
    if !stored::handle(&mut tx, id, to, reply, None, &chief.id, now).await? {
        return Err(ErrorCode::ReportHandled.into());
    }
    // Those who added their report to it share an answer, but not a spam mark: their reports
    // wait on their own again.
    match to {
        ReportStatus::Spam => stored::release_joined(&mut tx, id).await?,
        _ => stored::settle_joined(&mut tx, id, to, reply, None, &chief.id, now).await?,
    }
    tx.commit().await?;
    Ok(())
}

/// The boards to print (every road's, or one road's), for the coordinator.
pub async fn printed_boards(conn: &mut Conn, user: &User, road: Option<&str>) -> Result<Vec<(Road, Publication)>> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let mut publications = stored::publications(conn).await?;
    let roads = directory::all_roads(conn).await?;
    Ok(roads
        .into_iter()
        .filter(|r| road.is_none_or(|id| r.named.id == id))
        .map(|r| {
            let publication = publications.remove(&r.named.id).unwrap_or_default();
            (r, publication)
        })
        .collect())
}

/// Gives every road without one the code its printed board's QR carries.
pub async fn ensure_board_codes(pool: &Pool) -> Result<()> {
    let roads = {
        let mut conn = pool.read().await?;
        stored::roads_without_board_code(&mut conn).await?
    };
    if roads.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin_write().await?;
    for road in roads {
        let code = crate::domain::report::symbols(&random_bytes::<10>());
        stored::set_board_code(&mut tx, &road, &code).await?;
    }
    tx.commit().await?;
    Ok(())
}
