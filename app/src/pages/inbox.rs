//! The section head's inbox: the section's findings by deadline, overdue ones marked.

use crate::api::reads::load_inbox;
use crate::api::views::{InboxCounts, InboxFilter};
use crate::components::finding_card::FindingCard;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

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

#[component]
pub fn InboxView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter =
        Memo::new(move |_| query.read().get("filter").and_then(|f| InboxFilter::parse(&f)).unwrap_or_default());
    let inbox = Resource::new(move || filter.get(), |f| load_inbox(f.as_str().to_owned()));
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(inbox) => {
                        let section = inbox.section.clone();
                        let counts = inbox.counts;
                        let current = filter.get_untracked();
                        view! {
                            <h1>{move || i18n.pick(&section.name_zh, &section.name_en)} " · " {t!(i18n, inbox_title)}</h1>
                            <nav class="tabs" aria-label=move || i18n.t(Msg::filters_label)>
                                {InboxFilter::ALL
                                    .into_iter()
                                    .map(|f| {
                                        let href = format!("/inbox?filter={}", f.as_str());
                                        let n = count(&counts, f);
                                        view! {
                                            <a
                                                href=href
                                                class="tab"
                                                class:overdue={f == InboxFilter::Overdue && counts.overdue > 0}
                                                aria-current=(f == current).then_some("page")
                                            >
                                                {move || i18n.t(filter_msg(f))}
                                                {n.map(|n| format!(" ({n})"))}
                                            </a>
                                        }
                                    })
                                    .collect_view()}
                            </nav>
                            {if inbox.items.is_empty() {
                                view! { <p class="muted">{t!(i18n, inbox_empty)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="cards">
                                        {inbox.items.into_iter().map(|finding| view! { <FindingCard finding/> }).collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
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
