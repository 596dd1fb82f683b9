//! The course of mood or craving *within* a window, so that a worsening fortnight is not hidden
//! behind a better month: the Theil–Sen slope (the median of the slopes between every pair of
//! days) over the last [`COURSE_DAYS`] days, said as the change it amounts to over those days.
//!
//! Theil–Sen rather than least squares because one bad night — or one day entered by mistake —
//! should not turn the line: half the pairs would have to agree. It is a dozen lines over at
//! most 91 pairs, so it is written here rather than pulled in with a statistics crate.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::insights::daily::{self, DayStats};
use crate::insights::patterns::Direction;
use crate::model::time::Day;

/// The length of the window the course is read over.
pub const COURSE_DAYS: u32 = 14;
/// Fewer days with a check-in than this in the window, and the course is `Unknown`.
pub const MIN_COURSE_DAYS: usize = 4;
/// A change over the window smaller than this (points on the 0–10 scale) is steady.
pub const STEADY_CHANGE: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Course {
    pub days: u32,
    /// The slope times the window's span: points gained (or lost, negative) over it.
    pub change: Option<f64>,
    pub direction: Direction,
}

/// The median of the pairwise slopes `(y₂ − y₁) / (x₂ − x₁)`; pairs with equal `x` are
/// skipped. `None` with fewer than two distinct `x`.
pub fn theil_sen(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes: Vec<f64> = Vec::with_capacity(points.len() * points.len() / 2);
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            let dx = b.0 - a.0;
            if dx != 0.0 {
                slopes.push((b.1 - a.1) / dx);
            }
        }
    }
    if slopes.is_empty() {
        return None;
    }
    crate::sorting::sort_by(&mut slopes, f64::total_cmp);
    let mid = slopes.len() / 2;
    Some(if slopes.len() % 2 == 1 {
        slopes[mid]
    } else {
        (slopes[mid - 1] + slopes[mid]) / 2.0
    })
}

/// The course over the `length` days ending on `today`, of the daily value `value` picks.
pub fn course(
    days: &BTreeMap<Day, DayStats>,
    today: Day,
    length: u32,
    value: impl Fn(&DayStats) -> f64,
) -> Course {
    let span = i64::from(length.max(1)) - 1;
    let from = daily::minus(today, span);
    let points: Vec<(f64, f64)> = daily::window(days, from, today)
        .map(|d| ((d.day.0 - from.0).num_days() as f64, value(d)))
        .collect();
    let change = (points.len() >= MIN_COURSE_DAYS)
        .then(|| theil_sen(&points))
        .flatten()
        .map(|slope| slope * span as f64);
    let direction = match change {
        Some(c) if c >= STEADY_CHANGE => Direction::Rising,
        Some(c) if c <= -STEADY_CHANGE => Direction::Falling,
        Some(_) => Direction::Steady,
        None => Direction::Unknown,
    };
    Course {
        days: length,
        change,
        direction,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn one_outlier_does_not_turn_the_line() {
        let mut points: Vec<(f64, f64)> = (0..14)
            .map(|d| (f64::from(d), 8.0 - 0.3 * f64::from(d)))
            .collect();
        points[13].1 = 10.0;
        let slope = theil_sen(&points).expect("slope");
        assert!((slope + 0.3).abs() < 1e-9, "{slope}");
    }

    #[test]
    fn too_few_points_have_no_slope() {
        assert_eq!(theil_sen(&[]), None);
        assert_eq!(theil_sen(&[(1.0, 2.0)]), None);
        assert_eq!(theil_sen(&[(1.0, 2.0), (1.0, 5.0)]), None);
        assert_eq!(theil_sen(&[(0.0, 2.0), (2.0, 6.0)]), Some(2.0));
    }

    proptest! {
        #[test]
        fn a_straight_line_gives_its_own_slope(
            slope in -2.0f64..2.0,
            offset in -5.0f64..5.0,
            xs in proptest::collection::btree_set(0u8..30, 2..15),
        ) {
            let points: Vec<(f64, f64)> = xs.iter().map(|x| (f64::from(*x), offset + slope * f64::from(*x))).collect();
            let found = theil_sen(&points).expect("two distinct x");
            prop_assert!((found - slope).abs() < 1e-9);
        }

        #[test]
        fn the_slope_lies_between_the_extreme_pairwise_slopes(
            ys in proptest::collection::vec(0.0f64..10.0, 2..15),
        ) {
            let points: Vec<(f64, f64)> = ys.iter().enumerate().map(|(x, y)| (x as f64, *y)).collect();
            let found = theil_sen(&points).expect("slope");
            let mut all = Vec::new();
            for (i, a) in points.iter().enumerate() {
                for b in &points[i + 1..] {
                    all.push((b.1 - a.1) / (b.0 - a.0));
                }
            }
            let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(found >= lo - 1e-9 && found <= hi + 1e-9);
        }
    }
}
