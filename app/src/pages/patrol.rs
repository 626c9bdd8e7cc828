//! The patrol screen (巡查), opened from the road's checklist. While it is open during a patrol
//! the phone follows its position, keeps the screen on where it can, and shows the share of the
//! road walked, the time and the distance; a scan of the road's board is a checkpoint. The
//! patrol under way is kept on the phone at every position, so a reload, a closed tab or a
//! flat network loses nothing; ended, it goes to the outbox like any record.
//!
//! The coordinator sees the week's trails here too, without the controls.

use super::patrol_sketch::{RoadSketch, SketchDot};
use crate::api::client::new_id;
use crate::api::operations::Operation;
use crate::api::patrol::{load_patrols, BoardScan, NewPatrol, PatrolTrail, RoadPatrols};
use crate::api::reads::load_inspection;
use crate::api::views::{InspectionPage, KnownProblem, Me};
use crate::components::badges::week_label;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::patrol_summary::{km, patrol_week_text, TraceFlags};
use crate::device;
use crate::device::patrol::{keep_screen_on, Sighting};
use crate::domain::geometry::RoadGeometry;
use crate::domain::patrol::{
    board_code_from, decode, encode, minutes, summarize, too_soon, Coverage, Fix, PatrolSummary, MAX_POSITIONS,
    MAX_SCANS,
};
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::or_stored;
use crate::offline::outbox::Kind;
use crate::{t, use_current_user};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::{lazy_route, LazyRoute};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The patrol under way, as kept on the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Walking {
    id: Uuid,
    /// The user who started it: another user signed in on the phone does not continue it.
    user: String,
    road_id: String,
    week: String,
    started_at: Timestamp,
    /// `domain::patrol::encode` of the positions kept so far.
    trail: String,
    board: Vec<BoardScan>,
}

fn walking_key(road_id: &str) -> String {
    format!("roadchief.patrol.{road_id}")
}

/// What the phone's position is doing, in words for the chief.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gps {
    Waiting,
    Good(u32),
    Poor(u32),
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Lost,
}

#[component]
pub fn PatrolScreen() -> impl IntoView {
    let params = use_params_map();
    let road_id = move || params.read().get("road_id").unwrap_or_default();
    let me = use_current_user().0;
    let query = use_query_map();
    // The coordinator comes from the overview with the week to look at.
    let shown = move || query.read().get("week").and_then(|w| IsoWeek::parse(&w).ok());
    let page = Resource::new(road_id, |id| async move {
        or_stored(load_inspection(id.clone()).await, |copy| copy.inspection(&id))
    });
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                match (page.await, me) {
                    (Ok(page), Some(me)) => Either::Left(view! { <Patrol page me shown=shown()/> }),
                    (Err(e), _) => Either::Right(view! { <ErrorNotice error=e/> }),
                    (_, None) => Either::Right(view! { <ErrorNotice error=crate::api::error::ErrorCode::Unauthorized.into()/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Patrol(page: InspectionPage, me: Me, shown: Option<IsoWeek>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let road = page.road.clone();
    let road_id = road.road.id.clone();
    let Ok(geometry) = RoadGeometry::parse(&road.coordinates) else {
        return Either::Right(view! { <ErrorNotice error=crate::api::error::ErrorCode::Internal.into()/> });
    };
    let geometry = StoredValue::new(geometry);
    let may_walk = me.role == Role::RoadChief;
    let me_id = StoredValue::new(me.id.clone());
    let key = StoredValue::new(walking_key(&road_id));

    let walking = RwSignal::new(None::<Walking>);
    let fixes = StoredValue::new(Vec::<Fix>::new());
    let coverage = StoredValue::new(Coverage::of_road(&geometry.get_value()));
    let trail = RwSignal::new(Vec::<[f64; 2]>::new());
    let walked = RwSignal::new(0u32);
    let distance = RwSignal::new(0f64);
    let gps = RwSignal::new(Gps::Waiting);
    let awake = RwSignal::new(None::<bool>);
    let clock = RwSignal::new(Timestamp(0));
    let finished = RwSignal::new(None::<PatrolSummary>);
    let stored_ok = RwSignal::new(true);

    let persist = move || {
        let Some(mut current) = walking.get_untracked() else { return };
        current.trail = fixes.with_value(|f| encode(current.started_at, f));
        stored_ok.set(key.with_value(|k| device::save(k, &current)));
        walking.set(Some(current));
    };
    let seen = move |s: Sighting| {
        let Some(started_at) = walking.with_untracked(|w| w.as_ref().map(|w| w.started_at)) else { return };
        let Some(fix) = Fix::keep(s.at, s.point, s.accuracy_m) else {
            gps.set(Gps::Poor(s.accuracy_m.min(1e6).round() as u32));
            return;
        };
        gps.set(Gps::Good(fix.accuracy_m));
        let last = fixes.with_value(|f| f.last().copied());
        let full = fixes.with_value(|f| f.len() >= MAX_POSITIONS);
        if fix.at < started_at || too_soon(last.as_ref(), fix.at) || last.is_some_and(|l| fix.at < l.at) || full {
            return;
        }
        let step = last.map_or(0.0, |l| l.point.distance_m(fix.point));
        fixes.update_value(|f| f.push(fix));
        coverage.update_value(|c| geometry.with_value(|g| c.add(g, fix.point)));
        walked.set(coverage.with_value(Coverage::percent));
        distance.update(|d| *d += step);
        trail.update(|t| t.push([fix.point.lon, fix.point.lat]));
        persist();
    };
    // The watch is a browser value (a local one): created and dropped in the browser only,
    // never in the server's rendering, which may end on another thread.
    #[cfg(feature = "hydrate")]
    let watch = StoredValue::new_local(None::<crate::device::patrol::Watch>);
    let follow = move || {
        #[cfg(feature = "hydrate")]
        {
            if watch.with_value(Option::is_some) {
                return;
            }
            gps.set(Gps::Waiting);
            watch.set_value(crate::device::patrol::watch_position(seen, move || gps.set(Gps::Lost)));
            leptos::task::spawn_local(async move { awake.set(Some(keep_screen_on().await)) });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (seen, keep_screen_on);
    };
    let stop = move || {
        #[cfg(feature = "hydrate")]
        watch.set_value(None);
        walking.set(None);
        fixes.set_value(Vec::new());
        coverage.set_value(Coverage::of_road(&geometry.get_value()));
        trail.set(Vec::new());
        walked.set(0);
        distance.set(0.0);
        key.with_value(|k| device::forget(k));
    };

    // In the browser: take up a patrol under way (after a reload), and keep the clock going.
    Effect::new(move |first: Option<()>| {
        if first.is_some() {
            return;
        }
        clock.set(device::now());
        let kept = key.with_value(|k| device::load::<Walking>(k));
        if let Some(kept) = kept.filter(|w| me_id.with_value(|me| &w.user == me)) {
            let far = Timestamp(i64::MAX / 4);
            let restored = decode(kept.started_at, far, &kept.trail).unwrap_or_default();
            geometry.with_value(|g| {
                coverage.update_value(|c| restored.iter().for_each(|f| c.add(g, f.point)));
            });
            walked.set(coverage.with_value(Coverage::percent));
            distance.set(crate::domain::patrol::distance_m(&restored));
            trail.set(restored.iter().map(|f| [f.point.lon, f.point.lat]).collect());
            fixes.set_value(restored);
            walking.set(Some(kept));
            follow();
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let was_hidden = StoredValue::new(false);
        let ticking = set_interval_with_handle(
            move || {
                clock.set(device::now());
                // The browser lets the wake lock go while the page is hidden: ask again on return.
                if !device::patrol::page_visible() {
                    was_hidden.set_value(true);
                } else if was_hidden.get_value() && walking.with_untracked(Option::is_some) {
                    was_hidden.set_value(false);
                    leptos::task::spawn_local(async move { awake.set(Some(keep_screen_on().await)) });
                }
            },
            std::time::Duration::from_secs(5),
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = ticking {
                handle.clear();
            }
        });
    }
    #[cfg(feature = "hydrate")]
    on_cleanup(move || watch.set_value(None));

    let start_road = road_id.clone();
    let start = move |_| {
        let now = device::now();
        let fresh = Walking {
            id: new_id(),
            user: me_id.get_value(),
            road_id: start_road.clone(),
            week: IsoWeek::containing(now).to_string(),
            started_at: now,
            trail: String::new(),
            board: Vec::new(),
        };
        finished.set(None);
        walking.set(Some(fresh));
        persist();
        clock.set(now);
        follow();
    };
    let end = move |_| {
        let Some(current) = walking.get_untracked() else { return };
        let last = fixes.with_value(|f| f.last().map(|f| f.at));
        let ended_at = Timestamp(device::now().millis().max(last.map_or(0, Timestamp::millis)));
        let trail_text = fixes.with_value(|f| encode(current.started_at, f));
        let (summary, _) = fixes.with_value(|f| {
            geometry.with_value(|g| summarize(g, current.started_at, ended_at, f, !current.board.is_empty()))
        });
        let op = Operation::RecordPatrol {
            road_id: current.road_id.clone(),
            week: current.week.clone(),
            patrol: NewPatrol {
                id: current.id,
                started_at: current.started_at,
                ended_at,
                trail: trail_text,
                board: current.board.clone(),
            },
        };
        leptos::task::spawn_local(async move {
            // Not stored (storage full): the patrol stays under way, with the storage notice.
            if sync.record(op).await.is_ok() {
                stop();
                finished.set(Some(summary));
            }
        });
    };
    let discard = move |_| {
        if device::confirm(i18n.t(Msg::patrol_discard_confirm)) {
            stop();
        }
    };

    let under_way = move || walking.with(Option::is_some);
    let elapsed = move || {
        let started = walking.with(|w| w.as_ref().map(|w| w.started_at));
        started.map_or(0, |s| minutes(s, Timestamp(clock.get().millis().max(s.millis()))))
    };
    let queued_road = StoredValue::new(road_id.clone());
    let queued = move || queued_road.with_value(|r| sync.outbox.with(|o| o.waiting(Kind::RecordPatrol, r)));
    let week = page.week;
    let checklist = format!("/roads/{road_id}");
    let road_name = road.road.clone();
    let coordinates = road.coordinates.clone();
    let shown_week = shown.unwrap_or(week);
    let patrols = Resource::new(
        move || sync.changed.get(),
        move |_| {
            let road_id = queued_road.get_value();
            async move { load_patrols(road_id, Some(shown_week.to_string())).await }
        },
    );
    // The stored trails, once read (after hydration: the page rendered on the server had none).
    let week_trails = RwSignal::new(Vec::<Vec<[f64; 2]>>::new());
    Effect::new(move || {
        if let Some(Ok(p)) = patrols.get() {
            week_trails.set(p.trails.into_iter().map(|t| t.positions).collect());
        }
    });
    let known: Vec<SketchDot> = page
        .known
        .as_ref()
        .and_then(|k| k.read::<Vec<KnownProblem>>())
        .unwrap_or_default()
        .iter()
        .map(SketchDot::known)
        .collect();
    // This phone's records come in only after hydration too: the server does not know them.
    let mounted = RwSignal::new(false);
    Effect::new(move || mounted.set(true));
    let dots = Signal::derive(move || {
        let mut dots = known.clone();
        if mounted.get() {
            queued_road.with_value(|r| {
                sync.outbox.with(|o| {
                    let unsent = o.findings_for(r, week).filter(|(q, _)| q.rejected.is_none());
                    dots.extend(unsent.map(|(_, f)| SketchDot::on_phone(f.lon, f.lat)));
                })
            });
        }
        dots
    });

    Either::Left(view! {
        <header class="page-head">
            <h1>{move || format!("{} · {}", i18n.pick(&road_name.name_zh, &road_name.name_en), i18n.t(Msg::patrol_title))}</h1>
            <p class="muted">{move || week_label(i18n, week)}</p>
            <p><a href=checklist.clone()>{t!(i18n, patrol_back)}</a></p>
        </header>
        <p class="notice error" role="alert" hidden=move || stored_ok.get() && sync.storage_failed.with(Option::is_none)>
            {t!(i18n, storage_failed)}
        </p>
        {move || finished.get().map(|s| view! {
            <p class="notice success" role="status">
                {i18n.f(Msg::patrol_saved, &[("p", &s.walked_percent.to_string()), ("min", &s.minutes.to_string())])}
            </p>
        })}
        <p class="notice" hidden=move || queued() == 0>{move || i18n.f(Msg::patrol_queued, &[("n", &queued().to_string())])}</p>
        <section class="patrol" aria-label=i18n.t(Msg::patrol_title)>
            <dl class="patrol-figures" hidden=move || !under_way()>
                <div>
                    <dt>{t!(i18n, patrol_walked)}</dt>
                    <dd data-testid="patrol-share">{move || format!("{}%", walked.get())}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, patrol_time)}</dt>
                    <dd>{move || i18n.f(Msg::patrol_minutes, &[("n", &elapsed().to_string())])}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, patrol_distance)}</dt>
                    <dd>{move || format!("{} km", km(distance.get().round() as u32))}</dd>
                </div>
            </dl>
            <p class="patrol-status" hidden=move || !under_way()>
                <span class:warn=move || matches!(gps.get(), Gps::Poor(_) | Gps::Lost)>
                    {move || match gps.get() {
                        Gps::Waiting => i18n.t(Msg::patrol_gps_waiting).to_owned(),
                        Gps::Good(m) => i18n.f(Msg::patrol_gps_ok, &[("m", &m.to_string())]),
                        Gps::Poor(m) => i18n.f(Msg::patrol_gps_poor, &[("m", &m.to_string())]),
                        Gps::Lost => i18n.t(Msg::patrol_gps_lost).to_owned(),
                    }}
                </span>
                <span class:warn=move || awake.get() == Some(false)>
                    {move || match awake.get() {
                        Some(true) => i18n.t(Msg::patrol_awake),
                        Some(false) => i18n.t(Msg::patrol_not_awake),
                        None => "",
                    }}
                </span>
            </p>
            <RoadSketch coordinates live=trail week=week_trails.into() dots/>
            {may_walk.then(|| view! {
                <p class="muted small" hidden=under_way>{t!(i18n, patrol_intro)}</p>
                <div class="patrol-actions">
                    <button type="button" class="primary wide" hidden=under_way on:click=start>
                        {t!(i18n, patrol_start)}
                    </button>
                    <button type="button" class="primary wide" hidden=move || !under_way() on:click=end>
                        {t!(i18n, patrol_end)}
                    </button>
                    <button type="button" class="ghost" hidden=move || !under_way() on:click=discard>
                        {t!(i18n, patrol_discard)}
                    </button>
                </div>
                <BoardCheck walking persist=Callback::new(move |()| persist())/>
            })}
        </section>
        <WeekTrails patrols/>
    })
}

/// The checkpoint at the road's board: its QR code photographed (where the browser reads QR
/// codes) or the code under it typed. The server compares it with the road's code.
#[component]
fn BoardCheck(walking: RwSignal<Option<Walking>>, persist: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let can_scan = RwSignal::new(false);
    Effect::new(move || can_scan.set(device::patrol::can_read_qr()));
    let take = move |scanned: &str| match board_code_from(scanned) {
        Some(code) => {
            let full = walking.with_untracked(|w| w.as_ref().is_none_or(|w| w.board.len() >= MAX_SCANS));
            if full {
                return;
            }
            walking.update(|w| {
                if let Some(w) = w {
                    w.board.push(BoardScan { at: device::now(), text: code });
                }
            });
            persist.run(());
            typed.set(String::new());
            problem.set(None);
        }
        None => problem.set(Some(Msg::patrol_board_invalid)),
    };
    let photographed = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let file = input.files().and_then(|list| list.get(0));
            input.set_value("");
            let Some(file) = file else { return };
            leptos::task::spawn_local(async move {
                match device::patrol::read_qr(file).await {
                    Some(text) => take(&text),
                    None => problem.set(Some(Msg::patrol_board_unread)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, take);
    };
    let scans = move || walking.with(|w| w.as_ref().map(|w| w.board.clone()).unwrap_or_default());
    view! {
        <fieldset class="patrol-board" hidden=move || walking.with(Option::is_none)>
            <legend>{t!(i18n, patrol_board)}</legend>
            <p class="muted small">{t!(i18n, patrol_board_hint)}</p>
            <form class="row" on:submit=move |ev| {
                ev.prevent_default();
                take(&typed.get_untracked());
            }>
                <label class="grow">
                    <span class="visually-hidden">{t!(i18n, patrol_board_code)}</span>
                    <input
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        maxlength="40"
                        placeholder=i18n.t(Msg::patrol_board_code)
                        prop:value=typed
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit">{t!(i18n, patrol_board_record)}</button>
            </form>
            <label class="button ghost" hidden=move || !can_scan.get()>
                {t!(i18n, patrol_board_scan)}
                <input type="file" accept="image/*" capture="environment" class="visually-hidden" on:change=photographed/>
            </label>
            <p class="error small" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().map(|m| i18n.t(m)).unwrap_or_default()}
            </p>
            <ul class="plain small">
                {move || scans().into_iter().map(|scan| {
                    let at = scan.at.format_clock();
                    view! { <li>{move || i18n.f(Msg::patrol_board_scanned, &[("code", &scan.text), ("at", &at)])}</li> }
                }).collect_view()}
            </ul>
        </fieldset>
    }
}

/// The week's patrols of the road as the server has them: the chief's own trails, or for the
/// coordinator everyone's. Needs the network; offline it says nothing.
#[component]
fn WeekTrails(patrols: Resource<Result<RoadPatrols, crate::api::error::ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                patrols.await.ok().map(|p: RoadPatrols| {
                    let summary = p.summary.clone();
                    view! {
                        <section class="group">
                            <h2>{t!(i18n, patrol_week_title)}</h2>
                            <p data-testid="patrol-week">
                                {move || match &summary {
                                    Some(s) => patrol_week_text(i18n, s),
                                    None => i18n.t(Msg::patrol_week_none).to_owned(),
                                }}
                            </p>
                            {p.summary.as_ref().map(|s| view! { <TraceFlags flags=s.flags.clone()/> })}
                            <ul class="cards">
                                {p.trails.into_iter().map(|t| view! { <TrailCard trail=t/> }).collect_view()}
                            </ul>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn TrailCard(trail: PatrolTrail) -> impl IntoView {
    let i18n = use_i18n();
    let s = trail.summary.clone();
    let at = s.started_at.format_local();
    let forgotten = trail.positions.is_empty() && s.positions > 0;
    let (percent, minutes, board, flags) =
        (s.walked_percent.to_string(), s.minutes.to_string(), s.board_checked, s.flags);
    view! {
        <li class="card trail">
            <span class="card-title">
                {move || i18n.f(Msg::patrol_trail_line, &[
                    ("who", &trail.chief_name),
                    ("at", &at),
                    ("p", &percent),
                    ("min", &minutes),
                ])}
            </span>
            <span class="muted small">
                {move || if board { i18n.t(Msg::patrol_board_checked) } else { i18n.t(Msg::patrol_board_unchecked) }}
                {forgotten.then(|| view! { " · " {t!(i18n, patrol_trail_forgotten)} })}
            </span>
            <TraceFlags flags/>
        </li>
    }
}

pub struct PatrolRoute;

#[lazy_route]
impl LazyRoute for PatrolRoute {
    fn data() -> Self {
        PatrolRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PatrolScreen/> }.into_any()
    }
}
