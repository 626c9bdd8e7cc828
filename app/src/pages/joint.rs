//! A joint case on the finding's page: the lead, each assisting section's task and answer; the
//! coordinator adds sections and waives tasks, an assisting section answers its own. Each step
//! is an operation through the outbox, like the finding's moves.

use super::moves::{send, watch_sent};
use crate::api::error::ApiError;
use crate::api::joint::{AssistingTask, JointTaskView};
use crate::api::operations::Operation;
use crate::api::views::Named;
use crate::components::badges::deadline_text;
use crate::components::notice::ErrorNotice;
use crate::domain::joint::TaskStatus;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::t;
use leptos::prelude::*;
use uuid::Uuid;

fn status_text(status: TaskStatus) -> Msg {
    match status {
        TaskStatus::Open => Msg::task_status_open,
        TaskStatus::Done => Msg::task_status_done,
        TaskStatus::Waived => Msg::task_status_waived,
    }
}

#[component]
pub fn JointPanel(
    finding_id: Uuid,
    lead: Named,
    tasks: Vec<JointTaskView>,
    targets: Vec<Named>,
    may_answer: bool,
    may_waive: bool,
    on_done: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lead_name = move || i18n.f(Msg::joint_lead, &[("section", &i18n.pick(&lead.name_zh, &lead.name_en))]);
    let shown = !tasks.is_empty() || !targets.is_empty();
    shown.then(|| {
        view! {
            <section class="card joint" aria-labelledby="joint-title">
                <h2 id="joint-title">{t!(i18n, joint_title)}</h2>
                {(!tasks.is_empty()).then(|| view! { <p class="muted">{lead_name.clone()}</p> })}
                <ul class="tasks">
                    {tasks
                        .into_iter()
                        .map(|task| {
                            let open = task.status == TaskStatus::Open;
                            let waive = (may_waive && open).then(|| {
                                view! { <WaiveForm finding_id section_id=task.section.id.clone() on_done/> }.into_any()
                            });
                            view! { <TaskItem task/> {waive} }.into_any()
                        })
                        .collect_view()}
                </ul>
                {may_answer.then(|| view! { <AnswerForm finding_id on_done/> }.into_any())}
                {(!targets.is_empty()).then(|| view! { <AddForm finding_id targets on_done/> }.into_any())}
            </section>
        }
        .into_any()
    })
}

#[component]
fn TaskItem(task: JointTaskView) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge task-{}", task.status.as_str());
    let section = task.section.clone();
    let answered = task.answer.clone().map(|answer| {
        let by = task.answered_by.clone().unwrap_or_default();
        let at = task.answered_at.map(|a| a.format_local()).unwrap_or_default();
        view! { <p class="task-answer">{answer} <span class="muted small">" · " {by} " · " {at}</span></p> }
    });
    view! {
        <li class="task">
            <p class="card-line">
                <strong>{move || i18n.pick(&section.name_zh, &section.name_en)}</strong>
                " "
                <span class=class>{i18n.t(status_text(task.status))}</span>
                {task.overdue.then(|| view! { " " <span class="badge urgency-overdue">{t!(i18n, task_late)}</span> })}
            </p>
            <p>{task.task.clone()}</p>
            <p class="muted small">{move || deadline_text(i18n, task.deadline)}</p>
            {answered}
        </li>
    }
}

#[component]
fn AnswerForm(finding_id: Uuid, on_done: impl Fn(Msg) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let note = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<ApiError>);
    watch_sent(sync, sent, error, move || on_done(Msg::task_answered));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(sync, Operation::AnswerTask { finding_id, note: note.get_untracked() }, sent, error);
    };
    view! {
        <form class="move" on:submit=submit>
            <label for="task-answer">{t!(i18n, task_answer_label)}</label>
            <textarea id="task-answer" rows="3" maxlength="2000" required prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary" disabled=move || sent.with(Option::is_some)>{t!(i18n, task_answer)}</button>
        </form>
    }
}

#[component]
fn WaiveForm(
    finding_id: Uuid,
    section_id: String,
    on_done: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let reason = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<ApiError>);
    let field = format!("waive-{section_id}");
    watch_sent(sync, sent, error, move || on_done(Msg::task_waived_done));
    let section = StoredValue::new(section_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let op = Operation::WaiveTask { finding_id, section_id: section.get_value(), reason: reason.get_untracked() };
        send(sync, op, sent, error);
    };
    view! {
        <form class="move waive" on:submit=submit>
            <label for=field.clone()>{t!(i18n, task_waive_label)}</label>
            <input id=field type="text" maxlength="2000" required prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="secondary" disabled=move || sent.with(Option::is_some)>{t!(i18n, task_waive)}</button>
        </form>
    }
}

#[component]
fn AddForm(
    finding_id: Uuid,
    targets: Vec<Named>,
    on_done: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let section = RwSignal::new(String::new());
    let task = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<ApiError>);
    watch_sent(sync, sent, error, move || {
        section.set(String::new());
        task.set(String::new());
        on_done(Msg::joint_added);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tasks = vec![AssistingTask { section_id: section.get_untracked(), task: task.get_untracked() }];
        send(sync, Operation::MakeJoint { finding_id, tasks }, sent, error);
    };
    view! {
        <form class="move joint-add" on:submit=submit>
            <h3>{t!(i18n, joint_add_title)}</h3>
            <label for="joint-section">{t!(i18n, joint_section_label)}</label>
            <select id="joint-section" required prop:value=move || section.get() on:change=move |ev| section.set(event_target_value(&ev))>
                <option value="">{t!(i18n, choose_section)}</option>
                {targets
                    .into_iter()
                    .map(|t| view! { <option value=t.id.clone()>{move || i18n.pick(&t.name_zh, &t.name_en)}</option> })
                    .collect_view()}
            </select>
            <label for="joint-task">{t!(i18n, joint_task_label)}</label>
            <textarea id="joint-task" rows="2" maxlength="2000" required prop:value=move || task.get() on:input=move |ev| task.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary" disabled=move || sent.with(Option::is_some)>{t!(i18n, joint_add)}</button>
        </form>
    }
}
