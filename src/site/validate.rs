//! Checks what editors wrote and resolves it into the model: ranges, ids, links between scenes, languages,
//! unique codes, and media files (through [`super::media`]). Every problem is recorded; nothing stops early.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::media::{self, MediaKind, MediaRef};
use super::model::*;
use super::raw::{self, LangText, RawCollection, RawSite, SCHEMA_VERSION};
use super::source::YamlFile;
use crate::messages::Msg;
use crate::report::{Report, suggest};

/// Text as every later stage wants it: NFC, trimmed of surrounding blank space.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Per-file checking context.
struct Ctx<'a> {
    src: &'a YamlFile,
    langs: &'a [String],
    report: &'a mut Report,
}

impl Ctx<'_> {
    fn err(&mut self, path: &str, message: Msg) {
        let d = self.src.diag(path, message);
        self.report.push(d);
    }

    fn value_hint(&mut self, path: &str, message: Msg, hint: Msg) {
        let d = self.src.diag_value(path, message).with_hint(hint);
        self.report.push(d);
    }

    fn err_hint(&mut self, path: &str, message: Msg, hint: Msg) {
        let d = self.src.diag(path, message).with_hint(hint);
        self.report.push(d);
    }

    /// Normalises a language map and reports missing or unknown languages.
    fn text(&mut self, path: &str, raw: &LangText) -> Text {
        let mut out = Text::new();
        for (lang, value) in raw {
            let key = format!("{path}.{lang}");
            if !self.langs.contains(lang) {
                let hint = match suggest(lang, self.langs.iter().map(String::as_str)) {
                    Some(s) => Msg::DidYouMean { word: s.into() },
                    None => Msg::HintLanguages { langs: self.langs.join(", ") },
                };
                self.err_hint(&key, Msg::UnknownLanguage { lang: lang.clone() }, hint);
                continue;
            }
            let v = nfc(value);
            if v.is_empty() {
                self.err(&key, Msg::EmptyText { path: path.into(), lang: lang.clone() });
            }
            out.insert(lang.clone(), v);
        }
        for lang in self.langs {
            if !raw.contains_key(lang) {
                self.err_hint(
                    path,
                    Msg::MissingText { path: path.into(), lang: lang.clone() },
                    Msg::HintAddLanguage { lang: lang.clone(), path: path.into() },
                );
            }
        }
        out
    }

    fn opt_text(&mut self, path: &str, raw: &Option<LangText>) -> Option<Text> {
        raw.as_ref().map(|t| self.text(path, t))
    }

    fn range(&mut self, path: &str, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) || !value.is_finite() {
            self.value_hint(
                path,
                Msg::OutOfRange { path: path.into(), value, min, max },
                Msg::HintDegrees { min, max },
            );
        }
    }

    /// Checks a web address given with a link (`sponsors[0].url`, a credit's `url`).
    fn web_url(&mut self, path: &str, url: &Option<String>) -> Option<String> {
        let url = nfc(url.as_deref()?);
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or("");
        if host.is_empty() || host.starts_with('/') || url.contains(char::is_whitespace) {
            self.value_hint(path, Msg::NotAWebAddress { url: url.clone() }, Msg::HintFullAddress);
        }
        Some(url)
    }

    /// Checks a media item's credit.
    fn credit(&mut self, path: &str, raw: &Option<raw::RawCredit>) -> Option<Credit> {
        let c = raw.as_ref()?;
        let author = c.author.as_deref().map(nfc).filter(|a| !a.is_empty());
        if author.is_none() && !c.generated {
            self.err_hint(path, Msg::CreditNeedsAuthor, Msg::HintCreditAuthor);
        }
        let holder = c.holder.as_deref().map(nfc).filter(|h| !h.is_empty());
        if c.licence == Some(Licence::AllRightsReserved) && holder.is_none() {
            self.value_hint(
                &format!("{path}.licence"),
                Msg::ReservedNeedsHolder,
                Msg::HintHolder { licences: "cc_by, cc_by_sa, cc0".into() },
            );
        }
        let url = self.web_url(&format!("{path}.url"), &c.url);
        Some(Credit { author, generated: c.generated, licence: c.licence, holder, url })
    }

    /// Checks one key fact: a number with a unit that fits its kind, or words.
    fn fact(&mut self, path: &str, f: &raw::RawFact) -> Option<Fact> {
        let kind = yaml_name(f.kind);
        let label = self.opt_text(&format!("{path}.label"), &f.label);
        if f.kind == FactKind::Other && label.is_none() {
            self.err_hint(path, Msg::OtherFactNeedsLabel, Msg::HintFactLabel);
        }
        let note = self.opt_text(&format!("{path}.note"), &f.note);
        let units = f.kind.units();
        let unit_list = || units.iter().map(|u| u.symbol()).collect::<Vec<_>>().join(", ");
        let value = match (f.value, &f.text) {
            (Some(_), Some(_)) => {
                self.err_hint(&format!("{path}.text"), Msg::FactValueAndText, Msg::HintFactKeepOne);
                return None;
            }
            (None, None) => {
                self.err_hint(path, Msg::FactNeedsValue, Msg::HintFactValue);
                return None;
            }
            (None, Some(text)) => {
                if f.unit.is_some() {
                    self.err_hint(&format!("{path}.unit"), Msg::FactTextUnit, Msg::HintRemoveUnit);
                }
                FactValue::Text(self.text(&format!("{path}.text"), text))
            }
            (Some(v), None) => {
                let vpath = format!("{path}.value");
                let whole = v.is_finite() && v.fract() == 0.0;
                if f.kind.is_year() && !(whole && (1..=9999).contains(&(v as i64))) {
                    self.value_hint(&vpath, Msg::NotAYear { value: v }, Msg::HintYear { example: "1863".into() });
                } else if units.is_empty() && !f.kind.is_year() && !(whole && v >= 0.0) {
                    self.value_hint(&vpath, Msg::CountNotWhole { kind: kind.clone(), value: v }, Msg::HintWholeCount);
                } else if !v.is_finite() || (f.kind != FactKind::Altitude && v <= 0.0) {
                    self.value_hint(&vpath, Msg::NotPositive { kind: kind.clone(), value: v }, Msg::HintPositive);
                }
                let unit = match f.unit.as_deref().map(str::trim) {
                    None if !units.is_empty() && f.kind != FactKind::Other => {
                        self.err_hint(
                            path,
                            Msg::NeedsUnit { kind: kind.clone() },
                            Msg::HintAddUnit { units: unit_list() },
                        );
                        None
                    }
                    None => None,
                    Some(u) if units.is_empty() => {
                        let (kind, unit) = (kind.clone(), u.to_string());
                        let message = if f.kind.is_year() {
                            Msg::YearTakesNoUnit { kind, unit }
                        } else {
                            Msg::CountTakesNoUnit { kind, unit }
                        };
                        self.value_hint(&format!("{path}.unit"), message, Msg::HintNumberAlone);
                        None
                    }
                    Some(u) => match Unit::parse(u) {
                        Some(unit) if units.contains(&unit) => Some(unit),
                        Some(_) => {
                            self.value_hint(
                                &format!("{path}.unit"),
                                Msg::UnitDoesNotFit { unit: u.into(), kind: kind.clone() },
                                Msg::HintUnits { kind: kind.clone(), units: unit_list() },
                            );
                            None
                        }
                        None => {
                            let hint = match unit_synonym(u).or_else(|| {
                                suggest(
                                    u,
                                    units.iter().flat_map(|u| {
                                        Unit::ALL
                                            .iter()
                                            .find(|(x, _)| x == u)
                                            .map(|(_, names)| names.iter().copied())
                                            .into_iter()
                                            .flatten()
                                    }),
                                )
                                .and_then(Unit::parse)
                            }) {
                                Some(unit) if units.contains(&unit) => Msg::DidYouMean { word: unit.symbol().into() },
                                _ => Msg::HintUnits { kind: kind.clone(), units: unit_list() },
                            };
                            self.value_hint(&format!("{path}.unit"), Msg::UnknownUnit { unit: u.into() }, hint);
                            None
                        }
                    },
                };
                FactValue::Number(v, unit)
            }
        };
        Some(Fact { kind: f.kind, label, value, note })
    }

    fn schema(&mut self, version: u32) {
        if version != SCHEMA_VERSION {
            self.err_hint("schema", Msg::SchemaUnsupported { version }, Msg::HintSchema { version: SCHEMA_VERSION });
        }
    }
}

/// True for ids used in addresses: lowercase ASCII letters, digits and inner hyphens.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The YAML (snake_case) name of an enum value, for messages.
fn yaml_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Units editors commonly write out in words (English and Vietnamese), for "did you mean" hints.
fn unit_synonym(s: &str) -> Option<Unit> {
    let s = s.to_lowercase();
    let s = s.trim_end_matches('s');
    Some(match s {
        "sqm" | "sq m" | "m^2" | "square metre" | "square meter" | "mét vuông" => Unit::SquareMetre,
        "hectare" | "hecta" | "héc-ta" | "héc ta" => Unit::Hectare,
        "km^2" | "sq km" | "square kilometre" | "square kilometer" | "ki-lô-mét vuông" => Unit::SquareKilometre,
        "metre" | "meter" | "mét" | "met" => Unit::Metre,
        "kilometre" | "kilometer" | "ki-lô-mét" | "cây số" => Unit::Kilometre,
        _ => return None,
    })
}

/// What an id looks like.
fn id_hint() -> Msg {
    Msg::HintId { example: "den-doc-cuoc".into() }
}

/// Checks the collection file and every site, and resolves them when all is well.
pub fn collection(
    root: &Path,
    (src, raw): (YamlFile, RawCollection),
    sites: Vec<(YamlFile, RawSite)>,
    links: Option<(YamlFile, super::links::RawLinks)>,
    report: &mut Report,
) -> Option<Collection> {
    let languages: Vec<String> = raw.languages.iter().map(|l| nfc(l)).collect();
    let mut ctx = Ctx { src: &src, langs: &languages, report };
    ctx.schema(raw.schema);
    if languages.is_empty() {
        ctx.err_hint("languages", Msg::NoLanguages, Msg::HintListLanguages);
    }
    let mut seen = HashSet::new();
    for (i, lang) in languages.iter().enumerate() {
        let valid = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
        if !valid {
            ctx.err_hint(
                &format!("languages[{i}]"),
                Msg::NotALanguageCode { code: lang.clone() },
                Msg::HintLanguageCode,
            );
        }
        if !seen.insert(lang) {
            ctx.err(&format!("languages[{i}]"), Msg::LanguageTwice { lang: lang.clone() });
        }
    }
    // A language disan has no interface words for still works, with English buttons: said once, as a warning.
    let known = crate::words::known();
    for (i, lang) in languages.iter().enumerate() {
        if !known.contains(&lang.as_str()) && !languages[..i].contains(lang) {
            let d = ctx
                .src
                .diag_value(&format!("languages[{i}]"), Msg::NoInterfaceWords { lang: lang.clone() })
                .with_hint(Msg::HintInterfaceWords { lang: lang.clone(), known: known.join(", ") })
                .warning();
            ctx.report.push(d);
        }
    }
    let placard_languages = placard_languages(&mut ctx, &languages, raw.placard_languages.as_deref());
    let public_url = raw.public_url.trim().trim_end_matches('/').to_string();
    if let Err(why) = check_public_url(&public_url) {
        ctx.value_hint("public_url", Msg::PublicUrl { why: why.boxed() }, Msg::HintPublicUrl);
    }
    let title = ctx.text("title", &raw.title);
    let description = ctx.opt_text("description", &raw.description);
    let organisation = ctx.text("organisation", &raw.organisation);

    let mut resolved = Vec::new();
    let mut media_refs = Vec::new();
    let mut placard_codes: HashMap<String, (usize, usize)> = HashMap::new();
    let mut site_sources: Vec<YamlFile> = Vec::new();
    for (idx, (site_src, site_raw)) in sites.into_iter().enumerate() {
        let mut ctx = Ctx { src: &site_src, langs: &languages, report: &mut *report };
        let site = site(root, &mut ctx, site_raw, &mut media_refs, idx);
        for (p, placard) in site.placards.iter().enumerate() {
            if let Some((other_site, other_p)) = placard_codes.get(&placard.code) {
                let other: &YamlFile = &site_sources[*other_site];
                let line = other.locator.find(&format!("placards[{other_p}].code")).map(|p| p.line).unwrap_or(0);
                ctx.err_hint(
                    &format!("placards[{p}].code"),
                    Msg::PlacardCodeTwice { code: placard.code.clone() },
                    Msg::HintCodeUsed { file: other.file.display().to_string(), line },
                );
            } else {
                placard_codes.insert(placard.code.clone(), (idx, p));
            }
        }
        site_sources.push(site_src);
        resolved.push(site);
    }
    let (media_problems, timings) = media::check_all_timed(&media_refs);
    for problem in media_problems {
        let d = site_sources[problem.site].diag_value(&problem.yaml_path, problem.message);
        report.push(match problem.hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }
    captions_within_recordings(root, &resolved, &timings, report);
    let mut ctx = Ctx { src: &src, langs: &languages, report: &mut *report };
    let mut rank = HashMap::new();
    for (i, slug) in raw.order.iter().enumerate() {
        // Judge by the files present, so a site file with its own errors does not also fail `order`.
        let exists = ["yaml", "yml"].iter().any(|ext| root.join("sites").join(format!("{slug}.{ext}")).is_file());
        if !exists {
            let hint = match suggest(slug, resolved.iter().map(|s| s.slug.as_str())) {
                Some(s) => Msg::DidYouMean { word: s.into() },
                None => Msg::HintOrderSlugs,
            };
            ctx.value_hint(&format!("order[{i}]"), Msg::OrderNamesNoSite { slug: slug.clone() }, hint);
        } else if rank.insert(slug.as_str(), i).is_some() {
            ctx.err(&format!("order[{i}]"), Msg::OrderTwice { slug: slug.clone() });
        }
    }
    resolved.sort_by_key(|s| rank.get(s.slug.as_str()).copied().unwrap_or(usize::MAX));
    let mut tiles = super::model::TileSettings::default();
    if let Some(t) = &raw.tiles {
        tiles.format = t.format;
        match t.quality {
            Some(q @ 1..=100) => tiles.quality = q as u8,
            Some(q) => {
                ctx.value_hint("tiles.quality", Msg::TileQuality { quality: q.to_string() }, Msg::HintTileQuality)
            }
            None => {}
        }
    }
    let sponsors = sponsors(root, &mut ctx, &raw.sponsors);
    let utc_offset_minutes = match raw.utc_offset.as_deref().map(crate::stats::time::parse_utc_offset) {
        None => crate::stats::time::DEFAULT_UTC_OFFSET_MINUTES,
        Some(Ok(minutes)) => minutes,
        Some(Err(why)) => {
            let _ = why;
            let value = raw.utc_offset.clone().unwrap_or_default();
            ctx.value_hint("utc_offset", Msg::UtcOffsetBad { value }, Msg::HintUtcOffset);
            crate::stats::time::DEFAULT_UTC_OFFSET_MINUTES
        }
    };
    let links = super::links::resolve(&resolved, links.as_ref().map(|(f, l)| (f, l)), report);
    Some(Collection {
        root: root.to_path_buf(),
        title,
        description,
        public_url,
        languages,
        organisation,
        contact: raw.contact.map(|c| nfc(&c)),
        sites: resolved,
        links,
        tiles,
        sponsors,
        utc_offset_minutes,
        placard_languages,
        warnings: Vec::new(),
    })
}

/// The two languages placards are printed in: `placard_languages` when given (two different languages of
/// the collection), else the collection's first two (the only one twice for a one-language collection).
fn placard_languages(ctx: &mut Ctx, languages: &[String], chosen: Option<&[String]>) -> (String, String) {
    let first = languages.first().cloned().unwrap_or_else(|| "vi".into());
    let default = (first.clone(), languages.get(1).cloned().unwrap_or(first));
    let Some(chosen) = chosen else { return default };
    let example = || languages.iter().take(2).cloned().collect::<Vec<_>>().join(", ");
    let mut ok = true;
    for (i, lang) in chosen.iter().enumerate() {
        if !languages.contains(lang) {
            let hint = Msg::HintLanguages { langs: languages.join(", ") };
            ctx.value_hint(&format!("placard_languages[{i}]"), Msg::UnknownLanguage { lang: lang.clone() }, hint);
            ok = false;
        }
    }
    if chosen.len() != 2 {
        let hint = Msg::HintPlacardLanguages { langs: example() };
        ctx.err_hint("placard_languages", Msg::PlacardLanguagesCount { count: chosen.len() }, hint);
        return default;
    }
    if chosen[0] == chosen[1] {
        let hint = Msg::HintPlacardLanguages { langs: example() };
        ctx.err_hint("placard_languages", Msg::PlacardLanguagesSame { lang: chosen[0].clone() }, hint);
        return default;
    }
    if ok { (chosen[0].clone(), chosen[1].clone()) } else { default }
}

/// Checks the collection's sponsors, their links and logos (files under `content/`).
fn sponsors(root: &Path, ctx: &mut Ctx, raw: &[raw::RawSponsor]) -> Vec<Sponsor> {
    let mut out = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let path = format!("sponsors[{i}]");
        let logo = s.logo.as_ref().map(|file| {
            let r = MediaRef {
                site: 0,
                yaml_path: format!("{path}.logo"),
                file: file.clone(),
                path: root.join("content").join(file),
                shown: Path::new("content").join(file),
                kind: MediaKind::Logo,
            };
            if let Some(p) = media::check_all(std::slice::from_ref(&r)).pop() {
                let d = ctx.src.diag_value(&p.yaml_path, p.message.clone());
                ctx.report.push(match p.hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                });
            }
            r.path
        });
        out.push(Sponsor {
            name: ctx.text(&format!("{path}.name"), &s.name),
            role: ctx.opt_text(&format!("{path}.role"), &s.role),
            logo,
            url: ctx.web_url(&format!("{path}.url"), &s.url),
            placard_credit: s.placard_credit,
        });
    }
    out
}

fn check_public_url(url: &str) -> Result<(), Msg> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or(Msg::UrlNeedsScheme)?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(Msg::UrlNoHost);
    }
    // Printed codes outlive any laptop: a local address on a placard would never work for a visitor.
    let name = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = name
        .strip_prefix('[')
        .and_then(|h| h.split_once(']'))
        .map_or_else(|| name.split(':').next().unwrap_or(name), |(h, _)| h);
    let local = name.eq_ignore_ascii_case("localhost")
        || name.starts_with("127.")
        || name == "0.0.0.0"
        || name == "::1"
        || name.ends_with(".local");
    if local {
        return Err(Msg::UrlLocal);
    }
    if url.contains(['?', '#', ' ', '\\']) {
        return Err(Msg::UrlNotPlain);
    }
    Ok(())
}

/// Whether `url` may become a link on a page: an `http(s)` address with a host and nothing a browser
/// would quietly drop or reinterpret (`javascript:`, `data:`, spaces, tabs or control characters that
/// browsers strip before reading the scheme). Anything else would be a script or a page of the editor's
/// making under the tour's name.
pub fn check_link(url: &str) -> Result<(), Msg> {
    let url = url.trim();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Msg::LinkHasSpace);
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or(Msg::LinkNotWeb)?;
    if rest.split(['/', '?', '#']).next().unwrap_or("").is_empty() {
        return Err(Msg::UrlNoHost);
    }
    Ok(())
}

fn site(root: &Path, ctx: &mut Ctx, raw: RawSite, media_refs: &mut Vec<MediaRef>, idx: usize) -> Site {
    ctx.schema(raw.schema);
    let stem = ctx.src.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if !is_id(&raw.slug) {
        ctx.value_hint("slug", Msg::BadSlug { slug: raw.slug.clone() }, id_hint());
    } else if raw.slug != stem {
        ctx.value_hint(
            "slug",
            Msg::SlugDiffers { slug: raw.slug.clone(), file: format!("{stem}.yaml") },
            Msg::HintRenameFile { slug: raw.slug.clone(), stem: stem.clone() },
        );
    }
    // Media live in the folder named like the file, so a slug typo is reported once, not per file.
    let content = root.join("content").join(&stem);
    let mut media = |path: &str, file: &str, kind: MediaKind| {
        let resolved = content.join(file);
        let shown = Path::new("content").join(&stem).join(file);
        media_refs.push(MediaRef {
            site: idx,
            yaml_path: path.to_string(),
            file: file.to_string(),
            path: resolved.clone(),
            shown,
            kind,
        });
        resolved
    };

    let name = ctx.text("name", &raw.name);
    let summary = ctx.text("summary", &raw.summary);
    let access = ctx.opt_text("access", &raw.access);
    let facts = raw.facts.iter().enumerate().filter_map(|(i, f)| ctx.fact(&format!("facts[{i}]"), f)).collect();
    let recognition = raw.recognition.map(|r| Recognition {
        level: r.level,
        year: r.year,
        decision: r.decision.map(|d| nfc(&d)),
        note: ctx.opt_text("recognition.note", &r.note),
    });
    ctx.range("location.lat", raw.location.lat, -90.0, 90.0);
    ctx.range("location.lon", raw.location.lon, -180.0, 180.0);
    let location = Location {
        lat: raw.location.lat,
        lon: raw.location.lon,
        approximate: raw.location.approximate,
        address: ctx.opt_text("location.address", &raw.location.address),
    };

    let mut kinds = HashSet::new();
    let mut sections = Vec::new();
    for (i, s) in raw.sections.iter().enumerate() {
        let path = format!("sections[{i}]");
        if !kinds.insert(s.kind) {
            ctx.err_hint(&format!("{path}.kind"), Msg::SectionTwice, Msg::HintMergeSections);
        }
        sections.push(Section {
            kind: s.kind,
            title: ctx.opt_text(&format!("{path}.title"), &s.title),
            text: ctx.text(&format!("{path}.text"), &s.text),
        });
    }

    let photos = raw
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| Photo {
            path: media(&format!("photos[{i}].file"), &p.file, MediaKind::Photo),
            caption: ctx.text(&format!("photos[{i}].caption"), &p.caption),
            credit: ctx.credit(&format!("photos[{i}].credit"), &p.credit),
        })
        .collect();

    let scene_ids: Vec<&str> = raw.scenes.iter().map(|s| s.id.as_str()).collect();
    let mut seen_ids = HashSet::new();
    let mut scenes = Vec::new();
    for (i, s) in raw.scenes.iter().enumerate() {
        let path = format!("scenes[{i}]");
        if !is_id(&s.id) {
            ctx.err_hint(&format!("{path}.id"), Msg::BadSceneId { id: s.id.clone() }, id_hint());
        }
        if !seen_ids.insert(s.id.as_str()) {
            ctx.err_hint(&format!("{path}.id"), Msg::SceneIdTwice { id: s.id.clone() }, Msg::HintSceneIdTwice);
        }
        ctx.range(&format!("{path}.yaw"), s.yaw, -180.0, 180.0);
        ctx.range(&format!("{path}.pitch"), s.pitch, -90.0, 90.0);
        ctx.range(&format!("{path}.hfov"), s.hfov, 30.0, 120.0);
        ctx.range(&format!("{path}.north"), s.north, -180.0, 180.0);
        let mut hotspots = Vec::new();
        for (j, h) in s.hotspots.iter().enumerate() {
            let hp = format!("{path}.hotspots[{j}]");
            ctx.range(&format!("{hp}.yaw"), h.yaw, -180.0, 180.0);
            ctx.range(&format!("{hp}.pitch"), h.pitch, -90.0, 90.0);
            match (h.kind, &h.target) {
                (raw::HotspotKind::Scene, None) => {
                    ctx.err_hint(&hp, Msg::SceneHotspotNeedsTarget, Msg::HintAddTarget);
                }
                (raw::HotspotKind::Scene, Some(t)) if !scene_ids.contains(&t.as_str()) => {
                    let hint = match suggest(t, scene_ids.iter().copied()) {
                        Some(s) => Msg::DidYouMean { word: s.into() },
                        None => Msg::HintScenes { scenes: scene_ids.join(", ") },
                    };
                    ctx.value_hint(&format!("{hp}.target"), Msg::HotspotToMissingScene { scene: t.clone() }, hint);
                }
                (raw::HotspotKind::Info, Some(_)) => {
                    ctx.err_hint(&format!("{hp}.target"), Msg::InfoHotspotTarget, Msg::HintInfoTarget);
                }
                _ => {}
            }
            if h.kind == raw::HotspotKind::Info && h.text.is_none() {
                ctx.err_hint(&hp, Msg::InfoHotspotNeedsText, Msg::HintInfoText);
            }
            hotspots.push(Hotspot {
                kind: h.kind,
                target: h.target.clone(),
                yaw: h.yaw,
                pitch: h.pitch,
                title: ctx.text(&format!("{hp}.title"), &h.title),
                text: ctx.opt_text(&format!("{hp}.text"), &h.text),
            });
        }
        scenes.push(Scene {
            id: s.id.clone(),
            title: ctx.text(&format!("{path}.title"), &s.title),
            panorama: media(&format!("{path}.panorama"), &s.panorama, MediaKind::Panorama),
            yaw: s.yaw,
            pitch: s.pitch,
            hfov: s.hfov,
            north: s.north,
            hotspots,
            credit: ctx.credit(&format!("{path}.credit"), &s.credit),
            narration: narrations(ctx, root, &stem, &format!("{path}.narration"), &s.narration, &mut media),
        });
    }

    let narration = narrations(ctx, root, &stem, "narration", &raw.narration, &mut media);

    let mut placards = Vec::new();
    for (i, p) in raw.placards.iter().enumerate() {
        let path = format!("placards[{i}]");
        let code = p.code.trim().to_ascii_lowercase();
        if !is_id(&code) || code.len() > 32 {
            ctx.err_hint(&format!("{path}.code"), Msg::BadPlacardCode { code: p.code.clone() }, Msg::HintPlacardCode);
        }
        if !scene_ids.contains(&p.scene.as_str()) {
            let hint = match suggest(&p.scene, scene_ids.iter().copied()) {
                Some(s) => Msg::DidYouMean { word: s.into() },
                None => Msg::HintScenes { scenes: scene_ids.join(", ") },
            };
            ctx.value_hint(&format!("{path}.scene"), Msg::PlacardToMissingScene { scene: p.scene.clone() }, hint);
        }
        placards.push(Placard { code, scene: p.scene.clone(), label: ctx.text(&format!("{path}.label"), &p.label) });
    }

    for (i, s) in raw.sources.iter().enumerate() {
        if let Some(url) = &s.url
            && let Err(why) = check_link(url)
        {
            let shown: String = url.trim().escape_debug().collect();
            ctx.value_hint(
                &format!("sources[{i}].url"),
                Msg::SourceLink { url: shown, why: why.boxed() },
                Msg::HintLink { example: "https://example.vn/bai-viet".into() },
            );
        }
    }
    let sources = raw
        .sources
        .iter()
        .map(|s| Source { title: nfc(&s.title), url: s.url.as_deref().filter(|u| check_link(u).is_ok()).map(nfc) })
        .collect();

    Site {
        slug: raw.slug,
        file: ctx.src.file.clone(),
        name,
        kind: raw.kind,
        recognition,
        location,
        access,
        summary,
        facts,
        sections,
        photos,
        scenes,
        narration,
        placards,
        sources,
    }
}

/// Checks a `narration:` map (the site's, at `path` = `narration`, or a scene's, `scenes[i].narration`):
/// known languages, each with a recording or a transcript, credits only for recordings, captions read and
/// checked; when given at all, every language of the collection has its entry.
fn narrations(
    ctx: &mut Ctx,
    root: &Path,
    stem: &str,
    path: &str,
    raw: &BTreeMap<String, raw::RawNarration>,
    media: &mut dyn FnMut(&str, &str, MediaKind) -> std::path::PathBuf,
) -> BTreeMap<String, Narration> {
    let mut narration = BTreeMap::new();
    for (lang, n) in raw {
        let lpath = format!("{path}.{lang}");
        if !ctx.langs.contains(lang) {
            ctx.err_hint(
                &lpath,
                Msg::UnknownLanguage { lang: lang.clone() },
                Msg::HintLanguages { langs: ctx.langs.join(", ") },
            );
            continue;
        }
        if n.audio.is_none() && n.transcript.is_none() {
            ctx.err_hint(&lpath, Msg::NarrationEmpty { lang: lang.clone() }, Msg::HintNarration);
        }
        let audio = n.audio.as_ref().map(|a| media(&format!("{lpath}.audio"), a, MediaKind::Audio));
        let transcript = n.transcript.as_deref().map(nfc).filter(|t| !t.is_empty());
        if n.credit.is_some() && n.audio.is_none() {
            ctx.err_hint(&format!("{lpath}.credit"), Msg::CreditWithoutRecording, Msg::HintCreditNeedsAudio);
        }
        let credit = ctx.credit(&format!("{lpath}.credit"), &n.credit);
        let captions = n.captions.as_ref().and_then(|file| {
            let cpath = format!("{lpath}.captions");
            if n.audio.is_none() {
                ctx.err_hint(&cpath, Msg::CaptionsWithoutRecording, Msg::HintCaptionsNeedAudio);
            }
            captions(ctx, root, stem, &cpath, file)
        });
        narration.insert(lang.clone(), Narration { audio, transcript, credit, captions });
    }
    if !raw.is_empty() {
        for lang in ctx.langs {
            if !raw.contains_key(lang) {
                ctx.err_hint(
                    path,
                    Msg::NarrationMissingLanguage { lang: lang.clone() },
                    Msg::HintNarrationLanguage { lang: lang.clone() },
                );
            }
        }
    }
    narration
}

/// Reads and checks a captions file named at `path` (relative to `content/<stem>/`). Mistakes inside the
/// file are reported at their line in it. The cues' end against the recording's length is checked once the
/// recordings have been read ([`captions_within_recordings`]).
fn captions(ctx: &mut Ctx, root: &Path, stem: &str, path: &str, file: &str) -> Option<Captions> {
    let escapes = Path::new(file).components().any(|c| !matches!(c, std::path::Component::Normal(_)));
    if file.trim().is_empty() || escapes || file.contains('\\') {
        ctx.value_hint(path, Msg::PathLeavesContent { file: file.into() }, Msg::HintCaptionsPath);
        return None;
    }
    let shown = Path::new("content").join(stem).join(file);
    let full = root.join(&shown);
    if !full.is_file() {
        let put = Msg::HintPutFile { path: shown.display().to_string() };
        ctx.value_hint(path, Msg::FileNotFound { file: file.into() }, put);
        return None;
    }
    if !file.to_ascii_lowercase().ends_with(".vtt") {
        ctx.value_hint(path, Msg::CaptionsNotVtt { file: file.into() }, Msg::HintVttName);
        return None;
    }
    let len = std::fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
    if len > super::captions::MAX_BYTES {
        ctx.value_hint(path, Msg::CaptionsTooLarge { file: file.into() }, Msg::HintCaptionsText);
        return None;
    }
    let text = match std::fs::read(&full).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            ctx.value_hint(path, Msg::CaptionsNotUtf8 { file: file.into() }, Msg::HintCaptionsUtf8);
            return None;
        }
        Err(e) => {
            let why = e.to_string();
            ctx.value_hint(path, Msg::CaptionsUnreadable { file: file.into(), why }, Msg::HintPermissions);
            return None;
        }
    };
    match super::captions::check(&text, None) {
        Ok(cues) => Some(Captions { path: full, cues }),
        Err(problems) => {
            for p in problems {
                let d = crate::report::Diagnostic::at(&shown, &text, p.pos, p.width, p.message).with_hint(p.hint);
                ctx.report.push(d);
            }
            None
        }
    }
}

/// Captions against their recordings, now that checking the recordings has measured them: a cue that ends
/// after the sound does (the build trims trailing silence) is reported at its end time in the `.vtt` file,
/// exactly as the build would refuse it.
fn captions_within_recordings(
    root: &Path,
    sites: &[Site],
    timings: &HashMap<std::path::PathBuf, crate::audio::Timing>,
    report: &mut Report,
) {
    for site in sites {
        let scenes = site.scenes.iter().flat_map(|sc| sc.narration.values());
        for n in site.narration.values().chain(scenes) {
            let (Some(audio), Some(c)) = (&n.audio, &n.captions) else { continue };
            let Some(t) = timings.get(audio) else { continue };
            let Some(late) = super::captions::past_end(&c.cues, t.seconds + t.lead) else { continue };
            let shown = c.path.strip_prefix(root).unwrap_or(&c.path);
            let text = std::fs::read_to_string(&c.path).unwrap_or_default();
            report.push(
                crate::report::Diagnostic::at(shown, &text, late.pos, late.width, late.message).with_hint(late.hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["den-doc-cuoc", "a", "ss-dc1"] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "Đền", "-a", "a-", "a b", "A", "a/b", ".."] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn nfc_composes_vietnamese() {
        let decomposed = "Đe\u{302}\u{300}n";
        assert_eq!(nfc(decomposed), "Đền");
    }

    #[test]
    fn only_web_addresses_are_links() {
        for ok in ["https://example.vn/a?b=1#c", "http://example.vn", "HTTPS://Example.vn/", " https://x.vn "] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(document.cookie)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "//evil.example/x",
            "https:///path",
            "https://exa mple.vn",
            "example.vn/page",
        ] {
            assert!(check_link(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn public_urls() {
        assert!(check_public_url("https://disan.example.vn").is_ok());
        assert!(check_public_url("ftp://x").is_err());
        assert!(check_public_url("https://").is_err());
        assert!(check_public_url("https://a b").is_err());
        for local in
            ["http://localhost:8080", "http://127.0.0.1:8080", "https://[::1]/", "http://0.0.0.0", "http://pi.local"]
        {
            assert!(check_public_url(local).is_err(), "{local}");
        }
        assert!(check_public_url("https://disan.example.vn:8443").is_ok());
    }
}
