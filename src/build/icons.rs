//! Home-screen icons: PNGs drawn from the shipped `icon.svg` at the sizes phones ask for — 192 and 512 px
//! for the web app manifest, a 512-px "maskable" one whose picture keeps inside the safe circle that
//! launchers crop to, and the 180-px `apple-touch-icon` (iOS shows transparency as black, so it gets the
//! full-bleed background of the maskable one).

use anyhow::{Context, Result, anyhow};
use resvg::{tiny_skia, usvg};

use super::assets;
use super::hash::StableHash;
use super::media::MediaOut;

/// The icon's own colour (the circle of `icon.svg`), used as the page and app theme colour and as the
/// background of the full-bleed icons.
pub const THEME_COLOUR: &str = "#9a3412";
const THEME_RGB: (u8, u8, u8) = (0x9a, 0x34, 0x12);

/// Share of a maskable icon that carries the picture: launchers may crop to a centred circle of 80 %.
const SAFE_SHARE: f32 = 0.8;

/// The written icons' URLs.
#[derive(Debug, Clone, Default)]
pub struct Icons {
    /// 192 px, transparent corners.
    pub any_192: String,
    /// 512 px, transparent corners.
    pub any_512: String,
    /// 512 px, full bleed, picture inside the safe circle.
    pub maskable_512: String,
    /// 180 px, full bleed, for iOS.
    pub apple_180: String,
}

/// Draws the icons (or takes them from the cache) and writes them under `/_/`.
pub fn write(mo: &MediaOut) -> Result<Icons> {
    let svg = assets::bytes("icon.svg").ok_or_else(|| anyhow!("icon.svg is missing from the program"))?;
    let one = |stem: &str, size: u32, full_bleed: bool| {
        let key = StableHash::new().with("icon-v1").with(&svg).with(size.to_le_bytes()).with([u8::from(full_bleed)]);
        mo.output("_", stem, "png", key, || render(&svg, size, full_bleed))
    };
    Ok(Icons {
        any_192: one("icon-192", 192, false)?,
        any_512: one("icon-512", 512, false)?,
        maskable_512: one("icon-maskable-512", 512, true)?,
        apple_180: one("apple-touch-icon-180", 180, true)?,
    })
}

/// `svg` as a `size`×`size` PNG: scaled to fill the square, or (`full_bleed`) on the theme colour and
/// scaled into the safe circle.
pub fn render(svg: &[u8], size: u32, full_bleed: bool) -> Result<Vec<u8>> {
    let tree = usvg::Tree::from_data(svg, &usvg::Options::default()).context("the shipped icon.svg does not parse")?;
    let mut pixmap = tiny_skia::Pixmap::new(size, size).ok_or_else(|| anyhow!("cannot make a {size}-px icon"))?;
    let box_side = if full_bleed {
        let (r, g, b) = THEME_RGB;
        pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
        size as f32 * SAFE_SHARE
    } else {
        size as f32
    };
    let s = tree.size();
    let scale = box_side / s.width().max(s.height());
    let (dx, dy) = ((size as f32 - s.width() * scale) / 2.0, (size as f32 - s.height() * scale) / 2.0);
    let transform = tiny_skia::Transform::from_scale(scale, scale).post_translate(dx, dy);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap.encode_png().context("cannot encode an icon as PNG")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_shipped_icon_at_each_size() {
        let svg = assets::bytes("icon.svg").expect("icon.svg");
        for (size, full_bleed) in [(192, false), (512, false), (512, true), (180, true)] {
            let png = render(&svg, size, full_bleed).expect("render");
            let img = image::load_from_memory(&png).expect("a PNG").to_rgba8();
            assert_eq!(img.dimensions(), (size, size));
            // The middle of the circle is the theme colour; the corner is transparent or full bleed.
            let mid = img.get_pixel(size / 2, size / 5);
            assert_eq!((mid[0], mid[1], mid[2], mid[3]), (0x9a, 0x34, 0x12, 255), "{size} {full_bleed}");
            let corner = img.get_pixel(1, 1);
            assert_eq!(corner[3], if full_bleed { 255 } else { 0 }, "{size} {full_bleed}");
            // The house is drawn in white.
            assert!(
                img.pixels().filter(|p| p[0] > 240 && p[1] > 240 && p[2] > 240).count() > (size * size / 50) as usize
            );
        }
    }
}
