//! Positions on the map and the travel-time estimate.
//!
//! Travel minutes are estimated from straight-line distance (`base + per_km × km`), which is
//! what DESIGN asks for: it is cheap enough to run for every candidate pair and close enough for
//! London public transport to rank on. Nothing here looks anything up.
//!
//! Distance is the flat-earth (equirectangular) estimate: each position carries the cosine of its
//! latitude, worked out once when the position is made, so a pair costs one square root and no
//! trigonometry. Over the distances travel limits allow (under 100 km) it is within 0.1% of the
//! great-circle distance, far inside the error of estimating travel from distance at all.

use serde::{Deserialize, Serialize};

/// A WGS84 position, latitude and longitude in degrees, checked to be on the Earth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "(f64, f64)", into = "(f64, f64)")]
pub struct Coordinates {
    lat: f64,
    lon: f64,
    /// The cosine of the latitude, kept so that distances need no trigonometry.
    cos_lat: f64,
}

/// Latitude or longitude out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{lat}, {lon} is not a position: latitude must be between -90 and 90 and longitude between -180 and 180"
)]
pub struct CoordinatesError {
    pub lat: f64,
    pub lon: f64,
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Kilometres in one degree of latitude (or of longitude at the equator) on a sphere of the
/// Earth's mean radius.
pub const KM_PER_DEGREE: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

impl Coordinates {
    pub fn new(lat: f64, lon: f64) -> Result<Coordinates, CoordinatesError> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(Coordinates {
                lat,
                lon,
                cos_lat: lat.to_radians().cos(),
            })
        } else {
            Err(CoordinatesError { lat, lon })
        }
    }

    #[inline]
    pub fn lat(self) -> f64 {
        self.lat
    }

    #[inline]
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// The cosine of the latitude.
    #[inline]
    pub fn cos_lat(self) -> f64 {
        self.cos_lat
    }

    /// Straight-line distance in kilometres, flat-earth: north–south by degrees of latitude,
    /// east–west by degrees of longitude shrunk by the mean of the two latitudes' cosines.
    /// Meant for places within a few hundred kilometres (it does not wrap at 180°).
    #[inline]
    pub fn distance_km(self, other: Coordinates) -> f64 {
        let north = (other.lat - self.lat) * KM_PER_DEGREE;
        let east = (other.lon - self.lon) * KM_PER_DEGREE * (self.cos_lat + other.cos_lat) * 0.5;
        (north * north + east * east).sqrt()
    }
}

impl TryFrom<(f64, f64)> for Coordinates {
    type Error = CoordinatesError;
    fn try_from((lat, lon): (f64, f64)) -> Result<Self, Self::Error> {
        Coordinates::new(lat, lon)
    }
}

impl From<Coordinates> for (f64, f64) {
    fn from(c: Coordinates) -> (f64, f64) {
        (c.lat, c.lon)
    }
}

/// The straight-line travel-time model: `minutes = base_minutes + minutes_per_km × km`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelModel {
    pub base_minutes: f64,
    pub minutes_per_km: f64,
}

impl Default for TravelModel {
    /// London public transport: 10 minutes to get going, then 3 minutes a kilometre.
    fn default() -> Self {
        TravelModel {
            base_minutes: 10.0,
            minutes_per_km: 3.0,
        }
    }
}

impl TravelModel {
    /// Estimated minutes between two places, rounded to the nearest whole minute.
    #[inline]
    pub fn minutes(&self, from: Coordinates, to: Coordinates) -> u32 {
        let minutes = self.base_minutes + self.minutes_per_km * from.distance_km(to);
        // Halves round up. Adding a half and truncating (which also floors at zero) avoids
        // `f64::round`, a library call on baseline x86-64, in a function run for every
        // candidate pair. Distances on Earth keep this well inside u32.
        (minutes + 0.5).max(0.0) as u32
    }

    /// The furthest straight-line distance that fits within `minutes`; used to size search areas.
    pub fn reach_km(&self, minutes: u32) -> f64 {
        ((f64::from(minutes) - self.base_minutes) / self.minutes_per_km).max(0.0)
    }
}

/// Which position a travel estimate started from, as the match explanation reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationBasis {
    /// The full home postcode was found in an imported postcode directory.
    HomePostcode,
    /// Only the home postcode's district was known: its centroid was used.
    HomeDistrict,
    /// No usable home postcode: the staff member's base site was used.
    BaseSite,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::new(lat, lon).unwrap()
    }

    #[test]
    fn distance_between_two_london_hospitals_is_about_right() {
        // King's College Hospital (SE5) to St Thomas' Hospital (SE1): about 4 km.
        let kings = at(51.4682, -0.0940);
        let st_thomas = at(51.4989, -0.1189);
        let km = kings.distance_km(st_thomas);
        assert!((3.5..4.5).contains(&km), "{km}");
        assert_eq!(kings.distance_km(kings), 0.0);
    }

    /// The great-circle distance, as the flat-earth estimate's yardstick.
    fn haversine_km(a: Coordinates, b: Coordinates) -> f64 {
        let (lat1, lat2) = (a.lat().to_radians(), b.lat().to_radians());
        let half_dlat = (lat2 - lat1) / 2.0;
        let half_dlon = (b.lon() - a.lon()).to_radians() / 2.0;
        let h = half_dlat.sin().powi(2) + lat1.cos() * lat2.cos() * half_dlon.sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
    }

    #[test]
    fn flat_earth_distance_is_within_a_tenth_of_a_percent_of_the_great_circle() {
        // Across London, and across England's longest journeys a travel limit could allow.
        let pairs = [
            (at(51.4682, -0.0940), at(51.6505, -0.0840)),
            (at(51.3, -0.5), at(51.7, 0.3)),
            (at(50.8, -1.1), at(51.4, -0.2)),
            (at(53.4, -2.3), at(53.9, -1.5)),
            (at(55.0, -1.6), at(54.6, -1.2)),
        ];
        for (a, b) in pairs {
            let (flat, round) = (a.distance_km(b), haversine_km(a, b));
            assert!(
                (flat - round).abs() <= 0.001 * round,
                "{flat} km against {round} km"
            );
            assert_eq!(a.distance_km(b), b.distance_km(a));
        }
    }

    #[test]
    fn travel_minutes_follow_base_plus_per_km() {
        let model = TravelModel::default();
        let a = at(51.5, -0.1);
        assert_eq!(model.minutes(a, a), 10);
        // One degree of latitude is about 111.2 km.
        let b = at(51.6, -0.1);
        assert_eq!(
            model.minutes(a, b),
            (10.0 + 3.0 * a.distance_km(b)).round() as u32
        );
        assert!((model.reach_km(60) - 50.0 / 3.0).abs() < 1e-9);
        assert_eq!(model.reach_km(5), 0.0);
    }

    #[test]
    fn positions_off_the_earth_are_refused() {
        assert!(Coordinates::new(91.0, 0.0).is_err());
        assert!(Coordinates::new(51.5, 181.0).is_err());
        assert!(Coordinates::new(f64::NAN, 0.0).is_err());
    }
}
