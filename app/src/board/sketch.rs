//! The road drawn small, for a resident to tap the place of a problem: the road's points in a
//! 320 × 140 drawing (longitude scaled by the latitude, so the shape is true), with what the
//! page's script needs to turn a tap back into a position.

use crate::domain::geometry::RoadGeometry;

pub const WIDTH: f64 = 320.0;
pub const HEIGHT: f64 = 140.0;
const MARGIN: f64 = 14.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    /// `x,y x,y …` for a polyline.
    pub points: String,
    /// Longitude of x = 0 and latitude of y = 0.
    pub west: f64,
    pub north: f64,
    /// Drawing units per degree of longitude and of latitude.
    pub per_lon: f64,
    pub per_lat: f64,
}

impl Sketch {
    pub fn of(road: &RoadGeometry) -> Sketch {
        let coordinates = road.coordinates();
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for [lon, lat] in &coordinates {
            west = west.min(*lon);
            east = east.max(*lon);
            south = south.min(*lat);
            north = north.max(*lat);
        }
        let shrink = ((south + north) / 2.0).to_radians().cos().max(0.01);
        // A straight east-west or north-south road has no extent the other way.
        let wide = ((east - west) * shrink).max(1e-9);
        let tall = (north - south).max(1e-9);
        let per_lat = ((WIDTH - 2.0 * MARGIN) / wide).min((HEIGHT - 2.0 * MARGIN) / tall);
        let per_lon = per_lat * shrink;
        // Centred in the drawing.
        let west = west - ((WIDTH - 2.0 * MARGIN) / per_lon - (east - west)) / 2.0 - MARGIN / per_lon;
        let north = north + ((HEIGHT - 2.0 * MARGIN) / per_lat - (north - south)) / 2.0 + MARGIN / per_lat;
        let points = coordinates
            .iter()
            .map(|[lon, lat]| format!("{:.1},{:.1}", (lon - west) * per_lon, (north - lat) * per_lat))
            .collect::<Vec<_>>()
            .join(" ");
        Sketch { points, west, north, per_lon, per_lat }
    }

    /// Where a point of the drawing is (what the script computes, here for the tests).
    pub fn position(&self, x: f64, y: f64) -> (f64, f64) {
        (self.west + x / self.per_lon, self.north - y / self.per_lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_road_fits_the_drawing_and_taps_map_back() {
        let road = RoadGeometry::parse(&[[121.47, 31.23], [121.475, 31.232], [121.48, 31.231]]).unwrap();
        let sketch = Sketch::of(&road);
        for pair in sketch.points.split(' ') {
            let (x, y) = pair.split_once(',').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y), "{pair}");
        }
        let (x, y) = sketch.points.split(' ').next().unwrap().split_once(',').unwrap();
        let (lon, lat) = sketch.position(x.parse().unwrap(), y.parse().unwrap());
        assert!((lon - 121.47).abs() < 1e-4 && (lat - 31.23).abs() < 1e-4, "{lon} {lat}");
    }

    #[test]
    fn a_straight_road_is_drawn_too() {
        let road = RoadGeometry::parse(&[[121.47, 31.23], [121.48, 31.23]]).unwrap();
        let sketch = Sketch::of(&road);
        assert!(sketch.per_lon.is_finite() && sketch.per_lat.is_finite());
        assert!(sketch.points.contains("70.0"), "drawn along the middle: {}", sketch.points);
    }
}
