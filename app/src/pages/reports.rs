//! Residents' reports waiting for the road's chief: each with its place, photos and the
//! resident's contact, and the three decisions (confirm: a finding routed as usual; answer
//! without a finding; spam). Direct calls to the JSON API: deciding needs a connection.

use crate::api::client;
use crate::api::error::{ApiError, ErrorCode};
use crate::api::reads::load_reports;
use crate::api::reports::{decision_path, AnswerReport, ConfirmReport, ReportView};
use crate::components::badges::{metres, whole_metres};
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::road_map::RoadMap;
use crate::domain::geometry::RoadGeometry;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let decided = RwSignal::new(0u32);
    let reports = Resource::new(move || decided.get(), |_| load_reports());
    let on_done = move || decided.update(|n| *n += 1);
    view! {
        <h1>{t!(i18n, reports_title)}</h1>
        <p class="muted">{t!(i18n, reports_lead)}</p>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match reports.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t!(i18n, none_here)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards reports">
                            {list.into_iter().map(|report| view! { <ReportCard report on_done/> }).collect_view()}
                        </ul>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportCard(report: ReportView, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let id = report.id;
    let reply = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let typed = move || Some(reply.get_untracked()).filter(|r| !r.trim().is_empty());
    // A report without a place gets one along the road from the chief.
    let line = RoadGeometry::parse(&report.road_line).ok();
    let length = line.as_ref().map(RoadGeometry::length_m).unwrap_or(0.0);
    let along = RwSignal::new((length / 2.0).round());
    let line = StoredValue::new(line);
    let chosen = move || line.with_value(|g| g.as_ref().map(|g| g.point_at(along.get())));
    let decide = move |decision: &'static str| {
        error.set(None);
        busy.set(true);
        let path = decision_path(&id, decision);
        let reply = typed();
        spawn_local(async move {
            let sent = match decision {
                "confirm" => {
                    let place = chosen();
                    let body = ConfirmReport {
                        reply,
                        lon: place.map(|p| p.lon),
                        lat: place.map(|p| p.lat),
                        ..ConfirmReport::default()
                    };
                    client::send("POST", &path, Some(&body)).await
                }
                "answer" => match reply {
                    Some(reply) => client::send("POST", &path, Some(&AnswerReport { reply })).await,
                    None => Err(ErrorCode::NoteEmpty.into()),
                },
                _ => client::send::<()>("POST", &path, None).await,
            };
            busy.set(false);
            match sent {
                Ok(()) => on_done(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let reply_id = format!("reply-{id}");
    let (category, road) = (report.category.clone(), report.road.clone());
    let title = move || {
        format!("{} · {}", i18n.pick(&category.name_zh, &category.name_en), i18n.pick(&road.name_zh, &road.name_en))
    };
    let label = title.clone();
    let waited = report.waited_hours;
    let received = report.received_at.format_local();
    let place = report.along_m.map(|m| format!("{m:.0}"));
    let joined = report.joined.clone();
    let road_line = report.road_line.clone();
    let along_id = format!("along-{id}");
    let set_place = (!road_line.is_empty()).then(|| {
        let label = Signal::stored(i18n.t(Msg::report_place).to_owned());
        view! {
            <div class="report-place">
                <p class="notice warning">{t!(i18n, report_place_missing)}</p>
                <RoadMap coordinates=road_line marker=Signal::derive(chosen) label/>
                <label for=along_id.clone()>{move || metres(i18n, along.get())}</label>
                <input
                    id=along_id
                    type="range"
                    min="0"
                    max=whole_metres(length.floor())
                    step="5"
                    prop:value=move || whole_metres(along.get())
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            along.set(v);
                        }
                    }
                />
            </div>
        }
    });
    view! {
        <li class="card report" aria-label=label>
            <span class="card-title">{title}</span>
            <span class="muted">
                {move || {
                    let waited = if waited >= 48 {
                        i18n.f(Msg::report_waited_days, &[("n", &(waited / 24).to_string())])
                    } else {
                        i18n.f(Msg::report_waited_hours, &[("n", &waited.to_string())])
                    };
                    format!("{received} · {waited}")
                }}
            </span>
            <p class="report-note">{report.note.clone()}</p>
            {(!joined.is_empty()).then(|| {
                let n = joined.len().to_string();
                view! {
                    <p class="notice">{move || i18n.f(Msg::report_joined, &[("n", &n)])}</p>
                    <ul class="joined">
                        {joined
                            .into_iter()
                            .map(|other| {
                                let received = other.received_at.format_local();
                                let said = match other.contact {
                                    Some(contact) => format!("{received} · {contact}"),
                                    None => received,
                                };
                                view! {
                                    <li>
                                        <span class="muted">{said}</span>
                                        " "
                                        {other.note}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
            <dl class="report-facts">
                {place.map(|m| view! {
                    <dt>{t!(i18n, report_place)}</dt>
                    <dd>{move || i18n.f(Msg::distance_from_start, &[("m", &m)])}</dd>
                })}
                {report.contact.clone().map(|contact| view! {
                    <dt>{t!(i18n, report_contact)}</dt>
                    <dd>{contact}</dd>
                })}
                <dt>{t!(i18n, report_code)}</dt>
                <dd>{report.short_code.clone()}</dd>
            </dl>
            <div class="thumbs">
                {report
                    .photos
                    .iter()
                    .map(|hash| view! {
                        <img src=format!("/api/v1/photos/{}", hash.as_str()) alt=i18n.t(Msg::report_photo) loading="lazy"/>
                    })
                    .collect_view()}
            </div>
            {set_place}
            <label for=reply_id.clone()>{t!(i18n, report_reply)}</label>
            <textarea id=reply_id rows="2" prop:value=move || reply.get() on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
            <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
            </p>
            <div class="row">
                <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| decide("confirm")>
                    {t!(i18n, report_confirm)}
                </button>
                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| decide("answer")>
                    {t!(i18n, report_answer)}
                </button>
                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| decide("spam")>
                    {t!(i18n, report_spam)}
                </button>
            </div>
        </li>
    }
}

/// The residents' reports, loaded on demand.
pub struct ReportsRoute;

#[lazy_route]
impl LazyRoute for ReportsRoute {
    fn data() -> Self {
        ReportsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ReportsPage/> }.into_any()
    }
}
