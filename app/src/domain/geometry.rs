//! Where things are on a road. Roads are WGS84 line strings (longitude, latitude); distances
//! are metres on a sphere (haversine), plenty for streets a few hundred metres long.

use geo::{Closest, Distance, Haversine, HaversineClosestPoint, InterpolatePoint, Length, Line, LineString, Point};
use serde::{Deserialize, Serialize};

/// A place farther than this from its road needs the chief's explicit confirmation.
pub const OFF_ROAD_LIMIT_M: f64 = 100.0;

/// A WGS84 position.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GeoPoint {
    pub lon: f64,
    pub lat: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GeometryError {
    #[error("longitude must be within -180..180 and latitude within -90..90")]
    OutOfRange,
    #[error("a road needs at least two distinct points")]
    TooFewPoints,
}

impl GeoPoint {
    pub fn parse(lon: f64, lat: f64) -> Result<GeoPoint, GeometryError> {
        if lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
            Ok(GeoPoint { lon, lat })
        } else {
            Err(GeometryError::OutOfRange)
        }
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    pub fn distance_m(self, other: GeoPoint) -> f64 {
        Haversine.distance(self.point(), other.point())
    }
}

impl From<Point<f64>> for GeoPoint {
    fn from(p: Point<f64>) -> Self {
        GeoPoint { lon: p.x(), lat: p.y() }
    }
}

/// A road's centre line.
#[derive(Clone, Debug, PartialEq)]
pub struct RoadGeometry {
    line: LineString<f64>,
    length_m: f64,
}

/// Where a finding sits relative to its road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub point: GeoPoint,
    /// Distance along the road from its first point to the nearest place on the road.
    pub along_m: f64,
    /// Distance from the point to the road.
    pub off_road_m: f64,
}

impl Placement {
    pub fn is_off_road(&self) -> bool {
        self.off_road_m > OFF_ROAD_LIMIT_M
    }
}

impl RoadGeometry {
    /// `[lon, lat]` pairs, as GeoJSON writes a LineString's coordinates.
    pub fn parse(coordinates: &[[f64; 2]]) -> Result<RoadGeometry, GeometryError> {
        let points = coordinates.iter().map(|[lon, lat]| GeoPoint::parse(*lon, *lat)).collect::<Result<Vec<_>, _>>()?;
        let line: LineString<f64> = points.iter().map(|p| (p.lon, p.lat)).collect();
        let length_m = Haversine.length(&line);
        if points.len() < 2 || length_m < 1.0 {
            return Err(GeometryError::TooFewPoints);
        }
        Ok(RoadGeometry { line, length_m })
    }

    pub fn coordinates(&self) -> Vec<[f64; 2]> {
        self.line.coords().map(|c| [c.x, c.y]).collect()
    }

    pub fn length_m(&self) -> f64 {
        self.length_m
    }

    /// The point `along_m` metres from the road's start (clamped to the road).
    pub fn point_at(&self, along_m: f64) -> GeoPoint {
        let mut left = along_m.clamp(0.0, self.length_m);
        for segment in self.line.lines() {
            let (a, b) = (segment.start_point(), segment.end_point());
            let len = Haversine.distance(a, b);
            if left <= len && len > 0.0 {
                return Haversine.point_at_ratio_between(a, b, left / len).into();
            }
            left -= len;
        }
        self.line.points().next_back().expect("a road has points").into()
    }

    /// The part of the road from `from_m` to `to_m` along it (both clamped to the road), as
    /// `[lon, lat]` pairs: the two ends and every corner between them.
    pub fn between(&self, from_m: f64, to_m: f64) -> Vec<[f64; 2]> {
        let (from_m, to_m) = (from_m.clamp(0.0, self.length_m), to_m.clamp(0.0, self.length_m));
        if to_m <= from_m {
            return Vec::new();
        }
        let at = |m: f64| {
            let p = self.point_at(m);
            [p.lon, p.lat]
        };
        let mut part = vec![at(from_m)];
        let mut walked = 0.0;
        for segment in self.line.lines() {
            walked += Haversine.distance(segment.start_point(), segment.end_point());
            if walked > from_m && walked < to_m {
                part.push([segment.end.x, segment.end.y]);
            }
        }
        part.push(at(to_m));
        part
    }

    /// Projects a point onto the road: how far along the nearest place is, and how far away.
    pub fn place(&self, point: GeoPoint) -> Placement {
        let p = point.point();
        let mut best = (f64::INFINITY, 0.0);
        let mut walked = 0.0;
        for segment in self.line.lines() {
            let nearest = nearest_on_segment(&segment, p);
            let off = Haversine.distance(p, nearest);
            if off < best.0 {
                best = (off, walked + Haversine.distance(segment.start_point(), nearest));
            }
            walked += Haversine.distance(segment.start_point(), segment.end_point());
        }
        Placement { point, along_m: best.1.min(self.length_m), off_road_m: best.0 }
    }
}

fn nearest_on_segment(segment: &Line<f64>, p: Point<f64>) -> Point<f64> {
    match segment.haversine_closest_point(&p) {
        Closest::Intersection(q) | Closest::SinglePoint(q) => q,
        Closest::Indeterminate => segment.start_point(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[error("the place is {distance_m:.0} m from the road and was not confirmed")]
pub struct OffRoadUnconfirmed {
    pub distance_m: f64,
}

/// A finding's place: on or near its road, or farther with the chief's confirmation.
pub fn check_placement(road: &RoadGeometry, point: GeoPoint, confirmed: bool) -> Result<Placement, OffRoadUnconfirmed> {
    let placement = road.place(point);
    if placement.is_off_road() && !confirmed {
        Err(OffRoadUnconfirmed { distance_m: placement.off_road_m })
    } else {
        Ok(placement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// About 400 m running east along 36.07 N, then 300 m north.
    fn road() -> RoadGeometry {
        RoadGeometry::parse(&[[120.3200, 36.0700], [120.3244, 36.0700], [120.3244, 36.0727]]).unwrap()
    }

    #[test]
    fn refuses_bad_geometry() {
        assert_eq!(RoadGeometry::parse(&[[120.32, 36.07]]), Err(GeometryError::TooFewPoints));
        assert_eq!(RoadGeometry::parse(&[[120.32, 36.07], [120.32, 36.07]]), Err(GeometryError::TooFewPoints));
        assert_eq!(RoadGeometry::parse(&[[200.0, 36.07], [120.32, 36.07]]), Err(GeometryError::OutOfRange));
        assert_eq!(GeoPoint::parse(f64::NAN, 1.0), Err(GeometryError::OutOfRange));
        assert_eq!(GeoPoint::parse(1.0, 91.0), Err(GeometryError::OutOfRange));
    }

    #[test]
    fn length_is_the_sum_of_its_segments() {
        let r = road();
        // 0.0044° of longitude at 36.07° N ≈ 395.6 m; 0.0027° of latitude ≈ 300.2 m.
        assert!((r.length_m() - 695.8).abs() < 2.0, "{}", r.length_m());
    }

    #[test]
    fn between_keeps_the_corners_inside_the_part() {
        let r = road();
        let corner = 395.6;
        let across = r.between(300.0, 500.0);
        assert_eq!(across.len(), 3, "{across:?}");
        assert!((across[1][0] - 120.3244).abs() < 1e-9 && (across[1][1] - 36.07).abs() < 1e-9);
        let first_leg = r.between(0.0, 200.0);
        assert_eq!(first_leg.len(), 2);
        // On the great circle between the two ends: off the parallel by far less than a metre.
        assert!((first_leg[1][1] - 36.07).abs() < 1e-6);
        assert!(r.between(corner + 10.0, corner + 5.0).is_empty());
        let all = r.between(-10.0, 1e6);
        assert_eq!(all.len(), 3);
        assert!((all[2][1] - 36.0727).abs() < 1e-9);
    }

    #[test]
    fn point_at_walks_along_the_road() {
        let r = road();
        let start = r.point_at(0.0);
        assert!((start.lon - 120.32).abs() < 1e-9 && (start.lat - 36.07).abs() < 1e-9);
        let end = r.point_at(r.length_m() + 50.0);
        assert!((end.lat - 36.0727).abs() < 1e-9);
        // 500 m is past the corner, on the northbound segment.
        let p = r.point_at(500.0);
        assert!((p.lon - 120.3244).abs() < 1e-6, "{p:?}");
        assert!(p.lat > 36.0700 && p.lat < 36.0727);
        assert!((r.place(p).along_m - 500.0).abs() < 1.0);
    }

    #[test]
    fn placing_a_point_projects_it_onto_the_road() {
        let r = road();
        // 50 m south of the first segment, a quarter of the way along.
        let p = GeoPoint::parse(120.3211, 36.0700 - 50.0 / 111_195.0).unwrap();
        let placed = r.place(p);
        assert!((placed.off_road_m - 50.0).abs() < 1.0, "{placed:?}");
        assert!((placed.along_m - 98.9).abs() < 2.0, "{placed:?}");
        assert!(!placed.is_off_road());
    }

    #[test]
    fn far_points_need_confirmation() {
        let r = road();
        let near = GeoPoint::parse(120.3220, 36.0700 + 90.0 / 111_195.0).unwrap();
        let far = GeoPoint::parse(120.3220, 36.0700 - 150.0 / 111_195.0).unwrap();
        assert!(check_placement(&r, near, false).is_ok());
        let refused = check_placement(&r, far, false).unwrap_err();
        assert!((refused.distance_m - 150.0).abs() < 1.5);
        let confirmed = check_placement(&r, far, true).unwrap();
        assert!(confirmed.is_off_road());
    }
}
