//! The overview's 12-week trend as plain SVG (no chart library, no CDN): the share of roads
//! inspected each week, and findings reported against findings closed.

use crate::api::views::WeekPoint;
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

const W: u32 = 360;
const H: u32 = 150;
const LEFT: u32 = 28;
const BOTTOM: u32 = 20;
const TOP: u32 = 10;

fn slot(i: usize, n: usize) -> (u32, u32) {
    let width = (W - LEFT) / n as u32;
    (LEFT + i as u32 * width, width)
}

fn height(value: u32, max: u32) -> u32 {
    (value * (H - BOTTOM - TOP)).checked_div(max).unwrap_or(0)
}

#[component]
pub fn InspectionTrend(points: Vec<WeekPoint>) -> impl IntoView {
    let i18n = use_i18n();
    let n = points.len();
    let summary = points
        .iter()
        .map(|p| format!("W{}: {}/{}", p.week.week(), p.inspected, p.roads))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart">
            <figcaption>{i18n.t(Msg::trend_inspected)}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=move || format!("{}: {summary}", i18n.t(Msg::trend_inspected))>
                <line x1=LEFT y1=H - BOTTOM x2=W y2=H - BOTTOM class="axis"/>
                <text x="0" y=TOP + 4 class="tick">"100%"</text>
                <text x="0" y=H - BOTTOM class="tick">"0"</text>
                {points
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let (x, width) = slot(i, n);
                        let h = height(p.inspected.min(p.roads), p.roads);
                        let label = format!("W{}", p.week.week());
                        view! {
                            <g>
                                <title>{format!("{} {}/{}", p.week, p.inspected, p.roads)}</title>
                                <rect x=x + 2 y=H - BOTTOM - h width=width - 4 height=h class="bar inspected"/>
                                <text x=x + width / 2 y=H - 5 class="tick" text-anchor="middle">{label}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

#[component]
pub fn FindingsTrend(points: Vec<WeekPoint>) -> impl IntoView {
    let i18n = use_i18n();
    let n = points.len();
    let max = points.iter().map(|p| p.reported.max(p.closed)).max().unwrap_or(0);
    let summary = points
        .iter()
        .map(|p| format!("W{}: +{} / -{}", p.week.week(), p.reported, p.closed))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart">
            <figcaption>
                {i18n.t(Msg::trend_findings)} " "
                <span class="key reported">{i18n.t(Msg::trend_reported)}</span> " "
                <span class="key closed">{i18n.t(Msg::trend_closed)}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=move || format!("{}: {summary}", i18n.t(Msg::trend_findings))>
                <line x1=LEFT y1=H - BOTTOM x2=W y2=H - BOTTOM class="axis"/>
                <text x="0" y=TOP + 4 class="tick">{max}</text>
                <text x="0" y=H - BOTTOM class="tick">"0"</text>
                {points
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let (x, width) = slot(i, n);
                        let half = (width - 4) / 2;
                        let (hr, hc) = (height(p.reported, max), height(p.closed, max));
                        let label = format!("W{}", p.week.week());
                        view! {
                            <g>
                                <title>{format!("{} +{} / -{}", p.week, p.reported, p.closed)}</title>
                                <rect x=x + 2 y=H - BOTTOM - hr width=half height=hr class="bar reported"/>
                                <rect x=x + 2 + half y=H - BOTTOM - hc width=half height=hc class="bar closed"/>
                                <text x=x + width / 2 y=H - 5 class="tick" text-anchor="middle">{label}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}
