//! The road chief's findings: first what waits for their check (销号), then what the
//! sections still have, then what is closed.

use crate::api::reads::load_my_findings;
use crate::api::views::FindingSummary;
use crate::components::finding_card::FindingCard;
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::finding::FindingStatus;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::or_stored;
use crate::t;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn MyFindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let findings = Resource::new(
        move || sync.changed.get(),
        |_| async { or_stored(load_my_findings().await, |copy| Some(copy.findings.iter().rev().cloned().collect())) },
    );
    view! {
        <h1>{t!(i18n, my_findings_title)}</h1>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match findings.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(all) => {
                        let group = |keep: fn(FindingStatus) -> bool| all.iter().filter(|f| keep(f.status)).cloned().collect::<Vec<_>>();
                        view! {
                            <Group title=Msg::group_awaiting_check findings=group(|s| s == FindingStatus::Resolved)/>
                            <Group title=Msg::group_open findings=group(|s| s.deadline_runs() || s == FindingStatus::Returned)/>
                            <Group title=Msg::group_closed findings=group(|s| s == FindingStatus::Closed)/>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Group(title: Msg, findings: Vec<FindingSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let count = findings.len();
    // The variant's index names the group: the key strings stay out of the browser bundle.
    let id = format!("group-{}", title as usize);
    let labelled_by = id.clone();
    view! {
        <section class="group" aria-labelledby=labelled_by>
            <h2 id=id>{i18n.t(title)} " (" {count} ")"</h2>
            {if findings.is_empty() {
                view! { <p class="muted">{t!(i18n, none_here)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards">
                        {findings.into_iter().map(|finding| view! { <FindingCard finding/> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The chief's list of findings, loaded on demand.
pub struct MyFindingsRoute;

#[lazy_route]
impl LazyRoute for MyFindingsRoute {
    fn data() -> Self {
        MyFindingsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <MyFindingsPage/> }.into_any()
    }
}
