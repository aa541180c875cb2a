//! Charts as a few shapes in a fixed coordinate space: drawn as SVG on the dashboard and in the HTML
//! report, and as PDF paths in the printed report, so every medium shows the same geometry.
//!
//! Bars run horizontally so long Vietnamese site names stay whole and readable on a phone; each bar's
//! length is in proportion to its count, and carries the count as a number beside it.

use std::fmt::Write as _;

/// Width of every chart's coordinate space; the page scales it to the room it has.
pub const WIDTH: f32 = 400.0;

/// Where a text's x coordinate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Its start.
    Start,
    /// Its middle.
    Middle,
    /// Its end.
    End,
}

/// One thing drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A bar for one count.
    Bar {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// What it counts (site slug, placard code, …), for tests and tools.
        key: String,
        /// The count.
        value: u64,
    },
    /// A filled area under a line (closed polygon).
    Area(Vec<(f32, f32)>),
    /// A line through points.
    Line(Vec<(f32, f32)>),
    /// A thin axis or grid line.
    Rule {
        /// From.
        from: (f32, f32),
        /// To.
        to: (f32, f32),
    },
    /// A label.
    Text {
        /// Position of the baseline.
        x: f32,
        /// Baseline.
        y: f32,
        /// What it says.
        text: String,
        /// Where `x` is.
        anchor: Anchor,
        /// Font size in chart units.
        size: f32,
        /// Bold.
        bold: bool,
        /// Secondary (axis labels): drawn in a quieter colour.
        muted: bool,
    },
}

/// A chart: its size in chart units and what is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Height (the width is [`WIDTH`]).
    pub height: f32,
    /// Shapes, in drawing order.
    pub shapes: Vec<Shape>,
}

/// One row of a bar chart.
#[derive(Debug, Clone)]
pub struct Row {
    /// What it counts (slug, code, language…).
    pub key: String,
    /// What the reader sees.
    pub label: String,
    /// The count.
    pub value: u64,
    /// The count as written in the page's language.
    pub shown: String,
}

const LABEL_SIZE: f32 = 15.0;
const ROW: f32 = 44.0;
/// Room kept right of the longest bar for its number.
const NUMBER_ROOM: f32 = 72.0;
/// Longest label, in characters, before it is cut with an ellipsis (the table keeps it whole).
const LABEL_CHARS: usize = 46;

fn text(x: f32, y: f32, s: impl Into<String>, anchor: Anchor, size: f32) -> Shape {
    Shape::Text { x, y, text: s.into(), anchor, size, bold: false, muted: false }
}

fn muted(x: f32, y: f32, s: impl Into<String>, anchor: Anchor, size: f32) -> Shape {
    Shape::Text { x, y, text: s.into(), anchor, size, bold: false, muted: true }
}

/// Cuts a label to [`LABEL_CHARS`] characters.
fn clip(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Horizontal bars, one per row, the longest for the largest count; each row's label above its bar and
/// its number after it.
pub fn bars(rows: &[Row]) -> Chart {
    bars_to(rows, rows.iter().map(|r| r.value).max().unwrap_or(0))
}

/// [`bars`] with the longest bar standing for `max` (so a chart split over pages keeps one scale).
pub fn bars_to(rows: &[Row], max: u64) -> Chart {
    let max = max.max(1) as f32;
    let room = WIDTH - NUMBER_ROOM;
    let mut shapes = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let top = i as f32 * ROW;
        shapes.push(text(0.0, top + 16.0, clip(&r.label), Anchor::Start, LABEL_SIZE));
        // A count above zero always shows a sliver, so it is not mistaken for none.
        let w = if r.value == 0 { 0.0 } else { (r.value as f32 / max * room).max(1.5) };
        shapes.push(Shape::Bar { x: 0.0, y: top + 22.0, w, h: 15.0, key: r.key.clone(), value: r.value });
        shapes.push(Shape::Text {
            x: w + 6.0,
            y: top + 35.0,
            text: r.shown.clone(),
            anchor: Anchor::Start,
            size: LABEL_SIZE,
            bold: true,
            muted: false,
        });
    }
    Chart { height: (rows.len() as f32 * ROW).max(ROW), shapes }
}

/// Columns for the 24 hours of the day, labelled every three hours, the busiest one with its number.
pub fn hours(values: &[u64], shown_max: &str) -> Chart {
    let (left, base, tall) = (4.0, 126.0, 100.0);
    let step = (WIDTH - left) / 24.0;
    let max = values.iter().copied().max().unwrap_or(0);
    let mut shapes = vec![Shape::Rule { from: (0.0, base), to: (WIDTH, base) }];
    let busiest = values.iter().position(|&v| v == max && v > 0);
    for (h, &v) in values.iter().enumerate().take(24) {
        let x = left + h as f32 * step;
        let height = if max == 0 { 0.0 } else { v as f32 / max as f32 * tall };
        if v > 0 {
            shapes.push(Shape::Bar {
                x: x + 1.5,
                y: base - height.max(1.5),
                w: step - 3.0,
                h: height.max(1.5),
                key: format!("{h:02}"),
                value: v,
            });
        }
        if h.is_multiple_of(3) {
            shapes.push(muted(x + step / 2.0, base + 18.0, format!("{h}h"), Anchor::Middle, 14.0));
        }
        if Some(h) == busiest {
            let x = (x + step / 2.0).clamp(20.0, WIDTH - 20.0);
            shapes.push(text(x, base - height - 6.0, shown_max, Anchor::Middle, 14.0));
        }
    }
    Chart { height: base + 24.0, shapes }
}

/// Scans per day over consecutive days as an area under a line, with the top count, zero and the first
/// and last days marked. A single day is one bar.
pub fn days(values: &[(String, u64)], shown_max: &str, first: &str, last: &str) -> Chart {
    let (left, right, top, base) = (40.0, WIDTH - 6.0, 12.0, 132.0);
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let y = |v: u64| if max == 0 { base } else { base - v as f32 / max as f32 * (base - top) };
    let mut shapes = vec![
        Shape::Rule { from: (left, base), to: (right, base) },
        Shape::Rule { from: (left, top), to: (right, top) },
        muted(left - 5.0, top + 5.0, shown_max, Anchor::End, 14.0),
        muted(left - 5.0, base + 5.0, "0", Anchor::End, 14.0),
        muted(left, base + 19.0, first, Anchor::Start, 14.0),
    ];
    if values.len() > 1 {
        shapes.push(muted(right, base + 19.0, last, Anchor::End, 14.0));
        let step = (right - left) / (values.len() - 1) as f32;
        let line: Vec<(f32, f32)> =
            values.iter().enumerate().map(|(i, (_, v))| (left + i as f32 * step, y(*v))).collect();
        let mut area = vec![(left, base)];
        area.extend(line.iter().copied());
        area.push((right, base));
        shapes.push(Shape::Area(area));
        shapes.push(Shape::Line(line));
    } else if let Some((day, v)) = values.first() {
        let w = 24.0;
        let x = (left + right) / 2.0 - w / 2.0;
        shapes.push(Shape::Bar { x, y: y(*v), w, h: base - y(*v), key: day.clone(), value: *v });
    }
    Chart { height: base + 24.0, shapes }
}

/// Escapes text for HTML and SVG: the pages' own escaping.
pub use crate::build::html::escape_html as escape;

fn points(p: &[(f32, f32)]) -> String {
    p.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
}

impl Chart {
    /// The chart as an inline `<svg>` element: an image named by `label`, whose figures the page gives
    /// again as a table. Colours come from the page's style sheet (classes), so dark mode and print work.
    pub fn svg(&self, id: &str, label: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {h:.0}\" width=\"{WIDTH}\" height=\"{h:.0}\" \
             role=\"img\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-title\">{label}</title>",
            id = escape(id),
            h = self.height,
            label = escape(label),
        );
        for s in &self.shapes {
            match s {
                Shape::Bar { x, y, w, h, key, value } => {
                    let _ = write!(
                        out,
                        "<rect class=\"bar\" x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" \
                         data-key=\"{}\" data-scans=\"{value}\"/>",
                        escape(key)
                    );
                }
                Shape::Area(p) => {
                    let _ = write!(out, "<polygon class=\"area\" points=\"{}\"/>", points(p));
                }
                Shape::Line(p) => {
                    let _ = write!(out, "<polyline class=\"line\" points=\"{}\"/>", points(p));
                }
                Shape::Rule { from, to } => {
                    let _ = write!(
                        out,
                        "<line class=\"rule\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
                        from.0, from.1, to.0, to.1
                    );
                }
                Shape::Text { x, y, text, anchor, size, bold, muted } => {
                    let anchor = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let class = match (bold, muted) {
                        (true, _) => " class=\"strong\"",
                        (false, true) => " class=\"muted\"",
                        _ => "",
                    };
                    let _ = write!(
                        out,
                        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{class}>{}</text>",
                        escape(text)
                    );
                }
            }
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, value: u64) -> Row {
        Row { key: key.into(), label: key.into(), value, shown: value.to_string() }
    }

    #[test]
    fn bar_lengths_follow_the_counts() {
        let c = bars(&[row("a", 40), row("b", 10), row("c", 0)]);
        let widths: Vec<(String, f32)> = c
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Bar { key, w, .. } => Some((key.clone(), *w)),
                _ => None,
            })
            .collect();
        assert_eq!(widths.len(), 3);
        assert!((widths[0].1 / widths[1].1 - 4.0).abs() < 1e-3, "{widths:?}");
        assert_eq!(widths[2].1, 0.0);
        assert!(widths[0].1 <= WIDTH - NUMBER_ROOM);
    }

    #[test]
    fn labels_are_escaped_and_cut() {
        let svg = bars(&[Row { key: "x\"".into(), label: "<b>&".repeat(30), value: 1, shown: "1".into() }])
            .svg("c", "A <chart>");
        assert!(svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("data-key=\"x&quot;\""));
        assert!(svg.contains("…</text>"));
        assert!(svg.contains("<title id=\"c-title\">A &lt;chart&gt;</title>"));
    }

    #[test]
    fn an_empty_day_chart_still_draws_its_axes() {
        let c = days(&[], "0", "", "");
        assert!(c.shapes.iter().all(|s| !matches!(s, Shape::Bar { .. } | Shape::Area(_))));
        let one = days(&[("2026-11-01".into(), 5)], "5", "1/11", "1/11");
        assert_eq!(one.shapes.iter().filter(|s| matches!(s, Shape::Bar { .. })).count(), 1);
    }
}
