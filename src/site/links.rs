//! The link registry, `sites/links.yaml`: every placard code ever published and where it leads.
//!
//! Printed codes stay on walls for years. A code in the registry must keep resolving: either a site still
//! has a placard with that code, or the code is explicitly retired and pointed at a site (and scene) that
//! exists. Anything else is an error, so no change to the sites can silently break a printed code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::model::Site;
use super::source::YamlFile;
pub use super::target::Target;
use crate::messages::Msg;
use crate::report::Report;

/// File name of the registry inside `sites/`.
pub const LINKS_FILE: &str = "links.yaml";

/// The registry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLinks {
    /// Version of this file format; must be 1.
    pub schema: u32,
    /// Published codes and where they were last sent.
    #[serde(default)]
    pub codes: BTreeMap<String, RawLink>,
}

/// One published code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// The site the code opens.
    pub site: String,
    /// The scene the code opens (the site's first scene when absent).
    #[serde(default)]
    pub scene: Option<String>,
    /// `true` once no placard uses the code any more; it then keeps leading to `site` and `scene`.
    #[serde(default)]
    pub retired: bool,
}

/// Every code that resolves: live placards first, then retired codes.
pub fn resolve(
    sites: &[Site],
    registry: Option<(&YamlFile, &RawLinks)>,
    report: &mut Report,
) -> BTreeMap<String, Target> {
    let mut table = BTreeMap::new();
    for s in sites {
        for p in &s.placards {
            table.insert(p.code.clone(), Target { site: s.slug.clone(), scene: Some(p.scene.clone()), retired: false });
        }
    }
    let Some((file, raw)) = registry else { return table };
    if raw.schema != 1 {
        report.push(file.diag("schema", Msg::SchemaUnsupported { version: raw.schema }));
    }
    for (code, link) in &raw.codes {
        let path = format!("codes.{code}");
        let key = code.trim().to_ascii_lowercase();
        let live = table.get(&key).filter(|t| !t.retired).cloned();
        match (link.retired, live) {
            (false, Some(_)) => {}
            (false, None) => report.push(file.diag(&path, Msg::PublishedCodeLost { code: code.clone() }).with_hint(
                Msg::HintRetire {
                    target: format!(
                        "{}{}",
                        link.site,
                        link.scene.as_deref().map(|s| format!(" / {s}")).unwrap_or_default()
                    ),
                },
            )),
            (true, Some(t)) => report.push(
                file.diag(&path, Msg::RetiredCodeReused { code: code.clone(), site: t.site.clone() })
                    .with_hint(Msg::HintNewCode),
            ),
            (true, None) => match sites.iter().find(|s| s.slug == link.site) {
                None => report.push(
                    file.diag_value(
                        &format!("{path}.site"),
                        Msg::RetiredCodeToMissingSite { code: code.clone(), site: link.site.clone() },
                    )
                    .with_hint(Msg::HintRetiredTarget),
                ),
                Some(s) => {
                    let scene_ok = link.scene.as_ref().is_none_or(|sc| s.scenes.iter().any(|x| &x.id == sc));
                    if !scene_ok {
                        let message = Msg::RetiredCodeToMissingScene {
                            code: code.clone(),
                            scene: link.scene.clone().unwrap_or_default(),
                            site: s.slug.clone(),
                        };
                        report.push(file.diag_value(&format!("{path}.scene"), message));
                    }
                    let scene = link.scene.clone().or_else(|| s.scenes.first().map(|x| x.id.clone()));
                    table.insert(key, Target { site: s.slug.clone(), scene, retired: true });
                }
            },
        }
    }
    table
}

/// Writes the registry so it records every code in `table` (keeping retired entries), sorted, with a header
/// telling editors how to use it. Returns the codes that were new.
pub fn record(sites_dir: &Path, table: &BTreeMap<String, Target>) -> Result<Vec<String>> {
    let path = sites_dir.join(LINKS_FILE);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => {
            yaml_serde::from_str::<RawLinks>(&text).with_context(|| format!("cannot read {}", path.display()))?.codes
        }
        Err(_) => BTreeMap::new(),
    };
    let mut out = String::from(
        "# Every placard code ever printed, and where it leads. `disan placards` adds codes here: commit this file.\n\
         # Never delete an entry. To stop using a code, remove it from the site's placards and mark it here with\n\
         # `retired: true` and the site (and scene) it should open from now on.\n\
         schema: 1\ncodes:\n",
    );
    let mut new = Vec::new();
    for (code, t) in table {
        if !old.contains_key(code) {
            new.push(code.clone());
        }
        let _ = writeln!(out, "  {code}:\n    site: {}", t.site);
        if let Some(scene) = &t.scene {
            let _ = writeln!(out, "    scene: {scene}");
        }
        if t.retired {
            let _ = writeln!(out, "    retired: true");
        }
    }
    if std::fs::read_to_string(&path).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(new)
}
