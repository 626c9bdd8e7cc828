//! One finding: what, where, who has it until when, everything that happened to it, and what
//! the reader may do next.

use super::extension::{AskExtension, DecideExtension};
use super::finding_photos::{skew_text, Photos};
use super::joint::JointPanel;
use super::moves::MoveForm;
use crate::api::reads::{load_finding, load_finding_notices};
use crate::api::views::{FindingDetail, HistoryEntry, NoticeEntry};
use crate::components::badges::{deadline_text, finding_status_msg, metres, StatusBadge, UrgencyBadge};
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::road_map::RoadMap;
use crate::domain::deadline::DeadlineRule;
use crate::domain::finding::ReturnRuling;
use crate::i18n::{use_i18n, Msg};
use crate::offline::{self, engine::use_sync};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn FindingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let sync = use_sync();
    let detail = Resource::new(
        move || (id(), sync.changed.get()),
        |(id, _)| async move {
            let fresh = load_finding(id.clone()).await;
            if let Ok(d) = &fresh {
                offline::engine::keep_detail(d);
            }
            match fresh {
                Err(e) if e.code == crate::api::error::ErrorCode::Network => {
                    uuid::Uuid::parse_str(&id).ok().and_then(offline::engine::stored_detail).ok_or(e)
                }
                other => other,
            }
        },
    );
    // Reminders and messages: online only (an empty timeline addition offline).
    let notices = Resource::new(
        move || (id(), sync.changed.get()),
        |(id, _)| async move { load_finding_notices(id).await.unwrap_or_default() },
    );
    let flash = RwSignal::new(None::<Msg>);
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                let (found, notices_now) = (detail.await, notices.await);
                match found {
                    Ok(d) => {
                        view! {
                            <Detail
                                detail=d
                                notices=notices_now
                                flash
                                on_moved=move || {
                                    detail.refetch();
                                    notices.refetch();
                                }
                            />
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(
    detail: FindingDetail,
    notices: Vec<NoticeEntry>,
    flash: RwSignal<Option<Msg>>,
    on_moved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = StoredValue::new(detail.summary.clone());
    let road = StoredValue::new(detail.road.clone());
    let point = detail.point;
    let map_label = Signal::derive(move || {
        i18n.f(Msg::map_label, &[("road", &road.with_value(|r| i18n.pick(&r.road.name_zh, &r.road.name_en)))])
    });
    let summary = detail.summary.clone();
    let off_road = (detail.off_road_m > crate::domain::geometry::OFF_ROAD_LIMIT_M).then_some(detail.off_road_m);
    let targets = detail.reroute_targets.clone();
    let (ask, decide) = (detail.may_ask_extension, detail.may_decide_extension);
    let after_photo_required = detail.after_photo_required;
    let clock_off = detail.clock_skew.filter(|s| s.marked());
    let mut steps: Vec<Step> = detail.history.into_iter().map(Step::Move).collect();
    steps.extend(notices.into_iter().map(Step::Notice));
    // Stable: a move and the messages it caused in the same millisecond keep that order.
    steps.sort_by_key(|s| match s {
        Step::Move(h) => h.at,
        Step::Notice(n) => n.at,
    });

    view! {
        <header class="page-head">
            <p class="muted">
                <a href="/">{t!(i18n, back)}</a>
            </p>
            <h1>
                {move || s.with_value(|s| i18n.pick(&s.category.name_zh, &s.category.name_en))} " · "
                {move || s.with_value(|s| i18n.pick(&s.road.name_zh, &s.road.name_en))}
            </h1>
            <p class="card-line">
                <StatusBadge status=summary.status/>
                <UrgencyBadge urgency=summary.urgency/>
                {summary.urgent.then(|| view! { <span class="badge urgent">{t!(i18n, urgent_badge)}</span> })}
            </p>
        </header>
        {move || flash.get().map(|m| view! { <p class="notice success" role="status">{move || i18n.t(m)}</p> })}
        <section class="card">
            <p class="note">{summary.note.clone()}</p>
            <dl class="facts">
                <dt>{t!(i18n, section_label)}</dt>
                <dd>{move || s.with_value(|s| i18n.pick(&s.section.name_zh, &s.section.name_en))}</dd>
                <dt>{t!(i18n, deadline_label)}</dt>
                <dd>{move || deadline_text(i18n, summary.deadline)}</dd>
                <dt>{t!(i18n, observed_at)}</dt>
                <dd>{summary.observed_at.format_local()}</dd>
                <dt>{t!(i18n, received_at)}</dt>
                <dd>
                    {summary.received_at.format_local()}
                    {clock_off.map(|s| view! { " " <span class="badge warning">{move || skew_text(i18n, s)}</span> })}
                </dd>
                <dt>{t!(i18n, reported_by)}</dt>
                <dd>
                    {detail.reported_by.clone()}
                    {detail.after_hand_over.then(|| view! { " " <span class="badge">{t!(i18n, after_hand_over_badge)}</span> })}
                </dd>
                <dt>{t!(i18n, community_label)}</dt>
                <dd>{move || road.with_value(|r| i18n.pick(&r.community.name_zh, &r.community.name_en))}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t!(i18n, place_label)}</h2>
            <RoadMap coordinates=detail.road.coordinates.clone() marker=Signal::derive(move || Some(point)) label=map_label/>
            <p>{move || metres(i18n, summary.along_m)} " · " {format!("{:.5}, {:.5}", point.lat, point.lon)}</p>
            {off_road
                .map(|m| {
                    view! {
                        <p class="notice warning">
                            {move || i18n.f(Msg::off_road_recorded, &[("m", &format!("{m:.0}"))])}
                        </p>
                    }
                })}
        </section>
        <Photos
            photos=detail.photos.clone()
            finding=summary.id
            point
            may_publish=detail.may_publish_photos
            evidence_shown=detail.evidence_shown
        />
        {view! {
            <JointPanel
                finding_id=summary.id
                lead=summary.section.clone()
                tasks=detail.joint.clone()
                targets=detail.joint_targets.clone()
                may_answer=detail.may_answer_task
                may_waive=detail.may_waive_tasks
                on_done=move |msg| {
                    flash.set(Some(msg));
                    on_moved();
                }
            />
        }
            .into_any()}
        {(!detail.moves.is_empty() || detail.may_ask_extension || detail.may_decide_extension)
            .then(|| {
                view! {
                    <section class="card actions-card">
                        <h2>{t!(i18n, actions_title)}</h2>
                        {detail
                            .moves
                            .iter()
                            .map(|m| {
                                view! {
                                    <MoveForm
                                        finding_id=summary.id
                                        action=*m
                                        targets=targets.clone()
                                        after_photo_required=after_photo_required
                                        on_done=move |msg| {
                                            flash.set(Some(msg));
                                            on_moved();
                                        }
                                    />
                                }
                            })
                            .collect_view()}
                        {ask.then(|| {
                            view! {
                                <AskExtension finding_id=summary.id on_done=move |msg| { flash.set(Some(msg)); on_moved(); }/>
                            }
                        })}
                        {decide.then(|| {
                            view! {
                                <h3>{t!(i18n, notice_extension_pending)}</h3>
                                <DecideExtension finding_id=summary.id on_done=move |msg| { flash.set(Some(msg)); on_moved(); }/>
                            }
                        })}
                    </section>
                }
            })}
        <section class="card">
            <h2>{t!(i18n, history_title)}</h2>
            <ol class="timeline">
                {steps
                    .into_iter()
                    .map(|step| match step {
                        Step::Move(h) => view! { <MoveStep h/> }.into_any(),
                        Step::Notice(n) => view! { <NoticeStep n/> }.into_any(),
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

enum Step {
    Move(HistoryEntry),
    Notice(NoticeEntry),
}

#[component]
fn MoveStep(h: HistoryEntry) -> impl IntoView {
    let i18n = use_i18n();
    let (szh, sen) = (h.section.name_zh.clone(), h.section.name_en.clone());
    view! {
        <li>
            <span class="muted small">{h.at.format_local()} " · " {h.actor.clone()}</span>
            <span>{i18n.t(finding_status_msg(h.to))} " · " {move || i18n.pick(&szh, &sen)}</span>
            {h
                .ruling
                .map(|ruling| {
                    let text = match ruling {
                        ReturnRuling::Upheld => Msg::ruling_upheld,
                        ReturnRuling::Overruled => Msg::ruling_overruled,
                    };
                    view! { <span class="ruling">{i18n.t(text)}</span> }
                })}
            {h.deadline.map(|d| view! { <span class="muted small">{move || deadline_text(i18n, d)}</span> })}
            {h
                .deadline_rule
                .map(|rule| {
                    view! {
                        <span class="muted small">
                            {move || match rule {
                                DeadlineRule::Urgent => i18n.t(Msg::rule_urgent).to_owned(),
                                DeadlineRule::WorkingDays(n) => i18n.f(Msg::rule_working_days, &[("n", &n.get().to_string())]),
                                DeadlineRule::Extension(n) => i18n.f(Msg::rule_extension, &[("n", &n.get().to_string())]),
                            }}
                        </span>
                    }
                })}
            {h.note.clone().map(|n| view! { <span class="history-note">{n}</span> })}
        </li>
    }
}

/// A reminder, a message sent, or an extension step, in one line.
#[component]
fn NoticeStep(n: NoticeEntry) -> impl IntoView {
    let i18n = use_i18n();
    let kind = match n.kind.as_str() {
        "due_soon" => Some(Msg::notice_due_soon),
        "overdue" => Some(Msg::notice_overdue),
        "message_routed" => Some(Msg::message_routed),
        "message_due_soon" => Some(Msg::message_due_soon),
        "message_overdue" => Some(Msg::message_overdue),
        "message_escalated" => Some(Msg::message_escalated),
        "message_extension" => Some(Msg::message_extension),
        "extension_asked" => Some(Msg::notice_extension_asked),
        "extension_refused" => Some(Msg::notice_extension_refused),
        "task_given" => Some(Msg::notice_task_given),
        "task_done" => Some(Msg::notice_task_done),
        "task_waived" => Some(Msg::notice_task_waived),
        _ => None,
    };
    let channel = match n.channel.as_deref() {
        Some("email") => Some(Msg::channel_email),
        Some(_) => Some(Msg::channel_webhook),
        None => None,
    };
    let status = match n.status.as_deref() {
        Some("sent") => Msg::delivery_sent,
        Some("failed") => Msg::delivery_failed,
        _ => Msg::delivery_pending,
    };
    let to = n.to.clone().unwrap_or_default();
    let line = move || {
        let kind = kind.map(|k| i18n.t(k)).unwrap_or_default();
        match channel {
            Some(c) => i18n.f(
                Msg::notice_message,
                &[("kind", kind), ("to", &to), ("channel", i18n.t(c)), ("status", i18n.t(status))],
            ),
            // A joint task's step names its section.
            None if !to.is_empty() => format!("{kind} · {to}"),
            None => kind.to_owned(),
        }
    };
    let who = n.actor.clone().map(|a| format!(" · {a}")).unwrap_or_default();
    view! {
        <li class="notice-step">
            <span class="muted small">{n.at.format_local()} {who}</span>
            <span>{line}</span>
            {n.deadline.map(|d| view! { <span class="muted small">{move || deadline_text(i18n, d)}</span> })}
            {n.note.clone().map(|t| view! { <span class="history-note">{t}</span> })}
        </li>
    }
}

/// A finding's page, loaded on demand.
pub struct FindingRoute;

#[lazy_route]
impl LazyRoute for FindingRoute {
    fn data() -> Self {
        FindingRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <FindingPage/> }.into_any()
    }
}
