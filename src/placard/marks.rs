//! Crop and cut marks: hairlines in registration colour that stay out of the bleed.

use krilla::color::separation::{SeparationColorant, SeparationSpace};
use krilla::color::{cmyk, separation};
use krilla::geom::PathBuilder;
use krilla::num::NormalizedF32;
use krilla::paint::Stroke;
use krilla::surface::Surface;

use super::layout::PT_MM;

/// Mark width: 0.25 pt is the usual hairline; shops reject anything under 0.2 pt.
const MARK_PT: f32 = 0.25;
/// Length of each mark in millimetres.
pub(crate) const MARK_MM: f32 = 5.0;

/// How far from the trim a mark starts: the bleed, so a mark never prints on the artwork that
/// survives a slightly-off cut, but never closer than 2 mm even without bleed.
pub(crate) fn offset_mm(bleed_mm: f32) -> f32 {
    bleed_mm.max(2.0)
}

/// A line segment in page millimetres.
pub(crate) type Segment = ((f32, f32), (f32, f32));

/// The eight corner marks around one trim box (left, top, width, height in mm).
pub(crate) fn corner_marks((x, y, w, h): (f32, f32, f32, f32), bleed_mm: f32) -> Vec<Segment> {
    let d = offset_mm(bleed_mm);
    let mut v = Vec::with_capacity(8);
    for cx in [x, x + w] {
        v.push(((cx, y - d), (cx, y - d - MARK_MM)));
        v.push(((cx, y + h + d), (cx, y + h + d + MARK_MM)));
    }
    for cy in [y, y + h] {
        v.push(((x - d, cy), (x - d - MARK_MM, cy)));
        v.push(((x + w + d, cy), (x + w + d + MARK_MM, cy)));
    }
    v
}

/// Cut marks for a gang sheet, only in the outer margin: one per trim line, at both ends.
///
/// `xs`/`ys` are every column's and row's trim edges; `grid` is the outer trim rectangle
/// (left, top, right, bottom) and `sheet` the sheet size, all in mm.
pub(crate) fn gang_marks(
    xs: &[f32],
    ys: &[f32],
    (left, top, right, bottom): (f32, f32, f32, f32),
    (sheet_w, sheet_h): (f32, f32),
    bleed_mm: f32,
) -> Vec<Segment> {
    let d = offset_mm(bleed_mm);
    // Stop 1 mm short of the sheet edge: marks running off the paper are cut off unevenly by printers.
    let len = |room: f32| (room - d - 1.0).min(MARK_MM);
    let mut v = Vec::new();
    for &x in xs {
        let up = len(top);
        let down = len(sheet_h - bottom);
        if up > 0.5 {
            v.push(((x, top - d), (x, top - d - up)));
        }
        if down > 0.5 {
            v.push(((x, bottom + d), (x, bottom + d + down)));
        }
    }
    for &y in ys {
        let l = len(left);
        let r = len(sheet_w - right);
        if l > 0.5 {
            v.push(((left - d, y), (left - d - l, y)));
        }
        if r > 0.5 {
            v.push(((right + d, y), (right + d + r, y)));
        }
    }
    v
}

/// Strokes the segments (page millimetres) in Separation /All so they print on every plate.
pub(crate) fn draw(surface: &mut Surface, segments: &[Segment]) {
    if segments.is_empty() {
        return;
    }
    let mut pb = PathBuilder::new();
    for &((x0, y0), (x1, y1)) in segments {
        pb.move_to(x0 / PT_MM, y0 / PT_MM);
        pb.line_to(x1 / PT_MM, y1 / PT_MM);
    }
    let Some(path) = pb.finish() else { return };
    let registration = separation::Color::new(
        255,
        SeparationSpace::new(SeparationColorant::AllColorants, cmyk::Color::new(255, 255, 255, 255).into()),
    );
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: krilla::color::Color::from(registration).into(),
        width: MARK_PT,
        opacity: NormalizedF32::ONE,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// Name of the spot colour print-and-cut plotters read as the cut line (Roland, Mimaki, Summa and
/// most RIPs): the path is cut, never printed.
pub(crate) const CUT_CONTOUR: &str = "CutContour";

/// Outlines each trim rectangle (left, top, width, height in page mm) in the `CutContour` spot
/// colour, as one closed path per placard. Its alternate is 100 % magenta, so a device that does
/// not know the colour shows the line plainly instead of hiding a mistake. krilla cannot set
/// overprint; the line sits exactly on the cut, so its hairline knockout leaves with the waste.
pub(crate) fn cut_contour(surface: &mut Surface, trims: &[(f32, f32, f32, f32)]) {
    let mut pb = PathBuilder::new();
    for &(x, y, w, h) in trims {
        pb.move_to(x / PT_MM, y / PT_MM);
        pb.line_to((x + w) / PT_MM, y / PT_MM);
        pb.line_to((x + w) / PT_MM, (y + h) / PT_MM);
        pb.line_to(x / PT_MM, (y + h) / PT_MM);
        pb.close();
    }
    let Some(path) = pb.finish() else { return };
    let spot = separation::Color::new(
        255,
        SeparationSpace::new(
            SeparationColorant::Custom(CUT_CONTOUR.to_string()),
            cmyk::Color::new(0, 255, 0, 0).into(),
        ),
    );
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: krilla::color::Color::from(spot).into(),
        width: MARK_PT,
        opacity: NormalizedF32::ONE,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corner_marks_start_outside_the_bleed() {
        for ((x0, y0), (x1, y1)) in corner_marks((10.0, 10.0, 105.0, 148.0), 3.0) {
            let outside = |x: f32, y: f32| {
                !(7.0 + 0.001..=118.0 - 0.001).contains(&x) || !(7.0 + 0.001..=161.0 - 0.001).contains(&y)
            };
            assert!(outside(x0, y0) && outside(x1, y1), "mark {x0},{y0}–{x1},{y1} enters the bleed");
        }
    }

    #[test]
    fn gang_marks_stay_in_the_margin() {
        let marks = gang_marks(&[6.0, 66.0, 72.0], &[19.5, 99.5], (6.0, 19.5, 72.0, 99.5), (210.0, 297.0), 3.0);
        for ((x0, y0), (x1, y1)) in marks {
            for (x, y) in [(x0, y0), (x1, y1)] {
                assert!((0.0..=210.0).contains(&x) && (0.0..=297.0).contains(&y));
                // Ending exactly on the bleed edge is allowed; entering it is not.
                let inside = x > 3.0 + 1e-3 && x < 75.0 - 1e-3 && y > 16.5 + 1e-3 && y < 102.5 - 1e-3;
                assert!(!inside, "({x}, {y}) is on the grid");
            }
        }
    }
}
