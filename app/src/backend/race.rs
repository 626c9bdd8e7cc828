//! The race board: counts each participant's figures for a period (`store::race`), ranks them
//! by the rules of `domain::race`, and shows each reader what they may see.

use super::store::{directory, patrols, race as counted, Conn};
use super::{calendars, patrols as patrol_weeks, Result, User};
use crate::api::error::ErrorCode;
use crate::api::race::{measure_msg, MeasureText, RaceBoard, RaceCell, RaceRow, RaceTexts};
use crate::api::views::Named;
use crate::domain::finding::ReturnRuling;
use crate::domain::race::{overall, rank, to_move_up, Figure, Measure, Period, Place};
use crate::domain::report::answer_due;
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::{Lang, ServerMsg};
use std::collections::HashMap;

const DAY_MS: f64 = 86_400_000.0;

/// The period asked for, or last week; a period not begun yet is refused.
pub fn period_of(text: Option<&str>, now: Timestamp) -> Result<Period> {
    let period = match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Period::containing(now, false).previous(),
        Some(text) => Period::parse(text).ok_or(ErrorCode::Malformed)?,
    };
    if period.span().0 > now {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(period)
}

fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.0 - from.0).max(0) as f64 / DAY_MS
}

/// Everyone's figures for `measures`, in participant order.
struct Figures {
    who: Vec<Named>,
    figures: Vec<Vec<Figure>>,
}

async fn chief_figures(conn: &mut Conn, period: Period, now: Timestamp) -> Result<Figures> {
    let (from, until) = period.span();
    let weeks = period.weeks_due(now);
    let chiefs = counted::chiefs(conn).await?;
    let roads = counted::road_chiefs(conn).await?;
    let road_chief: HashMap<&str, &str> = roads.iter().map(|(road, chief)| (road.as_str(), chief.as_str())).collect();
    let mut held: HashMap<&str, u32> = HashMap::new();
    for chief in road_chief.values() {
        *held.entry(chief).or_default() += 1;
    }

    // Inspections submitted within their week; patrols' share walked and board checks.
    let mut on_time: HashMap<&str, u32> = HashMap::new();
    let mut walked: HashMap<&str, f64> = HashMap::new();
    let mut boards: HashMap<&str, u32> = HashMap::new();
    if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
        for (road, week, at) in counted::submissions(conn, *first, *last).await? {
            let week_end = Timestamp::start_of_day(week.sunday().add_days(1));
            if weeks.contains(&week) && at < week_end {
                if let Some(chief) = road_chief.get(road.as_str()) {
                    *on_time.entry(chief).or_default() += 1;
                }
            }
        }
    }
    for week in &weeks {
        for (road, walks) in patrols::of_week(conn, *week).await? {
            let (Some(chief), Some(summary)) = (road_chief.get(road.as_str()), patrol_weeks::week_of(&walks)) else {
                continue;
            };
            *walked.entry(chief).or_default() += f64::from(summary.walked_percent) / 100.0;
            if summary.board_checked {
                *boards.entry(chief).or_default() += 1;
            }
        }
    }
    let reported = counted::findings_reported(conn, from, until).await?;

    // Shops: the share of the open ones visited.
    let mut shops: HashMap<&str, u32> = HashMap::new();
    for (road, _) in counted::open_shops(conn, until).await? {
        if let Some(chief) = road_chief.get(road.as_str()) {
            *shops.entry(chief).or_default() += 1;
        }
    }
    let mut visited: HashMap<&str, u32> = HashMap::new();
    for (road, _) in counted::shops_visited(conn, from, until).await? {
        if let Some(chief) = road_chief.get(road.as_str()) {
            *visited.entry(chief).or_default() += 1;
        }
    }

    // Residents' reports due by now: answered within 2 working days.
    let calendar = calendars::current(conn).await?;
    let mut reports: HashMap<&str, (u32, u32)> = HashMap::new();
    for (road, received, handled) in counted::reports(conn, from, until).await? {
        let due = answer_due(received, &calendar);
        let in_time = handled.is_some_and(|h| h <= due);
        if !in_time && handled.is_none() && due > now {
            continue; // still within its time
        }
        if let Some(chief) = road_chief.get(road.as_str()) {
            let tally = reports.entry(chief).or_default();
            tally.0 += u32::from(in_time);
            tally.1 += 1;
        }
    }
    let mut closing_days: HashMap<&str, Vec<f64>> = HashMap::new();
    for (road, received, closed) in counted::closings(conn, from, until).await? {
        if let Some(chief) = road_chief.get(road.as_str()) {
            closing_days.entry(chief).or_default().push(days_between(received, closed));
        }
    }

    let mut who = Vec::new();
    let mut figures = Vec::new();
    for (id, name) in &chiefs {
        let id = id.as_str();
        let due = held.get(id).copied().unwrap_or(0) * weeks.len() as u32;
        let (answered, asked) = reports.get(id).copied().unwrap_or_default();
        figures.push(vec![
            Figure::share(on_time.get(id).copied().unwrap_or(0), due),
            Figure::per_case(walked.get(id).copied().unwrap_or(0.0), due),
            Figure::share(boards.get(id).copied().unwrap_or(0), due),
            Figure::share(visited.get(id).copied().unwrap_or(0), shops.get(id).copied().unwrap_or(0)),
            Figure::per_case(f64::from(reported.get(id).copied().unwrap_or(0)), due),
            Figure::share(answered, asked),
            Figure::median(closing_days.remove(id).unwrap_or_default()),
        ]);
        who.push(Named { id: id.to_owned(), name_zh: name.clone(), name_en: name.clone() });
    }
    Ok(Figures { who, figures })
}

async fn section_figures(conn: &mut Conn, period: Period, now: Timestamp) -> Result<Figures> {
    let (from, until) = period.span();
    let sections = directory::sections(conn).await?;
    let mut on_time: HashMap<String, (u32, u32)> = HashMap::new();
    let mut resolve_days: HashMap<String, Vec<f64>> = HashMap::new();
    for r in counted::resolutions(conn, from, until).await? {
        let tally = on_time.entry(r.section_id.clone()).or_default();
        tally.0 += u32::from(r.deadline.is_none_or(|d| r.resolved <= d));
        tally.1 += 1;
        resolve_days.entry(r.section_id).or_default().push(days_between(r.received, r.resolved));
    }
    // Late and not resolved at all: due in the period and passed by now.
    for (section, late) in counted::overdue_open(conn, from, until.min(now)).await? {
        on_time.entry(section).or_default().1 += late;
    }
    let resolved = counted::steps(conn, None, "resolved", from, until).await?;
    let reopened = counted::steps(conn, Some("resolved"), "routed", from, until).await?;
    let returned = counted::steps(conn, None, "returned", from, until).await?;
    let mut overruled: HashMap<String, u32> = HashMap::new();
    for (returned_by, now_with) in counted::rulings(conn, from, until).await? {
        if ReturnRuling::of(Some(crate::domain::finding::FindingStatus::Returned), &returned_by, &now_with)
            == Some(ReturnRuling::Overruled)
        {
            *overruled.entry(returned_by).or_default() += 1;
        }
    }
    let received = counted::received(conn, from, until).await?;
    let extensions = counted::extensions_asked(conn, from, until).await?;
    let count = |m: &HashMap<String, u32>, id: &str| m.get(id).copied().unwrap_or(0);

    let mut who = Vec::new();
    let mut figures = Vec::new();
    for s in sections {
        let id = s.named.id.as_str();
        let (in_time, due) = on_time.get(id).copied().unwrap_or_default();
        figures.push(vec![
            Figure::share(in_time, due),
            Figure::median(resolve_days.remove(id).unwrap_or_default()),
            Figure::share(count(&reopened, id), count(&resolved, id)),
            Figure::share(count(&overruled, id), count(&returned, id)),
            Figure::per_case(f64::from(count(&extensions, id)), count(&received, id)),
        ]);
        who.push(s.named);
    }
    Ok(Figures { who, figures })
}

/// Ranks everyone, best overall first (ties in the order listed); `mine` is the reader's row.
fn ranked(measures: &[Measure], all: Figures, mine: Option<&str>) -> Vec<RaceRow> {
    // Each measure's figures across everyone, ranked once.
    let columns: Vec<Vec<Figure>> = (0..measures.len()).map(|m| all.figures.iter().map(|f| f[m]).collect()).collect();
    let by_measure: Vec<Vec<Place>> =
        measures.iter().zip(&columns).map(|(measure, column)| rank(*measure, column)).collect();
    let places: Vec<Vec<Place>> =
        (0..all.who.len()).map(|p| by_measure.iter().map(|ranks| ranks[p]).collect()).collect();
    let standing = overall(&places);
    let mut rows: Vec<RaceRow> = all
        .who
        .into_iter()
        .enumerate()
        .map(|(p, who)| {
            let own = mine == Some(who.id.as_str());
            let cells = measures
                .iter()
                .enumerate()
                .map(|(m, measure)| RaceCell {
                    measure: *measure,
                    figure: columns[m][p],
                    place: places[p][m],
                    to_move_up: own.then(|| to_move_up(*measure, &columns[m], p)).flatten(),
                })
                .collect();
            RaceRow { who, overall: standing[p], cells, mine: own }
        })
        .collect();
    rows.sort_by_key(|r| match r.overall {
        Place::Ranked { place, .. } => place,
        Place::TooFew => u32::MAX,
    });
    rows
}

/// The board's texts in `lang`.
fn texts(lang: Lang) -> RaceTexts {
    let t = |msg| lang.server(msg).to_owned();
    let measures = Measure::CHIEFS
        .iter()
        .chain(&Measure::SECTIONS)
        .map(|m| {
            let better =
                if m.higher_is_better() { ServerMsg::race_higher_better } else { ServerMsg::race_lower_better };
            let minimum = lang.server_format(ServerMsg::race_min_cases, &[("n", &m.min_cases().to_string())]);
            MeasureText { measure: *m, name: t(measure_msg(*m)), rule: format!("{} · {minimum}", lang.server(better)) }
        })
        .collect();
    RaceTexts {
        title: t(ServerMsg::race_title),
        rules_title: t(ServerMsg::race_rules_title),
        rules: [
            ServerMsg::race_rule_rates,
            ServerMsg::race_rule_minimum,
            ServerMsg::race_rule_ties,
            ServerMsg::race_rule_overall,
        ]
        .map(t)
        .to_vec(),
        chiefs: t(ServerMsg::race_chiefs),
        sections: t(ServerMsg::race_sections),
        measures,
        period_nav: t(ServerMsg::race_period_nav),
        weekly: t(ServerMsg::race_weekly),
        monthly: t(ServerMsg::race_monthly),
        export: t(ServerMsg::race_export),
        nothing_due: t(ServerMsg::race_nothing_due),
        overall: t(ServerMsg::race_overall),
        name: t(ServerMsg::race_name),
        place: t(ServerMsg::race_place),
        too_few: t(ServerMsg::race_too_few),
        days: t(ServerMsg::race_days),
        cases: t(ServerMsg::race_cases),
        standing_of: t(ServerMsg::race_standing_of),
        to_move_up: t(ServerMsg::race_to_move_up),
    }
}

/// The board of `period` as `user` may see it, in `lang`.
pub async fn board(conn: &mut Conn, user: &User, period: Period, lang: Lang, now: Timestamp) -> Result<RaceBoard> {
    let everyone = user.role == Role::Coordinator;
    let own_section = match user.role {
        Role::SectionHead => directory::section_headed_by(conn, &user.id).await?.map(|s| s.id),
        _ => None,
    };
    let chiefs = ranked(&Measure::CHIEFS, chief_figures(conn, period, now).await?, Some(user.id.as_str()));
    let sections = ranked(&Measure::SECTIONS, section_figures(conn, period, now).await?, own_section.as_deref());
    let shown = |rows: Vec<RaceRow>| if everyone { rows } else { rows.into_iter().filter(|r| r.mine).collect() };
    let next = period.next();
    Ok(RaceBoard {
        period: period.to_string(),
        monthly: matches!(period, Period::Month { .. }),
        previous: period.previous().to_string(),
        next: (next.span().0 <= now).then(|| next.to_string()),
        weeks_due: period.weeks_due(now).len() as u32,
        chiefs: shown(chiefs),
        sections: shown(sections),
        everyone,
        texts: texts(lang),
    })
}

/// The spreadsheet's column names, in the reader's language.
pub fn sheet_headers(lang: Lang) -> [&'static str; 8] {
    [
        ServerMsg::sheet_race_period,
        ServerMsg::sheet_race_group,
        ServerMsg::sheet_race_name,
        ServerMsg::sheet_race_overall,
        ServerMsg::sheet_race_measure,
        ServerMsg::sheet_race_value,
        ServerMsg::sheet_race_cases,
        ServerMsg::sheet_race_place,
    ]
    .map(|msg| lang.server(msg))
}

/// The whole board as rows, one per participant and measure: the coordinator's export.
pub async fn sheet_rows(
    conn: &mut Conn,
    user: &User,
    period: Period,
    lang: Lang,
    now: Timestamp,
) -> Result<Vec<[String; 8]>> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let board = board(conn, user, period, lang, now).await?;
    let place = |p: Place| match p {
        Place::Ranked { place, of } => format!("{place}/{of}"),
        Place::TooFew => lang.server(ServerMsg::race_too_few).to_owned(),
    };
    let mut rows = Vec::new();
    for (group, list) in [(ServerMsg::race_chiefs, &board.chiefs), (ServerMsg::race_sections, &board.sections)] {
        for row in list {
            for cell in &row.cells {
                rows.push([
                    board.period.clone(),
                    lang.server(group).to_owned(),
                    lang.pick(&row.who.name_zh, &row.who.name_en).to_owned(),
                    place(row.overall),
                    lang.server(measure_msg(cell.measure)).to_owned(),
                    cell.figure.value.map(|v| format!("{v:.3}")).unwrap_or_default(),
                    cell.figure.cases.to_string(),
                    place(cell.place),
                ]);
            }
        }
    }
    Ok(rows)
}
