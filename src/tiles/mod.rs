//! Multiresolution panoramas: an equirectangular image becomes six cube faces and a pyramid of 512-px
//! tiles (`{level}/{face}{row}_{col}.jpg`, level 1 smallest) plus fallback faces, the layout Pannellum
//! reads. Faces are made one at a time so memory stays bounded; rows and tiles run in parallel.

pub mod geometry;
pub mod project;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use image::{RgbImage, imageops};
use rayon::prelude::*;
use serde::Serialize;

use geometry::{FACES, cube_size, level_size, levels, tiles_per_side};
use project::Equirect;

/// How to tile.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Tile size in pixels.
    pub tile: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Fallback face size (0 for none).
    pub fallback: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params { tile: 512, quality: 75, fallback: 1024 }
    }
}

/// What the viewer needs to know about a tiled panorama.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Pyramid {
    /// Face size at the largest level.
    pub size: u32,
    /// Tile size.
    pub tile: u32,
    /// Number of levels.
    pub levels: u32,
    /// Fallback face size, 0 when none.
    pub fallback: u32,
}

/// Tiles `src` into `out` (created), returning the pyramid's shape.
pub fn write_pyramid(src: &RgbImage, out: &Path, params: Params) -> Result<Pyramid> {
    let eq = Equirect { data: src.as_raw(), width: src.width(), height: src.height() };
    let cube = cube_size(src.width());
    let tile = params.tile.min(cube);
    let max_level = levels(cube, tile);
    for level in 1..=max_level {
        fs::create_dir_all(out.join(level.to_string())).with_context(|| format!("cannot create {}", out.display()))?;
    }
    if params.fallback > 0 {
        fs::create_dir_all(out.join("fallback")).with_context(|| format!("cannot create {}", out.display()))?;
    }
    // DISAN_TILE_TIMING=1 splits the time between projection and pyramid/encoding, for benchmarking.
    let timing = std::env::var_os("DISAN_TILE_TIMING").is_some();
    let (mut t_proj, mut t_tiles) = (0.0, 0.0);
    for face in FACES {
        let t0 = std::time::Instant::now();
        let mut img = project::face(&eq, face, cube);
        t_proj += t0.elapsed().as_secs_f64();
        let t0 = std::time::Instant::now();
        if params.fallback > 0 {
            let f = params.fallback.min(cube);
            let small =
                if f == cube { img.clone() } else { imageops::resize(&img, f, f, imageops::FilterType::Triangle) };
            write_jpeg(&small, &out.join("fallback").join(format!("{}.jpg", face.letter())), params.quality)?;
        }
        for level in (1..=max_level).rev() {
            debug_assert_eq!(img.width(), level_size(cube, level, max_level));
            write_tiles(&img, &out.join(level.to_string()), face.letter(), tile, params.quality)?;
            if level > 1 {
                img = project::half(&img);
            }
        }
        t_tiles += t0.elapsed().as_secs_f64();
    }
    if timing {
        eprintln!("projection {t_proj:.2}s, pyramid+encode {t_tiles:.2}s");
    }
    Ok(Pyramid { size: cube, tile, levels: max_level, fallback: params.fallback.min(cube) })
}

fn write_tiles(img: &RgbImage, dir: &Path, face: char, tile: u32, quality: u8) -> Result<()> {
    let n = tiles_per_side(img.width(), tile);
    (0..n * n).into_par_iter().try_for_each(|i| {
        let (row, col) = (i / n, i % n);
        let x = col * tile;
        let y = row * tile;
        let w = tile.min(img.width() - x);
        let h = tile.min(img.height() - y);
        let part = imageops::crop_imm(img, x, y, w, h).to_image();
        write_jpeg(&part, &dir.join(format!("{face}{row}_{col}.jpg")), quality)
    })
}

/// Encodes with `jpeg-encoder`, several times faster than the `image` crate's encoder on tiles.
fn write_jpeg(img: &RgbImage, path: &Path, quality: u8) -> Result<()> {
    let mut buf = Vec::with_capacity(img.as_raw().len() / 8);
    let (w, h) = (u16::try_from(img.width())?, u16::try_from(img.height())?);
    jpeg_encoder::Encoder::new(&mut buf, quality)
        .encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .context("cannot encode a tile")?;
    fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))
}

/// A Pannellum scene configuration for a pyramid written by [`write_pyramid`], so the tiles open in that
/// viewer too (`basePath` is left to the page).
pub fn pannellum_config(p: &Pyramid) -> serde_json::Value {
    serde_json::json!({
        "type": "multires",
        "multiRes": {
            "path": "/%l/%s%y_%x",
            "fallbackPath": "/fallback/%s",
            "extension": "jpg",
            "tileResolution": p.tile,
            "maxLevel": p.levels,
            "cubeResolution": p.size,
        }
    })
}
