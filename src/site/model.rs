//! The resolved collection every later stage receives: text NFC-normalised and complete in every language,
//! media files found and measured, links between scenes checked. No stage after loading reads YAML again.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

pub use super::raw::{FactKind, HotspotKind, Level, Licence, SectionKind, SiteKind};

/// Text in every language of the collection, keyed by language code.
pub type Text = BTreeMap<String, String>;

/// A whole tour website's content.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    /// Folder holding `sites/` and `content/`.
    pub root: PathBuf,
    /// Title of the website.
    pub title: Text,
    /// Short description for the home page.
    pub description: Option<Text>,
    /// Published address, without a trailing slash.
    pub public_url: String,
    /// Languages, default first.
    pub languages: Vec<String>,
    /// Publisher.
    pub organisation: Text,
    /// Contact address.
    pub contact: Option<String>,
    /// Sites in the collection's `order`, then file-name order.
    pub sites: Vec<Site>,
    /// Every placard code that resolves (live and retired), lowercase.
    pub links: BTreeMap<String, super::target::Target>,
    /// How panoramas are tiled.
    pub tiles: TileSettings,
    /// Sponsors and contributors, in display order.
    pub sponsors: Vec<Sponsor>,
    /// Local time as minutes east of UTC (`utc_offset:`, default +07:00), for scan reports.
    pub utc_offset_minutes: i32,
    /// The two languages placards are printed in, the headline's first.
    pub placard_languages: (String, String),
    /// What `check` warns about without refusing the collection (a language without interface words).
    #[serde(skip)]
    pub warnings: Vec<crate::report::Diagnostic>,
}

/// A sponsor or contributor of the collection.
#[derive(Debug, Clone, Serialize)]
pub struct Sponsor {
    /// Name.
    pub name: Text,
    /// What they gave or did.
    pub role: Option<Text>,
    /// Absolute path of the logo image, found and decodable.
    pub logo: Option<PathBuf>,
    /// Web address.
    pub url: Option<String>,
    /// Printed on placards.
    pub placard_credit: bool,
}

/// How panoramas are tiled (the collection's `tiles:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TileSettings {
    /// Image format of the tiles.
    pub format: crate::tiles::Format,
    /// Quality, 1–100.
    pub quality: u8,
}

impl Default for TileSettings {
    fn default() -> Self {
        TileSettings { format: crate::tiles::Format::Jpeg, quality: 75 }
    }
}

impl Collection {
    /// The default language (the first one listed).
    pub fn default_language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("vi")
    }
}

/// One heritage site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Address segment.
    pub slug: String,
    /// The YAML file it came from, relative to the collection root.
    pub file: PathBuf,
    /// Name.
    pub name: Text,
    /// Kind of place.
    pub kind: SiteKind,
    /// Official recognition.
    pub recognition: Option<Recognition>,
    /// Location.
    pub location: Location,
    /// How to get in.
    pub access: Option<Text>,
    /// Short introduction.
    pub summary: Text,
    /// Key facts, in display order.
    pub facts: Vec<Fact>,
    /// Longer text.
    pub sections: Vec<Section>,
    /// Photos.
    pub photos: Vec<Photo>,
    /// 360° scenes, start scene first.
    pub scenes: Vec<Scene>,
    /// Narration per language.
    pub narration: BTreeMap<String, Narration>,
    /// Placards.
    pub placards: Vec<Placard>,
    /// Sources of the facts.
    pub sources: Vec<Source>,
}

/// Official recognition.
#[derive(Debug, Clone, Serialize)]
pub struct Recognition {
    /// Level.
    pub level: Level,
    /// Year of the decision.
    pub year: Option<u16>,
    /// Decision number.
    pub decision: Option<String>,
    /// Remark.
    pub note: Option<Text>,
}

/// Where a site is.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Whether the coordinate is an estimate.
    pub approximate: bool,
    /// Address.
    pub address: Option<Text>,
}

/// A key fact, checked: a number with a unit that fits its kind, or words.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// What it is about.
    pub kind: FactKind,
    /// Label override (always present for `other`).
    pub label: Option<Text>,
    /// The number or words.
    pub value: FactValue,
    /// Remark.
    pub note: Option<Text>,
}

/// The value of a fact.
#[derive(Debug, Clone, Serialize)]
pub enum FactValue {
    /// A number and its unit (none for counts and years).
    Number(f64, Option<Unit>),
    /// Words, per language.
    Text(Text),
}

/// Units a fact's number may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// Square metres.
    SquareMetre,
    /// Hectares.
    Hectare,
    /// Square kilometres.
    SquareKilometre,
    /// Metres.
    Metre,
    /// Kilometres.
    Kilometre,
}

impl Unit {
    /// Every unit with the spellings editors may type, the first being how pages write it.
    pub const ALL: [(Unit, &'static [&'static str]); 5] = [
        (Unit::SquareMetre, &["m²", "m2"]),
        (Unit::Hectare, &["ha"]),
        (Unit::SquareKilometre, &["km²", "km2"]),
        (Unit::Metre, &["m"]),
        (Unit::Kilometre, &["km"]),
    ];

    /// How pages write the unit.
    pub fn symbol(self) -> &'static str {
        Unit::ALL.iter().find(|(u, _)| *u == self).map(|(_, s)| s[0]).unwrap_or("")
    }

    /// The UN/CEFACT common code schema.org's `unitCode` expects.
    pub fn un_code(self) -> &'static str {
        match self {
            Unit::SquareMetre => "MTK",
            Unit::Hectare => "HAR",
            Unit::SquareKilometre => "KMK",
            Unit::Metre => "MTR",
            Unit::Kilometre => "KMT",
        }
    }

    /// The unit an editor typed, if known.
    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.iter().find(|(_, names)| names.contains(&s)).map(|(u, _)| *u)
    }
}

impl FactKind {
    /// The units that fit this kind: empty for counts and years.
    pub fn units(self) -> &'static [Unit] {
        match self {
            FactKind::Area => &[Unit::SquareMetre, Unit::Hectare, Unit::SquareKilometre],
            FactKind::Altitude | FactKind::Height => &[Unit::Metre],
            FactKind::Length => &[Unit::Metre, Unit::Kilometre],
            FactKind::Other => &[Unit::SquareMetre, Unit::Hectare, Unit::SquareKilometre, Unit::Metre, Unit::Kilometre],
            FactKind::Built | FactKind::Restored | FactKind::Listed | FactKind::Buildings | FactKind::Steps => &[],
        }
    }

    /// Whether the number is a year.
    pub fn is_year(self) -> bool {
        matches!(self, FactKind::Built | FactKind::Restored | FactKind::Listed)
    }
}

/// Who made a media item and how it may be reused.
#[derive(Debug, Clone, Serialize)]
pub struct Credit {
    /// Photographer, author or narrator.
    pub author: Option<String>,
    /// Drawn by a program or synthesised.
    pub generated: bool,
    /// Licence.
    pub licence: Option<Licence>,
    /// Rights holder.
    pub holder: Option<String>,
    /// Where the original is.
    pub url: Option<String>,
}

/// A block of text.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Topic.
    pub kind: SectionKind,
    /// Heading override.
    pub title: Option<Text>,
    /// Text, paragraphs separated by blank lines.
    pub text: Text,
}

/// A photo, found on disk.
#[derive(Debug, Clone, Serialize)]
pub struct Photo {
    /// Absolute path of the image.
    pub path: PathBuf,
    /// Caption.
    pub caption: Text,
    /// Who took it.
    pub credit: Option<Credit>,
}

/// A 360° scene whose panorama was found and measured.
#[derive(Debug, Clone, Serialize)]
pub struct Scene {
    /// Id within the site.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Absolute path of the equirectangular panorama.
    pub panorama: PathBuf,
    /// Initial yaw, degrees.
    pub yaw: f64,
    /// Initial pitch, degrees.
    pub pitch: f64,
    /// Initial horizontal field of view, degrees.
    pub hfov: f64,
    /// Yaw that faces north, degrees.
    pub north: f64,
    /// Clickable points.
    pub hotspots: Vec<Hotspot>,
    /// Who made the panorama.
    pub credit: Option<Credit>,
    /// The scene's own narration per language (empty: the site's is offered).
    pub narration: BTreeMap<String, Narration>,
}

/// A clickable point in a scene.
#[derive(Debug, Clone, Serialize)]
pub struct Hotspot {
    /// What it does.
    pub kind: HotspotKind,
    /// Target scene id, for scene links.
    pub target: Option<String>,
    /// Yaw, degrees.
    pub yaw: f64,
    /// Pitch, degrees.
    pub pitch: f64,
    /// Label.
    pub title: Text,
    /// Panel text, for information hotspots.
    pub text: Option<Text>,
}

/// Narration in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Narration {
    /// Absolute path of the recording.
    pub audio: Option<PathBuf>,
    /// Transcript.
    pub transcript: Option<String>,
    /// Who speaks in the recording.
    pub credit: Option<Credit>,
    /// Captions of the recording, checked.
    pub captions: Option<Captions>,
}

/// A recording's captions (a WebVTT file), read and checked.
#[derive(Debug, Clone, Serialize)]
pub struct Captions {
    /// Absolute path of the WebVTT file.
    pub path: PathBuf,
    /// Its cues, in time order, none overlapping.
    pub cues: Vec<super::captions::Cue>,
}

/// A placard and where it leads.
#[derive(Debug, Clone, Serialize)]
pub struct Placard {
    /// Stable code.
    pub code: String,
    /// Scene it opens.
    pub scene: String,
    /// Where it stands.
    pub label: Text,
}

/// A source of facts.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Title.
    pub title: String,
    /// Address.
    pub url: Option<String>,
}
