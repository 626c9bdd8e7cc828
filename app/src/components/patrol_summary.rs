//! A week's patrols in one line ("walked 86 % of the road in 23 min, board checked") and the
//! trail's flags, for the checklist and the coordinator.

use crate::domain::patrol::{PatrolWeek, TraceFlag};
use crate::domain::performance::tenths_text;
use crate::i18n::{use_i18n, I18n, Msg};
use leptos::prelude::*;

/// Metres as kilometres with one decimal ("1.2"), in integer arithmetic.
pub fn km(metres: u32) -> String {
    tenths_text((metres + 50) / 100)
}

pub fn patrol_week_text(i18n: I18n, week: &PatrolWeek) -> String {
    let board = i18n.t(if week.board_checked { Msg::patrol_board_checked } else { Msg::patrol_board_unchecked });
    i18n.f(
        Msg::patrol_week_line,
        &[
            ("n", &week.patrols.to_string()),
            ("p", &week.walked_percent.to_string()),
            ("min", &week.minutes.to_string()),
            ("km", &km(week.distance_m)),
            ("board", board),
        ],
    )
}

/// "86% · 23 min · board ✓": a table cell's worth.
pub fn patrol_short(i18n: I18n, week: &PatrolWeek) -> String {
    let board = i18n.t(if week.board_checked { Msg::patrol_board_short_yes } else { Msg::patrol_board_short_no });
    format!(
        "{}% · {} · {}",
        week.walked_percent,
        i18n.f(Msg::patrol_minutes, &[("n", &week.minutes.to_string())]),
        board
    )
}

pub fn flag_msg(flag: TraceFlag) -> Msg {
    match flag {
        TraceFlag::Jump => Msg::patrol_flag_jump,
        TraceFlag::TooFast => Msg::patrol_flag_too_fast,
        TraceFlag::Frozen => Msg::patrol_flag_frozen,
    }
}

/// "Trail questioned: faster than walking", or nothing for a plausible walk.
#[component]
pub fn TraceFlags(flags: Vec<TraceFlag>) -> impl IntoView {
    let i18n = use_i18n();
    (!flags.is_empty()).then(|| {
        let words = move || {
            let list: Vec<&str> = flags.iter().map(|f| i18n.t(flag_msg(*f))).collect();
            format!("{}{}", i18n.t(Msg::patrol_flags_label), list.join(" · "))
        };
        view! { <span class="badge urgency-overdue patrol-flags">{words}</span> }
    })
}
