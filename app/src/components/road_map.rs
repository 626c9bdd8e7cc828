//! A small drawing of a road with a marker where a finding is: enough to see "near the start"
//! or "by the corner" without loading map tiles (which need a network the chief may not have).

use crate::domain::geometry::GeoPoint;
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

// Drawn in whole units of a 640×320 box (scaled by the browser): integers only, see
// `badges::whole_metres` for why.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const PAD: f64 = 36.0;

/// Fits lon/lat into a picture: equirectangular around the lines drawn, same scale on both
/// axes. The road sketch and the subdistrict's map both draw with it.
#[derive(Clone, Copy)]
pub struct Projection {
    lon0: f64,
    lat0: f64,
    cos_lat: f64,
    scale: f64,
    dx: f64,
    dy: f64,
    width: f64,
    height: f64,
}

impl Projection {
    /// Into the road sketch's 640×320 box.
    pub fn fit(coordinates: &[[f64; 2]]) -> Projection {
        Projection::fit_in(coordinates, WIDTH, HEIGHT, PAD)
    }

    /// Into a `width`×`height` box with `pad` units left free on each side.
    pub fn fit_in(coordinates: &[[f64; 2]], width: f64, height: f64, pad: f64) -> Projection {
        let (cos_lat, [min_x, max_x, min_y, max_y]) = extent(coordinates);
        let span_x = (max_x - min_x).max(1e-9);
        let span_y = (max_y - min_y).max(1e-9);
        let scale = ((width - 2.0 * pad) / span_x).min((height - 2.0 * pad) / span_y);
        let dx = (width - span_x * scale) / 2.0;
        let dy = (height - span_y * scale) / 2.0;
        Projection { lon0: min_x / cos_lat, lat0: max_y, cos_lat, scale, dx, dy, width, height }
    }

    /// How tall the lines stand for their width, as drawn (at least a little of each).
    pub fn aspect(coordinates: &[[f64; 2]]) -> f64 {
        let (_, [min_x, max_x, min_y, max_y]) = extent(coordinates);
        (max_y - min_y).max(1e-9) / (max_x - min_x).max(1e-9)
    }

    /// `[lon, lat]` pairs as an SVG polyline's points.
    pub fn points(&self, coordinates: &[[f64; 2]]) -> String {
        coordinates
            .iter()
            .map(|c| {
                let (x, y) = self.xy(c[0], c[1]);
                format!("{x},{y}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn xy(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = (lon - self.lon0) * self.cos_lat * self.scale + self.dx;
        let y = (self.lat0 - lat) * self.scale + self.dy;
        (x.clamp(8.0, self.width - 8.0).round() as i32, y.clamp(8.0, self.height - 8.0).round() as i32)
    }
}

/// The cosine of the mean latitude, and the bounds `[min x, max x, min y, max y]` with x as
/// longitude times that cosine.
fn extent(coordinates: &[[f64; 2]]) -> (f64, [f64; 4]) {
    let lat0 = coordinates.iter().map(|c| c[1]).sum::<f64>() / coordinates.len().max(1) as f64;
    let cos_lat = lat0.to_radians().cos();
    let mut bounds = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
    for c in coordinates {
        let x = c[0] * cos_lat;
        bounds = [bounds[0].min(x), bounds[1].max(x), bounds[2].min(c[1]), bounds[3].max(c[1])];
    }
    (cos_lat, bounds)
}

#[component]
pub fn RoadMap(
    coordinates: Vec<[f64; 2]>,
    #[prop(into)] marker: Signal<Option<GeoPoint>>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let projection = Projection::fit(&coordinates);
    view! {
        <svg class="road-map" viewBox="0 0 640 320" role="img" aria-label=label>
            <RoadLine coordinates projection/>
            {move || {
                marker
                    .get()
                    .map(|p| {
                        let (x, y) = projection.xy(p.lon, p.lat);
                        view! {
                            <circle class="marker-halo" cx=x cy=y r="26"/>
                            <circle class="marker" cx=x cy=y r="14"/>
                        }
                    })
            }}
        </svg>
    }
}

/// The road itself in a 640×320 sketch: its line and where it starts.
#[component]
pub fn RoadLine(coordinates: Vec<[f64; 2]>, projection: Projection) -> impl IntoView {
    let i18n = use_i18n();
    let points = projection.points(&coordinates);
    let (sx, sy) = coordinates.first().map(|c| projection.xy(c[0], c[1])).unwrap_or((0, 0));
    let right_half = f64::from(sx) > WIDTH / 2.0;
    let label_x = if right_half { sx - 16 } else { sx + 16 };
    let anchor = if right_half { "end" } else { "start" };
    view! {
        <polyline class="road-casing" points=points.clone()/>
        <polyline class="road-line" points=points/>
        <circle class="road-start" cx=sx cy=sy r="10"/>
        <text class="road-start-label" x=label_x y=sy - 16 text-anchor=anchor>
            {i18n.t(Msg::road_start)}
        </text>
    }
}
