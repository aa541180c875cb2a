//! What a printed site page shows in place of the interactive tour: a still of the first scene, the page's
//! address, and a QR code of that address (a vector drawing in its own small file, so it prints sharp; the
//! page loads it lazily, like the still, so only printing fetches it, and the offline list keeps it).

use anyhow::Result;
use serde_json::json;

use super::site_media::SiteMedia;
use super::urls::site_url;
use crate::placard::{EcLevel, QUIET, Symbol};
use crate::site::Collection;
use crate::site::model::Site;

/// The page's address in `lang`, as printed and as its QR code says it.
pub fn address(c: &Collection, s: &Site, lang: &str) -> String {
    format!("{}{}", c.public_url.trim_end_matches('/'), site_url(lang, &s.slug))
}

/// The print-only parts of one site page in `lang`: `still` (URL of the first scene's front face at the
/// smallest tile level — the viewer fetches it anyway, so the page costs nothing more), `address` and
/// `qr` (URL of the QR code's SVG file, written by [`super::page_files`]).
pub fn bits(c: &Collection, s: &Site, m: &SiteMedia, lang: &str) -> Result<serde_json::Value> {
    let still = m.panoramas.first().map(|p| format!("{}1/f0_0.{}", p.tiles.0, p.tiles.1.format.extension()));
    let qr = m.pages.get(lang).map(|f| f.qr.as_str());
    Ok(json!({ "address": address(c, s, lang), "qr": qr, "still": still }))
}

/// The QR code of `address` as an SVG file. The drawing is in millimetres for designers; on a page it takes
/// the size the stylesheet gives it. Each row of dark modules is one stroke, one module wide, drawn through
/// the middle of the row (`M` to the row's first run, then `m` to each next run): about half the bytes of a
/// rectangle per run.
pub fn qr_svg(address: &str) -> Result<String> {
    use std::fmt::Write as _;
    let symbol = Symbol::encode(address, EcLevel::M)?;
    let t = symbol.total();
    let mut d = String::with_capacity(symbol.size * symbol.size);
    let mut at: Option<(usize, usize)> = None; // (row, column after the last run)
    for (row, col, len) in symbol.runs() {
        let (x, y) = (col + QUIET, row + QUIET);
        match at {
            Some((r, end)) if r == row => write!(d, "m{} 0h{len}", x - end),
            _ => write!(d, "M{x} {y}.5h{len}"),
        }
        .expect("write to string");
        at = Some((row, x + len));
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{t}mm\" height=\"{t}mm\" viewBox=\"0 0 {t} {t}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{t}\" height=\"{t}\" fill=\"#fff\"/>\
         <path stroke=\"#000\" d=\"{d}\"/></svg>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_one_svg_document() {
        let svg = qr_svg("https://disan.example/vi/den/").expect("qr");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" ") && svg.ends_with("</svg>\n"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    /// The strokes drawn by an SVG renderer (resvg) decode (rqrr) back to the address: the compact path
    /// draws the same modules as the placards' rectangles.
    #[test]
    fn qr_as_drawn_decodes_to_the_address() {
        use resvg::{tiny_skia, usvg};
        for address in ["https://disan.samson.example.vn/vi/den-doc-cuoc/", "http://127.0.0.1:8080/en/x/"] {
            let svg = qr_svg(address).expect("qr");
            let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("svg parses");
            let side = 8 * tree.size().width().round() as u32;
            let mut pixmap = tiny_skia::Pixmap::new(side, side).expect("pixmap");
            let scale = side as f32 / tree.size().width();
            resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
            let grey: Vec<u8> = pixmap.pixels().iter().map(|p| p.red()).collect();
            assert!(grey.iter().any(|&v| v < 64) && grey.iter().any(|&v| v > 192), "drawn in black on white");
            let s = side as usize;
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(s, s, |x, y| grey[y * s + x]);
            let grids = img.detect_grids();
            assert_eq!(grids.len(), 1, "one code found");
            let (_, text) = grids[0].decode().expect("decodes");
            assert_eq!(text, address);
        }
    }
}
