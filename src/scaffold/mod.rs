//! `disan new`: starts a site or a whole collection from commented templates, so an editor begins from a
//! file that already passes `disan check` and explains every key.
//!
//! The comments come from the JSON Schema, which comes from the `///` docs in [`crate::site::raw`]: a
//! template line `#doc scenes.yaw` becomes that field's documentation, so templates never drift from the
//! program that reads them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::site::schema;

mod vi;

const SITE_TEMPLATE: &str = include_str!("site.yaml");
const COLLECTION_TEMPLATE: &str = include_str!("collection.yaml");
const README_TEMPLATE: &str = include_str!("README.md");
const GITIGNORE: &str = include_str!("gitignore");

/// The slug of the example site in a new collection.
pub const EXAMPLE_SLUG: &str = "di-tich-mau";

/// Where the placeholder panorama goes, relative to `content/<slug>/`.
const PLACEHOLDER: &str = "panoramas/placeholder.jpg";

/// Writes `sites/<slug>.yaml`, `content/<slug>/{panoramas,photos,audio}/` and a placeholder panorama into
/// the collection at `root`, and refreshes the schemas. Refuses to overwrite an existing site.
pub fn site(root: &Path, slug: &str) -> Result<Vec<PathBuf>> {
    if !crate::site::validate::is_id(slug) {
        bail!(
            "`{slug}` cannot be a site's short name: use lowercase letters a–z without diacritics, digits and \
             hyphens, e.g. `den-doc-cuoc`"
        );
    }
    let sites = root.join("sites");
    if !sites.join(crate::site::load::COLLECTION_FILE).is_file() {
        bail!(
            "{} has no sites/collection.yaml; run this inside a collection, or start one with \
             `disan new collection <dir>`",
            root.display()
        );
    }
    let file = sites.join(format!("{slug}.yaml"));
    if file.exists() {
        bail!("{} already exists; choose another short name or edit that file", file.display());
    }
    let mut written = schema::write(&root.join(schema::DIR))?;
    let content = root.join("content").join(slug);
    for dir in ["panoramas", "photos", "audio"] {
        let d = content.join(dir);
        fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    let pano = content.join(PLACEHOLDER);
    if !pano.exists() {
        placeholder_panorama(&pano)?;
        written.push(pano);
    }
    let code: String = slug.split('-').filter_map(|w| w.chars().next()).chain("1".chars()).collect();
    let text = fill(SITE_TEMPLATE, &schema::site(), &[("slug", slug), ("code", &code)], schema::SITE_FILE)?;
    write_new(&file, &text)?;
    written.push(file);
    let collection_file = sites.join(crate::site::load::COLLECTION_FILE);
    let collection_text =
        fs::read_to_string(&collection_file).with_context(|| format!("cannot read {}", collection_file.display()))?;
    if let Some(updated) = add_to_order(&collection_text, slug) {
        fs::write(&collection_file, updated).with_context(|| format!("cannot write {}", collection_file.display()))?;
        written.push(collection_file);
    }
    Ok(written)
}

/// The collection file's text with `slug` added at the end of its `order:` list, every other line (and
/// comment) kept as it was; `None` when there is no `order:` (sites then follow in file-name order anyway)
/// or the slug is already listed.
fn add_to_order(text: &str, slug: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("order:"))?;
    let value = lines[at]["order:".len()..].split(" #").next().unwrap_or("").trim();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        if inner.split(',').any(|s| s.trim() == slug) {
            return None;
        }
        let list = if inner.trim().is_empty() { slug.to_string() } else { format!("{}, {slug}", inner.trim()) };
        out[at] = lines[at].replacen(value, &format!("[{list}]"), 1);
    } else {
        if !value.is_empty() {
            return None;
        }
        // The items: lines after `order:` that are list items, comments or blank, up to the next key.
        let mut last = at;
        let mut indent = "  ".to_string();
        for (i, l) in lines.iter().enumerate().skip(at + 1) {
            let t = l.trim_start();
            if let Some(item) = t.strip_prefix("- ") {
                if item.split(" #").next().unwrap_or("").trim() == slug {
                    return None;
                }
                indent = l[..l.len() - t.len()].to_string();
                last = i;
            } else if !(t.is_empty() || t.starts_with('#')) {
                break;
            }
        }
        out.insert(last + 1, format!("{indent}- {slug}"));
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    Some(joined)
}

/// Starts a collection in `dir` (which must be missing or empty): collection file, one example site, the
/// schemas, a guide for editors in Vietnamese and English, and a `.gitignore` for build output.
pub fn collection(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty; give a new folder name so nothing there is overwritten", dir.display());
        }
    }
    let sites = dir.join("sites");
    fs::create_dir_all(&sites).with_context(|| format!("cannot create {}", sites.display()))?;
    let collection_file = sites.join(crate::site::load::COLLECTION_FILE);
    let text = fill(COLLECTION_TEMPLATE, &schema::collection(), &[("slug", EXAMPLE_SLUG)], schema::COLLECTION_FILE)?;
    write_new(&collection_file, &text)?;
    let readme = dir.join("README.md");
    write_new(&readme, &README_TEMPLATE.replace("{{title}}", "Di tích của chúng tôi · Our heritage sites"))?;
    let gitignore = dir.join(".gitignore");
    write_new(&gitignore, GITIGNORE)?;
    let mut written = vec![collection_file, readme, gitignore];
    written.extend(site(dir, EXAMPLE_SLUG)?);
    Ok(written)
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Replaces `{{name}}` placeholders and turns `#doc path` lines into that field's Vietnamese explanation
/// and the schema's (English) description, as comments at the same indentation.
fn fill(template: &str, schema: &Value, vars: &[(&str, &str)], schema_file: &str) -> Result<String> {
    let mut out = String::with_capacity(template.len() * 2);
    for line in template.lines() {
        let trimmed = line.trim_start();
        if let Some(path) = trimmed.strip_prefix("#doc ") {
            let indent = &line[..line.len() - trimmed.len()];
            let Some(text) = describe(schema, path.trim()) else {
                bail!("the template documents `{path}`, which the schema does not have");
            };
            let Some(vi) = vi::describe(path.trim()) else {
                bail!("the template documents `{path}`, which has no Vietnamese explanation");
            };
            // Vietnamese first, as everywhere in the tour; English below it.
            for wrapped in wrap(vi, 100usize.saturating_sub(indent.len() + 2))
                .into_iter()
                .chain(wrap(&text, 100usize.saturating_sub(indent.len() + 2)))
            {
                out.push_str(&format!("{indent}# {wrapped}\n"));
            }
            continue;
        }
        let mut line = line.replace("{{modeline}}", &schema::modeline(schema_file));
        for (name, value) in vars {
            line = line.replace(&format!("{{{{{name}}}}}"), value);
        }
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The description of the field at a dotted `path` (`scenes.hotspots.yaw`), following references, list
/// items and maps.
pub fn describe(schema: &Value, path: &str) -> Option<String> {
    let mut node = schema;
    for key in path.split('.') {
        node = object_of(schema, node);
        node = match node.get("properties").and_then(|p| p.get(key)) {
            Some(n) => n,
            None => object_of(schema, node.get("additionalProperties")?).get("properties")?.get(key)?,
        };
    }
    let own = node.get("description").and_then(Value::as_str);
    let target = object_of(schema, node);
    own.or_else(|| target.get("description").and_then(Value::as_str))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Follows `$ref`, `allOf`/`anyOf` (named and optional values) and `items` (lists) to the object schema behind `node`.
fn object_of<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            match root.get("definitions").and_then(|d| d.get(name)) {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(first) =
            ["allOf", "anyOf"].iter().find_map(|k| node.get(k).and_then(Value::as_array).and_then(|a| a.first()))
        {
            node = first;
        } else if let Some(items) = node.get("items") {
            node = items;
        } else {
            return node;
        }
    }
    node
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("starts with one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A 2048×1024 placeholder panorama: sky above the horizon, ground below, a white line every 30° of yaw
/// and 15° of pitch and a red line at yaw 0, so editors can see the tour work and read directions off it
/// before the real panorama arrives.
fn placeholder_panorama(path: &Path) -> Result<()> {
    const W: u32 = 2048;
    const H: u32 = 1024;
    let img = image::RgbImage::from_fn(W, H, |x, y| {
        let yaw = x as f32 / W as f32 * 360.0 - 180.0;
        let pitch = 90.0 - y as f32 / H as f32 * 180.0;
        let px = 360.0 / W as f32;
        let near = |v: f32, step: f32| {
            let r = v.rem_euclid(step);
            r < px * 1.5 || step - r < px * 1.5
        };
        if yaw.abs() < px * 2.5 {
            return image::Rgb([200, 40, 40]);
        }
        if near(yaw, 30.0) || near(pitch, 15.0) {
            return image::Rgb([245, 245, 245]);
        }
        if pitch >= 0.0 {
            let t = pitch / 90.0;
            image::Rgb([(150.0 - 90.0 * t) as u8, (195.0 - 70.0 * t) as u8, (235.0 - 30.0 * t) as u8])
        } else {
            let t = -pitch / 90.0;
            image::Rgb([(190.0 - 80.0 * t) as u8, (170.0 - 70.0 * t) as u8, (120.0 - 50.0 * t) as u8])
        }
    });
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&img)
        .context("cannot encode the placeholder panorama")?;
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sites_join_the_order_keeping_comments() {
        let text = "title: x\norder:\n  # first the temple\n  - den\n  - chua # pagoda\n\n# tiles next\ntiles: {}\n";
        let out = add_to_order(text, "mieu").expect("added");
        assert_eq!(
            out,
            "title: x\norder:\n  # first the temple\n  - den\n  - chua # pagoda\n  - mieu\n\n# tiles next\ntiles: {}\n"
        );
        assert_eq!(add_to_order(&out, "mieu"), None, "listed once");
        assert_eq!(add_to_order("order: [a, b] # sites\n", "c").as_deref(), Some("order: [a, b, c] # sites\n"));
        assert_eq!(add_to_order("order: []\n", "c").as_deref(), Some("order: [c]\n"));
        assert_eq!(add_to_order("title: x\n", "c"), None);
    }

    #[test]
    fn every_documented_key_has_a_description() {
        let site = schema::site();
        for path in ["scenes.hotspots.yaw", "narration.transcript", "location.approximate", "sections.kind"] {
            let d = describe(&site, path).unwrap_or_default();
            assert!(!d.is_empty(), "{path} has no description");
        }
        assert!(describe(&site, "scenes.nonsense").is_none());
    }

    /// Every comment block of a new collection's files (above a key, or a free note) carries both
    /// languages: a line with Vietnamese letters and one without.
    #[test]
    fn template_comments_carry_both_languages() {
        let site = fill(SITE_TEMPLATE, &schema::site(), &[("slug", "den-thu"), ("code", "dt1")], schema::SITE_FILE)
            .expect("site template");
        let collection =
            fill(COLLECTION_TEMPLATE, &schema::collection(), &[("slug", "den-thu")], schema::COLLECTION_FILE)
                .expect("collection template");
        let vietnamese = |l: &str| {
            l.chars().any(|c| {
                "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵúùủũụéèẻẽẹóòỏõọ"
                    .contains(c.to_lowercase().next().unwrap_or(c))
            })
        };
        let mut blocks = 0;
        for text in [&site, &collection] {
            let mut block: Vec<&str> = Vec::new();
            for line in text.lines().skip(1) {
                let t = line.trim_start();
                // Commented-out examples (`# photos:`, `#   - file: …`) are YAML, not prose.
                let body = t.trim_start_matches('#').trim_start();
                let key = body
                    .split_once(':')
                    .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
                let example = t.starts_with("#   ") || body.starts_with("- ") || key;
                if t.starts_with('#') && !example {
                    block.push(t);
                    continue;
                }
                if !block.is_empty() {
                    blocks += 1;
                    let joined = block.join("\n");
                    assert!(block.iter().any(|l| vietnamese(l)), "no Vietnamese in:\n{joined}");
                    assert!(block.iter().any(|l| !vietnamese(l)), "no English in:\n{joined}");
                    block.clear();
                }
            }
        }
        assert!(blocks > 40, "only {blocks} comment blocks checked");
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap("one two three four five", 9);
        assert_eq!(lines, ["one two", "three", "four five"]);
    }
}
