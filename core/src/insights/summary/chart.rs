//! The inline SVG chart of mood and craving over 30 days. No scripts, no external resources;
//! the two series differ by dash pattern and marker shape as well as colour, so the chart reads
//! in black-and-white print. A `<title>` and `<desc>` name it for screen readers, and the
//! summary puts the full data table beside it.

use std::fmt::Write;

use super::html::escape;
use crate::insights::summary::Chart;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 270.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 30.0;
const PLOT_W: f64 = WIDTH - LEFT - RIGHT;
const PLOT_H: f64 = HEIGHT - TOP - BOTTOM;
const MOOD_COLOUR: &str = "#1f5fa8";
const CRAVING_COLOUR: &str = "#b34700";

fn x(i: usize, n: usize) -> f64 {
    LEFT + PLOT_W * i as f64 / (n.max(2) - 1) as f64
}

fn y(v: f64) -> f64 {
    TOP + PLOT_H - v.clamp(0.0, 10.0) / 10.0 * PLOT_H
}

/// Polylines through runs of consecutive days; a missing day breaks the line rather than
/// inventing a value for it.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current: Vec<(usize, f64)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn series(out: &mut String, values: &[Option<f64>], colour: &str, dashed: bool, square: bool) {
    let n = values.len();
    let dash = if dashed {
        r#" stroke-dasharray="6 4""#
    } else {
        ""
    };
    for run in runs(values) {
        if run.len() > 1 {
            let points: Vec<String> = run
                .iter()
                .map(|(i, v)| format!("{:.1},{:.1}", x(*i, n), y(*v)))
                .collect();
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
                points.join(" ")
            );
        }
        for (i, v) in run {
            let (cx, cy) = (x(i, n), y(v));
            let _ = if square {
                writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="{colour}"/>"#,
                    cx - 3.0,
                    cy - 3.0
                )
            } else {
                writeln!(
                    out,
                    r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="3.2" fill="{colour}"/>"#
                )
            };
        }
    }
}

pub(crate) fn svg(chart: &Chart) -> String {
    let mut out = String::new();
    let n = chart.points.len();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        out,
        r#"<title id="chart-title">{}</title>"#,
        escape(&chart.title)
    );
    let _ = writeln!(
        out,
        r#"<desc id="chart-desc">{}</desc>"#,
        escape(&chart.desc)
    );
    for level in (0..=10).step_by(2) {
        let yy = y(f64::from(level));
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#bbbbbb" stroke-width="0.6"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333333">{level}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            yy + 4.0
        );
    }
    for (i, (day, _, _)) in chart.points.iter().enumerate() {
        // Weekly ticks and the last day, without a tick crowding the last one.
        if (i % 7 == 0 && i + 3 < n) || i + 1 == n {
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333333">{}</text>"##,
                x(i, n),
                HEIGHT - BOTTOM + 16.0,
                day.0.format("%m-%d")
            );
        }
    }
    let moods: Vec<Option<f64>> = chart.points.iter().map(|p| p.1).collect();
    let cravings: Vec<Option<f64>> = chart.points.iter().map(|p| p.2).collect();
    series(&mut out, &moods, MOOD_COLOUR, false, false);
    series(&mut out, &cravings, CRAVING_COLOUR, true, true);
    let _ = writeln!(
        out,
        r#"<line x1="{LEFT}" y1="14" x2="{:.1}" y2="14" stroke="{MOOD_COLOUR}" stroke-width="2"/><circle cx="{:.1}" cy="14" r="3.2" fill="{MOOD_COLOUR}"/><text x="{:.1}" y="18">{}</text>"#,
        LEFT + 24.0,
        LEFT + 12.0,
        LEFT + 30.0,
        escape(&chart.legend_mood)
    );
    let _ = writeln!(
        out,
        r#"<line x1="{:.1}" y1="14" x2="{:.1}" y2="14" stroke="{CRAVING_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/><rect x="{:.1}" y="11" width="6" height="6" fill="{CRAVING_COLOUR}"/><text x="{:.1}" y="18">{}</text>"#,
        LEFT + 300.0,
        LEFT + 324.0,
        LEFT + 309.0,
        LEFT + 330.0,
        escape(&chart.legend_craving)
    );
    out.push_str("</svg>\n");
    out
}
