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

/// Fits lon/lat into the picture: equirectangular around the road, same scale on both axes.
#[derive(Clone, Copy)]
struct Projection {
    lon0: f64,
    lat0: f64,
    cos_lat: f64,
    scale: f64,
    dx: f64,
    dy: f64,
}

impl Projection {
    fn fit(coordinates: &[[f64; 2]]) -> Projection {
        let lat0 = coordinates.iter().map(|c| c[1]).sum::<f64>() / coordinates.len().max(1) as f64;
        let cos_lat = lat0.to_radians().cos();
        let xs = coordinates.iter().map(|c| c[0] * cos_lat);
        let ys = coordinates.iter().map(|c| c[1]);
        let (min_x, max_x) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        let (min_y, max_y) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
        let span_x = (max_x - min_x).max(1e-9);
        let span_y = (max_y - min_y).max(1e-9);
        let scale = ((WIDTH - 2.0 * PAD) / span_x).min((HEIGHT - 2.0 * PAD) / span_y);
        let dx = (WIDTH - span_x * scale) / 2.0;
        let dy = (HEIGHT - span_y * scale) / 2.0;
        Projection { lon0: min_x / cos_lat, lat0: max_y, cos_lat, scale, dx, dy }
    }

    /// `[lon, lat]` pairs as an SVG polyline's points.
    fn points(&self, coordinates: &[[f64; 2]]) -> String {
        coordinates
            .iter()
            .map(|c| {
                let (x, y) = self.xy(c[0], c[1]);
                format!("{x},{y}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn xy(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = (lon - self.lon0) * self.cos_lat * self.scale + self.dx;
        let y = (self.lat0 - lat) * self.scale + self.dy;
        (x.clamp(8.0, WIDTH - 8.0).round() as i32, y.clamp(8.0, HEIGHT - 8.0).round() as i32)
    }
}

#[component]
pub fn RoadMap(
    coordinates: Vec<[f64; 2]>,
    #[prop(into)] marker: Signal<Option<GeoPoint>>,
    #[prop(into)] label: Signal<String>,
    /// A patrol's positions, drawn as a line over the road.
    #[prop(optional, into)]
    trail: Option<Signal<Vec<[f64; 2]>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let projection = Projection::fit(&coordinates);
    let points = projection.points(&coordinates);
    let (sx, sy) = coordinates.first().map(|c| projection.xy(c[0], c[1])).unwrap_or((0, 0));
    let right_half = f64::from(sx) > WIDTH / 2.0;
    let label_x = if right_half { sx - 16 } else { sx + 16 };
    let anchor = if right_half { "end" } else { "start" };
    view! {
        <svg class="road-map" viewBox="0 0 640 320" role="img" aria-label=label>
            <polyline class="road-casing" points=points.clone()/>
            <polyline class="road-line" points=points/>
            <circle class="road-start" cx=sx cy=sy r="10"/>
            {move || {
                trail.map(|trail| {
                    let points = trail.with(|t| projection.points(t));
                    view! { <polyline class="patrol-trail" points=points/> }
                })
            }}
            <text class="road-start-label" x=label_x y=sy - 16 text-anchor=anchor>
                {move || i18n.t(Msg::road_start)}
            </text>
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
