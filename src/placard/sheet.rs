//! Gang sheets: placards stepped onto A4/A3 paper for sticker runs and self-printing.

use anyhow::{Context, Result, anyhow, bail};
use krilla::page::PageSettings;

use super::layout::PT_MM;
use super::marks;
use super::pdf::{document, finish, prepare};
use super::spec::{Fonts, Options, PlacardSpec, Sheet};

/// Smallest paper margin around the grid, in mm: room for cut marks that printers can reproduce.
const MIN_MARGIN_MM: f32 = 5.0;

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
/// Neighbouring trims are two bleeds apart, so each placard keeps its full bleed and a cut on
/// either line never shows the neighbour's colour.
pub(crate) fn grid(trim: (f32, f32), sheet: Sheet, bleed_mm: f32) -> Option<Grid> {
    let (sw, sh) = sheet.size_mm();
    let fit = |room: f32, size: f32| ((room - 2.0 * MIN_MARGIN_MM) / (size + 2.0 * bleed_mm)).floor().max(0.0) as usize;
    let build = |(sw, sh): (f32, f32)| {
        let (cols, rows) = (fit(sw, trim.0), fit(sh, trim.1));
        let step = (trim.0 + 2.0 * bleed_mm, trim.1 + 2.0 * bleed_mm);
        let used = (cols as f32 * step.0 - 2.0 * bleed_mm, rows as f32 * step.1 - 2.0 * bleed_mm);
        Grid { sheet: (sw, sh), cols, rows, origin: ((sw - used.0) / 2.0, (sh - used.1) / 2.0), step }
    };
    let portrait = build((sw, sh));
    let landscape = build((sh, sw));
    let best = if landscape.slots() > portrait.slots() { landscape } else { portrait };
    (best.slots() > 0).then_some(best)
}

/// N-up sticker sheet: as many copies of the given placards (each once, in order, then next sheet page) as fit, with gutters of 2× bleed, cut marks only in the outer margin, no TrimBox on the sheet.
///
/// Placards fill the slots in reading order; when a sheet is full the next placard starts a new
/// page. Cut marks are always drawn on sheets (the sheet is meant to be cut), whatever `opts.marks` says.
pub fn sheet_pdf(specs: &[PlacardSpec], sheet: Sheet, opts: &Options, fonts: &Fonts) -> Result<Vec<u8>> {
    let (w, h) = opts.format.trim_mm();
    let bleed = opts.bleed_mm;
    let Some(g) = grid((w, h), sheet, bleed) else {
        bail!(
            "a {} placard ({w:.0} × {h:.0} mm plus {bleed} mm bleed) does not fit on an {} sheet with {MIN_MARGIN_MM} mm margins; use a bigger sheet or a smaller format",
            opts.format.name(),
            sheet.name()
        );
    };
    let job = prepare(specs, opts, fonts)?;

    // Trim lines of the grid, the same on every page of the run.
    let xs: Vec<f32> =
        (0..g.cols).flat_map(|c| [g.origin.0 + c as f32 * g.step.0, g.origin.0 + c as f32 * g.step.0 + w]).collect();
    let ys: Vec<f32> =
        (0..g.rows).flat_map(|r| [g.origin.1 + r as f32 * g.step.1, g.origin.1 + r as f32 * g.step.1 + h]).collect();
    let outer = (
        g.origin.0,
        g.origin.1,
        g.origin.0 + g.cols as f32 * g.step.0 - 2.0 * bleed,
        g.origin.1 + g.rows as f32 * g.step.1 - 2.0 * bleed,
    );
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
        surface.finish();
        page.finish();
    }
    finish(doc)
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
        // The gutter between neighbouring trims is two bleeds.
        assert_eq!(a4.slot(1).0 - a4.slot(0).0 - 60.0, 6.0);
    }

    #[test]
    fn too_big_for_the_sheet_is_none() {
        assert!(grid((210.0, 297.0), Sheet::A4, 3.0).is_none());
        let a6 = grid((105.0, 148.0), Sheet::A4, 3.0).expect("two A6 on A4");
        assert_eq!(a6.slots(), 2);
    }
}
