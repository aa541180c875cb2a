//! What a visitor's phone keeps for use without a network: the per-site list of files (with byte sizes)
//! that the service worker saves, the friendly page it shows for a site that was not saved, and the
//! service worker itself, stamped with a version that changes whenever anything it would keep changes.
//!
//! The list lives in `offline.json` at the root of the output (not fingerprinted: the host sends it
//! `no-cache`); the service worker is `/sw.js`, at a stable address so browsers find each new version.
//! The save-for-offline box's words come with the later scripts' words (see [`super::page_files`]), kept
//! with the scripts.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use minijinja::{Environment, context};
use serde::Serialize;

use super::assets;
use super::hash::StableHash;
use super::pages::{Kind, Meta, SiteMedia, common, pick, site_url};
use crate::site::Collection;

/// Where the list of what each site needs offline is written, inside the output.
pub const MANIFEST: &str = "offline.json";
/// Where the service worker is written, inside the output (its scope is the whole site).
pub const SERVICE_WORKER: &str = "sw.js";
/// Marker in `static/sw.js` replaced by the version.
const VERSION_MARK: &str = "__DISAN_OFFLINE_VERSION__";
/// Shipped assets that only the editors' preview loads: never kept on visitors' phones.
const PREVIEW_ONLY: &[&str] = &["preview.js", "preview.css"];

/// A file to keep: its URL and its size in bytes.
type File = (String, u64);

/// `offline.json`.
#[derive(Debug, Serialize)]
struct Manifest {
    /// Changes whenever anything listed changes (see [`write`]).
    version: String,
    languages: Vec<String>,
    /// Kept as soon as the worker is installed: styles, scripts and their words, the offline pages, the
    /// code table.
    boot: Vec<File>,
    /// Per language: the home page, kept with the first site kept in that language.
    home: BTreeMap<String, Vec<File>>,
    sites: Vec<SiteFiles>,
}

/// The files one site needs offline: those every language shares, and those of each language.
#[derive(Debug, Serialize)]
struct SiteFiles {
    slug: String,
    /// The site's name per language, for the list of saved sites.
    name: BTreeMap<String, String>,
    /// Page URL per language.
    pages: BTreeMap<String, String>,
    /// Scene previews, level-1 tiles of every scene, photo thumbnails.
    all: Vec<File>,
    /// Per language: the page, its narration (recordings, captions, the narration script's data) and its
    /// print QR code.
    langs: BTreeMap<String, Vec<File>>,
}

impl Manifest {
    /// Every file listed (some more than once).
    fn files(&self) -> impl Iterator<Item = &File> {
        let sites = self.sites.iter().flat_map(|s| s.all.iter().chain(s.langs.values().flatten()));
        self.boot.iter().chain(self.home.values().flatten()).chain(sites)
    }
}

/// The URL of the friendly offline page in `lang`.
pub fn offline_page_url(lang: &str) -> String {
    format!("/{lang}/offline.html")
}

/// Writes the offline page of every language, then `offline.json` and `sw.js`; call after every page and
/// media file is in `out` (sizes are read from it) and before precompression.
///
/// The editors' preview (`preview`) gets a service worker that removes itself and whatever a visitor's
/// build left on that address, so an editor never looks at a kept copy instead of the page just rebuilt.
pub fn write(
    out: &Path,
    c: &Collection,
    media: &[SiteMedia],
    words: &BTreeMap<String, String>,
    preview: bool,
    render_page: impl Fn(&str) -> Result<String>,
    write: impl Fn(&Path, &[u8]) -> Result<()>,
) -> Result<()> {
    let sw = assets::bytes(SERVICE_WORKER).context("the service worker is missing from the program")?;
    let sw = String::from_utf8(sw).context("the service worker is not UTF-8")?;
    if preview {
        return write(&out.join(SERVICE_WORKER), sw.replace(VERSION_MARK, "").as_bytes());
    }
    for lang in &c.languages {
        let html = render_page(lang)?;
        write(&out.join(offline_page_url(lang).trim_start_matches('/')), html.as_bytes())?;
    }
    let mut manifest = manifest(out, c, media, words)?;
    let text = serde_json::to_string(&manifest).context("cannot serialise the offline list")?;
    // The version covers the list (every fingerprinted name and size) and the bytes of every page it
    // names, which are not fingerprinted: a changed word in a page makes a new version, as does a new tile.
    let pages: BTreeSet<&str> = manifest.files().map(|(u, _)| u.as_str()).filter(|u| !is_fingerprinted(u)).collect();
    let mut h = StableHash::new().with(&text);
    for page in pages {
        let path = file_of(out, page);
        h = h.with(fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?);
    }
    manifest.version = h.hex(16);
    let text = serde_json::to_string(&manifest).context("cannot serialise the offline list")?;
    write(&out.join(MANIFEST), text.as_bytes())?;
    write(&out.join(SERVICE_WORKER), sw.replace(VERSION_MARK, &manifest.version).as_bytes())
}

/// The friendly page a visitor gets offline for a page this phone did not keep, in `lang`: it lists the
/// kept sites (filled in by `offline.js`, which asks the service worker).
pub fn render_page(env: &Environment, c: &Collection, lang: &str) -> Result<String> {
    let tmpl = env.get_template("offline.html")?;
    // Not a page to list or share: no canonical address, no preview picture.
    let meta = Meta { title: pick(&c.title, lang), ..Meta::default() };
    tmpl.render(context! { page => "offline", ..common(c, lang, Kind::Small, offline_page_url, meta) })
        .with_context(|| format!("cannot render the offline page in {lang}"))
}

/// The file in `out` that answers `url` (a folder's `index.html` for addresses ending in `/`).
fn file_of(out: &Path, url: &str) -> std::path::PathBuf {
    let mut path = out.join(url.trim_start_matches('/'));
    if url.ends_with('/') {
        path.push("index.html");
    }
    path
}

/// True for URLs whose name carries a content hash (they never change, so any build may share them).
pub fn is_fingerprinted(url: &str) -> bool {
    (url.starts_with(assets::ASSET_PREFIX) && url != format!("/{}", super::links::LINKS_JSON))
        || url.starts_with("/media/")
}

/// The list of files per site, with sizes read from `out`.
fn manifest(out: &Path, c: &Collection, media: &[SiteMedia], words: &BTreeMap<String, String>) -> Result<Manifest> {
    let size = |url: &str| -> Result<File> {
        let path = file_of(out, url);
        let meta =
            fs::metadata(&path).with_context(|| format!("cannot read {} for the offline list", path.display()))?;
        Ok((url.to_string(), meta.len()))
    };
    // Always kept once the service worker is installed: the pages' styles and scripts, and the friendly
    // offline page of every language.
    let mut boot = Vec::new();
    let unused = super::pages::unused_stylesheets(c);
    for (name, _) in assets::ASSET_NAMES.iter().filter(|(n, _)| !PREVIEW_ONLY.contains(n) && !unused.contains(n)) {
        if let Some(url) = assets::url(name) {
            boot.push(size(&url)?);
        }
    }
    for lang in &c.languages {
        boot.push(size(&offline_page_url(lang))?);
    }
    // The later scripts' words (the save box's, the narration's), so they work on a kept page.
    for url in words.values() {
        boot.push(size(url)?);
    }
    // The placard code table, so a placard scanned without a network still opens a kept site.
    boot.push(size(&format!("/{}", super::links::LINKS_JSON))?);
    // Kept with the first site saved in a language: that language's home page (and the root page, which
    // is the default language's home page).
    let mut home = BTreeMap::new();
    for (i, lang) in c.languages.iter().enumerate() {
        let mut files = vec![size(&format!("/{lang}/"))?];
        // The root page, where the build writes one (a host may answer `/` with a redirect instead).
        if i == 0 && out.join("index.html").is_file() {
            files.push(size("/")?);
        }
        home.insert(lang.clone(), files);
    }
    let mut sites = Vec::new();
    for (s, m) in c.sites.iter().zip(media) {
        let mut all = Vec::new();
        for p in &m.panoramas {
            all.push(size(&p.preview_url)?);
            all.extend(level_one_tiles(out, &p.tiles.0)?);
        }
        for (_, thumb, _, _) in &m.photos {
            all.push(size(thumb)?);
        }
        let (mut langs, mut pages, mut name) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for lang in &c.languages {
            let page = site_url(lang, &s.slug);
            let mut files = vec![size(&page)?];
            if let Some((_, audio)) = m.audio.iter().find(|(l, _)| l == lang) {
                files.push(size(audio)?);
            }
            // Each scene's own recording and every captions file in this language.
            for audio in m.narration.scene_audio.iter().filter_map(|a| a.get(lang)) {
                files.push(size(audio)?);
            }
            for ((_, l), captions) in &m.narration.captions {
                if l == lang {
                    files.push(size(captions)?);
                }
            }
            // What the page fetches on use or for printing: the narration's data and the QR code.
            if let Some(f) = m.pages.get(lang) {
                files.extend(f.narration.iter().map(|n| size(&n.url)).collect::<Result<Vec<_>>>()?);
                files.push(size(&f.qr)?);
            }
            langs.insert(lang.clone(), files);
            pages.insert(lang.clone(), page);
            name.insert(lang.clone(), pick(&s.name, lang));
        }
        sites.push(SiteFiles { slug: s.slug.clone(), name, pages, all, langs });
    }
    Ok(Manifest { version: String::new(), languages: c.languages.clone(), boot, home, sites })
}

/// The level-1 tiles of a pyramid whose folder URL is `dir` (`/media/{site}/{scene}.{hash}/`), read from
/// the output so the list is exactly what was written.
fn level_one_tiles(out: &Path, dir: &str) -> Result<Vec<File>> {
    let folder = out.join(dir.trim_start_matches('/')).join("1");
    let mut tiles = Vec::new();
    for e in fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))? {
        let e = e.with_context(|| format!("cannot list {}", folder.display()))?;
        let meta = e.metadata().with_context(|| format!("cannot read {}", e.path().display()))?;
        if meta.is_file() {
            tiles.push((format!("{dir}1/{}", e.file_name().to_string_lossy()), meta.len()));
        }
    }
    tiles.sort();
    Ok(tiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_urls() {
        assert!(is_fingerprinted("/_/site.0123456789.css"));
        assert!(is_fingerprinted("/media/demo/cong.0123456789/1/f0_0.jpg"));
        assert!(!is_fingerprinted("/vi/demo/"));
        assert!(!is_fingerprinted("/offline.json"));
        assert!(!is_fingerprinted("/_/links.json"), "the code table keeps its name from build to build");
    }
}
