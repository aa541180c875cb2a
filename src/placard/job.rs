//! What `disan placards` does: picks the collection's placards, sets them in print-ready PDFs (and SVG and
//! PNG codes for designers), and records every printed code in the link registry so it keeps working.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use super::fonts::shipped_fonts;
use super::{EcLevel, Format, Options, PlacardSpec, Sheet, placards_pdf, qr_png, qr_svg, sheet_pdf};
use crate::build::pages::pick;
use crate::site::{Collection, links};

/// What to print.
#[derive(Debug, Clone)]
pub struct Job {
    /// Output folder.
    pub out: PathBuf,
    /// Only this site's placards.
    pub site: Option<String>,
    /// Page options (format, marks, viewing distance, logo).
    pub options: Options,
    /// Also impose sticker-size copies on sheets of this size.
    pub sheet: Option<Sheet>,
}

/// Files written.
#[derive(Debug)]
pub struct Written {
    /// Every file, in writing order.
    pub files: Vec<PathBuf>,
    /// Codes printed for the first time (added to the registry).
    pub new_codes: Vec<String>,
}

/// The placards of the collection (or of one site), ready to set.
pub fn specs(c: &Collection, site: Option<&str>) -> Result<Vec<PlacardSpec>> {
    if let Some(slug) = site.filter(|slug| !c.sites.iter().any(|s| s.slug == *slug)) {
        let known: Vec<&str> = c.sites.iter().map(|s| s.slug.as_str()).collect();
        bail!("there is no site `{slug}`; sites: {}", known.join(", "));
    }
    // The collection's `placard_languages` (its first two languages unless chosen).
    let (first, second) = (c.placard_languages.0.as_str(), c.placard_languages.1.as_str());
    let host = c.public_url.split_once("://").map(|(_, rest)| rest).unwrap_or(&c.public_url);
    // Sponsors who asked to be printed, in the placard's first language.
    let credit: Vec<String> = c.sponsors.iter().filter(|s| s.placard_credit).map(|s| pick(&s.name, first)).collect();
    let mut out = Vec::new();
    for s in c.sites.iter().filter(|s| site.is_none_or(|slug| s.slug == slug)) {
        for p in &s.placards {
            out.push(PlacardSpec {
                code: p.code.clone(),
                url: format!("{}/q/{}", c.public_url, p.code),
                short_url: format!("{host}/q/{}", p.code),
                languages: c.placard_languages.clone(),
                name: pick(&s.name, first),
                name_2: pick(&s.name, second),
                label: pick(&p.label, first),
                label_2: pick(&p.label, second),
                organisation: pick(&c.organisation, first),
                credit: credit.join(", "),
            });
        }
    }
    if out.is_empty() {
        bail!("no placards to print: add `placards:` to a site file");
    }
    Ok(out)
}

/// Sets and writes the placards, then records their codes in `sites/links.yaml`.
pub fn run(c: &Collection, job: &Job) -> Result<Written> {
    let specs = specs(c, job.site.as_deref())?;
    let fonts = shipped_fonts()?;
    // Everything is set and verified in memory first: a failure writes nothing.
    let pdf = placards_pdf(&specs, &job.options, &fonts)?;
    let sheet = match job.sheet {
        Some(sheet) => {
            let opts = Options { format: Format::Sticker, ..job.options.clone() };
            Some((sheet, sheet_pdf(&specs, sheet, &opts, &fonts)?))
        }
        None => None,
    };
    let ec = if job.options.logo.is_some() { EcLevel::H } else { EcLevel::Q };
    let mut codes = Vec::new();
    for s in &specs {
        codes.push((s.code.clone(), qr_svg(&s.url, ec)?, qr_png(&s.url, ec, job.options.format.qr_mm())?));
    }

    let mut files = Vec::new();
    let name = job.site.as_deref().unwrap_or("placards");
    let mut write = |path: PathBuf, bytes: &[u8]| -> Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        files.push(path);
        Ok(())
    };
    write(job.out.join(format!("{name}-{}.pdf", job.options.format.name().to_ascii_lowercase())), &pdf)?;
    if let Some((sheet, bytes)) = sheet {
        write(job.out.join(format!("{name}-stickers-{}.pdf", sheet.name().to_ascii_lowercase())), &bytes)?;
    }
    for (code, svg, png) in codes {
        write(job.out.join("qr").join(format!("{code}.svg")), svg.as_bytes())?;
        write(job.out.join("qr").join(format!("{code}.png")), &png)?;
    }
    let new_codes = links::record(&c.root.join("sites"), &c.links)?;
    Ok(Written { files, new_codes })
}

/// Parses `a4`, `a5`, `a6` or `sticker`.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::ALL
        .into_iter()
        .find(|f| f.name().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("`{s}` is not a4, a5, a6 or sticker"))
}

/// Parses `a4` or `a3`.
pub fn parse_sheet(s: &str) -> Result<Sheet, String> {
    match s.to_ascii_lowercase().as_str() {
        "a4" => Ok(Sheet::A4),
        "a3" => Ok(Sheet::A3),
        _ => Err(format!("`{s}` is not a4 or a3")),
    }
}

/// Reads a logo file for the QR centre.
pub fn read_logo(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read the logo {}", path.display()))
}
