//! The report's charts: figures → SVG with `plotters`, drawn on the server and inlined in
//! the page (no script, no image requests). One function per chart; each page shows the
//! same figures in a table beside it.

use super::report::Report;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 560;
const HEIGHT: u32 = 260;
/// One colour per series (colour-blind-safe palette, Okabe–Ito).
const PALETTE: [RGBColor; 6] = [
    RGBColor(213, 94, 0),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];

/// Incidents per month, stacked by severity.
pub fn incidents_per_month(r: &Report) -> String {
    let series: Vec<(String, Vec<f64>)> = r
        .severities
        .iter()
        .enumerate()
        .map(|(j, s)| (s.clone(), r.per_month.iter().map(|m| m[j] as f64).collect()))
        .collect();
    let labels: Vec<String> = r
        .month_labels
        .iter()
        .map(|m| m.get(2..).unwrap_or(m).to_string())
        .collect();
    bars("incidents", &labels, &series, true)
}

/// MTTA and MTTR per severity as a share of the policy's target (100 % = on target).
pub fn times_against_targets(r: &Report) -> String {
    let ratio = |v: Option<i64>, t: Option<i64>| match (v, t) {
        (Some(v), Some(t)) if t > 0 => v as f64 * 100.0 / t as f64,
        _ => 0.0,
    };
    let series = vec![
        (
            "MTTA % of target".to_string(),
            r.targets
                .iter()
                .map(|t| ratio(t.mtta_seconds, t.respond_target_seconds))
                .collect(),
        ),
        (
            "MTTR % of target".to_string(),
            r.targets
                .iter()
                .map(|t| ratio(t.mttr_seconds, t.resolve_target_seconds))
                .collect(),
        ),
    ];
    bars("% of target", &r.severities, &series, false)
}

/// Share of incidents acknowledged and resolved within target, per severity.
pub fn sla_attainment(r: &Report) -> String {
    let series = vec![
        (
            "acknowledged in time".to_string(),
            r.targets
                .iter()
                .map(|t| t.respond_attainment.unwrap_or(0.0))
                .collect(),
        ),
        (
            "resolved in time".to_string(),
            r.targets
                .iter()
                .map(|t| t.resolve_attainment.unwrap_or(0.0))
                .collect(),
        ),
    ];
    bars("% within target", &r.severities, &series, false)
}

/// Open action items by age.
pub fn open_action_items(r: &Report) -> String {
    let labels: Vec<String> = r.open_items.iter().map(|(l, _)| l.clone()).collect();
    let series = vec![(
        "open action items".to_string(),
        r.open_items.iter().map(|(_, n)| *n as f64).collect(),
    )];
    bars("items", &labels, &series, false)
}

/// Bars per category, one per series side by side, or stacked. An empty string when
/// plotting fails (the table beside the chart still has the figures).
fn bars(
    y_desc: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    stacked: bool,
) -> String {
    let mut svg = String::new();
    if draw(&mut svg, y_desc, categories, series, stacked).is_err() {
        return String::new();
    }
    svg
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(
    svg: &mut String,
    y_desc: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    stacked: bool,
) -> DrawResult {
    let n = categories.len().max(1);
    let top = if stacked {
        (0..n)
            .map(|i| {
                series
                    .iter()
                    .map(|(_, v)| v.get(i).copied().unwrap_or(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    } else {
        series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .fold(0.0, f64::max)
    };
    let top = if top <= 0.0 { 1.0 } else { top * 1.15 };
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_desc(y_desc)
        .y_labels(5)
        .y_label_formatter(&|v| {
            if top >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .draw()?;
    let k = series.len().max(1) as f64;
    let slot = 0.8;
    for (j, (name, values)) in series.iter().enumerate() {
        let color = PALETTE[j % PALETTE.len()];
        let rects = values.iter().enumerate().map(|(i, &v)| {
            let x = i as f64;
            let (x0, x1, y0) = if stacked {
                let below: f64 = series[..j]
                    .iter()
                    .map(|(_, s)| s.get(i).copied().unwrap_or(0.0))
                    .sum();
                (x - slot / 2.0, x + slot / 2.0, below)
            } else {
                let w = slot / k;
                let x0 = x - slot / 2.0 + w * j as f64;
                (x0, x0 + w, 0.0)
            };
            Rectangle::new([(x0, y0), (x1, y0 + v)], color.filled())
        });
        chart
            .draw_series(rects)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK.mix(0.2))
        .background_style(WHITE.mix(0.9))
        .draw()?;
    // Category names under the bars, centred (a float axis would put ticks at round numbers).
    let style =
        TextStyle::from(("sans-serif", 11).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, label) in categories.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, 0.0));
        root.draw(&Text::new(label.clone(), (px, py + 6), style.clone()))?;
    }
    root.present()?;
    Ok(())
}
