//! The weekly inspection of one road: a checklist of categories, findings for the problems,
//! one submission. What the chief records is kept on the phone until the server has it.

use super::finding_form::{DraftFinding, FindingForm};
use crate::api::client;
use crate::api::error::ApiError;
use crate::api::operations::{NewFinding, Operation};
use crate::api::reads::load_inspection;
use crate::api::views::{CategoryView, FindingSummary, InspectionPage};
use crate::components::badges::{metres, week_label, InspectionBadge, StatusBadge};
use crate::components::notice::{ErrorNotice, Loading};
use crate::device;
use crate::domain::inspection::{settle_results, CheckResult, InspectionStatus, SubmissionError};
use crate::domain::text::Code;
use crate::i18n::{use_i18n, I18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What the chief has recorded and not yet submitted, kept on the phone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    /// The id the submission goes out under; kept so that a retry is the same operation.
    op_id: Option<Uuid>,
    results: BTreeMap<String, CheckResult>,
    findings: Vec<DraftFinding>,
}

fn draft_key(page: &InspectionPage) -> String {
    format!("roadchief.draft.{}.{}", page.road.road.id, page.week)
}

#[component]
pub fn InspectionScreen() -> impl IntoView {
    let params = use_params_map();
    let road_id = move || params.read().get("road_id").unwrap_or_default();
    let page = Resource::new(road_id, load_inspection);
    let flash = RwSignal::new(None::<String>);
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Inspection page=p flash on_submitted=move || page.refetch()/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, PartialEq)]
enum Sending {
    Idle,
    Busy,
    Failed(ApiError),
}

#[component]
fn Inspection(
    page: InspectionPage,
    flash: RwSignal<Option<String>>,
    on_submitted: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = draft_key(&page);
    let submitted_results: BTreeMap<String, CheckResult> = page.results.iter().cloned().collect();
    let draft = RwSignal::new(Draft { results: submitted_results, ..Draft::default() });
    let storage_ok = RwSignal::new(true);
    let status = RwSignal::new(page.status);
    let editing = RwSignal::new(None::<String>);
    let sending = RwSignal::new(Sending::Idle);

    // In the browser: take up the draft kept on the phone, keep it saved, and tell the server
    // the inspection has started.
    let load_key = key.clone();
    let road_id = page.road.road.id.clone();
    let week = page.week.to_string();
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            if let Some(saved) = device::load::<Draft>(&load_key) {
                draft.set(saved);
            }
            if status.get_untracked() == InspectionStatus::NotStarted {
                let op = Operation::StartInspection { road_id: road_id.clone(), week: week.clone() };
                spawn_local(async move {
                    if client::send(client::new_id(), op).await.is_ok() {
                        status.set(InspectionStatus::InProgress);
                    }
                });
            }
        }
    });
    let save_key = key.clone();
    Effect::new(move |previous: Option<()>| {
        let current = draft.get();
        if previous.is_some() {
            storage_ok.set(device::save(&save_key, &current));
        }
    });

    let categories = StoredValue::new(page.categories.clone());
    let submitted = StoredValue::new(page.findings.clone());
    let road = StoredValue::new(page.road.clone());
    let week = page.week;
    let submitted_at = page.submitted_at;

    let check = move || {
        let d = draft.get();
        let codes: Vec<Code> =
            categories.with_value(|cs| cs.iter().filter_map(|c| Code::parse(&c.code).ok()).collect());
        let ticked = d.results.iter().filter_map(|(c, r)| Code::parse(c).ok().map(|c| (c, *r))).collect();
        let with: BTreeSet<Code> = submitted
            .with_value(|s| s.iter().map(|f| f.category.id.clone()).collect::<Vec<_>>())
            .into_iter()
            .chain(d.findings.iter().map(|f| f.category.clone()))
            .filter_map(|c| Code::parse(&c).ok())
            .collect();
        settle_results(&codes, &ticked, &with)
    };

    let submit_key = key.clone();
    let road_id = page.road.road.id.clone();
    let submit = move |_| {
        if check().is_err() || sending.get_untracked() == Sending::Busy {
            return;
        }
        let mut d = draft.get_untracked();
        let op_id = *d.op_id.get_or_insert_with(client::new_id);
        draft.set(d.clone());
        let count = d.findings.len();
        let op = Operation::SubmitInspection {
            road_id: road_id.clone(),
            week: week.to_string(),
            results: d.results.clone(),
            findings: d
                .findings
                .iter()
                .map(|f| NewFinding {
                    id: f.id,
                    category: f.category.clone(),
                    note: f.note.clone(),
                    lon: f.lon,
                    lat: f.lat,
                    off_road_confirmed: f.off_road_confirmed,
                    observed_at: f.observed_at,
                    photos: Vec::new(),
                })
                .collect(),
        };
        sending.set(Sending::Busy);
        let key = submit_key.clone();
        spawn_local(async move {
            match client::send(op_id, op).await {
                Ok(_) => {
                    device::forget(&key);
                    flash.set(Some(i18n.f(Msg::inspection_sent, &[("n", &count.to_string())])));
                    sending.set(Sending::Idle);
                    on_submitted();
                }
                Err(e) => sending.set(Sending::Failed(e)),
            }
        });
    };

    let checklist = move || {
        categories
            .get_value()
            .into_iter()
            .map(|category| view! { <CategoryRow category draft submitted editing/> })
            .collect_view()
    };

    view! {
        <header class="page-head">
            <h1>{move || road.with_value(|r| i18n.pick(&r.road.name_zh, &r.road.name_en))}</h1>
            <p class="muted">
                {move || road.with_value(|r| i18n.pick(&r.community.name_zh, &r.community.name_en))} " · "
                {move || week_label(i18n, week)}
            </p>
            {move || view! { <InspectionBadge status=status.get()/> }}
        </header>
        {move || flash.get().map(|text| view! { <p class="notice success" role="status">{text}</p> })}
        {submitted_at
            .map(|at| {
                view! {
                    <p class="notice">{move || i18n.f(Msg::inspection_already_submitted, &[("at", &at.format_local())])}</p>
                }
            })}
        {move || (!storage_ok.get()).then(|| view! { <p class="notice error" role="alert">{t!(i18n, storage_failed)}</p> })}
        {move || match editing.get() {
            Some(category) => {
                view! {
                    <FindingForm
                        road=road.get_value()
                        categories=categories.get_value()
                        category
                        on_save=move |finding: DraftFinding| {
                            draft.update(|d| {
                                d.results.insert(finding.category.clone(), CheckResult::Problem);
                                d.findings.push(finding);
                                d.op_id = None;
                            });
                            editing.set(None);
                        }
                        on_cancel=move || editing.set(None)
                    />
                }
                    .into_any()
            }
            None => {
                view! {
                    <form class="checklist" on:submit=|ev| ev.prevent_default()>
                        {checklist}
                        <div class="submit-bar">
                            {move || submission_hint(i18n, check(), &categories.get_value())}
                            {move || match sending.get() {
                                Sending::Failed(e) => Some(view! { <ErrorNotice error=e/> }),
                                _ => None,
                            }}
                            <button
                                type="button"
                                class="primary wide"
                                disabled=move || check().is_err() || sending.get() == Sending::Busy
                                on:click=submit.clone()
                            >
                                {move || {
                                    if sending.get() == Sending::Busy {
                                        i18n.t(Msg::sending)
                                    } else {
                                        i18n.t(Msg::submit_inspection)
                                    }
                                }}
                            </button>
                        </div>
                    </form>
                }
                    .into_any()
            }
        }}
    }
}

/// Says what still stands between the chief and submitting.
fn submission_hint(
    i18n: I18n,
    check: Result<BTreeMap<Code, CheckResult>, SubmissionError>,
    categories: &[CategoryView],
) -> impl IntoView {
    let name = |code: &Code| {
        categories
            .iter()
            .find(|c| c.code == code.as_str())
            .map(|c| i18n.pick(&c.name_zh, &c.name_en))
            .unwrap_or_default()
    };
    let text = match check {
        Ok(_) => None,
        Err(SubmissionError::Incomplete(missing)) => {
            Some(i18n.f(Msg::hint_unchecked, &[("n", &missing.len().to_string())]))
        }
        Err(SubmissionError::ProblemWithoutFinding(c)) => {
            Some(i18n.f(Msg::hint_problem_needs_finding, &[("category", &name(&c))]))
        }
        Err(SubmissionError::UnknownCategory(_)) => Some(i18n.t(Msg::error_unknown_category).to_owned()),
    };
    text.map(|t| view! { <p class="hint" aria-live="polite">{t}</p> })
}

#[component]
fn CategoryRow(
    category: CategoryView,
    draft: RwSignal<Draft>,
    submitted: StoredValue<Vec<FindingSummary>>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = StoredValue::new(category.code.clone());
    let result = move || code.with_value(|c| draft.with(|d| d.results.get(c).copied()));
    let earlier: Vec<FindingSummary> =
        submitted.with_value(|s| s.iter().filter(|f| f.category.id == category.code).cloned().collect());
    let has_earlier = !earlier.is_empty();
    let drafts = move || {
        code.with_value(|c| draft.with(|d| d.findings.iter().filter(|f| &f.category == c).cloned().collect::<Vec<_>>()))
    };
    let has_findings = move || has_earlier || !drafts().is_empty();
    let set = move |r: CheckResult| {
        code.with_value(|c| {
            draft.update(|d| {
                d.results.insert(c.clone(), r);
                d.op_id = None;
            })
        });
        if r == CheckResult::Problem && !has_findings() {
            editing.set(Some(code.get_value()));
        }
    };
    let (zh, en) = (category.name_zh.clone(), category.name_en.clone());
    let (szh, sen) = (category.section.name_zh.clone(), category.section.name_en.clone());
    let days = category.deadline_days;
    let legend_id = format!("cat-{}", category.code);
    let labelled_by = legend_id.clone();

    view! {
        <fieldset class="check-row" class:problem=move || result() == Some(CheckResult::Problem) aria-labelledby=labelled_by>
            <legend id=legend_id>{move || i18n.pick(&zh, &en)}</legend>
            <p class="muted small">
                {move || i18n.f(Msg::routed_to_with_days, &[("section", &i18n.pick(&szh, &sen)), ("n", &days.to_string())])}
            </p>
            <div class="choice">
                <button
                    type="button"
                    class="choice-ok"
                    aria-pressed=move || (result() == Some(CheckResult::Ok)).to_string()
                    disabled=has_findings
                    on:click=move |_| set(CheckResult::Ok)
                >
                    {t!(i18n, result_ok)}
                </button>
                <button
                    type="button"
                    class="choice-problem"
                    aria-pressed=move || (result() == Some(CheckResult::Problem)).to_string()
                    on:click=move |_| set(CheckResult::Problem)
                >
                    {t!(i18n, result_problem)}
                </button>
            </div>
            <ul class="findings-mini">
                {earlier
                    .into_iter()
                    .map(|f| {
                        let href = format!("/findings/{}", f.id);
                        view! {
                            <li>
                                <a href=href>{f.note.clone()}</a>
                                " "
                                <StatusBadge status=f.status/>
                            </li>
                        }
                    })
                    .collect_view()}
                {move || {
                    drafts()
                        .into_iter()
                        .map(|f| {
                            let id = f.id;
                            view! {
                                <li class="draft">
                                    <span>{f.note.clone()}</span>
                                    <span class="muted small">" · " {move || metres(i18n, f.along_m)}</span>
                                    <span class="badge">{t!(i18n, not_yet_submitted)}</span>
                                    <button
                                        type="button"
                                        class="ghost small"
                                        on:click=move |_| draft.update(|d| {
                                            d.findings.retain(|x| x.id != id);
                                            d.op_id = None;
                                        })
                                    >
                                        {t!(i18n, remove)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || {
                (result() == Some(CheckResult::Problem))
                    .then(|| {
                        view! {
                            <button type="button" class="secondary" on:click=move |_| editing.set(Some(code.get_value()))>
                                {t!(i18n, add_finding)}
                            </button>
                        }
                    })
            }}
        </fieldset>
    }
}
