//! Weekly inspections: the chief's home, the inspection screen, starting and submitting, and
//! recording findings on the way.

use super::auth::new_id;
use super::reference::Reference;
use super::store::directory::{self, Category, Road};
use super::store::inspections::{self as stored, Inspection};
use super::store::{findings, photos, Conn};
use super::{notify, Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::operations::{NewFinding, Outcome, RoutedFinding};
use crate::api::sync::Kept;
use crate::api::views::{ChiefHome, InspectionPage, ReportsWaiting, RoadCard};
use crate::domain::admin::{tenure, Tenure};
use crate::domain::deadline::{urgency, DeadlineRule};
use crate::domain::evidence::{check_taken, ClockSkew, PhotoStage, PhotoTaken};
use crate::domain::finding::FindingStatus;
use crate::domain::geometry::{check_placement, GeoPoint, Placement};
use crate::domain::inspection::{settle_results, week_is_open, CheckResult, MAX_FINDINGS_PER_SUBMISSION};
use crate::domain::photo::{check_declared, PhotoHash};
use crate::domain::text::{Code, Note};
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// An observed time this far ahead of the server's clock is a wrong clock, not a finding.
pub(super) const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The longest a finding can have been seen before it reaches the server (its week must still
/// be open, which is at most two weeks).
const OBSERVED_BEFORE_MAX_MS: i64 = 30 * 86_400_000;

pub async fn chief_home(conn: &mut Conn, chief: &User, now: Timestamp) -> Result<ChiefHome> {
    let week = IsoWeek::containing(now);
    let mut roads = Vec::new();
    for road in directory::roads_of_chief(conn, &chief.id).await? {
        let inspection = stored::find(conn, &road.named.id, week).await?;
        let (awaiting_check, open) = findings::road_counts(conn, &road.named.id).await?;
        let follow_ups_due = super::street::due_count(conn, &road.named.id, now).await?;
        roads.push(RoadCard {
            road: road.named,
            community: road.community,
            status: Inspection::status(inspection.as_ref()),
            awaiting_check,
            open,
            follow_ups_due,
        });
    }
    let (count, oldest) = super::store::reports::waiting_summary(conn, &chief.id).await?;
    Ok(ChiefHome { week, roads, reports: ReportsWaiting { count, oldest } })
}

pub async fn page(conn: &mut Conn, user: &User, road_id: &str, now: Timestamp) -> Result<InspectionPage> {
    let road = directory::road(conn, road_id).await?.ok_or(ErrorCode::NotFound)?;
    let allowed = match user.role {
        Role::RoadChief => road.chief_user_id == user.id,
        Role::Coordinator => true,
        Role::SectionHead => false,
    };
    if !allowed {
        return Err(ErrorCode::Forbidden.into());
    }
    let week = IsoWeek::containing(now);
    let inspection = stored::find(conn, road_id, week).await?;
    let (results, found) = match &inspection {
        Some(row) => (stored::results(conn, &row.id).await?, findings::of_inspection(conn, &row.id, now).await?),
        None => (Vec::new(), Vec::new()),
    };
    Ok(InspectionPage {
        road: road.view(),
        week,
        status: Inspection::status(inspection.as_ref()),
        submitted_at: inspection.as_ref().and_then(Inspection::submitted),
        results,
        findings: found,
        categories: directory::categories(conn).await?.iter().map(Category::view).collect(),
        known: Some(Kept::of(&super::store::reports::known_on_road(conn, road_id).await?)),
        patrol: super::patrols::week_summary(conn, road_id, week).await?.map(|w| Kept::of(&w)),
    })
}

/// The road, if `user` may record on it: its chief, or its former chief for a record made
/// (`made_at`) while it was theirs (`Tenure::Former`: taken, flagged).
pub async fn own_road<'r>(
    reference: &'r mut Reference,
    tx: &mut Tx,
    user: &User,
    road_id: &str,
    made_at: Timestamp,
) -> Result<(&'r Road, Tenure)> {
    if user.role != Role::RoadChief {
        return Err(ErrorCode::Forbidden.into());
    }
    let chief = reference.road(tx, road_id).await?.ok_or(ErrorCode::NotFound)?.chief_user_id.clone();
    let tenure = if chief == user.id {
        Tenure::Current
    } else {
        let terms = super::store::admin::terms_of(tx, road_id, &user.id).await?;
        tenure(&terms, &user.id, made_at).ok_or(ErrorCode::Forbidden)?
    };
    Ok((reference.road(tx, road_id).await?.ok_or(ErrorCode::NotFound)?, tenure))
}

/// When a week's inspection could first be made: its Monday's start.
fn week_start(week: &str) -> Timestamp {
    IsoWeek::parse(week).map_or(Timestamp(0), |w| Timestamp::start_of_day(w.monday()))
}

pub(super) fn open_week(text: &str, now: Timestamp) -> Result<IsoWeek> {
    let week = IsoWeek::parse(text).map_err(|_| ErrorCode::Malformed)?;
    if !week_is_open(week, now) {
        return Err(ErrorCode::WeekNotOpen.into());
    }
    Ok(week)
}

fn inspection_uuid(id: &str) -> Result<Uuid> {
    super::store::uuid(id)
}

pub async fn start(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    road_id: &str,
    week: &str,
    now: Timestamp,
) -> Result<Outcome> {
    own_road(reference, tx, chief, road_id, week_start(week)).await?;
    let week = open_week(week, now)?;
    let inspection = reference.inspection(tx, chief, road_id, week, now).await?;
    Ok(Outcome::InspectionStarted {
        inspection_id: inspection_uuid(&inspection.id)?,
        started_at: Timestamp(inspection.started_at),
    })
}

/// A finding as the chief recorded it, checked and ready to route.
#[derive(Clone)]
pub struct Recorded {
    pub id: Uuid,
    pub category: Category,
    pub note: Note,
    pub placement: Placement,
    pub off_road_confirmed: bool,
    pub observed_at: Timestamp,
    pub photos: Vec<PhotoHash>,
    pub taken: Vec<PhotoTaken>,
    /// The phone's clock minus the server's as it arrived, if the phone said its time.
    pub clock_skew: Option<ClockSkew>,
    pub urgent: bool,
    pub visit_id: Option<Uuid>,
    pub shop_id: Option<String>,
    /// Sent by the road's former chief after the hand-over (made while it was theirs).
    pub after_hand_over: bool,
}

/// Checks one new finding against its road and the categories; `sent` is the phone's clock as
/// it sent it.
fn parse_finding(
    road: &Road,
    categories: &[Category],
    input: &NewFinding,
    sent: Option<Timestamp>,
    now: Timestamp,
) -> Result<Recorded> {
    let category = categories.iter().find(|c| c.code == input.category).ok_or(ErrorCode::UnknownCategory)?;
    let note = Note::parse(&input.note)?;
    let point = GeoPoint::parse(input.lon, input.lat).map_err(|_| ErrorCode::InvalidPosition)?;
    let placement =
        check_placement(&road.geometry, point, input.off_road_confirmed).map_err(|_| ErrorCode::OffRoadUnconfirmed)?;
    if input.observed_at.millis() > now.millis().saturating_add(CLOCK_SKEW_MS) {
        return Err(ErrorCode::ObservedInFuture.into());
    }
    // Only this week's or last week's inspection is open: a time seen long before is a wrong
    // clock or a made-up record.
    if input.observed_at.millis() < now.millis().saturating_sub(OBSERVED_BEFORE_MAX_MS) {
        return Err(ErrorCode::ObservedTooLongAgo.into());
    }
    check_declared(&input.photos).map_err(|_| ErrorCode::TooManyPhotos)?;
    check_taken(&input.photos, &input.taken).map_err(|_| ErrorCode::InvalidPhotoRecord)?;
    Ok(Recorded {
        id: input.id,
        category: category.clone(),
        note,
        placement,
        off_road_confirmed: input.off_road_confirmed && placement.is_off_road(),
        observed_at: input.observed_at,
        photos: input.photos.clone(),
        taken: input.taken.clone(),
        clock_skew: sent.map(|s| ClockSkew::between(s, now)),
        urgent: input.urgent,
        visit_id: input.visit_id,
        shop_id: input.shop_id.clone(),
        after_hand_over: false,
    })
}

/// Stores a new finding routed to its category's section, with its deadline counted from now
/// (the moment the server received it), its photos declared and its section told. A finding
/// id the server has seen under another operation is refused, never overwritten.
async fn route(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    road_id: &str,
    inspection_id: &str,
    finding: &Recorded,
    now: Timestamp,
) -> Result<RoutedFinding> {
    let rule = DeadlineRule::for_finding(finding.category.deadline_days, finding.urgent);
    let deadline = rule.deadline(now, reference.calendar(tx).await?);
    let section_id = &finding.category.section.id;
    let id = finding.id.to_string();
    let row = findings::NewFinding {
        id: &id,
        inspection_id,
        road_id,
        category_code: &finding.category.code,
        note: &finding.note,
        placement: &finding.placement,
        off_road_confirmed: finding.off_road_confirmed,
        observed_at: finding.observed_at,
        reported_by: &chief.id,
        section_id,
        deadline,
        urgent: finding.urgent,
        after_hand_over: finding.after_hand_over,
        clock_skew: finding.clock_skew,
    };
    // Where it came from in the work log is checked before anything is written.
    let (visit, shop) =
        super::street::finding_source(tx, road_id, finding.visit_id.as_ref(), finding.shop_id.as_deref()).await?;
    if !findings::insert(tx, row, now).await? {
        return Err(ErrorCode::OperationConflict.into());
    }
    if (visit.is_some() || shop.is_some())
        && !findings::link_to_street(tx, &id, visit.as_deref(), shop.as_deref()).await?
    {
        return Err(ErrorCode::VisitHasFinding.into());
    }
    let declared = photos::Declared {
        finding_id: &id,
        photos: &finding.photos,
        taken: &finding.taken,
        stage: PhotoStage::Before,
        declared_by: &chief.id,
        clock_skew: finding.clock_skew,
    };
    photos::declare(tx, declared).await?;
    let event = new_id(now);
    let step = findings::Step {
        id: &event,
        finding_id: &id,
        at: now,
        actor_id: &chief.id,
        from: None,
        to: FindingStatus::Routed,
        section_id,
        deadline: Some((deadline, rule)),
        note: Some(&finding.note),
    };
    findings::append(tx, step).await?;
    notify::enqueue(tx, reference, section_id, &id, &event, now).await?;
    Ok(RoutedFinding { id: finding.id, section_id: section_id.clone(), deadline, urgency: urgency(deadline, now) })
}

/// One finding sent on its own, as it came in.
pub struct Single<'a> {
    pub road_id: &'a str,
    pub week: &'a str,
    pub finding: &'a NewFinding,
    /// The phone's clock as it sent it.
    pub sent: Option<Timestamp>,
}

/// Records one finding sent on its own: this week's (or last week's) inspection of the chief's
/// road is started if needed, and the finding is routed with its deadline counted from now.
pub async fn record_finding(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    single: Single<'_>,
    now: Timestamp,
) -> Result<Outcome> {
    let Single { road_id, week, finding: input, sent } = single;
    let (road, tenure) = own_road(reference, tx, chief, road_id, input.observed_at).await?;
    let road = road.clone();
    let week = open_week(week, now)?;
    let mut recorded = parse_finding(&road, reference.categories(tx).await?, input, sent, now)?;
    recorded.after_hand_over = tenure == Tenure::Former;
    let inspection = reference.inspection(tx, chief, road_id, week, now).await?.id.clone();
    let finding = route(tx, reference, chief, road_id, &inspection, &recorded, now).await?;
    Ok(Outcome::FindingRecorded { inspection_id: inspection_uuid(&inspection)?, finding })
}

/// What a chief submits for a road and week, as it came in.
pub struct Submission<'a> {
    pub road_id: &'a str,
    pub week: &'a str,
    pub ticked: &'a BTreeMap<String, CheckResult>,
    pub findings: &'a [NewFinding],
    /// The phone's clock as it sent the submission.
    pub sent: Option<Timestamp>,
}

/// Submits the week's inspection: results for every category and the new findings, routed
/// with deadlines. A second submission in the same week adds to the first.
pub async fn submit(
    tx: &mut Tx,
    reference: &mut Reference,
    chief: &User,
    submission: Submission<'_>,
    now: Timestamp,
) -> Result<Outcome> {
    let Submission { road_id, week, ticked, findings: new_findings, sent } = submission;
    if new_findings.len() > MAX_FINDINGS_PER_SUBMISSION {
        return Err(ErrorCode::TooManyFindings.into());
    }
    let made_at = new_findings.iter().map(|f| f.observed_at).max_by_key(|t| t.millis()).unwrap_or(week_start(week));
    let (road, tenure) = own_road(reference, tx, chief, road_id, made_at).await?;
    let road = road.clone();
    let late = tenure == Tenure::Former;
    let week = open_week(week, now)?;
    let categories = reference.categories(tx).await?.to_vec();
    let recorded =
        new_findings.iter().map(|f| parse_finding(&road, &categories, f, sent, now)).collect::<Result<Vec<_>>>()?;
    let mut ids = BTreeSet::new();
    if !recorded.iter().all(|f| ids.insert(f.id)) {
        return Err(ErrorCode::Malformed.into());
    }

    let inspection = reference.inspection(tx, chief, road_id, week, now).await?.clone();
    let earlier = findings::categories_in(tx, &inspection.id).await?;
    let codes = |c: &str| Code::parse(c).map_err(|_| super::BackendError::Refused(ErrorCode::UnknownCategory));
    let with_findings = earlier
        .iter()
        .map(String::as_str)
        .chain(recorded.iter().map(|f| f.category.code.as_str()))
        .map(codes)
        .collect::<Result<BTreeSet<_>>>()?;
    let ticked = ticked.iter().map(|(c, r)| Ok((codes(c)?, *r))).collect::<Result<BTreeMap<_, _>>>()?;
    let all = categories.iter().map(|c| codes(&c.code)).collect::<Result<Vec<_>>>()?;
    let settled = settle_results(&all, &ticked, &with_findings)?;

    for (code, result) in &settled {
        stored::set_result(tx, &inspection.id, code, *result).await?;
    }
    let mut routed = Vec::with_capacity(recorded.len());
    for finding in &recorded {
        let finding = Recorded { after_hand_over: late, ..finding.clone() };
        routed.push(route(tx, reference, chief, road_id, &inspection.id, &finding, now).await?);
    }
    stored::mark_submitted(tx, &inspection.id, now).await?;
    reference.forget_inspection(road_id, week);
    Ok(Outcome::InspectionSubmitted {
        inspection_id: inspection_uuid(&inspection.id)?,
        submitted_at: now,
        findings: routed,
    })
}
