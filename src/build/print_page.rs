//! What a printed site page shows in place of the interactive tour: a still of the first scene, the page's
//! address, and a QR code of that address (vector, inline, so it prints sharp and works offline).

use anyhow::Result;
use serde_json::json;

use super::site_media::SiteMedia;
use super::urls::site_url;
use crate::placard::{EcLevel, qr_svg};
use crate::site::Collection;
use crate::site::model::Site;

/// The print-only parts of one site page in `lang`: `still` (URL of the first scene's front face at the
/// smallest tile level — the viewer fetches it anyway, so the page costs nothing more), `address` and
/// `qr` (an `<svg>` element).
pub fn bits(c: &Collection, s: &Site, m: &SiteMedia, lang: &str) -> Result<serde_json::Value> {
    let address = format!("{}{}", c.public_url.trim_end_matches('/'), site_url(lang, &s.slug));
    let svg = inline_qr(&address)?;
    let still = m.panoramas.first().map(|p| format!("{}1/f0_0.{}", p.tiles.0, p.tiles.1.format.extension()));
    Ok(json!({ "address": address, "qr": svg, "still": still }))
}

/// The QR code of `address` as an `<svg>` element for inside a page. The drawing is in millimetres for
/// designers; on a page it takes the size the stylesheet gives it. The address is printed beside it, so
/// assistive technology skips the picture.
fn inline_qr(address: &str) -> Result<String> {
    let svg = qr_svg(address, EcLevel::M)?;
    Ok(svg.trim().replacen("<svg ", "<svg class=\"print-qr\" aria-hidden=\"true\" focusable=\"false\" ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_one_inline_svg_element() {
        let svg = inline_qr("https://disan.example/vi/den/").expect("qr");
        assert!(svg.starts_with("<svg class=\"print-qr\" ") && svg.ends_with("</svg>"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}
