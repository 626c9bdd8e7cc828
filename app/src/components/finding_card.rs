//! A finding in a list: what, where, its state and its deadline.

use crate::api::views::FindingSummary;
use crate::components::badges::{deadline_text, StatusBadge, UrgencyBadge};
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

#[component]
pub fn FindingCard(finding: FindingSummary) -> impl IntoView {
    view! {
        <li>
            <FindingLink finding/>
        </li>
    }
}

/// The card itself, for lists that put something beside it (the inbox's selection box).
#[component]
pub fn FindingLink(finding: FindingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/findings/{}", finding.id);
    let f = StoredValue::new(finding.clone());
    let overdue = finding.urgency == Some(crate::domain::deadline::Urgency::Overdue);
    view! {
        <a class="card finding-card" class:overdue=overdue href=href>
            <span class="card-title">
                {move || f.with_value(|f| i18n.pick(&f.category.name_zh, &f.category.name_en))} " · "
                {move || f.with_value(|f| i18n.pick(&f.road.name_zh, &f.road.name_en))}
            </span>
            <span class="note-excerpt">{finding.note.clone()}</span>
            <span class="card-line">
                <StatusBadge status=finding.status/>
                <UrgencyBadge urgency=finding.urgency/>
                <span class="badge urgent" hidden=!finding.urgent>{i18n.t(Msg::urgent_badge)}</span>
                {finding
                    .status
                    .deadline_runs()
                    .then(|| view! { <span class="muted small">{move || deadline_text(i18n, finding.deadline)}</span> })}
            </span>
        </a>
    }
}
