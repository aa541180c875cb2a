//! The print PDF: preparing a job (layout + QR check), drawing a plan, and one page per placard.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use krilla::color::cmyk;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};
use qrcode::EcLevel;

use super::layout::{self, Box2, Ink, Item, PT_MM, Plan};
use super::marks;
use super::qr::{self, Logo, QUIET, Symbol};
use super::spec::{self, Fonts, Options, PlacardSpec};
use super::text::{Typesetter, Weight};

/// Everything needed to draw a run of placards, checked before any PDF byte is written.
pub(crate) struct Job<'a> {
    pub ts: Typesetter<'a>,
    logo: Option<(Logo, Image)>,
    pub placards: Vec<Prepared>,
}

/// One placard, laid out and with a QR that has been decoded back successfully.
pub(crate) struct Prepared {
    pub code: String,
    /// The placard's text as laid out (NFC, trimmed), kept to lay it out again on a sheet.
    pub spec: PlacardSpec,
    pub plan: Plan,
    symbol: Symbol,
}

/// Lays out every placard and decodes every QR; the first failure names its placard.
pub(crate) fn prepare<'a>(specs: &[PlacardSpec], opts: &Options, fonts: &'a Fonts) -> Result<Job<'a>> {
    spec::check_options(opts)?;
    anyhow::ensure!(!specs.is_empty(), "there are no placards to print");
    let ts = Typesetter::new(fonts)?;
    let logo = match &opts.logo {
        Some(bytes) => {
            let logo = Logo::from_png(bytes)?;
            let image = Image::from_custom(LogoImage(Arc::new(logo.clone())), true)
                .map_err(|e| anyhow!("the logo cannot be embedded: {e}"))?;
            Some((logo, image))
        }
        None => None,
    };
    // A logo hides modules, so it needs the highest error correction; otherwise Q survives the
    // dirt and wear of outdoor signs while staying less dense than H.
    let ec = if logo.is_some() { EcLevel::H } else { EcLevel::Q };
    let logo_pixels = logo.as_ref().map(|l| &l.0);
    let one = |raw: &PlacardSpec| {
        (|| {
            let spec = spec::resolve(raw)?;
            let mut symbol = Symbol::encode(&spec.url, ec)?;
            if logo_pixels.is_some() {
                symbol = symbol.with_logo_knockout();
            }
            // Never a silent bad print: decode exactly what will be drawn.
            qr::verify_symbol(&spec.url, &symbol, logo_pixels)?;
            let plan = layout::plan(&spec, opts.format, &ts, None)?;
            Ok::<_, anyhow::Error>(Prepared { code: spec.code.clone(), spec, plan, symbol })
        })()
        .with_context(|| format!("placard {}", raw.code.trim()))
    };
    // Decoding every code back is most of the work (rqrr's detector takes milliseconds per code),
    // so placards are prepared on all cores; contiguous chunks joined in order keep the output,
    // and which error is reported first, independent of scheduling.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(specs.len()).max(1);
    let chunk = specs.len().div_ceil(threads);
    let placards = std::thread::scope(|scope| {
        let workers: Vec<_> =
            specs.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        let mut all = Vec::with_capacity(specs.len());
        for worker in workers {
            all.extend(worker.join().map_err(|_| anyhow!("a placard worker thread panicked"))?);
        }
        all.into_iter().collect::<Result<Vec<_>>>()
    })?;
    Ok(Job { ts, logo, placards })
}

/// A fresh document with settings that give the same bytes for the same input.
pub(crate) fn document(title: &str) -> Document {
    let mut doc = Document::new_with(SerializeSettings {
        compress_content_streams: true,
        // No XMP packet and no tagging: nothing in it helps a print shop, and it would only add bytes.
        xmp_metadata: false,
        enable_tagging: false,
        ..SerializeSettings::default()
    });
    // No creation date on purpose: identical input must give identical bytes.
    doc.set_metadata(Metadata::new().title(title.to_string()).creator("disan".to_string()));
    doc
}

/// Converts a krilla error (not `std::error::Error`) into an anyhow one.
pub(crate) fn finish(doc: Document) -> Result<Vec<u8>> {
    doc.finish().map_err(|e| anyhow!("writing the PDF failed: {e:?}"))
}

/// A rectangle in page points from one in millimetres.
pub(crate) fn rect_pt(x: f32, y: f32, w: f32, h: f32) -> Result<Rect> {
    Rect::from_xywh(x / PT_MM, y / PT_MM, w / PT_MM, h / PT_MM).ok_or_else(|| anyhow!("empty rectangle {w}×{h} mm"))
}

fn fill(ink: Ink) -> Fill {
    let [c, m, y, k] = ink.cmyk().map(|p| (p * 2.55).round() as u8);
    Fill { paint: cmyk::Color::new(c, m, y, k).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

impl Job<'_> {
    /// Draws placard `i` with its trim's top-left corner at (`x`, `y`) mm, clipped to its bleed.
    pub fn draw(
        &self,
        surface: &mut Surface,
        i: usize,
        (x, y): (f32, f32),
        bleed_mm: f32,
        (w, h): (f32, f32),
    ) -> Result<()> {
        let p = &self.placards[i];
        let mut clip = PathBuilder::new();
        clip.push_rect(rect_pt(x - bleed_mm, y - bleed_mm, w + 2.0 * bleed_mm, h + 2.0 * bleed_mm)?);
        let clip = clip.finish().ok_or_else(|| anyhow!("empty clip"))?;
        // Backgrounds are planned generously; the clip is what makes the bleed exactly the bleed,
        // and keeps neighbours on a gang sheet apart.
        surface.push_clip_path(&clip, &FillRule::NonZero);
        // Work in millimetres from here on: the plan, QR modules and type sizes all are.
        surface.push_transform(&Transform::from_row(1.0 / PT_MM, 0.0, 0.0, 1.0 / PT_MM, x / PT_MM, y / PT_MM));
        for item in &p.plan.items {
            match item {
                Item::Fill { ink, rect } => {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(mm_rect(rect)?);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*ink)));
                        surface.draw_path(&path);
                    }
                }
                Item::Frame { ink, rect, stroke_mm } => {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(mm_rect(rect)?);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: fill(*ink).paint,
                            width: *stroke_mm,
                            opacity: NormalizedF32::ONE,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
                Item::Text { line, weight, size_pt, ink, x, baseline } => {
                    surface.set_fill(Some(fill(*ink)));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *baseline),
                        &line.glyphs,
                        self.ts.font(*weight),
                        &line.text,
                        size_pt * PT_MM,
                        false,
                    );
                }
                Item::Qr { x, y, size } => self.draw_qr(surface, &p.symbol, *x, *y, *size)?,
                Item::Pin { ink, x, y, h } => {
                    if let Some(path) = pin_path(*x, *y, *h) {
                        surface.set_fill(Some(Fill { rule: FillRule::EvenOdd, ..fill(*ink) }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.pop();
        surface.pop();
        Ok(())
    }

    /// The white quiet-zone square, the modules as one path of merged runs, and the logo if any.
    fn draw_qr(&self, surface: &mut Surface, symbol: &Symbol, x: f32, y: f32, size: f32) -> Result<()> {
        let module = size / symbol.total() as f32;
        let mut square = PathBuilder::new();
        square.push_rect(mm_rect(&Box2 { x, y, w: size, h: size })?);
        if let Some(path) = square.finish() {
            surface.set_fill(Some(fill(Ink::White)));
            surface.draw_path(&path);
        }
        let mut pb = PathBuilder::new();
        for (row, col, len) in symbol.runs() {
            let r = Box2 {
                x: x + (col + QUIET) as f32 * module,
                y: y + (row + QUIET) as f32 * module,
                w: len as f32 * module,
                h: module,
            };
            pb.push_rect(mm_rect(&r)?);
        }
        if let Some(path) = pb.finish() {
            surface.set_fill(Some(fill(Ink::Black)));
            surface.draw_path(&path);
        }
        if let (Some((logo, image)), Some((start, k))) = (&self.logo, symbol.knockout) {
            let (lx, ly, lw, lh) = logo.placement(k);
            let corner = (start + QUIET) as f32 * module;
            surface.push_transform(&Transform::from_translate(x + corner + lx * module, y + corner + ly * module));
            let size = Size::from_wh(lw * module, lh * module).ok_or_else(|| anyhow!("the logo has no area"))?;
            surface.draw_image(image.clone(), size);
            surface.pop();
        }
        Ok(())
    }

    /// Small production note for the slug: which placard, which size.
    pub fn slug_note(&self, surface: &mut Surface, i: usize, centre_x: f32, baseline: f32, note: &str) {
        let text = format!("{} · {note}", self.placards[i].code);
        if self.ts.check_coverage(Weight::Regular, &text).is_err() {
            return;
        }
        let line = self.ts.shape(Weight::Regular, &self.placards[i].spec.languages.0, &text);
        let size = 6.0;
        surface.set_fill(Some(fill(Ink::Black)));
        surface.draw_glyphs(
            Point::from_xy((centre_x - line.width_em * size * PT_MM / 2.0) / PT_MM, baseline / PT_MM),
            &line.glyphs,
            self.ts.font(Weight::Regular),
            &line.text,
            size,
            false,
        );
    }
}

/// A map pin: a teardrop with a round hole, `h` high, 0.72 `h` wide.
fn pin_path(x: f32, y: f32, h: f32) -> Option<krilla::geom::Path> {
    // 0.5523 places cubic control points so four curves approximate a circle.
    const K: f32 = 0.5523;
    let r = h * 0.36;
    let (cx, cy, tip) = (x + r, y + r, y + h);
    let mut pb = PathBuilder::new();
    pb.move_to(cx, tip);
    pb.cubic_to(cx - 0.55 * r, tip - 0.9 * r, cx - r, cy + 0.65 * r, cx - r, cy);
    pb.cubic_to(cx - r, cy - K * r, cx - K * r, cy - r, cx, cy - r);
    pb.cubic_to(cx + K * r, cy - r, cx + r, cy - K * r, cx + r, cy);
    pb.cubic_to(cx + r, cy + 0.65 * r, cx + 0.55 * r, tip - 0.9 * r, cx, tip);
    pb.close();
    // The hole, drawn as a second loop; the even-odd rule cuts it out.
    let q = 0.42 * r;
    pb.move_to(cx + q, cy);
    pb.cubic_to(cx + q, cy + K * q, cx + K * q, cy + q, cx, cy + q);
    pb.cubic_to(cx - K * q, cy + q, cx - q, cy + K * q, cx - q, cy);
    pb.cubic_to(cx - q, cy - K * q, cx - K * q, cy - q, cx, cy - q);
    pb.cubic_to(cx + K * q, cy - q, cx + q, cy - K * q, cx + q, cy);
    pb.close();
    pb.finish()
}

fn mm_rect(r: &Box2) -> Result<Rect> {
    Rect::from_xywh(r.x, r.y, r.w, r.h).ok_or_else(|| anyhow!("empty rectangle {}×{} mm", r.w, r.h))
}

/// One PDF page per placard. Deterministic bytes (no timestamps/ids that vary between runs).
///
/// Each page's MediaBox is the trim plus bleed (plus a slug with crop marks when `opts.marks`),
/// with BleedBox and TrimBox set, all colour DeviceCMYK and marks in Separation /All.
pub fn placards_pdf(specs: &[PlacardSpec], opts: &Options, fonts: &Fonts) -> Result<Vec<u8>> {
    let job = prepare(specs, opts, fonts)?;
    let (w, h) = opts.format.trim_mm();
    let bleed = opts.bleed_mm;
    // The slug holds the marks (which start outside the bleed) plus a little paper beyond them.
    let pad = if opts.marks { marks::offset_mm(bleed) + marks::MARK_MM + 2.0 } else { bleed };
    let mut doc = document(&format!("disan placards ({})", opts.format.name()));
    for i in 0..job.placards.len() {
        let settings = PageSettings::from_wh((w + 2.0 * pad) / PT_MM, (h + 2.0 * pad) / PT_MM)
            .ok_or_else(|| anyhow!("empty page"))?
            .with_bleed_box(Some(rect_pt(pad - bleed, pad - bleed, w + 2.0 * bleed, h + 2.0 * bleed)?))
            .with_trim_box(Some(rect_pt(pad, pad, w, h)?));
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        job.draw(&mut surface, i, (pad, pad), bleed, (w, h))
            .with_context(|| format!("placard {}", job.placards[i].code))?;
        if opts.cut_contour {
            marks::cut_contour(&mut surface, &[(pad, pad, w, h)]);
        }
        if opts.marks {
            marks::draw(&mut surface, &marks::corner_marks((pad, pad, w, h), bleed));
            let note = format!("{} {:.0} × {:.0} mm · bleed {bleed} mm", opts.format.name(), w, h);
            job.slug_note(&mut surface, i, pad + w / 2.0, pad + h + marks::offset_mm(bleed) + 4.0, &note);
        }
        surface.finish();
        page.finish();
    }
    finish(doc)
}

/// The logo as an opaque DeviceCMYK image, so the file stays free of RGB and transparency.
#[derive(Clone)]
struct LogoImage(Arc<Logo>);

impl Hash for LogoImage {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.width.hash(state);
        self.0.height.hash(state);
        self.0.cmyk.hash(state);
    }
}

impl CustomImage for LogoImage {
    fn color_channel(&self) -> &[u8] {
        &self.0.cmyk
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        (self.0.width, self.0.height)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Cmyk
    }
}
