//! A patrol on the road (巡查轨迹): the positions the phone kept while the chief walked, how
//! much of the road they cover, and whether they look like a walk. Pure: the patrol screen
//! shows live the same figures the server works out again from the uploaded trail.

use super::geometry::{GeoPoint, RoadGeometry};
use super::performance::percent;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A position the phone itself says is less accurate than this (metres) is dropped.
pub const MAX_ACCURACY_M: f64 = 50.0;
/// The road is split into stretches of about this length...
pub const STRETCH_M: f64 = 50.0;
/// ...and a stretch counts as walked when a good position lies this close to it.
pub const NEAR_M: f64 = 30.0;
/// Faster than this, sustained over a minute, is not walking (a bicycle at most).
pub const WALK_LIMIT_KMH: f64 = 15.0;
/// One step longer than this, at more than `JUMP_KMH`, is a jump: two positions 50 m off
/// each in opposite directions are 100 m apart, so noise alone does not make one.
const JUMP_M: f64 = 150.0;
const JUMP_KMH: f64 = 60.0;
/// Speed is judged between positions at least this far apart in time.
const SPEED_WINDOW_MS: i64 = 60_000;
/// A GPS that never moves over this long, to the metre, is frozen (or not a phone).
const FROZEN_AFTER_MS: i64 = 120_000;
const FROZEN_WITHIN_M: f64 = 1.0;
/// The phone keeps a position at most this often: a walk's detail, a trail's size.
pub const MIN_INTERVAL_MS: i64 = 2_000;
/// The most positions one patrol carries (over six hours at one per two seconds).
pub const MAX_POSITIONS: usize = 12_000;
/// The encoded trail's longest text (a position takes at most a dozen characters).
pub const MAX_TRAIL_CHARS: usize = 200_000;
/// The longest patrol.
pub const MAX_PATROL_MS: i64 = 12 * 3_600_000;
/// The most board scans one patrol carries, and the longest text of one.
pub const MAX_SCANS: usize = 20;
pub const MAX_SCAN_CHARS: usize = 300;

/// One position the phone kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    pub at: Timestamp,
    pub point: GeoPoint,
    /// The phone's own accuracy radius, whole metres.
    pub accuracy_m: u32,
}

impl Fix {
    /// A position worth keeping: accurate enough. `None` otherwise.
    pub fn keep(at: Timestamp, point: GeoPoint, accuracy_m: f64) -> Option<Fix> {
        (accuracy_m.is_finite() && (0.0..=MAX_ACCURACY_M).contains(&accuracy_m)).then(|| Fix {
            at,
            point,
            accuracy_m: accuracy_m.round() as u32,
        })
    }
}

/// Whether a new position comes soon enough after the last kept one to be skipped.
pub fn too_soon(last: Option<&Fix>, at: Timestamp) -> bool {
    last.is_some_and(|last| at.0 - last.at.0 < MIN_INTERVAL_MS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatrolError {
    #[error("the trail is not in the expected encoding")]
    Malformed,
    #[error("the trail has too many positions")]
    TooLong,
    #[error("a position is out of range, or outside the patrol's time")]
    OutOfRange,
    #[error("the patrol ends before it starts, or lasts too long")]
    BadTimes,
    #[error("too many board scans, or one too long")]
    TooManyScans,
}

// The trail travels as text: Google's polyline algorithm (signed numbers in 5-bit chunks, as
// the printable characters 63..=126) over four numbers per position, each the difference to
// the position before: seconds since the patrol's start, latitude and longitude in 1e-5
// degrees (about a metre) and the accuracy in metres. A walk's steps are small numbers, so a
// position takes 6–8 characters instead of the 60 or so of JSON.

const SCALE: f64 = 1e5;

fn push_number(out: &mut String, value: i64) {
    let zigzag = if value < 0 { !(value << 1) } else { value << 1 };
    let mut v = zigzag as u64;
    while v >= 0x20 {
        out.push(char::from((0x20 | (v & 0x1f)) as u8 + 63));
        v >>= 5;
    }
    out.push(char::from(v as u8 + 63));
}

fn read_number(chars: &mut std::str::Bytes<'_>) -> Result<Option<i64>, PatrolError> {
    let (mut result, mut shift) = (0u64, 0u32);
    let mut first = true;
    loop {
        let Some(byte) = chars.next() else {
            return if first { Ok(None) } else { Err(PatrolError::Malformed) };
        };
        first = false;
        if !(63..=126).contains(&byte) || shift > 40 {
            return Err(PatrolError::Malformed);
        }
        let chunk = u64::from(byte - 63);
        result |= (chunk & 0x1f) << shift;
        shift += 5;
        if chunk < 0x20 {
            let value = (result >> 1) as i64;
            return Ok(Some(if result & 1 == 1 { !value } else { value }));
        }
    }
}

/// The trail as text (see above); positions are taken in order.
pub fn encode(start: Timestamp, fixes: &[Fix]) -> String {
    let mut out = String::with_capacity(fixes.len() * 8);
    let mut last = [0i64; 4];
    for fix in fixes {
        let now = [
            (fix.at.0 - start.0).max(0) / 1000,
            (fix.point.lat * SCALE).round() as i64,
            (fix.point.lon * SCALE).round() as i64,
            i64::from(fix.accuracy_m),
        ];
        for (value, before) in now.iter().zip(last.iter()) {
            push_number(&mut out, value - before);
        }
        last = now;
    }
    out
}

/// Reads a trail written by `encode` for a patrol from `start` to `end`. Refuses anything
/// else: broken text, too many positions, a position off the globe, too inaccurate, out of
/// order or outside the patrol (a minute's grace at the end).
pub fn decode(start: Timestamp, end: Timestamp, text: &str) -> Result<Vec<Fix>, PatrolError> {
    if text.len() > MAX_TRAIL_CHARS {
        return Err(PatrolError::TooLong);
    }
    let mut chars = text.bytes();
    let mut fixes = Vec::new();
    let mut last = [0i64; 4];
    while let Some(first) = read_number(&mut chars)? {
        let mut now = [first, 0, 0, 0];
        for slot in now.iter_mut().skip(1) {
            *slot = read_number(&mut chars)?.ok_or(PatrolError::Malformed)?;
        }
        for (value, before) in now.iter_mut().zip(last.iter()) {
            *value = value.checked_add(*before).ok_or(PatrolError::Malformed)?;
        }
        if fixes.len() == MAX_POSITIONS {
            return Err(PatrolError::TooLong);
        }
        let at = Timestamp(start.0.saturating_add(now[0].saturating_mul(1000)));
        let point =
            GeoPoint::parse(now[2] as f64 / SCALE, now[1] as f64 / SCALE).map_err(|_| PatrolError::OutOfRange)?;
        let in_time = now[0] >= last[0] && at.0 <= end.0.saturating_add(60_000);
        if !in_time || !(0..=MAX_ACCURACY_M as i64).contains(&now[3]) {
            return Err(PatrolError::OutOfRange);
        }
        fixes.push(Fix { at, point, accuracy_m: now[3] as u32 });
        last = now;
    }
    Ok(fixes)
}

/// A patrol's start and end as the phone gives them: in order, and no longer than 12 hours.
pub fn check_times(started_at: Timestamp, ended_at: Timestamp) -> Result<(), PatrolError> {
    // Checked: a hostile client may send any i64.
    match ended_at.0.checked_sub(started_at.0) {
        Some(length) if (0..=MAX_PATROL_MS).contains(&length) => Ok(()),
        _ => Err(PatrolError::BadTimes),
    }
}

/// Which stretches of the road a patrol came near.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    walked: Vec<bool>,
    stretch_m: f64,
}

impl Coverage {
    /// Nothing walked yet of `road`, split into stretches of about 50 m (at least one).
    pub fn of_road(road: &RoadGeometry) -> Coverage {
        let count = ((road.length_m() / STRETCH_M).round() as usize).max(1);
        Coverage { walked: vec![false; count], stretch_m: road.length_m() / count as f64 }
    }

    /// Counts the stretches within 30 m of this position.
    pub fn add(&mut self, road: &RoadGeometry, point: GeoPoint) {
        let placed = road.place(point);
        if placed.off_road_m > NEAR_M {
            return;
        }
        // Along the road, the stretches whose nearest part is within reach of the point.
        let reach = (NEAR_M * NEAR_M - placed.off_road_m * placed.off_road_m).sqrt();
        let last = self.walked.len() - 1;
        let from = (((placed.along_m - reach) / self.stretch_m).floor().max(0.0) as usize).min(last);
        let to = (((placed.along_m + reach) / self.stretch_m).floor().max(0.0) as usize).min(last);
        for walked in &mut self.walked[from..=to] {
            *walked = true;
        }
    }

    pub fn stretches(&self) -> usize {
        self.walked.len()
    }

    pub fn walked(&self) -> usize {
        self.walked.iter().filter(|w| **w).count()
    }

    /// The share walked, in whole percent rounded down (all of it only when all of it).
    pub fn percent(&self) -> u32 {
        percent(self.walked() as u32, self.stretches() as u32).unwrap_or(0)
    }

    /// The stretches as text, `1` walked and `0` not: how the server keeps them.
    pub fn to_text(&self) -> String {
        self.walked.iter().map(|w| if *w { '1' } else { '0' }).collect()
    }

    pub fn from_text(text: &str) -> Option<Coverage> {
        let walked: Vec<bool> = text.chars().map(|c| c == '1').collect();
        (!walked.is_empty() && text.chars().all(|c| c == '0' || c == '1'))
            .then_some(Coverage { walked, stretch_m: STRETCH_M })
    }

    /// The walked stretches of `road` as lines, neighbours joined into one; none when the road
    /// is split differently now (its line changed since).
    pub fn walked_lines(&self, road: &RoadGeometry) -> Vec<Vec<[f64; 2]>> {
        if Coverage::of_road(road).stretches() != self.stretches() {
            return Vec::new();
        }
        let stretch_m = road.length_m() / self.stretches() as f64;
        let mut lines = Vec::new();
        let mut run_from = None;
        for (i, walked) in self.walked.iter().chain([&false]).enumerate() {
            match (walked, run_from) {
                (true, None) => run_from = Some(i),
                (false, Some(from)) => {
                    lines.push(road.between(from as f64 * stretch_m, i as f64 * stretch_m));
                    run_from = None;
                }
                _ => {}
            }
        }
        lines
    }

    /// Both patrols' stretches together; none when the road was split differently (its line
    /// changed in between).
    pub fn joined(&self, other: &Coverage) -> Option<Coverage> {
        (self.walked.len() == other.walked.len()).then(|| Coverage {
            walked: self.walked.iter().zip(&other.walked).map(|(a, b)| *a || *b).collect(),
            stretch_m: self.stretch_m,
        })
    }
}

/// What makes a trail implausible. Flagged for the coordinator to look at, never refused: a
/// phone's GPS does strange things, and a person decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TraceFlag {
    /// A position far from the one before, sooner than a car could get there.
    Jump,
    /// Faster than walking for a minute or more.
    TooFast,
    /// The same position to the metre throughout.
    Frozen,
}

impl TraceFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceFlag::Jump => "jump",
            TraceFlag::TooFast => "too_fast",
            TraceFlag::Frozen => "frozen",
        }
    }
    pub fn parse(text: &str) -> Option<TraceFlag> {
        [TraceFlag::Jump, TraceFlag::TooFast, TraceFlag::Frozen].into_iter().find(|f| f.as_str() == text)
    }
}

fn kmh(metres: f64, ms: i64) -> f64 {
    if ms <= 0 {
        f64::INFINITY
    } else {
        metres / (ms as f64 / 3_600_000.0) / 1000.0
    }
}

/// What is implausible about a trail, in order; none for a walk.
pub fn plausibility(fixes: &[Fix]) -> Vec<TraceFlag> {
    let mut flags = Vec::new();
    let jump = fixes.windows(2).any(|pair| {
        let metres = pair[0].point.distance_m(pair[1].point);
        metres > JUMP_M && kmh(metres, pair[1].at.0 - pair[0].at.0) > JUMP_KMH
    });
    if jump {
        flags.push(TraceFlag::Jump);
    }
    // From each position, the first one at least a minute later: the straight distance
    // between them over the time is a lower bound on the speed, whatever the noise did.
    let mut later = 0;
    let too_fast = fixes.iter().enumerate().any(|(i, fix)| {
        later = later.max(i + 1);
        while later < fixes.len() && fixes[later].at.0 - fix.at.0 < SPEED_WINDOW_MS {
            later += 1;
        }
        fixes.get(later).is_some_and(|end| {
            let metres = fix.point.distance_m(end.point);
            kmh(metres, end.at.0 - fix.at.0) > WALK_LIMIT_KMH
        })
    });
    if too_fast {
        flags.push(TraceFlag::TooFast);
    }
    let frozen = match (fixes.first(), fixes.last()) {
        (Some(first), Some(last)) => {
            fixes.len() >= 5
                && last.at.0 - first.at.0 >= FROZEN_AFTER_MS
                && fixes.iter().all(|f| f.point.distance_m(first.point) <= FROZEN_WITHIN_M)
        }
        _ => false,
    };
    if frozen {
        flags.push(TraceFlag::Frozen);
    }
    flags
}

/// The length of the trail in metres, step by step.
pub fn distance_m(fixes: &[Fix]) -> f64 {
    fixes.windows(2).map(|pair| pair[0].point.distance_m(pair[1].point)).sum()
}

/// One patrol, as the checklist, the coordinator and the race board read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PatrolSummary {
    pub started_at: Timestamp,
    pub ended_at: Timestamp,
    /// The share of the road's ~50 m stretches walked, whole percent.
    pub walked_percent: u32,
    pub distance_m: u32,
    pub minutes: u32,
    /// A scan of the road's board matched its code.
    pub board_checked: bool,
    #[serde(default)]
    pub flags: Vec<TraceFlag>,
    /// Positions kept.
    pub positions: u32,
}

/// Everything worked out from one trail on one road.
pub fn summarize(
    road: &RoadGeometry,
    started_at: Timestamp,
    ended_at: Timestamp,
    fixes: &[Fix],
    board_checked: bool,
) -> (PatrolSummary, Coverage) {
    let mut coverage = Coverage::of_road(road);
    for fix in fixes {
        coverage.add(road, fix.point);
    }
    let summary = PatrolSummary {
        started_at,
        ended_at,
        walked_percent: coverage.percent(),
        distance_m: distance_m(fixes).round() as u32,
        minutes: minutes(started_at, ended_at),
        board_checked,
        flags: plausibility(fixes),
        positions: fixes.len() as u32,
    };
    (summary, coverage)
}

/// Whole minutes between two times, rounded to the nearest.
pub fn minutes(from: Timestamp, to: Timestamp) -> u32 {
    (((to.0 - from.0).max(0) + 30_000) / 60_000) as u32
}

/// A road's patrols of one week together: the stretches any of them walked, their time and
/// distance added up, the board checked by any, every flag any raised.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PatrolWeek {
    pub patrols: u32,
    pub walked_percent: u32,
    pub minutes: u32,
    pub distance_m: u32,
    pub board_checked: bool,
    #[serde(default)]
    pub flags: Vec<TraceFlag>,
}

impl PatrolWeek {
    /// None for a week with no patrol.
    pub fn of(patrols: &[(PatrolSummary, Option<Coverage>)]) -> Option<PatrolWeek> {
        let (first, _) = patrols.first()?;
        let (joined, split_differently) = joined_coverage(patrols.iter().map(|(_, c)| c.as_ref()));
        let best = patrols.iter().map(|(s, _)| s.walked_percent).max().unwrap_or(first.walked_percent);
        let walked_percent = match joined {
            Some(j) if !split_differently => j.percent(),
            Some(j) => j.percent().max(best),
            None => best,
        };
        let mut flags: Vec<TraceFlag> = patrols.iter().flat_map(|(s, _)| s.flags.iter().copied()).collect();
        flags.sort_unstable();
        flags.dedup();
        Some(PatrolWeek {
            patrols: patrols.len() as u32,
            walked_percent,
            minutes: patrols.iter().map(|(s, _)| s.minutes).sum(),
            distance_m: patrols.iter().map(|(s, _)| s.distance_m).sum(),
            board_checked: patrols.iter().any(|(s, _)| s.board_checked),
            flags,
        })
    }
}

/// The week's patrols' stretches together, and whether some could not be joined (a patrol
/// without coverage, or the road split differently in between).
pub fn joined_coverage<'a>(coverages: impl IntoIterator<Item = Option<&'a Coverage>>) -> (Option<Coverage>, bool) {
    let mut joined: Option<Coverage> = None;
    let mut split_differently = false;
    for coverage in coverages {
        match (coverage, &joined) {
            (Some(c), None) => joined = Some(c.clone()),
            (Some(c), Some(j)) => match j.joined(c) {
                Some(both) => joined = Some(both),
                None => split_differently = true,
            },
            (None, _) => split_differently = true,
        }
    }
    (joined, split_differently)
}

/// The board code in what was scanned or typed: the QR code's address (`…/board/{road}?c=CODE`)
/// or the code printed under it. Read the Crockford way: case, spaces and dashes do not
/// matter, O is 0 and I or L is 1. None when there is no code in it.
pub fn board_code_from(scanned: &str) -> Option<String> {
    let scanned = scanned.trim();
    let code = match scanned.rfind("c=") {
        Some(at) if scanned.contains('/') || scanned.contains('?') => {
            scanned[at + 2..].split(['&', '#']).next().unwrap_or_default()
        }
        _ => scanned,
    };
    let mut out = String::new();
    for c in code.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'U') => c,
            _ => return None,
        };
        out.push(c);
    }
    (4..=32).contains(&out.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Market Road 1 of the demo: three points, about 490 m.
    fn market_road_1() -> RoadGeometry {
        RoadGeometry::parse(&[[120.316446, 36.068902], [120.31887, 36.070005], [120.321358, 36.071013]]).unwrap()
    }

    const START: Timestamp = Timestamp(1_790_000_000_000);

    /// Positions every `every_s` seconds along the road from `from` to `to` (fractions of its
    /// length) at `kmh`.
    fn walk(road: &RoadGeometry, from: f64, to: f64, kmh: f64, every_s: i64) -> Vec<Fix> {
        let (a, b) = (road.length_m() * from, road.length_m() * to);
        let metres_per_s = kmh / 3.6;
        let steps = ((b - a).abs() / metres_per_s / every_s as f64).ceil() as i64;
        (0..=steps)
            .map(|i| {
                let along = a + (b - a) * (i as f64 / steps.max(1) as f64);
                let at = Timestamp(START.0 + i * every_s * 1000);
                Fix { at, point: road.point_at(along), accuracy_m: 8 }
            })
            .collect()
    }

    fn summary_of(fixes: &[Fix]) -> PatrolSummary {
        let road = market_road_1();
        let end = fixes.last().map_or(START, |f| f.at);
        summarize(&road, START, end, fixes, false).0
    }

    #[test]
    fn a_full_walk_covers_the_whole_road_and_raises_no_flag() {
        let fixes = walk(&market_road_1(), 0.0, 1.0, 4.5, 5);
        let summary = summary_of(&fixes);
        assert_eq!(summary.walked_percent, 100);
        assert!(summary.flags.is_empty(), "{:?}", summary.flags);
        assert!((480..=500).contains(&summary.distance_m), "{}", summary.distance_m);
        assert_eq!(summary.minutes, 7);
    }

    #[test]
    fn walked_lines_follow_the_stretches_walked() {
        let road = market_road_1();
        let mut coverage = Coverage::of_road(&road);
        assert!(coverage.walked_lines(&road).is_empty());
        for fix in walk(&road, 0.0, 0.3, 4.5, 5) {
            coverage.add(&road, fix.point);
        }
        let lines = coverage.walked_lines(&road);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let start = road.point_at(0.0);
        assert!((lines[0][0][0] - start.lon).abs() < 1e-9);
        // Ends at a stretch boundary a little past 30 %, short of the far end.
        let end = GeoPoint { lon: lines[0].last().unwrap()[0], lat: lines[0].last().unwrap()[1] };
        let along = road.place(end).along_m / road.length_m();
        assert!((0.3..0.5).contains(&along), "{along}");

        // The far end walked too: two separate lines.
        for fix in walk(&road, 0.9, 1.0, 4.5, 5) {
            coverage.add(&road, fix.point);
        }
        assert_eq!(coverage.walked_lines(&road).len(), 2);

        // The road's line changed since (now split into more stretches): nothing to draw.
        let longer = RoadGeometry::parse(&[[120.316446, 36.068902], [120.321358, 36.071013], [120.33, 36.08]]).unwrap();
        assert!(coverage.walked_lines(&longer).is_empty());
    }

    #[test]
    fn the_week_joins_coverage_unless_the_road_was_split_differently() {
        let road = market_road_1();
        let (mut a, mut b) = (Coverage::of_road(&road), Coverage::of_road(&road));
        a.add(&road, road.point_at(0.0));
        b.add(&road, road.point_at(road.length_m()));
        let (joined, split) = joined_coverage([Some(&a), Some(&b)]);
        assert_eq!(joined.map(|j| j.walked()), Some(a.walked() + b.walked()));
        assert!(!split);
        let (joined, split) = joined_coverage([Some(&a), None]);
        assert_eq!(joined, Some(a.clone()));
        assert!(split);
        assert_eq!(joined_coverage([]), (None, false));
    }

    #[test]
    fn half_a_walk_covers_about_half() {
        let summary = summary_of(&walk(&market_road_1(), 0.0, 0.5, 4.5, 5));
        assert!((50..=60).contains(&summary.walked_percent), "{}", summary.walked_percent);
        assert!(summary.flags.is_empty());
    }

    #[test]
    fn a_walk_along_the_parallel_road_100_m_away_covers_nothing() {
        let road = market_road_1();
        let parallel =
            RoadGeometry::parse(&[[120.315969, 36.069818], [120.318353, 36.070792], [120.320685, 36.071845]]).unwrap();
        let fixes = walk(&parallel, 0.0, 1.0, 4.5, 5);
        let (summary, _) = summarize(&road, START, fixes.last().unwrap().at, &fixes, false);
        assert_eq!(summary.walked_percent, 0);
    }

    #[test]
    fn a_drive_is_too_fast() {
        let summary = summary_of(&walk(&market_road_1(), 0.0, 1.0, 30.0, 2));
        assert_eq!(summary.walked_percent, 100);
        assert_eq!(summary.flags, vec![TraceFlag::TooFast]);
        // A cyclist just under the limit is not flagged.
        assert!(summary_of(&walk(&market_road_1(), 0.0, 1.0, 14.0, 2)).flags.is_empty());
    }

    #[test]
    fn a_teleport_is_a_jump() {
        let road = market_road_1();
        let mut fixes = walk(&road, 0.0, 0.1, 4.5, 5);
        let last = *fixes.last().unwrap();
        fixes.push(Fix { at: Timestamp(last.at.0 + 5_000), point: road.point_at(road.length_m()), ..last });
        let flags = summary_of(&fixes).flags;
        assert!(flags.contains(&TraceFlag::Jump), "{flags:?}");
    }

    #[test]
    fn a_frozen_gps_is_flagged_but_a_short_stop_is_not() {
        let road = market_road_1();
        let still = |seconds: i64| {
            (0..=seconds / 5)
                .map(|i| Fix { at: Timestamp(START.0 + i * 5000), point: road.point_at(100.0), accuracy_m: 5 })
                .collect::<Vec<_>>()
        };
        assert_eq!(summary_of(&still(600)).flags, vec![TraceFlag::Frozen]);
        assert!(summary_of(&still(60)).flags.is_empty());
    }

    #[test]
    fn no_positions_is_nothing_walked_and_nothing_flagged() {
        let summary = summary_of(&[]);
        assert_eq!((summary.walked_percent, summary.positions, summary.distance_m), (0, 0, 0));
        assert!(summary.flags.is_empty());
    }

    #[test]
    fn inaccurate_positions_are_not_kept() {
        let p = GeoPoint::parse(120.3, 36.07).unwrap();
        assert!(Fix::keep(START, p, 50.0).is_some());
        assert!(Fix::keep(START, p, 50.5).is_none());
        assert!(Fix::keep(START, p, f64::NAN).is_none());
        assert!(Fix::keep(START, p, -1.0).is_none());
        let kept = Fix::keep(START, p, 12.4).unwrap();
        assert!(too_soon(Some(&kept), Timestamp(START.0 + 1_999)));
        assert!(!too_soon(Some(&kept), Timestamp(START.0 + 2_000)));
        assert!(!too_soon(None, START));
    }

    #[test]
    fn the_trail_round_trips_to_a_metre_and_a_second_and_is_small() {
        let fixes = walk(&market_road_1(), 0.0, 1.0, 4.5, 3);
        let text = encode(START, &fixes);
        let back = decode(START, fixes.last().unwrap().at, &text).unwrap();
        assert_eq!(back.len(), fixes.len());
        for (a, b) in fixes.iter().zip(&back) {
            assert!(a.point.distance_m(b.point) < 1.0);
            assert_eq!((a.at.0 / 1000, a.accuracy_m), (b.at.0 / 1000, b.accuracy_m));
        }
        let as_json = serde_json::to_string(
            &fixes.iter().map(|f| (f.at.0, f.point.lon, f.point.lat, f.accuracy_m)).collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(text.len() * 4 < as_json.len(), "{} vs {}", text.len(), as_json.len());
        assert_eq!(decode(START, START, "").unwrap(), vec![]);
    }

    #[test]
    fn a_broken_or_hostile_trail_is_refused() {
        let fixes = walk(&market_road_1(), 0.0, 0.2, 4.5, 3);
        let end = fixes.last().unwrap().at;
        let text = encode(START, &fixes);
        assert_eq!(decode(START, end, &text[..text.len() - 1]), Err(PatrolError::Malformed));
        assert_eq!(decode(START, end, "ab c"), Err(PatrolError::Malformed));
        assert_eq!(decode(START, end, "~~~~~~~~~~~~~~~~~~~~"), Err(PatrolError::Malformed));
        // Positions after the patrol ended (beyond a minute's grace).
        assert_eq!(decode(START, Timestamp(START.0 + 1000), &text), Err(PatrolError::OutOfRange));
        // Off the globe; too inaccurate; going back in time.
        let mut bad = String::new();
        for v in [0, 9_100_000, 0, 5] {
            push_number(&mut bad, v);
        }
        assert_eq!(decode(START, end, &bad), Err(PatrolError::OutOfRange));
        let point = market_road_1().point_at(10.0);
        let inaccurate = encode(START, &[Fix { at: START, point, accuracy_m: 80 }]);
        assert_eq!(decode(START, end, &inaccurate), Err(PatrolError::OutOfRange));
        let backwards = encode(START, &[Fix { at: Timestamp(START.0 + 9000), point, accuracy_m: 5 }]);
        let mut twice = backwards.clone();
        for v in [-5, 0, 0, 0] {
            push_number(&mut twice, v);
        }
        assert_eq!(decode(START, end, &twice), Err(PatrolError::OutOfRange));
        assert_eq!(decode(START, end, &"?".repeat(MAX_TRAIL_CHARS + 1)), Err(PatrolError::TooLong));
        let many = encode(START, &vec![Fix { at: START, point, accuracy_m: 5 }; MAX_POSITIONS + 1]);
        assert_eq!(decode(START, end, &many), Err(PatrolError::TooLong));
    }

    #[test]
    fn times_must_be_in_order_and_under_twelve_hours() {
        assert!(check_times(START, START).is_ok());
        assert_eq!(check_times(START, Timestamp(START.0 - 1)), Err(PatrolError::BadTimes));
        assert_eq!(check_times(START, Timestamp(START.0 + MAX_PATROL_MS + 1)), Err(PatrolError::BadTimes));
        assert_eq!(check_times(Timestamp(i64::MIN), Timestamp(0)), Err(PatrolError::BadTimes));
        assert_eq!(check_times(Timestamp(i64::MIN), Timestamp(i64::MAX)), Err(PatrolError::BadTimes));
    }

    #[test]
    fn a_week_joins_its_patrols_stretches() {
        let road = market_road_1();
        let first_half = walk(&road, 0.0, 0.5, 4.5, 5);
        let second_half = walk(&road, 0.5, 1.0, 4.5, 5);
        let a = summarize(&road, START, first_half.last().unwrap().at, &first_half, false);
        let b = summarize(&road, START, second_half.last().unwrap().at, &second_half, true);
        let week = PatrolWeek::of(&[(a.0.clone(), Some(a.1.clone())), (b.0.clone(), Some(b.1))]).unwrap();
        assert_eq!(week.walked_percent, 100);
        assert_eq!(week.patrols, 2);
        assert!(week.board_checked);
        assert_eq!(week.minutes, a.0.minutes + b.0.minutes);
        // A road split differently since: the best single patrol counts.
        let other = Coverage::from_text("1111").unwrap();
        let best = a.0.walked_percent.max(b.0.walked_percent);
        let week = PatrolWeek::of(&[(a.0.clone(), Some(a.1)), (b.0, Some(other))]).unwrap();
        assert_eq!(week.walked_percent, best);
        assert!(best < 100);
        assert_eq!(PatrolWeek::of(&[]), None);
    }

    #[test]
    fn coverage_survives_its_text() {
        let road = market_road_1();
        let fixes = walk(&road, 0.0, 0.5, 4.5, 5);
        let (_, coverage) = summarize(&road, START, START, &fixes, false);
        let back = Coverage::from_text(&coverage.to_text()).unwrap();
        assert_eq!((back.walked(), back.stretches()), (coverage.walked(), coverage.stretches()));
        assert_eq!(Coverage::from_text(""), None);
        assert_eq!(Coverage::from_text("10x"), None);
    }

    #[test]
    fn a_board_code_is_read_from_the_qr_address_or_as_typed() {
        assert_eq!(
            board_code_from("http://127.0.0.1:3000/board/market-road-1?c=AB12CD34").as_deref(),
            Some("AB12CD34")
        );
        assert_eq!(board_code_from("https://x/board/r?c=ab12-cd34&utm=1").as_deref(), Some("AB12CD34"));
        assert_eq!(board_code_from(" ab12 cd3o ").as_deref(), Some("AB12CD30"));
        assert_eq!(board_code_from("il0o").as_deref(), Some("1100"));
        assert_eq!(board_code_from("abc"), None);
        assert_eq!(board_code_from("<script>"), None);
        assert_eq!(board_code_from("UUUU"), None);
        assert_eq!(board_code_from(""), None);
    }
}
