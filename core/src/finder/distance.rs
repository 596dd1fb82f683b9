//! Great-circle distance on the mean Earth sphere (haversine). The error against the WGS 84
//! ellipsoid is under 0.5 %, far below what "within 5 km" needs; a geodesy crate would add
//! a dependency for no visible difference.

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Kilometres between two points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_distances() {
        // Chicago Loop to O'Hare: about 25.6 km.
        let d = haversine_km(41.8781, -87.6298, 41.9742, -87.9073);
        assert!((d - 25.6).abs() < 0.5, "{d}");
        // A quarter of the equator.
        let q = haversine_km(0.0, 0.0, 0.0, 90.0);
        assert!((q - 10_007.5).abs() < 1.0, "{q}");
        assert_eq!(haversine_km(10.0, 20.0, 10.0, 20.0), 0.0);
        // Antipodes stay finite.
        assert!(haversine_km(0.0, 0.0, 0.0, 180.0).is_finite());
    }
}
