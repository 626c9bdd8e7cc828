//! The section head's inbox: the section's findings by deadline, overdue ones marked; tabs by
//! status and deadline with counts, narrowed to a road or a community; several new findings
//! accepted at once.

use crate::api::error::ApiError;
use crate::api::joint::InboxTask;
use crate::api::operations::Operation;
use crate::api::reads::load_inbox;
use crate::api::views::{InboxCounts, InboxFilter, Named};
use crate::components::badges::deadline_text;
use crate::components::finding_card::FindingLink;
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::finding::{FindingStatus, Move};
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{lazy_route, LazyRoute};
use uuid::Uuid;

fn filter_msg(filter: InboxFilter) -> Msg {
    match filter {
        InboxFilter::Open => Msg::filter_open,
        InboxFilter::DueToday => Msg::filter_due_today,
        InboxFilter::DueThisWeek => Msg::filter_due_this_week,
        InboxFilter::Overdue => Msg::filter_overdue,
        InboxFilter::Resolved => Msg::filter_resolved,
    }
}

fn count(counts: &InboxCounts, filter: InboxFilter) -> Option<u32> {
    match filter {
        InboxFilter::Open => Some(counts.open),
        InboxFilter::DueToday => Some(counts.due_today),
        InboxFilter::DueThisWeek => Some(counts.due_this_week),
        InboxFilter::Overdue => Some(counts.overdue),
        InboxFilter::Resolved => None,
    }
}

/// What the address says: the tab, and the road or community narrowed to.
#[derive(Clone, Debug, Default, PartialEq)]
struct Query {
    filter: InboxFilter,
    road: String,
    community: String,
}

impl Query {
    fn href(&self) -> String {
        let mut href = format!("/inbox?filter={}", self.filter.as_str());
        if !self.road.is_empty() {
            href.push_str(&format!("&road={}", self.road));
        }
        if !self.community.is_empty() {
            href.push_str(&format!("&community={}", self.community));
        }
        href
    }
}

#[component]
pub fn InboxView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = Memo::new(move |_| {
        let q = query.read();
        Query {
            filter: q.get("filter").and_then(|f| InboxFilter::parse(&f)).unwrap_or_default(),
            road: q.get("road").unwrap_or_default(),
            community: q.get("community").unwrap_or_default(),
        }
    });
    let inbox = Resource::new(
        move || current.get(),
        |q| load_inbox(q.filter.as_str().to_owned(), Some(q.road), Some(q.community)),
    );
    // How the last bulk accept went: outside the list, which is rebuilt when it reloads.
    let done = RwSignal::new(None::<(usize, Option<ApiError>)>);
    view! {
        <p class="notice success" role="status" hidden=move || done.with(Option::is_none)>
            {move || done.get().map(|(n, _)| i18n.f(Msg::accepted_count, &[("n", &n.to_string())])).unwrap_or_default()}
        </p>
        <p class="notice error" role="alert" hidden=move || done.with(|d| !matches!(d, Some((_, Some(_)))))>
            {move || done.get().and_then(|(_, e)| e).map(|e| e.localized(i18n.lang())).unwrap_or_default()}
        </p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(inbox_data) => {
                        let section = inbox_data.section.clone();
                        let counts = inbox_data.counts;
                        let now = current.get_untracked();
                        view! {
                            <h1>{move || i18n.pick(&section.name_zh, &section.name_en)} " · " {t!(i18n, inbox_title)}</h1>
                            <Tasks tasks=inbox_data.tasks.clone()/>
                            <nav class="tabs" aria-label=i18n.t(Msg::filters_label)>
                                {InboxFilter::ALL
                                    .into_iter()
                                    .map(|f| {
                                        let href = Query { filter: f, ..now.clone() }.href();
                                        let n = count(&counts, f);
                                        view! {
                                            <a
                                                href=href
                                                class="tab"
                                                class:overdue={f == InboxFilter::Overdue && counts.overdue > 0}
                                                aria-current=(f == now.filter).then_some("page")
                                            >
                                                {i18n.t(filter_msg(f))}
                                                {n.map(|n| format!(" ({n})"))}
                                            </a>
                                        }
                                    })
                                    .collect_view()}
                            </nav>
                            <Narrow roads=inbox_data.roads.clone() communities=inbox_data.communities.clone() now=now.clone()/>
                            {(inbox_data.total as usize > inbox_data.items.len())
                                .then(|| {
                                    let shown = inbox_data.items.len().to_string();
                                    let total = inbox_data.total.to_string();
                                    view! {
                                        <p class="muted" role="status">
                                            {move || i18n.f(Msg::inbox_capped, &[("shown", &shown), ("total", &total)])}
                                        </p>
                                    }
                                })}
                            {if inbox_data.items.is_empty() {
                                view! { <p class="muted">{t!(i18n, inbox_empty)}</p> }.into_any()
                            } else {
                                view! { <Items items=inbox_data.items done on_accepted=move || inbox.refetch()/> }.into_any()
                            }}
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Road and community choosers; changing one loads the narrowed list.
/// The section's tasks in joint cases other sections lead, answered on the finding's page.
#[component]
fn Tasks(tasks: Vec<InboxTask>) -> impl IntoView {
    let i18n = use_i18n();
    (!tasks.is_empty()).then(|| {
        view! {
            <section class="card joint" aria-labelledby="joint-tasks-title">
                <h2 id="joint-tasks-title">{t!(i18n, joint_inbox_title)} " (" {tasks.len()} ")"</h2>
                <ul class="cards">
                    {tasks
                        .into_iter()
                        .map(|t| {
                            let lead = t.lead.clone();
                            view! {
                                <li class="task">
                                    <p class="card-line">
                                        <span class="muted small">
                                            {move || i18n.f(Msg::joint_inbox_lead, &[("section", &i18n.pick(&lead.name_zh, &lead.name_en))])}
                                        </span>
                                        {t.overdue.then(|| view! { " " <span class="badge urgency-overdue">{t!(i18n, task_late)}</span> })}
                                    </p>
                                    <p>{t.task.clone()}</p>
                                    <p class="muted small">{move || deadline_text(i18n, t.deadline)}</p>
                                    <FindingLink finding=t.finding/>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Narrow(roads: Vec<Named>, communities: Vec<Named>, now: Query) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let go = move |q: Query| navigate(&q.href(), Default::default());
    let (go_road, go_community) = (go.clone(), go);
    let (for_road, for_community) = (now.clone(), now.clone());
    let option = move |n: Named, chosen: &str| {
        let selected = n.id == chosen;
        view! { <option value=n.id.clone() selected=selected>{move || i18n.pick(&n.name_zh, &n.name_en)}</option> }
    };
    view! {
        <div class="inbox-filters">
            <label for="inbox-road">{t!(i18n, road_label)}</label>
            <select
                id="inbox-road"
                on:change=move |ev| go_road(Query { road: event_target_value(&ev), ..for_road.clone() })
            >
                <option value="">{t!(i18n, all_roads)}</option>
                {roads.into_iter().map(|r| option(r, &now.road)).collect_view()}
            </select>
            <label for="inbox-community">{t!(i18n, community_label)}</label>
            <select
                id="inbox-community"
                on:change=move |ev| go_community(Query { community: event_target_value(&ev), ..for_community.clone() })
            >
                <option value="">{t!(i18n, all_communities)}</option>
                {communities.into_iter().map(|c| option(c, &now.community)).collect_view()}
            </select>
        </div>
    }
}

/// The list, with a box beside each new finding and "accept selected". Each accept is its own
/// operation through the outbox, like a single accept: refused ones say why.
#[component]
fn Items(
    items: Vec<crate::api::views::FindingSummary>,
    done: RwSignal<Option<(usize, Option<ApiError>)>>,
    on_accepted: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let sent = RwSignal::new(Vec::<Uuid>::new());
    let acceptable = items.iter().filter(|f| f.status == FindingStatus::Routed).count();
    Effect::new(move || {
        let ops = sent.get();
        if ops.is_empty() {
            return;
        }
        let states: Vec<Option<Option<ApiError>>> =
            sync.outbox.with(|o| ops.iter().map(|id| o.get(*id).map(|q| q.rejected.clone())).collect());
        if states.iter().any(|s| matches!(s, Some(None))) {
            return; // still on its way
        }
        let refused: Vec<ApiError> = states.into_iter().flatten().flatten().collect();
        for id in &ops {
            sync.discard(*id);
        }
        sent.set(Vec::new());
        chosen.set(Vec::new());
        done.set(Some((ops.len() - refused.len(), refused.into_iter().next())));
        on_accepted();
    });
    let accept = move |_| {
        let ids = chosen.get_untracked();
        done.set(None);
        leptos::task::spawn_local(async move {
            let mut ops = Vec::new();
            for finding_id in ids {
                let op = Operation::MoveFinding {
                    finding_id,
                    action: Move::Accept,
                    note: None,
                    section_id: None,
                    photos: Vec::new(),
                    taken: Vec::new(),
                };
                match sync.record(op).await {
                    Ok(id) => ops.push(id),
                    // Not stored: the ones kept go on; the rest stay chosen to try again.
                    Err(e) => {
                        done.set(Some((0, Some(e))));
                        break;
                    }
                }
            }
            sent.set(ops);
        });
    };
    view! {
        <div class="bulk" hidden=acceptable == 0>
            <button
                type="button"
                class="primary"
                on:click=accept
                disabled=move || chosen.with(Vec::is_empty) || sent.with(|s| !s.is_empty())
            >
                {move || i18n.f(Msg::accept_selected, &[("n", &chosen.with(Vec::len).to_string())])}
            </button>
        </div>
        <ul class="cards inbox-list">
            {items
                .into_iter()
                .map(|finding| {
                    let id = finding.id;
                    let pickable = finding.status == FindingStatus::Routed;
                    let label = i18n.pick(&finding.category.name_zh, &finding.category.name_en);
                    let road = i18n.pick(&finding.road.name_zh, &finding.road.name_en);
                    let note: String = finding.note.chars().take(24).collect();
                    view! {
                        <li class="pick">
                            {pickable
                                .then(|| {
                                    view! {
                                        <input
                                            type="checkbox"
                                            aria-label=move || i18n.f(Msg::select_finding, &[("what", &label), ("road", &road), ("note", &note)])
                                            prop:checked=move || chosen.with(|c| c.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    c.retain(|x| *x != id);
                                                    if on {
                                                        c.push(id);
                                                    }
                                                });
                                            }
                                        />
                                    }
                                })}
                            <FindingLink finding/>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The inbox, loaded on demand: a road chief's phone never downloads it.
pub struct InboxRoute;

#[lazy_route]
impl LazyRoute for InboxRoute {
    fn data() -> Self {
        InboxRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <InboxView/> }.into_any()
    }
}
