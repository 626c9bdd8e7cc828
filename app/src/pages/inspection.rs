//! The weekly inspection of one road: a checklist of categories, findings for the problems,
//! one submission. Everything the chief records is kept on the phone first (the outbox) and
//! sent when the network allows; the screen works the same with or without it.

use super::finding_form::{finding_form, DraftFinding, FormArgs};
use crate::api::error::ApiError;
use crate::api::operations::Operation;
use crate::api::reads::load_inspection;
use crate::api::views::{CategoryView, FindingSummary, InspectionPage, RoadView};
use crate::components::badges::{metres, week_label, InspectionBadge, StatusBadge};
use crate::components::notice::{ErrorNotice, Loading};
use crate::device;
use crate::domain::inspection::{settle_results, CheckResult, InspectionStatus, SubmissionError};
use crate::domain::text::Code;
use crate::domain::time::IsoWeek;
use crate::i18n::{use_i18n, I18n, Msg};
use crate::offline::engine::{use_sync, SyncEngine};
use crate::offline::or_stored;
use crate::offline::outbox::Queued;
use crate::t;
use leptos::either::Either;
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The category results the chief has ticked and not yet submitted, kept on the phone.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Draft {
    results: BTreeMap<String, CheckResult>,
    /// Findings kept by an earlier version of the app, which sent them with the submission,
    /// as they were kept: taken over into the outbox when the draft is read, by code loaded
    /// only for such a draft (`take_over_kept_findings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    findings: Option<Box<RawValue>>,
}

/// Records the findings an earlier version kept in a draft (a JSON list of `DraftFinding`) in
/// the outbox. Gives back, as kept, those not stored (full storage), to try again next time.
#[lazy]
async fn take_over_kept_findings(sync: SyncEngine, road_id: String, week: IsoWeek, kept: String) -> Option<String> {
    let Ok(findings) = serde_json::from_str::<Vec<DraftFinding>>(&kept) else {
        // Not readable as findings: nothing to take over, and kept as it was.
        return Some(kept);
    };
    let mut left = Vec::new();
    for finding in findings {
        // Out of the draft only once it is in the outbox.
        if record_finding(sync, road_id.clone(), week, &finding).await.is_err() {
            left.push(finding);
        }
    }
    if left.is_empty() {
        None
    } else {
        serde_json::to_string(&left).ok()
    }
}

fn draft_key(page: &InspectionPage) -> String {
    format!("roadchief.draft.{}.{}", page.road.road.id, page.week)
}

/// The finding form that is open: a new finding of a category, or a refused one to fix
/// (with the id of the operation it replaces).
#[derive(Clone, PartialEq)]
struct Editing {
    category: String,
    fixing: Option<(Uuid, DraftFinding)>,
}

#[component]
pub fn InspectionScreen() -> impl IntoView {
    let params = use_params_map();
    let sync = use_sync();
    let road_id = move || params.read().get("road_id").unwrap_or_default();
    let editing = RwSignal::new(None::<Editing>);
    // Reload when the server's state changed, but never under an open form.
    let refresh = RwSignal::new(0u32);
    Effect::new(move || {
        let changed = sync.changed.get();
        if editing.with(Option::is_none) && refresh.get_untracked() != changed {
            refresh.set(changed);
        }
    });
    let page = Resource::new(
        move || (road_id(), refresh.get()),
        |(id, _)| async move { or_stored(load_inspection(id.clone()).await, |copy| copy.inspection(&id)) },
    );
    let flash = RwSignal::new(None::<String>);
    // The submission on its way, with the number of problems it carries: when the server has
    // it, the chief is told so.
    let submitting = RwSignal::new(None::<(Uuid, usize)>);
    let i18n = use_i18n();
    Effect::new(move || {
        let Some((id, problems)) = submitting.get() else { return };
        // The server's receipt, not only the record's absence (this tab's copy may lag).
        let id = id.to_string();
        if sync.receipts.with(|r| r.iter().any(|receipt| receipt.key == id)) {
            submitting.set(None);
            flash.set(Some(i18n.f(Msg::inspection_sent, &[("n", &problems.to_string())])));
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => Either::Left(view! { <Inspection page=p flash editing submitting/> }),
                    Err(e) => Either::Right(view! { <ErrorNotice error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Inspection(
    page: InspectionPage,
    flash: RwSignal<Option<String>>,
    editing: RwSignal<Option<Editing>>,
    submitting: RwSignal<Option<(Uuid, usize)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let key = draft_key(&page);
    let submitted_results: BTreeMap<String, CheckResult> = page.results.iter().cloned().collect();
    let draft = RwSignal::new(Draft { results: submitted_results, ..Draft::default() });
    let storage_ok = RwSignal::new(true);
    let road_id = StoredValue::new(page.road.road.id.clone());
    let week = page.week;
    let server_status = page.status;
    let status = move || road_id.with_value(|r| sync.outbox.with(|o| o.status_for(r, week, server_status)));

    // In the browser: take up the draft kept on the phone, keep it saved, and record that the
    // inspection has started.
    let load_key = key.clone();
    // Read once the draft is: the findings an earlier version kept in it (as kept), if any.
    let carried = StoredValue::new(None::<Option<String>>);
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            let mut kept = None;
            if let Some(saved) = device::load::<Draft>(&load_key) {
                kept = saved.findings.as_ref().map(|f| f.get().to_owned());
                draft.set(saved);
            }
            carried.set_value(Some(kept));
        }
    });
    // Once the phone's outbox is read (it may already hold the start, from another tab or
    // before a reload): record the start, and move findings an earlier version kept in the
    // draft into the outbox.
    Effect::new(move || {
        if !sync.active.get() {
            return;
        }
        let Some(kept) = carried.try_update_value(Option::take).flatten() else { return };
        let road = road_id.get_value();
        let start =
            server_status == InspectionStatus::NotStarted && !sync.outbox.with_untracked(|o| o.has_start(&road, week));
        leptos::task::spawn_local(async move {
            if start {
                let _ = sync.record(Operation::StartInspection { road_id: road.clone(), week: week.to_string() }).await;
            }
            if let Some(kept) = kept {
                let left = take_over_kept_findings(sync, road, week, kept).await;
                draft.update(|d| d.findings = left.and_then(|l| RawValue::from_string(l).ok()));
            }
        });
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
    let known = StoredValue::new(page.known.clone());
    let submitted_at = page.submitted_at;

    let check = move || {
        let d = draft.get();
        let codes: Vec<Code> =
            categories.with_value(|cs| cs.iter().filter_map(|c| Code::parse(&c.code).ok()).collect());
        let ticked = d.results.iter().filter_map(|(c, r)| Code::parse(c).ok().map(|c| (c, *r))).collect();
        let queued: Vec<String> = road_id.with_value(|r| {
            sync.outbox.with(|o| {
                o.findings_for(r, week).filter(|(q, _)| q.rejected.is_none()).map(|(_, f)| f.category.clone()).collect()
            })
        });
        let with: BTreeSet<Code> = submitted
            .with_value(|s| s.iter().map(|f| f.category.id.clone()).collect::<Vec<_>>())
            .into_iter()
            .chain(queued)
            .filter_map(|c| Code::parse(&c).ok())
            .collect();
        settle_results(&codes, &ticked, &with)
    };
    let refused = move || {
        road_id.with_value(|r| sync.outbox.with(|o| o.refused_submission(r, week).map(|q| (q.id, q.rejected.clone()))))
    };

    let submit_key = StoredValue::new(key.clone());
    let submit = move |_| {
        if check().is_err() {
            return;
        }
        let earlier = refused().map(|(earlier, _)| earlier);
        let results = draft.get_untracked().results;
        let problems = submitted.with_value(Vec::len)
            + road_id.with_value(|r| {
                sync.outbox.with_untracked(|o| o.findings_for(r, week).filter(|(q, _)| q.rejected.is_none()).count())
            });
        let op = Operation::SubmitInspection {
            road_id: road_id.get_value(),
            week: week.to_string(),
            results,
            findings: Vec::new(),
        };
        leptos::task::spawn_local(async move {
            // Not stored (full storage): the checklist stays as it is, with the storage notice.
            if let Ok(id) = sync.replace(earlier, op).await {
                submitting.set(Some((id, problems)));
                submit_key.with_value(|k| device::forget(k));
                flash.set(Some(i18n.t(Msg::inspection_queued).to_owned()));
            }
        });
    };

    let checklist = move || {
        categories
            .get_value()
            .into_iter()
            .map(|category| view! { <CategoryRow category road draft submitted editing week/> })
            .collect_view()
    };

    view! {
        <header class="page-head">
            <h1>{move || road.with_value(|r| i18n.pick(&r.road.name_zh, &r.road.name_en))}</h1>
            <p class="muted">
                {move || road.with_value(|r| i18n.pick(&r.community.name_zh, &r.community.name_en))} " · "
                {move || week_label(i18n, week)}
            </p>
            <p class="card-line">
                {move || view! { <InspectionBadge status=status()/> }}
                <a class="street-link" href=move || road.with_value(|r| format!("/roads/{}/street", r.road.id))>
                    {t!(i18n, street_title)}
                </a>
                <a class="street-link" href=move || road.with_value(|r| format!("/roads/{}/patrol", r.road.id))>
                    {t!(i18n, patrol_title)}
                </a>
            </p>
        </header>
        <p class="notice" hidden=move || sync.online.get()>{t!(i18n, offline_copy)}</p>
        <p class="notice success" role="status" hidden=move || flash.with(Option::is_none)>
            {move || flash.get().unwrap_or_default()}
        </p>
        {submitted_at
            .map(|at| {
                view! {
                    <p class="notice">{i18n.f(Msg::inspection_already_submitted, &[("at", &at.format_local())])}</p>
                }
            })}
        <p class="notice error" role="alert" hidden=move || refused().is_none()>
            {move || {
                refused()
                    .and_then(|(_, e)| e)
                    .map(|e| i18n.f(Msg::refused_reason, &[("reason", &e.localized(i18n.lang()))]))
                    .unwrap_or_default()
            }}
        </p>
        <p class="notice error" role="alert" hidden=move || storage_ok.get() && sync.storage_failed.with(Option::is_none)>
            {move || match sync.storage_failed.get() {
                Some(e) => e.localized(i18n.lang()),
                None => i18n.t(Msg::storage_failed).to_owned(),
            }}
        </p>
        {move || match editing.get() {
            Some(Editing { category, fixing }) => {
                let initial = fixing.as_ref().map(|(_, f)| f.clone());
                let replaced = fixing.map(|(op, _)| op);
                let args = FormArgs {
                    road: road.get_value(),
                    categories: categories.get_value(),
                    category,
                    initial,
                    known: known.get_value(),
                    prefilled: false,
                    on_save: Callback::new(move |finding: DraftFinding| {
                        leptos::task::spawn_local(async move {
                            let op = Operation::RecordFinding {
                                road_id: road_id.get_value(),
                                week: week.to_string(),
                                finding: finding.to_new(),
                            };
                            // Not stored: the form stays open with what was entered, and the
                            // storage notice above it says why.
                            if sync.record_finding(replaced, op, finding.along_m).await.is_err() {
                                return;
                            }
                            draft.update(|d| {
                                d.results.insert(finding.category.clone(), CheckResult::Problem);
                            });
                            flash.set(Some(i18n.t(Msg::finding_saved).to_owned()));
                            editing.set(None);
                            // Back to where the chief was in the checklist.
                            device::scroll_to(format!("cat-{}", finding.category));
                        });
                    }),
                    on_cancel: Callback::new(move |()| editing.set(None)),
                };
                Either::Left(view! { <Suspense fallback=|| view! { <Loading/> }>{Suspend::new(finding_form(args))}</Suspense> })
            }
            None => {
                Either::Right(view! {
                    <form class="checklist" on:submit=|ev| ev.prevent_default()>
                        {checklist}
                        <div class="submit-bar">
                            {move || submission_hint(i18n, check(), &categories.get_value())}
                            <button
                                type="button"
                                class="primary wide"
                                disabled=move || check().is_err() || road_id.with_value(|r| sync.outbox.with(|o| o.submission_waiting(r, week)))
                                on:click=submit
                            >
                                {t!(i18n, submit_inspection)}
                            </button>
                        </div>
                    </form>
                })
            }
        }}
    }
}

async fn record_finding(
    sync: SyncEngine,
    road_id: String,
    week: IsoWeek,
    finding: &DraftFinding,
) -> Result<Uuid, ApiError> {
    let op = Operation::RecordFinding { road_id, week: week.to_string(), finding: finding.to_new() };
    sync.record_finding(None, op, finding.along_m).await
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

/// A finding waiting in the outbox, as its row shows it.
#[derive(Clone, PartialEq)]
struct QueuedRow {
    op: Uuid,
    draft: DraftFinding,
    /// Where on the road, when the phone kept it (records of older versions did not).
    along_m: Option<f64>,
    rejected: Option<crate::api::error::ApiError>,
}

fn queued_rows(queued: &[(&Queued, &crate::api::operations::NewFinding)], category: &str) -> Vec<QueuedRow> {
    queued
        .iter()
        .filter(|(_, f)| f.category == category)
        .map(|(q, f)| {
            let along_m = q.about.along_m;
            // The form places the point again when it opens a finding to fix.
            let draft = DraftFinding::from_new(f, along_m.unwrap_or(0.0));
            QueuedRow { op: q.id, draft, along_m, rejected: q.rejected.clone() }
        })
        .collect()
}

#[component]
fn CategoryRow(
    category: CategoryView,
    road: StoredValue<RoadView>,
    draft: RwSignal<Draft>,
    submitted: StoredValue<Vec<FindingSummary>>,
    editing: RwSignal<Option<Editing>>,
    week: IsoWeek,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let code = StoredValue::new(category.code.clone());
    let result = move || code.with_value(|c| draft.with(|d| d.results.get(c).copied()));
    let earlier: Vec<FindingSummary> =
        submitted.with_value(|s| s.iter().filter(|f| f.category.id == category.code).cloned().collect());
    let earlier_ids = StoredValue::new(earlier.iter().map(|f| f.id).collect::<Vec<Uuid>>());
    let has_earlier = !earlier.is_empty();
    let queued = move || {
        road.with_value(|r| {
            sync.outbox.with(|o| {
                let all: Vec<_> = o
                    .findings_for(&r.road.id, week)
                    .filter(|(_, f)| earlier_ids.with_value(|e| !e.contains(&f.id)))
                    .collect();
                code.with_value(|c| queued_rows(&all, c))
            })
        })
    };
    let has_findings = move || has_earlier || queued().iter().any(|q| q.rejected.is_none());
    let new_finding = move || editing.set(Some(Editing { category: code.get_value(), fixing: None }));
    let set = move |r: CheckResult| {
        code.with_value(|c| {
            draft.update(|d| {
                d.results.insert(c.clone(), r);
            })
        });
        if r == CheckResult::Problem && !has_findings() {
            new_finding();
        }
    };
    let (zh, en) = (category.name_zh.clone(), category.name_en.clone());
    let (szh, sen) = (category.section.name_zh.clone(), category.section.name_en.clone());
    let days = category.deadline_days;
    let legend_id = format!("cat-{}", category.code);
    let labelled_by = legend_id.clone();

    view! {
        <fieldset class="check-row" class:problem=move || result() == Some(CheckResult::Problem) aria-labelledby=labelled_by>
            <legend id=legend_id>{i18n.pick(&zh, &en)}</legend>
            <p class="muted small">
                {i18n.f(Msg::routed_to_with_days, &[("section", &i18n.pick(&szh, &sen)), ("n", &days.to_string())])}
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
                    queued()
                        .into_iter()
                        .map(|row| {
                            let QueuedRow { op, draft: finding, along_m, rejected } = row;
                            let fix = finding.clone();
                            let refused = rejected.is_some();
                            view! {
                                <li class="draft" class:refused=refused>
                                    <span>{finding.note.clone()}</span>
                                    {along_m.map(|along| view! { <span class="muted small">" · " {move || metres(i18n, along)}</span> })}
                                    <span class=if refused { "field-error" } else { "badge" }>
                                        {move || match &rejected {
                                            None => i18n.t(Msg::waiting_to_sync).to_owned(),
                                            Some(e) => i18n.f(Msg::refused_reason, &[("reason", &e.localized(i18n.lang()))]),
                                        }}
                                    </span>
                                    <button
                                        type="button"
                                        class="secondary small"
                                        on:click=move |_| editing.set(Some(Editing { category: fix.category.clone(), fixing: Some((op, fix.clone())) }))
                                    >
                                        {t!(i18n, edit_finding)}
                                    </button>
                                    <button
                                        type="button"
                                        class="ghost small"
                                        on:click=move |_| {
                                            if device::confirm(i18n.t(Msg::discard_confirm)) {
                                                sync.discard(op);
                                            }
                                        }
                                    >
                                        {t!(i18n, discard)}
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
                            <button type="button" class="secondary" on:click=move |_| new_finding()>
                                {t!(i18n, add_finding)}
                            </button>
                        }
                    })
            }}
        </fieldset>
    }
}
