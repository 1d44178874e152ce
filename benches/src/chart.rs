//! A grouped horizontal bar chart as SVG: one group per benchmark, one bar
//! per engine, a line at 1.0 (native). Written by hand: it needs no fonts
//! or drawing crate, and any browser or the Markdown viewer shows it.

use std::fmt::Write;

const COLORS: &[&str] = &[
    "#555555", "#d95f02", "#e6ab02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
];
const BAR: f64 = 9.0;
const GAP: f64 = 10.0;
const LEFT: f64 = 110.0;
const WIDTH: f64 = 560.0;
const TOP: f64 = 50.0;
/// Bars longer than this are cut and carry their value as text.
const CAP: f64 = 4.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `values[group][series]`, ratios to native.
pub fn ratios(groups: &[&str], series: &[String], values: &[Vec<f64>], title: &str) -> String {
    let max = values
        .iter()
        .flatten()
        .fold(1.0f64, |m, &v| m.max(v))
        .min(CAP)
        .ceil();
    let x = |v: f64| LEFT + WIDTH * v.min(max) / max;
    let group_h = BAR * series.len() as f64 + GAP;
    let height = TOP + group_h * groups.len() as f64 + 30.0;
    let total_w = LEFT + WIDTH + 150.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="18" font-size="14">{}</text>"#,
        escape(title)
    );
    // Grid lines at every half, labelled.
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let gx = x(v);
        let dash = if v == 1.0 {
            r#" stroke="black" stroke-width="1.5""#
        } else {
            r##" stroke="#dddddd""##
        };
        let _ = writeln!(
            s,
            r#"<line x1="{gx}" y1="{}" x2="{gx}" y2="{}"{dash}/>"#,
            TOP - 6.0,
            height - 28.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{gx}" y="{}" text-anchor="middle">{v}×</text>"#,
            height - 14.0
        );
        v += 0.5;
    }
    for (g, (name, vals)) in groups.iter().zip(values).enumerate() {
        let y0 = TOP + g as f64 * group_h;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            y0 + BAR * series.len() as f64 / 2.0 + 4.0,
            escape(name)
        );
        for (k, &v) in vals.iter().enumerate() {
            let y = y0 + k as f64 * BAR;
            let w = x(v) - LEFT;
            let color = COLORS[k % COLORS.len()];
            let _ = writeln!(
                s,
                r#"<rect x="{LEFT}" y="{y}" width="{w:.1}" height="{}" fill="{color}"><title>{}: {v:.2}×</title></rect>"#,
                BAR - 1.0,
                escape(&series[k])
            );
            if v > max {
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" font-size="9">{v:.1}×</text>"#,
                    x(v) + 3.0,
                    y + BAR - 1.5
                );
            }
        }
    }
    // Legend.
    for (k, name) in series.iter().enumerate() {
        let y = TOP + k as f64 * 16.0;
        let lx = LEFT + WIDTH + 30.0;
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="{y}" width="12" height="10" fill="{}"/>"#,
            COLORS[k % COLORS.len()]
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}">{}</text>"#,
            lx + 16.0,
            y + 9.0,
            escape(name)
        );
    }
    s += "</svg>\n";
    s
}
