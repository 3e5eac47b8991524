//! Positions on the map and the travel-time estimate.
//!
//! Travel minutes are estimated from straight-line distance (`base + per_km × km`), which is
//! what DESIGN asks for: it is cheap enough to run for every candidate pair and close enough for
//! London public transport to rank on. Nothing here looks anything up.

use serde::{Deserialize, Serialize};

/// A WGS84 position, latitude and longitude in degrees, checked to be on the Earth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "(f64, f64)", into = "(f64, f64)")]
pub struct Coordinates {
    lat: f64,
    lon: f64,
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

impl Coordinates {
    pub fn new(lat: f64, lon: f64) -> Result<Coordinates, CoordinatesError> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(Coordinates { lat, lon })
        } else {
            Err(CoordinatesError { lat, lon })
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(self, other: Coordinates) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
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
    pub fn minutes(&self, from: Coordinates, to: Coordinates) -> u32 {
        let minutes = self.base_minutes + self.minutes_per_km * from.distance_km(to);
        // Distances on Earth keep this well inside u32.
        minutes.round().max(0.0) as u32
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
