//! Compiles a collection into a static website: media, pages, shipped assets, precompressed copies.
//!
//! Everything is written to a temporary folder beside the output and swapped in whole at the end, so a
//! failed build never touches the last good output. The previous output's fingerprinted files (media and
//! assets) that the new build no longer has are kept for [`KEEP_RETIRED`], so pages already open in
//! visitors' browsers keep loading their tiles across a rebuild under a running host.

pub mod assets;
pub mod compress;
pub mod discovery;
pub mod hash;
pub mod html;
pub mod icons;
pub mod links;
pub mod media;
pub mod narration;
pub mod offline;
pub mod page_files;
pub mod pages;
pub mod print_page;
pub mod relic;
pub mod share;
pub mod site_media;
pub mod stamp;
pub mod urls;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::site::{self, Collection};
use media::MediaOut;
use pages::SiteMedia;

pub use stamp::STAMP;
/// How long files of earlier builds are kept in the output after a build stops using them.
pub const KEEP_RETIRED: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
/// File inside the output listing the earlier builds' files it keeps, and since when (hidden: never served).
const RETIRED: &str = ".retired";

/// What a build did.
#[derive(Debug)]
pub struct Summary {
    /// Where the site is.
    pub out: PathBuf,
    /// Sites built.
    pub sites: usize,
    /// Pages written.
    pub pages: usize,
    /// True when the previous output was already up to date.
    pub reused: bool,
    /// Wall time.
    pub millis: u128,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reused {
            write!(f, "up to date: {} ({} sites)", self.out.display(), self.sites)
        } else {
            write!(
                f,
                "built {} sites, {} pages into {} in {} ms",
                self.sites,
                self.pages,
                self.out.display(),
                self.millis
            )
        }
    }
}

/// How to build, beyond what.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Editors' preview (`serve --watch`): pages also load the live-reload and hotspot-picker script.
    pub preview: bool,
}

/// Builds the collection at `root` into `out`, or keeps `out` when it is already up to date.
pub fn build(root: &Path, out: &Path) -> Result<Summary> {
    build_with(root, out, Options::default())
}

/// As [`build`], with options.
pub fn build_with(root: &Path, out: &Path, options: Options) -> Result<Summary> {
    let started = Instant::now();
    let collection = site::load(root)?;
    // What `check` warns about is said at every build too (a language without interface words).
    for warning in &collection.warnings {
        eprintln!("{warning}");
    }
    let id = stamp::stamp(root, options.preview)?;
    if stamp::read(out).is_some_and(|s| s == id) {
        return Ok(Summary {
            out: out.to_path_buf(),
            sites: collection.sites.len(),
            pages: 0,
            reused: true,
            millis: started.elapsed().as_millis(),
        });
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
    clear_stale_builds(parent, &name);
    let tmp = parent.join(format!(".{name}.building-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).with_context(|| format!("cannot clear {}", tmp.display()))?;
    }
    fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let result = write_all(&collection, out, &tmp, &id, options);
    match result {
        Ok(pages) => {
            swap_in(&tmp, out)?;
            Ok(Summary {
                out: out.to_path_buf(),
                sites: collection.sites.len(),
                pages,
                reused: false,
                millis: started.elapsed().as_millis(),
            })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e.context(format!("the build failed; {} was left as it was", out.display())))
        }
    }
}

/// Writes the whole site into `tmp`; returns the number of pages.
fn write_all(c: &Collection, out: &Path, tmp: &Path, id: &str, options: Options) -> Result<usize> {
    let cache = media::cache_dir(out);
    let tile_params = crate::tiles::Params { format: c.tiles.format, quality: c.tiles.quality, ..Default::default() };
    let mo = MediaOut {
        out: tmp,
        cache: &cache,
        used: Default::default(),
        making: Default::default(),
        tile_params,
        progress: crate::progress::Progress::new(),
    };
    // Panoramas one at a time, each tiled on every core: a decoded panorama may take 384 MB, and while one
    // is tiled rayon would start decoding the next on any core that waits, so the peak would grow with the
    // number of scenes. Photos and recordings, small beside them, go in parallel.
    let pictures: Vec<_> = c.sites.iter().map(|s| site_panoramas(&mo, s)).collect::<Result<_>>()?;
    let media: Vec<SiteMedia> = c
        .sites
        .par_iter()
        .zip(pictures)
        .map(|(s, (panoramas, share))| site_media(&mo, c, s, panoramas, share))
        .collect::<Result<_>>()?;

    for (name, file) in assets::ASSET_NAMES {
        let bytes = assets::bytes(name).with_context(|| format!("asset {name} is missing from the program"))?;
        write(&tmp.join("_").join(file), &bytes)?;
    }
    let icons = icons::write(&mo)?;
    let mut env = pages::environment(options.preview)?;
    pages::add_icons(&mut env, &icons);
    let words = page_files::write_words(&mo, c)?;
    env.add_global("later_words", minijinja::Value::from_serialize(&words));
    // The address without a language sends visitors on to theirs (the host answers it by Accept-Language).
    write(&tmp.join("index.html"), pages::choose_home(&env, c, &media)?.as_bytes())?;
    let logos = c
        .sponsors
        .iter()
        .enumerate()
        .map(|(i, s)| s.logo.as_ref().map(|p| mo.logo("media/_sponsors", &format!("sponsor-{}", i + 1), p)).transpose())
        .collect::<Result<Vec<_>>>()?;
    let mut pages = 1;
    for lang in &c.languages {
        let home = pages::home(&env, c, &media, &logos, lang)?;
        write(&tmp.join(lang).join("index.html"), home.as_bytes())?;
        pages += 1;
        for (s, m) in c.sites.iter().zip(&media) {
            let html = pages::site(&env, c, s, m, lang)?;
            write(&tmp.join(lang).join(&s.slug).join("index.html"), html.as_bytes())?;
            pages += 1;
        }
    }
    write(&tmp.join("404.html"), pages::not_found(&env, c)?.as_bytes())?;
    discovery::write(tmp, c, &icons, write)?;
    links::write(tmp, c, &env, write)?;
    // Names for the scan dashboard and reports, from the same build as the code table.
    write(&tmp.join(crate::stats::labels::LABELS_JSON), crate::stats::Labels::from_collection(c).to_json().as_bytes())?;
    offline::write(tmp, c, &media, &words, options.preview, |lang| offline::render_page(&env, c, lang), write)?;
    compress::precompress(tmp)?;
    write(&tmp.join(STAMP), id.as_bytes())?;
    mo.prune()?;
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    carry_over(out, tmp, now)?;
    Ok(pages + 1)
}

/// Keeps the previous output's fingerprinted files (under `media/` and `_/`) that the new build in `tmp`
/// lacks, for [`KEEP_RETIRED`] after the first build without them (`now` in seconds since 1970); hard
/// links where the system allows, so keeping them costs no space. Returns how many were kept.
fn carry_over(out: &Path, tmp: &Path, now: u64) -> Result<usize> {
    let since: std::collections::HashMap<String, u64> = fs::read_to_string(out.join(RETIRED))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t').and_then(|(t, p)| Some((p.to_string(), t.parse().ok()?))))
        .collect();
    let mut kept = String::new();
    let mut count = 0;
    for dir in ["media", "_"] {
        let d = out.join(dir);
        if !d.is_dir() {
            continue;
        }
        for f in crate::files::walk(&d)? {
            let Ok(rel) = f.strip_prefix(out) else { continue };
            let dest = tmp.join(rel);
            if dest.exists() {
                continue;
            }
            let key = rel.to_string_lossy().replace('\\', "/");
            let retired = since.get(&key).copied().unwrap_or(now);
            if now.saturating_sub(retired) >= KEEP_RETIRED.as_secs() {
                continue;
            }
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            if fs::hard_link(&f, &dest).is_err() {
                fs::copy(&f, &dest).with_context(|| format!("cannot keep {} for open pages", f.display()))?;
            }
            kept.push_str(&format!("{retired}\t{key}\n"));
            count += 1;
        }
    }
    if count > 0 {
        write(&tmp.join(RETIRED), kept.as_bytes())?;
    }
    Ok(count)
}

/// A site's panoramas and its link-preview picture (made from the first one), in order.
fn site_panoramas(mo: &MediaOut, s: &site::model::Site) -> Result<(Vec<media::PanoramaOut>, Option<String>)> {
    let dir = format!("media/{}", s.slug);
    let panoramas = s.scenes.iter().map(|sc| mo.panorama(&dir, &sc.id, &sc.panorama)).collect::<Result<_>>()?;
    let share = s.scenes.first().map(|sc| mo.share_image(&dir, sc)).transpose()?;
    Ok((panoramas, share))
}

fn site_media(
    mo: &MediaOut,
    c: &Collection,
    s: &site::model::Site,
    panoramas: Vec<media::PanoramaOut>,
    share: Option<String>,
) -> Result<SiteMedia> {
    let dir = format!("media/{}", s.slug);
    let photos = s
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| mo.photo(&dir, &format!("photo-{}", i + 1), &p.path))
        .collect::<Result<_>>()?;
    let narration = narration::media(mo, &dir, s)?;
    let audio = narration.site_audio.iter().map(|(l, u)| (l.clone(), u.clone())).collect();
    let mut m = SiteMedia { panoramas, photos, audio, share, narration, pages: Default::default() };
    m.pages = page_files::write(mo, c, s, &m)?;
    Ok(m)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Replaces `out` with `tmp`: the old output is moved aside first and removed only after the new one is in place.
fn swap_in(tmp: &Path, out: &Path) -> Result<()> {
    let old = out.with_file_name(format!(
        ".{}.old-{}",
        out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let had_old = out.exists();
    if had_old {
        fs::rename(out, &old).with_context(|| format!("cannot move the previous {} aside", out.display()))?;
    }
    if let Err(e) = fs::rename(tmp, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(e).with_context(|| format!("cannot put the new build in place at {}", out.display()));
    }
    if had_old {
        fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(())
}

/// Removes the half-written output of builds that were killed (`.dist.building-<pid>` whose process is
/// gone), so they do not pile up. A folder of a build still running (its process alive) is left alone.
fn clear_stale_builds(parent: &Path, name: &str) {
    let prefix = format!(".{name}.building-");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for e in entries.filter_map(Result::ok) {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        // Only where the process table can be read; elsewhere nothing is guessed.
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if pid != std::process::id() && Path::new("/proc/self").exists() && !alive {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_builds_files_are_kept_for_a_while() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (out, tmp) = (dir.path().join("dist"), dir.path().join("tmp"));
        for (p, body) in [("media/s/old.1.jpg", "old tile"), ("media/s/both.jpg", "old both"), ("vi/index.html", "p")] {
            write(&out.join(p), body.as_bytes()).expect("old");
        }
        write(&tmp.join("media/s/both.jpg"), b"new both").expect("new");
        let day = 24 * 3600;
        assert_eq!(carry_over(&out, &tmp, 10 * day).expect("carry"), 1);
        assert_eq!(fs::read_to_string(tmp.join("media/s/old.1.jpg")).expect("kept"), "old tile");
        assert_eq!(fs::read_to_string(tmp.join("media/s/both.jpg")).expect("new"), "new both", "the new build wins");
        assert!(!tmp.join("vi/index.html").exists(), "pages are not kept");
        // The next builds keep it, counting from when it was first left out, and drop it after 7 days.
        swap_in(&tmp, &out).expect("swap");
        let next = dir.path().join("next");
        fs::create_dir_all(&next).expect("next");
        assert_eq!(carry_over(&out, &next, 16 * day).expect("carry"), 2, "the old tile, and now both.jpg");
        swap_in(&next, &out).expect("swap");
        let last = dir.path().join("last");
        fs::create_dir_all(&last).expect("last");
        assert_eq!(carry_over(&out, &last, 17 * day).expect("carry"), 1);
        assert!(!last.join("media/s/old.1.jpg").exists(), "retired on day 10, gone on day 17");
        assert!(last.join("media/s/both.jpg").exists(), "retired on day 16");
    }
}
