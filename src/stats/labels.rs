//! Names for what scan rows only key: the organisation, site names and placard labels per language, the
//! collection's local time, and the printed placard codes. The build writes them to `_/labels.json`, so
//! the host's dashboard and `disan stats` name things as the website does, from the build being served.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::site::Collection;

/// Where the build writes the labels, inside the output.
pub const LABELS_JSON: &str = "_/labels.json";

/// Text per language.
pub type Text = BTreeMap<String, String>;

/// What a report needs to name things.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// Title of the website.
    #[serde(default)]
    pub title: Text,
    /// Publisher.
    #[serde(default)]
    pub organisation: Text,
    /// Languages, default first.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Local time, minutes east of UTC.
    #[serde(default = "default_offset")]
    pub utc_offset_minutes: i32,
    /// Site slug → name.
    #[serde(default)]
    pub sites: BTreeMap<String, Text>,
    /// Placard code → what the placard is (its label).
    #[serde(default)]
    pub placards: BTreeMap<String, Text>,
    /// Printed codes (every code the link registry resolves) and their sites; read from `_/links.json`.
    #[serde(skip)]
    pub printed: Vec<(String, String)>,
}

fn default_offset() -> i32 {
    super::DEFAULT_UTC_OFFSET_MINUTES
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            title: Text::new(),
            organisation: Text::new(),
            languages: vec!["vi".into(), "en".into()],
            utc_offset_minutes: default_offset(),
            sites: BTreeMap::new(),
            placards: BTreeMap::new(),
            printed: Vec::new(),
        }
    }
}

/// The code table's shape, as far as reports read it.
#[derive(Deserialize)]
struct Codes {
    codes: BTreeMap<String, Target>,
}

#[derive(Deserialize)]
struct Target {
    site: String,
}

impl Labels {
    /// The labels of a loaded collection.
    pub fn from_collection(c: &Collection) -> Labels {
        let mut placards = BTreeMap::new();
        for s in &c.sites {
            for p in &s.placards {
                placards.insert(p.code.clone(), p.label.clone());
            }
        }
        Labels {
            title: c.title.clone(),
            organisation: c.organisation.clone(),
            languages: c.languages.clone(),
            utc_offset_minutes: c.utc_offset_minutes,
            sites: c.sites.iter().map(|s| (s.slug.clone(), s.name.clone())).collect(),
            placards,
            printed: c.links.iter().map(|(code, t)| (code.clone(), t.site.clone())).collect(),
        }
    }

    /// The labels file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads the labels a build wrote into `dist`, with the printed codes from its `_/links.json`;
    /// `None` when `dist` holds no build with labels.
    pub fn load(dist: &Path) -> Result<Option<Labels>> {
        let path = dist.join(LABELS_JSON);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut labels: Labels =
            serde_json::from_str(&text).with_context(|| format!("{} is not a labels file", path.display()))?;
        let links = dist.join(crate::build::links::LINKS_JSON);
        if let Ok(bytes) = std::fs::read(&links) {
            let codes: Codes = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a placard code table", links.display()))?;
            labels.printed = codes.codes.into_iter().map(|(code, t)| (code, t.site)).collect();
        }
        Ok(Some(labels))
    }

    /// The first language (the collection's default).
    pub fn first_language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("vi")
    }

    /// A site's name in `lang` (then the default language, then the slug).
    pub fn site(&self, slug: &str, lang: &str) -> String {
        self.sites.get(slug).and_then(|t| pick(t, lang, self.first_language())).unwrap_or_else(|| slug.to_string())
    }

    /// A placard's label in `lang`, if it has one.
    pub fn placard(&self, code: &str, lang: &str) -> Option<String> {
        self.placards.get(code).and_then(|t| pick(t, lang, self.first_language()))
    }

    /// The organisation's name in `lang`.
    pub fn organisation(&self, lang: &str) -> String {
        pick(&self.organisation, lang, self.first_language()).unwrap_or_default()
    }

    /// The website's title in `lang`.
    pub fn title(&self, lang: &str) -> String {
        pick(&self.title, lang, self.first_language()).unwrap_or_default()
    }
}

fn pick(t: &Text, lang: &str, fallback: &str) -> Option<String> {
    t.get(lang).or_else(|| t.get(fallback)).filter(|s| !s.is_empty()).cloned()
}
