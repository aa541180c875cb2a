//! The tile pyramid as a quadtree: a tile at one level is the 2×2 mean of the four tiles under it, so each
//! tile is made from its children's halves and no whole face is ever held in memory. The largest level's
//! tiles are projected straight from the panorama into tile-sized buffers, encoded while they are still in
//! cache, and halved for their parent. Faces and subtrees run in parallel on rayon, so both cores stay
//! busy from the first tile to the last (a level-by-level pipeline left one idle at the small levels).
//!
//! Every tile's bytes depend only on the panorama and the parameters, never on scheduling, so the output
//! is deterministic.

use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, ensure};
use image::RgbImage;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::encode::{Format, encode};
use super::geometry::{FACES, Face, cube_size, level_size, levels, tiles_per_side};
use super::project::{self, Equirect};
use super::resize;

/// How to tile.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Tile size in pixels (even).
    pub tile: u32,
    /// Quality, 1–100, on the format's own scale.
    pub quality: u8,
    /// Fallback face size (0 for none).
    pub fallback: u32,
    /// Image format of tiles and fallback faces.
    pub format: Format,
}

impl Default for Params {
    fn default() -> Self {
        Params { tile: 512, quality: 75, fallback: 1024, format: Format::Jpeg }
    }
}

/// What the viewer needs to know about a tiled panorama.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pyramid {
    /// Face size at the largest level.
    pub size: u32,
    /// Tile size.
    pub tile: u32,
    /// Number of levels.
    pub levels: u32,
    /// Fallback face size, 0 when none.
    pub fallback: u32,
    /// Image format of the tiles.
    #[serde(default)]
    pub format: Format,
}

impl Pyramid {
    /// The shape of the pyramid `params` make from a panorama `width` pixels wide.
    pub fn plan(width: u32, params: &Params) -> Pyramid {
        let size = cube_size(width);
        let tile = params.tile.min(size);
        Pyramid { size, tile, levels: levels(size, tile), fallback: params.fallback.min(size), format: params.format }
    }

    /// Number of files written: every tile of every level, plus the fallback faces.
    pub fn files(&self) -> u64 {
        let tiles: u64 = (1..=self.levels)
            .map(|l| u64::from(tiles_per_side(level_size(self.size, l, self.levels), self.tile)).pow(2))
            .sum();
        6 * tiles + if self.fallback > 0 { 6 } else { 0 }
    }
}

/// What [`write_pyramid_with_progress`] reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A tile or fallback face was written ([`Pyramid::files`] in all).
    File,
    /// All of one cube face's files were written (six in all).
    FaceDone,
}

/// Tiles `src` into `out` (created), returning the pyramid's shape.
pub fn write_pyramid(src: &RgbImage, out: &Path, params: Params) -> Result<Pyramid> {
    write_pyramid_with_progress(src, out, params, &|_| {})
}

/// As [`write_pyramid`], telling `progress` about each file and face finished (from worker threads).
pub fn write_pyramid_with_progress(
    src: &RgbImage,
    out: &Path,
    params: Params,
    progress: &(dyn Fn(Event) + Sync),
) -> Result<Pyramid> {
    ensure!(params.tile >= 2 && params.tile.is_multiple_of(2), "the tile size must be even, not {}", params.tile);
    ensure!((1..=100).contains(&params.quality), "the quality must be 1–100, not {}", params.quality);
    let pyramid = Pyramid::plan(src.width(), &params);
    for level in 1..=pyramid.levels {
        let dir = out.join(level.to_string());
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    if pyramid.fallback > 0 {
        let dir = out.join("fallback");
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let equirect = Equirect::new(src.as_raw(), src.width(), src.height()).context("an empty panorama")?;
    let job = Job {
        src: equirect,
        pyramid: &pyramid,
        params,
        out,
        feeds_fallback: (pyramid.fallback > 0)
            .then(|| (1..=pyramid.levels).find(|&l| level_size(pyramid.size, l, pyramid.levels) >= pyramid.fallback))
            .flatten(),
        progress,
        timing: std::env::var_os("DISAN_TILE_TIMING").map(|_| Timing::default()),
    };
    FACES.par_iter().try_for_each(|&face| job.face(face))?;
    if let Some(t) = &job.timing {
        t.report();
    }
    Ok(pyramid)
}

/// One tiling run, shared by every face and tile task.
struct Job<'a> {
    src: Equirect<'a>,
    pyramid: &'a Pyramid,
    params: Params,
    out: &'a Path,
    /// The smallest level at least as large as the fallback face, which the fallback is shrunk from.
    feeds_fallback: Option<u32>,
    progress: &'a (dyn Fn(Event) + Sync),
    timing: Option<Timing>,
}

/// A face's pixels at the level that feeds the fallback face, filled in tile by tile.
struct Sink {
    size: usize,
    px: Mutex<Vec<u8>>,
}

impl Job<'_> {
    fn size(&self, level: u32) -> u32 {
        level_size(self.pyramid.size, level, self.pyramid.levels)
    }

    /// Every tile of one face, then its fallback face.
    fn face(&self, face: Face) -> Result<()> {
        let sink = self.feeds_fallback.map(|l| {
            let size = self.size(l) as usize;
            Sink { size, px: Mutex::new(vec![0; size * size * 3]) }
        });
        self.tile(face, 1, 0, 0, sink.as_ref())?;
        if let Some(sink) = sink {
            let px = sink.px.into_inner().map_err(|_| anyhow::anyhow!("a tile task failed"))?;
            let f = self.pyramid.fallback as usize;
            let small = self.timed(Part::Fallback, || resize::square(&px, sink.size, f));
            let name = format!("{}.{}", face.letter(), self.params.format.extension());
            self.write(&small, f as u32, f as u32, &self.out.join("fallback").join(name))?;
        }
        (self.progress)(Event::FaceDone);
        Ok(())
    }

    /// Makes, writes and returns the half-size pixels of tile (`row`, `col`) at `level` of `face`.
    fn tile(&self, face: Face, level: u32, row: u32, col: u32, sink: Option<&Sink>) -> Result<Vec<u8>> {
        let (size, t) = (self.size(level), self.pyramid.tile);
        let (x, y) = (col * t, row * t);
        let (w, h) = (t.min(size - x), t.min(size - y));
        let mut px = vec![0u8; (w * h * 3) as usize];
        if level == self.pyramid.levels {
            self.timed(Part::Project, || project::region(&self.src, face, size, (x, y, w, h), &mut px));
        } else {
            let below = tiles_per_side(self.size(level + 1), t);
            let children: Vec<(u32, u32)> = [(0, 0), (0, 1), (1, 0), (1, 1)]
                .into_iter()
                .map(|(r, c)| (2 * row + r, 2 * col + c))
                .filter(|&(r, c)| r < below && c < below)
                .collect();
            let halves: Vec<Vec<u8>> =
                children.par_iter().map(|&(r, c)| self.tile(face, level + 1, r, c, sink)).collect::<Result<_>>()?;
            // Each child's half lands in its quadrant; the halves' sizes add up to this tile's exactly.
            let half = (t / 2) as usize;
            for (&(r, c), part) in children.iter().zip(&halves) {
                let (ox, oy) = ((c - 2 * col) as usize * half, (r - 2 * row) as usize * half);
                let pw = (w as usize - ox).min(half);
                if pw == 0 {
                    continue;
                }
                debug_assert_eq!(part.len() % (pw * 3), 0);
                for (i, line) in part.chunks_exact(pw * 3).enumerate() {
                    let at = ((oy + i) * w as usize + ox) * 3;
                    px[at..at + pw * 3].copy_from_slice(line);
                }
            }
        }
        let name = format!("{}{row}_{col}.{}", face.letter(), self.params.format.extension());
        self.write(&px, w, h, &self.out.join(level.to_string()).join(name))?;
        if let Some(sink) = sink.filter(|_| Some(level) == self.feeds_fallback) {
            let mut face_px = sink.px.lock().map_err(|_| anyhow::anyhow!("a tile task failed"))?;
            for (i, line) in px.chunks_exact(w as usize * 3).enumerate() {
                let at = ((y as usize + i) * sink.size + x as usize) * 3;
                face_px[at..at + line.len()].copy_from_slice(line);
            }
        }
        Ok(if level > 1 { self.timed(Part::Shrink, || project::half(&px, w as usize, h as usize)) } else { Vec::new() })
    }

    fn write(&self, px: &[u8], w: u32, h: u32, path: &Path) -> Result<()> {
        let bytes = self.timed(Part::Encode, || encode(px, w, h, self.params.format, self.params.quality))?;
        self.timed(Part::Write, || fs::write(path, bytes))
            .with_context(|| format!("cannot write {}", path.display()))?;
        (self.progress)(Event::File);
        Ok(())
    }

    fn timed<T>(&self, part: Part, f: impl FnOnce() -> T) -> T {
        let Some(timing) = &self.timing else { return f() };
        let started = Instant::now();
        let r = f();
        timing.0[part as usize].fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        r
    }
}

/// Parts of the work, for `DISAN_TILE_TIMING=1`.
#[derive(Clone, Copy)]
enum Part {
    Project,
    Shrink,
    Encode,
    Write,
    Fallback,
}

/// Time spent in each part, summed over threads (so it adds up to CPU time, not wall time).
#[derive(Default)]
struct Timing([AtomicU64; 5]);

impl Timing {
    fn report(&self) {
        let s = |p: Part| self.0[p as usize].load(Ordering::Relaxed) as f64 / 1e9;
        eprintln!(
            "thread time: projection {:.2}s, downscale {:.2}s, encode {:.2}s, write {:.2}s, fallback {:.2}s",
            s(Part::Project),
            s(Part::Shrink),
            s(Part::Encode),
            s(Part::Write),
            s(Part::Fallback)
        );
    }
}

/// A Pannellum scene configuration for a pyramid written by [`write_pyramid`], so the tiles open in that
/// viewer too (`basePath` is left to the page).
pub fn pannellum_config(p: &Pyramid) -> serde_json::Value {
    serde_json::json!({
        "type": "multires",
        "multiRes": {
            "path": "/%l/%s%y_%x",
            "fallbackPath": "/fallback/%s",
            "extension": p.format.extension(),
            "tileResolution": p.tile,
            "maxLevel": p.levels,
            "cubeResolution": p.size,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_file() {
        let p = Pyramid::plan(8192, &Params::default());
        assert_eq!((p.size, p.levels, p.files()), (2600, 4, 306));
        let p = Pyramid::plan(16384, &Params { fallback: 0, ..Default::default() });
        assert_eq!((p.size, p.levels, p.files()), (5208, 5, 1026));
    }
}
