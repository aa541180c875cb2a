//! The picture a link preview shows when someone shares a site in Zalo, Messenger or Facebook: the site's
//! first scene as the tour opens it (its initial yaw, pitch and field of view), 1200×630 — the size those
//! apps crop previews to. Named by a hash of the panorama and the view, cached like every other output.

use anyhow::{Context, Result};

use super::hash::StableHash;
use super::media::{MediaOut, into_rgb8};
use crate::site::media::open_image;
use crate::site::model::Scene;
use crate::tiles::view::{self, View};

/// Width and height of the picture.
pub const SIZE: (u32, u32) = (1200, 630);

/// JPEG quality: previews are shown small and fetched by servers far away, so they are kept light.
const QUALITY: u8 = 80;

impl MediaOut<'_> {
    /// Makes (or takes from the cache) the preview picture of `scene` and writes it under `url_dir`;
    /// returns its URL.
    pub fn share_image(&self, url_dir: &str, scene: &Scene) -> Result<String> {
        let src = &scene.panorama;
        let source = std::fs::read(src).with_context(|| format!("cannot read {}", src.display()))?;
        let v = View { yaw: scene.yaw, pitch: scene.pitch, hfov: scene.hfov };
        let key = StableHash::new()
            .with("share-v1")
            .with(&source)
            .with(v.yaw.to_le_bytes())
            .with(v.pitch.to_le_bytes())
            .with(v.hfov.to_le_bytes())
            .with(SIZE.0.to_le_bytes())
            .with(SIZE.1.to_le_bytes());
        self.output(url_dir, "share", "jpg", key, || {
            // Moved, not copied, into RGB: a copy would double the peak for the largest panorama.
            let img = into_rgb8(
                open_image(src)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("cannot decode {}", src.display()))?,
            );
            let pic = view::render(&img, v, SIZE.0, SIZE.1);
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
                .encode_image(&pic)
                .context("cannot encode the preview picture")?;
            Ok(out)
        })
    }
}
