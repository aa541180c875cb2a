//! Gang sheets: placards stepped onto A4/A3 paper for sticker runs and self-printing.

use anyhow::{Context, Result, anyhow, bail};
use krilla::page::PageSettings;

use super::layout::{self, PT_MM};
use super::marks;
use super::pdf::{Job, document, finish, prepare};
use super::spec::{Fonts, Options, PlacardSpec, Sheet};

/// Smallest paper margin around the grid's bleed, in mm: room for cut marks printers can reproduce.
const MIN_MARGIN_MM: f32 = 4.0;

/// Bare paper between the bleeds of neighbouring placards, in mm. Each placard keeps its whole
/// bleed, so a cut that wanders by up to the bleed shows its own background, never a neighbour's;
/// the white strip between them makes that visible on the proof.
pub(crate) const GUTTER_MM: f32 = 2.0;

/// How placards are stepped onto one sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Grid {
    /// Sheet width and height in mm, after choosing the orientation.
    pub sheet: (f32, f32),
    pub cols: usize,
    pub rows: usize,
    /// Top-left trim corner of the first slot, in mm.
    pub origin: (f32, f32),
    /// Distance from one slot's trim corner to the next, in mm.
    pub step: (f32, f32),
}

impl Grid {
    /// Slots per sheet.
    pub fn slots(&self) -> usize {
        self.cols * self.rows
    }

    /// Trim corner of slot `i`, filling rows left to right.
    pub fn slot(&self, i: usize) -> (f32, f32) {
        let (c, r) = (i % self.cols, i / self.cols);
        (self.origin.0 + c as f32 * self.step.0, self.origin.1 + r as f32 * self.step.1)
    }
}

/// The orientation with more slots (portrait on a tie), the grid centred on the paper.
///
/// Neighbouring trims are two bleeds and a [`GUTTER_MM`] apart: each placard keeps its own full
/// bleed, with bare paper between bleeds.
pub(crate) fn grid(trim: (f32, f32), sheet: Sheet, bleed_mm: f32) -> Option<Grid> {
    let (sw, sh) = sheet.size_mm();
    // n slots take n × (size + 2 bleed) + (n − 1) gutters; a hundredth of a mm forgives rounding.
    let fit = |room: f32, size: f32| {
        ((room - 2.0 * MIN_MARGIN_MM + GUTTER_MM + 0.01) / (size + 2.0 * bleed_mm + GUTTER_MM)).floor().max(0.0)
            as usize
    };
    let build = |(sw, sh): (f32, f32)| {
        let (cols, rows) = (fit(sw, trim.0), fit(sh, trim.1));
        let step = (trim.0 + 2.0 * bleed_mm + GUTTER_MM, trim.1 + 2.0 * bleed_mm + GUTTER_MM);
        let used =
            (cols as f32 * step.0 - 2.0 * bleed_mm - GUTTER_MM, rows as f32 * step.1 - 2.0 * bleed_mm - GUTTER_MM);
        Grid { sheet: (sw, sh), cols, rows, origin: ((sw - used.0) / 2.0, (sh - used.1) / 2.0), step }
    };
    let portrait = build((sw, sh));
    let landscape = build((sh, sw));
    let best = if landscape.slots() > portrait.slots() { landscape } else { portrait };
    (best.slots() > 0).then_some(best)
}

/// N-up sheet: the given placards (each once, in order, a new sheet when one is full), each with its
/// own bleed and a gutter of bare paper, header bands of one height across each sheet, cut marks
/// only in the outer margin, an optional `CutContour` path, and no TrimBox on the sheet.
///
/// Cut marks are always drawn on sheets (the sheet is meant to be cut), whatever `opts.marks` says.
pub fn sheet_pdf(specs: &[PlacardSpec], sheet: Sheet, opts: &Options, fonts: &Fonts) -> Result<Vec<u8>> {
    let (w, h) = opts.format.trim_mm();
    let bleed = opts.bleed_mm;
    let (g, job) = sheet_job(specs, sheet, opts, fonts)?;
    // Trim lines of the grid, the same on every page of the run.
    let outer_edge = |n: usize, origin: f32, step: f32| origin + n as f32 * step - 2.0 * bleed - GUTTER_MM;
    let xs: Vec<f32> =
        (0..g.cols).flat_map(|c| [g.origin.0 + c as f32 * g.step.0, g.origin.0 + c as f32 * g.step.0 + w]).collect();
    let ys: Vec<f32> =
        (0..g.rows).flat_map(|r| [g.origin.1 + r as f32 * g.step.1, g.origin.1 + r as f32 * g.step.1 + h]).collect();
    let outer =
        (g.origin.0, g.origin.1, outer_edge(g.cols, g.origin.0, g.step.0), outer_edge(g.rows, g.origin.1, g.step.1));
    let cut_marks = marks::gang_marks(&xs, &ys, outer, g.sheet, bleed);

    let mut doc = document(&format!("disan {}-up {} sheet", g.slots(), sheet.name()));
    for chunk_start in (0..job.placards.len()).step_by(g.slots()) {
        // The sheet gets a MediaBox only: a TrimBox would tell the shop to cut the sheet, not the placards.
        let settings =
            PageSettings::from_wh(g.sheet.0 / PT_MM, g.sheet.1 / PT_MM).ok_or_else(|| anyhow!("empty sheet"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let end = (chunk_start + g.slots()).min(job.placards.len());
        for (slot, i) in (chunk_start..end).enumerate() {
            job.draw(&mut surface, i, g.slot(slot), bleed, (w, h))
                .with_context(|| format!("placard {}", job.placards[i].code))?;
        }
        marks::draw(&mut surface, &cut_marks);
        if opts.cut_contour {
            let trims: Vec<_> = (0..end - chunk_start).map(|slot| (g.slot(slot).0, g.slot(slot).1, w, h)).collect();
            marks::cut_contour(&mut surface, &trims);
        }
        surface.finish();
        page.finish();
    }
    finish(doc)
}

/// The grid and the placards laid out for it: prepared one by one, then each sheet's header bands
/// evened out.
pub(crate) fn sheet_job<'a>(
    specs: &[PlacardSpec],
    sheet: Sheet,
    opts: &Options,
    fonts: &'a Fonts,
) -> Result<(Grid, Job<'a>)> {
    let (w, h) = opts.format.trim_mm();
    let bleed = opts.bleed_mm;
    let Some(g) = grid((w, h), sheet, bleed) else {
        bail!(
            "a {} placard ({w:.0} × {h:.0} mm plus {bleed} mm bleed) does not fit on an {} sheet with {MIN_MARGIN_MM} mm margins; use a bigger sheet or a smaller format",
            opts.format.name(),
            sheet.name()
        );
    };
    let mut job = prepare(specs, opts, fonts)?;
    for start in (0..job.placards.len()).step_by(g.slots()) {
        let end = (start + g.slots()).min(job.placards.len());
        one_band_height(&mut job, start..end, opts);
    }
    Ok((g, job))
}

/// Lays the placards of one sheet out again under one header-band height, so the band edge runs
/// straight across the sheet: the tallest band among them, or, when a placard's text cannot fit
/// under that, the tallest height (in half-millimetre steps) under which every one fits. A placard
/// whose own name needs a taller band then keeps it: the text always wins over the alignment.
fn one_band_height(job: &mut Job, range: std::ops::Range<usize>, opts: &Options) {
    let own: Vec<f32> = job.placards[range.clone()].iter().map(|p| p.plan.band_mm).collect();
    let lowest = own.iter().copied().fold(f32::INFINITY, f32::min);
    let mut band = own.iter().copied().fold(0.0, f32::max);
    while band > lowest + 0.001 {
        let mut plans = Vec::with_capacity(own.len());
        for (i, own) in range.clone().zip(&own) {
            let p = &job.placards[i];
            if *own + 0.001 >= band {
                plans.push(None);
                continue;
            }
            match layout::plan(&p.spec, opts.format, &job.ts, Some(band)) {
                Ok(plan) => plans.push(Some(plan)),
                Err(_) => break,
            }
        }
        if plans.len() == own.len() {
            for (i, plan) in range.zip(plans) {
                if let Some(plan) = plan {
                    job.placards[i].plan = plan;
                }
            }
            return;
        }
        band -= 0.5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stickers_pack_nine_on_a4_and_eighteen_on_a3() {
        let a4 = grid((60.0, 80.0), Sheet::A4, 3.0).expect("fits");
        assert_eq!((a4.cols, a4.rows, a4.sheet), (3, 3, (210.0, 297.0)));
        let a3 = grid((60.0, 80.0), Sheet::A3, 3.0).expect("fits");
        assert_eq!((a3.cols, a3.rows, a3.sheet), (6, 3, (420.0, 297.0)));
        // Neighbouring trims are two bleeds and the gutter apart.
        assert!((a4.slot(1).0 - a4.slot(0).0 - 60.0 - 8.0).abs() < 1e-4);
        assert!((a4.slot(3).1 - a4.slot(0).1 - 80.0 - 8.0).abs() < 1e-4);
        // The outer bleed keeps the margin from the paper edge.
        assert!(a4.origin.0 - 3.0 >= MIN_MARGIN_MM - 0.01 && a4.origin.1 - 3.0 >= MIN_MARGIN_MM - 0.01);
    }

    #[test]
    fn too_big_for_the_sheet_is_none() {
        assert!(grid((210.0, 297.0), Sheet::A4, 3.0).is_none());
        let a6 = grid((105.0, 148.0), Sheet::A4, 3.0).expect("two A6 on A4");
        assert_eq!(a6.slots(), 2);
    }
}
