//! The monthly report as an A4 PDF: the same figures and chart geometry as the dashboard, set in the
//! shipped Noto Sans with the placards' typesetter (rustybuzz shaping, Vietnamese `locl` forms, fonts
//! subset and embedded by krilla), so diacritics print and copy out right. Laid out first as pages of
//! drawing operations, then drawn; no date or id in the bytes, so the same figures give the same file.

use anyhow::{Result, anyhow};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};

use super::chart::{self, Anchor, Chart, Row, Shape};
use super::html;
use super::labels::Labels;
use super::time::Month;
use super::words::{self, word};
use crate::placard::job::shipped_fonts;
use crate::placard::pdf::{document, finish};
use crate::placard::text::{Lang, Shaped, Typesetter, Weight};
use crate::store::stats::Stats;

/// A4 in points.
const PAGE: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 50.0;
/// Room kept at the foot of each page for its number.
const FOOT: f32 = 36.0;
/// Chart units to points.
const CHART_SCALE: f32 = 0.75;

type Colour = (u8, u8, u8);
const INK: Colour = (20, 22, 24);
const MUTED: Colour = (80, 86, 92);
const BAR: Colour = (31, 106, 140);
const AREA: Colour = (207, 227, 238);
const RULE: Colour = (190, 196, 202);

/// One drawing operation, in page points from the top-left corner.
enum Op {
    Text { x: f32, baseline: f32, line: Shaped, weight: Weight, size: f32, colour: Colour },
    Fill { points: Vec<(f32, f32)>, colour: Colour },
    Stroke { points: Vec<(f32, f32)>, width: f32, colour: Colour },
}

/// Pages being laid out, and where the next block goes.
struct Layout<'a> {
    ts: &'a Typesetter<'a>,
    lang: Lang<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn width() -> f32 {
        PAGE.0 - 2.0 * MARGIN
    }

    fn bottom() -> f32 {
        PAGE.1 - MARGIN - FOOT
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page when `height` more points do not fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > Self::bottom() && self.y > MARGIN + 1.0 {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    /// Text with characters the font lacks left out (krilla has no fallback font: they would print as
    /// empty boxes).
    fn printable(&self, weight: Weight, text: &str) -> String {
        text.chars().filter(|c| self.ts.check_coverage(weight, &c.to_string()).is_ok()).collect()
    }

    fn shape(&self, weight: Weight, text: &str) -> Shaped {
        self.ts.shape(weight, self.lang, &self.printable(weight, text))
    }

    /// A paragraph wrapped to the measure, at `size` points.
    fn para(&mut self, text: &str, weight: Weight, size: f32, colour: Colour) {
        let text = self.printable(weight, text);
        let lines: Vec<Shaped> = match self.ts.fit(weight, self.lang, &text, (size, size), Self::width(), 40, false) {
            Ok(setting) => setting.lines,
            Err(_) => vec![self.ts.shape(weight, self.lang, &text)],
        };
        let leading = size * 1.35;
        for line in lines {
            self.room(leading);
            let baseline = self.y + size;
            self.page().push(Op::Text { x: MARGIN, baseline, line, weight, size, colour });
            self.y += leading;
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn rule(&mut self) {
        self.room(8.0);
        let y = self.y + 4.0;
        self.page().push(Op::Stroke { points: vec![(MARGIN, y), (PAGE.0 - MARGIN, y)], width: 0.6, colour: RULE });
        self.y += 10.0;
    }

    /// A heading kept with at least `with` points of what follows it.
    fn heading(&mut self, text: &str, with: f32) {
        self.room(26.0 + with);
        self.gap(6.0);
        self.para(text, Weight::Bold, 13.0, INK);
        self.gap(2.0);
    }

    /// Draws a chart's shapes at the left margin.
    fn chart(&mut self, c: &Chart) {
        let h = c.height * CHART_SCALE;
        self.room(h);
        let (ox, oy) = (MARGIN, self.y);
        let at = |x: f32, y: f32| (ox + x * CHART_SCALE, oy + y * CHART_SCALE);
        let mut ops = Vec::new();
        for s in &c.shapes {
            match s {
                Shape::Bar { x, y, w, h, .. } => {
                    if *w <= 0.0 || *h <= 0.0 {
                        continue;
                    }
                    let points = vec![at(*x, *y), at(x + w, *y), at(x + w, y + h), at(*x, y + h)];
                    ops.push(Op::Fill { points, colour: BAR });
                }
                Shape::Area(p) => {
                    ops.push(Op::Fill { points: p.iter().map(|&(x, y)| at(x, y)).collect(), colour: AREA })
                }
                Shape::Line(p) => {
                    ops.push(Op::Stroke { points: p.iter().map(|&(x, y)| at(x, y)).collect(), width: 1.6, colour: BAR })
                }
                Shape::Rule { from, to } => {
                    ops.push(Op::Stroke { points: vec![at(from.0, from.1), at(to.0, to.1)], width: 0.6, colour: RULE })
                }
                Shape::Text { x, y, text, anchor, size, bold, muted } => {
                    let weight = if *bold { Weight::Bold } else { Weight::Regular };
                    let size = size * CHART_SCALE;
                    let line = self.shape(weight, text);
                    let width = line.width_em * size;
                    let (px, baseline) = at(*x, *y);
                    let x = match anchor {
                        Anchor::Start => px,
                        Anchor::Middle => px - width / 2.0,
                        Anchor::End => px - width,
                    };
                    let colour = if *muted { MUTED } else { INK };
                    ops.push(Op::Text { x, baseline, line, weight, size, colour });
                }
            }
        }
        self.page().extend(ops);
        self.y += h + 4.0;
    }

    /// A bar chart split over pages where it must, on one scale.
    fn bars(&mut self, rows: &[Row]) {
        let max = rows.iter().map(|r| r.value).max().unwrap_or(0);
        let row_h = chart::bars(&rows[..rows.len().min(1)]).height * CHART_SCALE;
        let mut rest = rows;
        while !rest.is_empty() {
            let fit = (((Self::bottom() - self.y) / row_h).floor() as usize).max(1);
            if fit < 2 && rest.len() > 1 {
                self.room(row_h * 2.0);
                continue;
            }
            let (now, later) = rest.split_at(fit.min(rest.len()));
            self.chart(&chart::bars_to(now, max));
            rest = later;
        }
    }
}

/// The report's PDF bytes.
pub fn report(stats: &Stats, labels: &Labels, month: &Month) -> Result<Vec<u8>> {
    let fonts = shipped_fonts()?;
    let ts = Typesetter::new(&fonts)?;
    let lang = labels.first_language();
    let mut l = Layout { ts: &ts, lang, pages: Vec::new(), y: MARGIN };
    let title = format!("{} {}", word(lang, "report_title"), words::month(lang, month.year, month.month));
    let org = labels.organisation(lang);
    if !org.is_empty() {
        l.para(&org, Weight::Bold, 12.0, MUTED);
    }
    l.para(&title, Weight::Bold, 19.0, INK);
    let site_title = labels.title(lang);
    if !site_title.is_empty() {
        l.para(&site_title, Weight::Regular, 11.0, INK);
    }
    let range = format!(
        "{}: {} {} {}",
        word(lang, "period_of"),
        words::date(lang, &month.first_day()),
        word(lang, "to"),
        words::date(lang, &month.last_day())
    );
    l.para(&range, Weight::Regular, 10.5, MUTED);
    l.para(&words::fill(word(lang, "local_time"), "off", &stats.utc_offset), Weight::Regular, 10.5, MUTED);
    l.rule();
    l.para(&format!("{}: {}", word(lang, "total"), words::number(lang, stats.total)), Weight::Bold, 15.0, INK);
    if stats.total == 0 {
        l.para(word(lang, "empty"), Weight::Regular, 11.0, INK);
    } else {
        let series = html::day_series(stats);
        let max = series.iter().map(|d| d.1).max().unwrap_or(0);
        let first = series.first().map(|d| words::short_date(lang, &d.0)).unwrap_or_default();
        let last = series.last().map(|d| words::short_date(lang, &d.0)).unwrap_or_default();
        let days = chart::days(&series, &words::number(lang, max), &first, &last);
        l.heading(word(lang, "per_day"), days.height * CHART_SCALE);
        l.chart(&days);
        if let Some((day, n)) = series.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))) {
            l.para(
                &format!("{}: {} ({})", word(lang, "busiest"), words::date(lang, day), words::number(lang, *n)),
                Weight::Regular,
                10.0,
                MUTED,
            );
        }
        let row_h = chart::bars(&[]).height * CHART_SCALE;
        l.heading(word(lang, "per_site"), row_h * 2.0);
        l.bars(&html::site_rows(stats, labels, lang));
        l.heading(word(lang, "per_placard"), row_h * 2.0);
        l.bars(&html::placard_rows(stats, labels, lang));
        l.heading(word(lang, "per_language"), row_h * 2.0);
        l.bars(&html::language_rows(stats, lang));
        l.heading(word(lang, "per_device"), row_h * 2.0);
        l.bars(&html::device_rows(stats, lang));
        let values: Vec<u64> = stats.hours.iter().map(|h| h.scans).collect();
        let hmax = values.iter().copied().max().unwrap_or(0);
        let hours = chart::hours(&values, &words::number(lang, hmax));
        l.heading(word(lang, "hours"), hours.height * CHART_SCALE);
        l.chart(&hours);
        if let Some(b) = html::busiest_hour(stats, lang) {
            l.para(&format!("{}: {b}", word(lang, "busiest")), Weight::Regular, 10.0, MUTED);
        }
    }
    if stats.quiet_days > 0 {
        l.heading(word(lang, "quiet"), 40.0);
        l.para(&words::fill(word(lang, "quiet_text"), "n", &stats.quiet_days.to_string()), Weight::Regular, 10.5, INK);
        if stats.quiet.is_empty() {
            l.para(word(lang, "quiet_none"), Weight::Bold, 10.5, INK);
        }
        for q in &stats.quiet {
            let c = crate::store::stats::Count { key: q.code.clone(), site: Some(q.site.clone()), scans: q.scans };
            l.gap(3.0);
            l.para(&html::placard_name(&c, labels, lang), Weight::Bold, 10.5, INK);
            l.para(
                &format!(
                    "{}: {} · {}: {}",
                    word(lang, "last_scan"),
                    words::date(lang, &q.last_scan),
                    word(lang, "scans_before"),
                    words::number(lang, q.scans)
                ),
                Weight::Regular,
                10.0,
                MUTED,
            );
        }
    }
    draw(&l, &title, &org)
}

fn fill(c: Colour) -> Fill {
    Fill { paint: rgb::Color::new(c.0, c.1, c.2).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

/// Draws the laid-out pages, each with its number at the foot.
fn draw(l: &Layout, title: &str, org: &str) -> Result<Vec<u8>> {
    let mut doc = document(title);
    let count = l.pages.len().max(1);
    let empty = Vec::new();
    for i in 0..count {
        let ops = l.pages.get(i).unwrap_or(&empty);
        let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or_else(|| anyhow!("empty page"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, baseline, line, weight, size, colour } => {
                    surface.set_fill(Some(fill(*colour)));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *baseline),
                        &line.glyphs,
                        l.ts.font(*weight),
                        &line.text,
                        *size,
                        false,
                    );
                }
                Op::Fill { points, colour } => {
                    if let Some(path) = polygon(points, true) {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
                Op::Stroke { points, width, colour } => {
                    if let Some(path) = polygon(points, false) {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
        }
        let foot = format!("{org} · {title} · {}/{count}", i + 1);
        let line = l.shape(Weight::Regular, foot.trim_start_matches(" · "));
        let size = 8.5;
        surface.set_fill(Some(fill(MUTED)));
        surface.draw_glyphs(
            Point::from_xy(MARGIN, PAGE.1 - MARGIN + 12.0),
            &line.glyphs,
            l.ts.font(Weight::Regular),
            &line.text,
            size,
            false,
        );
        surface.finish();
        page.finish();
    }
    finish(doc)
}

fn polygon(points: &[(f32, f32)], close: bool) -> Option<krilla::geom::Path> {
    let (first, rest) = points.split_first()?;
    let mut pb = PathBuilder::new();
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if close {
        pb.close();
    }
    pb.finish()
}
