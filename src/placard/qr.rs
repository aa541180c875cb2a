//! The QR symbol: encoding, merged dark runs, the logo knock-out, SVG/PNG export and the decode check.

use anyhow::{Context, Result, bail, ensure};
use qrcode::{EcLevel, QrCode};

/// Light modules around the symbol, as ISO/IEC 18004 requires.
pub(crate) const QUIET: usize = 4;

/// Pixels per module in the verification raster; rqrr is reliable from about 4.
const VERIFY_PX: usize = 6;

/// Largest share of the symbol width a logo knock-out may take; H recovers ~30 % of codewords and
/// field tests decoded logos up to 40 %, so 25 % leaves room for dirt and wear.
const LOGO_SHARE: f32 = 0.25;

/// An encoded symbol plus, when a logo is present, the square of modules knocked out for it.
#[derive(Debug, Clone)]
pub(crate) struct Symbol {
    /// Modules per side, without the quiet zone.
    pub size: usize,
    dark: Vec<bool>,
    /// Knocked-out square (first module, modules per side), in symbol coordinates.
    pub knockout: Option<(usize, usize)>,
}

impl Symbol {
    /// Encodes `url` at `ec`; the smallest version that holds it is chosen by the encoder.
    pub fn encode(url: &str, ec: EcLevel) -> Result<Symbol> {
        let code = QrCode::with_error_correction_level(url.as_bytes(), ec)
            .map_err(|e| anyhow::anyhow!("cannot encode {url:?} as a QR code: {e}"))?;
        let size = code.width();
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Ok(Symbol { size, dark, knockout: None })
    }

    /// Knocks out a centred square for a logo: whole modules, an odd count so it sits on the grid,
    /// at most [`LOGO_SHARE`] of the symbol width.
    pub fn with_logo_knockout(mut self) -> Symbol {
        let mut k = (self.size as f32 * LOGO_SHARE).floor() as usize;
        if k.is_multiple_of(2) {
            k = k.saturating_sub(1);
        }
        if k >= 3 {
            self.knockout = Some(((self.size - k) / 2, k));
        }
        self
    }

    /// Modules per side including the quiet zone on both sides.
    pub fn total(&self) -> usize {
        self.size + 2 * QUIET
    }

    /// Whether the module at symbol coordinates (x, y) prints dark (knock-out counts as light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        if let Some((s, k)) = self.knockout
            && (s..s + k).contains(&x)
            && (s..s + k).contains(&y)
        {
            return false;
        }
        self.dark[y * self.size + x]
    }

    /// Horizontal runs of dark modules as (row, first column, length), in symbol coordinates.
    ///
    /// Printing one rectangle per run instead of per module avoids hairline seams between
    /// abutting squares in viewers and RIPs, and keeps the path short.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.size && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

/// A logo decoded once per document: CMYK for the PDF, grey for the decode check.
#[derive(Debug, Clone)]
pub(crate) struct Logo {
    pub width: u32,
    pub height: u32,
    /// 8-bit DeviceCMYK samples, alpha already flattened onto white (print files stay opaque).
    pub cmyk: Vec<u8>,
    /// 8-bit luminance, same flattening, for the verification raster.
    pub grey: Vec<u8>,
}

impl Logo {
    /// Decodes a PNG logo.
    pub fn from_png(bytes: &[u8]) -> Result<Logo> {
        let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
            .context("the logo is not a readable PNG")?
            .to_rgba8();
        let (width, height) = img.dimensions();
        ensure!(width > 0 && height > 0, "the logo PNG is empty");
        let mut cmyk = Vec::with_capacity((width * height * 4) as usize);
        let mut grey = Vec::with_capacity((width * height) as usize);
        for p in img.pixels() {
            let a = p[3] as f32 / 255.0;
            // Flatten onto white: PDF/X-1a forbids transparency, and the knock-out is white anyway.
            let [r, g, b] = [p[0], p[1], p[2]].map(|v| (v as f32 / 255.0) * a + (1.0 - a));
            // Naive device conversion; a logo is artwork, not a colour-managed photograph.
            let k = 1.0 - r.max(g).max(b);
            let (c, m, y) = if k >= 1.0 {
                (0.0, 0.0, 0.0)
            } else {
                ((1.0 - r - k) / (1.0 - k), (1.0 - g - k) / (1.0 - k), (1.0 - b - k) / (1.0 - k))
            };
            cmyk.extend([c, m, y, k].map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8));
            grey.push(((0.299 * r + 0.587 * g + 0.114 * b) * 255.0).round().clamp(0.0, 255.0) as u8);
        }
        Ok(Logo { width, height, cmyk, grey })
    }

    /// Where the logo sits inside a knock-out of `k` modules, keeping one white module all round:
    /// (x, y, width, height) in modules relative to the knock-out's corner.
    pub fn placement(&self, k: usize) -> (f32, f32, f32, f32) {
        let room = k.saturating_sub(2) as f32;
        let scale = room / self.width.max(self.height) as f32;
        let (w, h) = (self.width as f32 * scale, self.height as f32 * scale);
        ((k as f32 - w) / 2.0, (k as f32 - h) / 2.0, w, h)
    }
}

/// Renders the QR matrix to pixels and decodes it back with rqrr; Err unless the decoded text equals url.
pub fn verify(url: &str, ec: EcLevel) -> Result<()> {
    verify_symbol(url, &Symbol::encode(url, ec)?, None)
}

/// Decodes a symbol as it will print: knock-out white, the logo's own pixels drawn in.
pub(crate) fn verify_symbol(url: &str, symbol: &Symbol, logo: Option<&Logo>) -> Result<()> {
    let px = VERIFY_PX;
    let side = symbol.total() * px;
    let mut raster = vec![255u8; side * side];
    for (row, col, len) in symbol.runs() {
        for y in (row + QUIET) * px..(row + QUIET + 1) * px {
            raster[y * side + (col + QUIET) * px..y * side + (col + QUIET + len) * px].fill(0);
        }
    }
    if let (Some(logo), Some((start, k))) = (logo, symbol.knockout) {
        let (lx, ly, lw, lh) = logo.placement(k);
        let x0 = ((start + QUIET) as f32 + lx) * px as f32;
        let y0 = ((start + QUIET) as f32 + ly) * px as f32;
        let (w, h) = ((lw * px as f32) as usize, (lh * px as f32) as usize);
        for dy in 0..h {
            for dx in 0..w {
                // Nearest-neighbour sampling is enough to see whether dark logo parts confuse the reader.
                let sx = (dx * logo.width as usize / w.max(1)).min(logo.width as usize - 1);
                let sy = (dy * logo.height as usize / h.max(1)).min(logo.height as usize - 1);
                raster[(y0 as usize + dy) * side + x0 as usize + dx] = logo.grey[sy * logo.width as usize + sx];
            }
        }
    }
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| raster[y * side + x]);
    let grids = prepared.detect_grids();
    let Some(grid) = grids.first() else {
        bail!("the rendered QR for {url:?} was not found by the decoder");
    };
    let (_, text) = grid.decode().map_err(|e| anyhow::anyhow!("the rendered QR for {url:?} does not decode: {e}"))?;
    ensure!(text == url, "the rendered QR decodes to {text:?}, not {url:?}");
    Ok(())
}

/// The QR alone as SVG (vector, mm units, 4-module quiet zone, one path of merged runs), for designers.
///
/// One module is one millimetre; scale the drawing as a whole to the wanted width.
pub fn qr_svg(url: &str, ec: EcLevel) -> Result<String> {
    let symbol = Symbol::encode(url, ec)?;
    let t = symbol.total();
    let mut d = String::with_capacity(symbol.size * symbol.size * 4);
    for (row, col, len) in symbol.runs() {
        d.push_str(&format!("M{} {}h{len}v1h-{len}z", col + QUIET, row + QUIET));
    }
    // The white square is explicit so the quiet zone survives being placed on a coloured background.
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{t}mm\" height=\"{t}mm\" viewBox=\"0 0 {t} {t}\" \
         shape-rendering=\"crispEdges\">\n<rect width=\"{t}\" height=\"{t}\" fill=\"#fff\"/>\n\
         <path fill=\"#000\" d=\"{d}\"/>\n</svg>\n"
    ))
}

/// The QR alone as a 300-dpi PNG at the given printed width, integer pixels per module.
///
/// The image is as wide as the largest whole number of pixels per module allows within `width_mm`,
/// so every module prints as an identical block of device dots; the PNG records 300 dpi (pHYs).
pub fn qr_png(url: &str, ec: EcLevel, width_mm: f32) -> Result<Vec<u8>> {
    const DPI: f32 = 300.0;
    ensure!(width_mm.is_finite() && width_mm > 0.0, "QR width {width_mm} mm is not a positive size");
    let symbol = Symbol::encode(url, ec)?;
    let t = symbol.total();
    let px = (width_mm / 25.4 * DPI / t as f32).floor() as usize;
    if px < 2 {
        bail!(
            "a {width_mm} mm QR for {url:?} leaves less than 2 pixels per module at 300 dpi; make it at least {:.1} mm wide",
            (2 * t) as f32 / DPI * 25.4
        );
    }
    let side = t * px;
    let mut pixels = vec![255u8; side * side];
    for (row, col, len) in symbol.runs() {
        for y in (row + QUIET) * px..(row + QUIET + 1) * px {
            pixels[y * side + (col + QUIET) * px..y * side + (col + QUIET + len) * px].fill(0);
        }
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        side as u32,
        side as u32,
        image::ExtendedColorType::L8,
    )
    .context("encoding the QR PNG")?;
    Ok(with_phys(png, DPI))
}

/// Inserts a pHYs chunk after IHDR so print software places the PNG at its intended size.
fn with_phys(png: Vec<u8>, dpi: f32) -> Vec<u8> {
    // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC); pHYs must precede IDAT.
    const AFTER_IHDR: usize = 33;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png;
    }
    let ppm = (dpi / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend(9u32.to_be_bytes());
    chunk.extend(b"pHYs");
    chunk.extend(ppm.to_be_bytes());
    chunk.extend(ppm.to_be_bytes());
    chunk.push(1); // unit: metre
    let crc = crc32(&chunk[4..]);
    chunk.extend(crc.to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend(&png[..AFTER_IHDR]);
    out.extend(chunk);
    out.extend(&png[AFTER_IHDR..]);
    out
}

/// CRC-32 (ISO 3309, as PNG uses), bitwise: one chunk per image does not warrant a table.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://disan.samson.example.vn/q/ss-dc1";

    #[test]
    fn every_level_round_trips() {
        for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            verify(URL, ec).expect("decodes");
        }
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let s = Symbol::encode(URL, EcLevel::Q).expect("encodes");
        let from_runs: usize = s.runs().iter().map(|r| r.2).sum();
        let dark = (0..s.size).flat_map(|y| (0..s.size).map(move |x| (x, y))).filter(|&(x, y)| s.is_dark(x, y));
        assert_eq!(from_runs, dark.count());
    }

    #[test]
    fn knockout_is_centred_odd_and_at_most_a_quarter() {
        let s = Symbol::encode(URL, EcLevel::H).expect("encodes").with_logo_knockout();
        let (start, k) = s.knockout.expect("has a knock-out");
        assert_eq!(k % 2, 1);
        assert_eq!(2 * start + k, s.size);
        assert!(k as f32 <= s.size as f32 * 0.25);
        verify_symbol(URL, &s, None).expect("H survives the knock-out");
    }

    #[test]
    fn a_damaged_symbol_is_an_error_not_a_print() {
        let mut s = Symbol::encode(URL, EcLevel::L).expect("encodes");
        // Knock out half the symbol: far beyond what level L can correct.
        s.knockout = Some((s.size / 4, s.size / 2));
        let err = verify_symbol(URL, &s, None).expect_err("must not verify");
        assert!(err.to_string().contains(URL), "{err}");
    }

    #[test]
    fn svg_has_one_path_and_quiet_zone() {
        let svg = qr_svg(URL, EcLevel::Q).expect("svg");
        assert_eq!(svg.matches("<path").count(), 1);
        let t = Symbol::encode(URL, EcLevel::Q).expect("encodes").total();
        assert!(svg.contains(&format!("width=\"{t}mm\"")));
        assert!(svg.contains("M4 4h7"), "the top-left finder starts after 4 quiet modules");
    }

    #[test]
    fn png_is_300_dpi_with_whole_pixels_per_module() {
        let png = qr_png(URL, EcLevel::Q, 30.0).expect("png");
        let img = image::load_from_memory(&png).expect("readable").to_luma8();
        let t = Symbol::encode(URL, EcLevel::Q).expect("encodes").total() as u32;
        assert_eq!(img.width() % t, 0);
        assert!(img.width() as f32 <= 30.0 / 25.4 * 300.0);
        let i = png.windows(4).position(|w| w == b"pHYs").expect("has pHYs");
        assert_eq!(u32::from_be_bytes([png[i + 4], png[i + 5], png[i + 6], png[i + 7]]), 11811);
        let mut p = rqrr::PreparedImage::prepare(img);
        let (_, text) = p.detect_grids()[0].decode().expect("decodes");
        assert_eq!(text, URL);
        assert!(qr_png(URL, EcLevel::Q, 3.0).is_err());
    }

    #[test]
    fn crc_matches_the_png_reference_value() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}
