//! Small labels for states. Each carries its meaning in words, not only in colour.

use crate::domain::deadline::Urgency;
use crate::domain::finding::FindingStatus;
use crate::domain::inspection::InspectionStatus;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::i18n::{use_i18n, I18n, Msg};
use leptos::prelude::*;

pub fn finding_status_msg(status: FindingStatus) -> Msg {
    match status {
        FindingStatus::Routed => Msg::status_routed,
        FindingStatus::Accepted => Msg::status_accepted,
        FindingStatus::Resolved => Msg::status_resolved,
        FindingStatus::Closed => Msg::status_closed,
        FindingStatus::Returned => Msg::status_returned,
    }
}

#[component]
pub fn StatusBadge(status: FindingStatus) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge status-{}", status.as_str());
    view! { <span class=class>{i18n.t(finding_status_msg(status))}</span> }
}

#[component]
pub fn UrgencyBadge(urgency: Option<Urgency>) -> impl IntoView {
    let i18n = use_i18n();
    let (class, msg) = match urgency {
        Some(Urgency::Overdue) => ("badge urgency-overdue", Some(Msg::urgency_overdue)),
        Some(Urgency::DueToday) => ("badge urgency-today", Some(Msg::urgency_due_today)),
        Some(Urgency::DueThisWeek) => ("badge urgency-week", Some(Msg::urgency_due_this_week)),
        _ => ("", None),
    };
    msg.map(|msg| view! { <span class=class>{i18n.t(msg)}</span> })
}

#[component]
pub fn InspectionBadge(status: InspectionStatus) -> impl IntoView {
    let i18n = use_i18n();
    let (class, msg) = match status {
        InspectionStatus::NotStarted => ("badge inspection-not-started", Msg::inspection_not_started),
        InspectionStatus::InProgress => ("badge inspection-in-progress", Msg::inspection_in_progress),
        InspectionStatus::Submitted => ("badge inspection-submitted", Msg::inspection_submitted),
    };
    view! { <span class=class>{i18n.t(msg)}</span> }
}

/// "Week 48 of 2026 (11-23 – 11-29)".
pub fn week_label(i18n: I18n, week: IsoWeek) -> String {
    let md = |d: crate::domain::time::LocalDate| format!("{:02}-{:02}", d.month(), d.day());
    i18n.f(
        Msg::week_label,
        &[
            ("year", &week.year().to_string()),
            ("week", &week.week().to_string()),
            ("from", &md(week.monday())),
            ("to", &md(week.sunday())),
        ],
    )
}

/// "Due 2026-11-30 23:59".
pub fn deadline_text(i18n: I18n, deadline: Timestamp) -> String {
    i18n.f(Msg::due_at, &[("at", &deadline.format_local())])
}

/// Whole metres as text. (Integer formatting only: float formatting would add ~15 KB of
/// wasm for a precision nobody needs on a street.)
pub fn whole_metres(m: f64) -> String {
    (m.round() as i64).to_string()
}

pub fn metres(i18n: I18n, m: f64) -> String {
    i18n.f(Msg::distance_from_start, &[("m", &whole_metres(m))])
}
