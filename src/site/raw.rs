//! What editors write: the YAML structures of the collection file and of one file per site.
//!
//! Every field carries a `///` line: these become the editors' reference. Unknown keys are refused so a
//! misspelt key is reported instead of silently ignored.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// Text in several languages, keyed by language code: `{vi: "…", en: "…"}`.
pub type LangText = BTreeMap<String, String>;

/// The schema version this program reads.
pub const SCHEMA_VERSION: u32 = 1;

/// What slugs and scene ids look like (the checker says the same in words).
pub const ID_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$";
/// Placard codes: like ids but at most 32 characters; capitals are accepted and read as lowercase.
pub const CODE_PATTERN: &str = "^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$";
/// Language codes: two or three lowercase letters.
pub const LANG_PATTERN: &str = "^[a-z]{2,3}$";

/// The collection file, `sites/collection.yaml`: what the whole tour website is.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "disan collection file (sites/collection.yaml)")]
pub struct RawCollection {
    /// Version of this file format; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema: u32,
    /// Title of the website, per language.
    pub title: LangText,
    /// One or two sentences shown on the home page, per language.
    #[serde(default)]
    pub description: Option<LangText>,
    /// Address where the tour is published, e.g. `https://disan.example.vn` (printed on placards).
    #[schemars(regex(pattern = "^https?://"))]
    pub public_url: String,
    /// Languages of the collection; the first one is the default (normally `[vi, en]`).
    #[schemars(length(min = 1), inner(regex(pattern = LANG_PATTERN)))]
    pub languages: Vec<String>,
    /// Who publishes the tour, per language.
    pub organisation: LangText,
    /// How visitors reach the publisher (e-mail or phone).
    #[serde(default)]
    pub contact: Option<String>,
    /// Site slugs in the order the home page lists them; sites not named follow in file-name order.
    #[serde(default)]
    pub order: Vec<String>,
    /// How panoramas are cut into tiles for the viewer; leave out for JPEG tiles at quality 75.
    #[serde(default)]
    pub tiles: Option<RawTiles>,
    /// Sponsors and contributors who made the tour possible (nhà tài trợ), in the order shown: listed at
    /// the foot of the home page, and in the small print of placards for those with `placard_credit: true`.
    #[serde(default)]
    pub sponsors: Vec<RawSponsor>,
    /// The collection's local time as an offset from UTC, e.g. `+07:00`, used by the scan dashboard and
    /// monthly report to count days and hours as visitors lived them. Leave out for `+07:00`: every
    /// province of Vietnam keeps that time all year (no summer time). A fixed offset, not a time-zone name.
    #[serde(default)]
    #[schemars(regex(pattern = "^[+-](0[0-9]|1[0-4]):[0-5][0-9]$"))]
    pub utc_offset: Option<String>,
    /// The two languages printed on placards, the headline's first, e.g. `[vi, fr]`; leave out for the
    /// collection's first two languages.
    #[serde(default)]
    #[schemars(inner(regex(pattern = LANG_PATTERN)))]
    pub placard_languages: Option<Vec<String>>,
}

/// A sponsor or contributor of the whole collection (`sponsors:` in the collection file).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSponsor {
    /// Name of the person or organisation, per language.
    pub name: LangText,
    /// What they gave or did, per language, e.g. `{vi: Ảnh 360°, en: 360° photographs}`.
    #[serde(default)]
    pub role: Option<LangText>,
    /// Their logo (PNG or JPEG), relative to `content/`, e.g. `sponsors/doan-thanh-nien.png`.
    #[serde(default)]
    pub logo: Option<String>,
    /// Their web address (`https://…`), linked from the name.
    #[serde(default)]
    #[schemars(regex(pattern = "^https?://"))]
    pub url: Option<String>,
    /// `true` to print the name in the small print of every placard (default `false`).
    #[serde(default)]
    pub placard_credit: bool,
}

/// Settings for the panorama tiles (`tiles:` in the collection file).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTiles {
    /// `jpeg` (the default: every browser, quickest to build) or `webp` (smaller files at the same quality
    /// setting, so faster on slow mobile networks; building takes several times longer).
    #[serde(default)]
    pub format: crate::tiles::Format,
    /// Image quality from 1 to 100 (default 75): higher looks sharper and downloads slower.
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub quality: Option<u32>,
}

/// One site file, `sites/<slug>.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "disan site file (sites/<slug>.yaml)")]
pub struct RawSite {
    /// Version of this file format; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema: u32,
    /// Short name used in addresses (`/vi/<slug>/`): lowercase letters, digits and hyphens; equals the file name.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub slug: String,
    /// Name of the site, per language.
    pub name: LangText,
    /// What kind of place this is.
    pub kind: SiteKind,
    /// Official recognition as a relic.
    #[serde(default)]
    pub recognition: Option<RawRecognition>,
    /// Where the site is.
    pub location: RawLocation,
    /// How to get in, per language: the way from the road, opening hours, tickets, dress code. Shown near
    /// the top of the page beside the "Directions" link.
    #[serde(default)]
    pub access: Option<LangText>,
    /// One to three sentences introducing the site, per language.
    pub summary: LangText,
    /// Key facts and scale (quy mô), in display order: area, height, dates, number of buildings or steps.
    /// Each has a `value` (with a `unit` where the kind measures something) or a `text` per language.
    #[serde(default)]
    pub facts: Vec<RawFact>,
    /// Longer text, in display order.
    #[serde(default)]
    pub sections: Vec<RawSection>,
    /// Photos with captions (files under `content/<slug>/`).
    #[serde(default)]
    pub photos: Vec<RawPhoto>,
    /// 360° scenes; the first one is where the tour starts.
    #[serde(default)]
    pub scenes: Vec<RawScene>,
    /// Audio narration and its transcript, per language.
    #[serde(default)]
    pub narration: BTreeMap<String, RawNarration>,
    /// QR placards posted at the site.
    #[serde(default)]
    pub placards: Vec<RawPlacard>,
    /// Where the facts come from.
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

/// Kinds of heritage site.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A historical relic (di tích lịch sử).
    HistoricalRelic,
    /// A scenic landscape (danh lam thắng cảnh).
    ScenicSite,
    /// Both a historical relic and a scenic landscape.
    HistoricalAndScenic,
    /// An architectural and artistic relic (di tích kiến trúc nghệ thuật).
    ArchitecturalRelic,
    /// A temple, pagoda or shrine recognised for its religious heritage.
    ReligiousRelic,
}

/// Official recognition of a site.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecognition {
    /// `special_national`, `national` or `provincial`.
    pub level: Level,
    /// Year of the decision, when known.
    #[serde(default)]
    pub year: Option<u16>,
    /// Number of the decision, as written (e.g. `313-VH/VP`).
    #[serde(default)]
    pub decision: Option<String>,
    /// A remark about the recognition, per language.
    #[serde(default)]
    pub note: Option<LangText>,
}

/// Level of official recognition.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Special national relic (di tích quốc gia đặc biệt).
    SpecialNational,
    /// National relic (di tích quốc gia).
    National,
    /// Provincial relic (di tích cấp tỉnh).
    Provincial,
}

/// Where a site is.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    /// Latitude in degrees (north positive).
    #[schemars(range(min = -90, max = 90))]
    pub lat: f64,
    /// Longitude in degrees (east positive).
    #[schemars(range(min = -180, max = 180))]
    pub lon: f64,
    /// `true` when the coordinate is an estimate that nobody has checked on a map or on site.
    pub approximate: bool,
    /// Postal or descriptive address, per language.
    #[serde(default)]
    pub address: Option<LangText>,
}

/// One key fact about a site (`facts:`), e.g. `{kind: area, value: 150, unit: ha}`,
/// `{kind: built, text: {vi: Thời Trần, en: Trần dynasty}}` or `{kind: steps, value: 252}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    /// What the fact is about; decides its label and which units fit.
    pub kind: FactKind,
    /// A label to use instead of the usual one for this kind, per language (required for `other`).
    #[serde(default)]
    pub label: Option<LangText>,
    /// The number: a size, a height, a count, or a year for `built`, `restored` and `listed`.
    #[serde(default)]
    pub value: Option<f64>,
    /// Unit of `value`: `m²`, `ha` or `km²` for `area`; `m` or `km` for `altitude`, `height` and
    /// `length`; none for counts and years; any or none for `other` (`m2` and `km2` may be typed for
    /// `m²` and `km²`).
    #[serde(default)]
    pub unit: Option<String>,
    /// The fact in words instead of a number, per language, e.g. an era rather than a year.
    #[serde(default)]
    pub text: Option<LangText>,
    /// A remark shown after the value, per language, e.g. "by tradition" or "sources differ".
    #[serde(default)]
    pub note: Option<LangText>,
}

/// What a fact is about.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// Surface of the site: `m²`, `ha` or `km²`.
    Area,
    /// Height above sea level of its highest point: `m`.
    Altitude,
    /// Height of a building or monument: `m`.
    Height,
    /// Length of a path, wall or shore: `m` or `km`.
    Length,
    /// When it was built: a year, or a text such as an era.
    Built,
    /// When it was last restored: a year or a text.
    Restored,
    /// When it was first listed as a relic: a year or a text.
    Listed,
    /// Number of buildings.
    Buildings,
    /// Number of steps to climb.
    Steps,
    /// Anything else; needs a `label`, and takes any unit or none.
    Other,
}

/// Who made a photo, panorama or recording, and how it may be reused (`credit:`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCredit {
    /// The photographer or author; for a recording, the narrator. May be left out for generated media.
    #[serde(default)]
    pub author: Option<String>,
    /// `true` when the image was drawn by a program or the voice synthesised, not photographed or
    /// recorded: the page says so.
    #[serde(default)]
    pub generated: bool,
    /// The licence: `cc_by`, `cc_by_sa`, `cc0` or `all_rights_reserved` (which needs `holder`).
    #[serde(default)]
    pub licence: Option<Licence>,
    /// Who holds the rights, when not the author (required with `all_rights_reserved`).
    #[serde(default)]
    pub holder: Option<String>,
    /// Where the original is published (`https://…`).
    #[serde(default)]
    #[schemars(regex(pattern = "^https?://"))]
    pub url: Option<String>,
}

/// Licences the pages know how to name and link.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// Creative Commons Attribution 4.0: reuse allowed with the author named.
    CcBy,
    /// Creative Commons Attribution-ShareAlike 4.0: reuse allowed with the author named, under the same licence.
    CcBySa,
    /// Creative Commons Zero: no rights reserved.
    Cc0,
    /// All rights reserved by `holder`: no reuse without permission.
    AllRightsReserved,
}

/// A block of text about the site.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Which topic: history, legend, architecture, tangible_values, intangible_values or festivals.
    pub kind: SectionKind,
    /// A heading to use instead of the usual one for this kind, per language.
    #[serde(default)]
    pub title: Option<LangText>,
    /// The text, per language; paragraphs are separated by a blank line.
    pub text: LangText,
}

/// Topics of a section.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// History of the site.
    History,
    /// Legends told about it.
    Legend,
    /// Its buildings and layout.
    Architecture,
    /// Objects and structures of value.
    TangibleValues,
    /// Rituals, beliefs and customs.
    IntangibleValues,
    /// Festivals held there.
    Festivals,
}

/// A photo of the site.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPhoto {
    /// Image file (JPEG or PNG), relative to `content/<slug>/`.
    pub file: String,
    /// What the photo shows, per language.
    pub caption: LangText,
    /// Who took it and under which licence.
    #[serde(default)]
    pub credit: Option<RawCredit>,
}

/// One 360° panorama and how it is first shown.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScene {
    /// Short id used in links: lowercase letters, digits and hyphens, unique within the site.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Title of the scene, per language.
    pub title: LangText,
    /// Equirectangular panorama (2:1 JPEG or PNG), relative to `content/<slug>/`.
    pub panorama: String,
    /// Initial horizontal direction in degrees, −180 to 180 (0 is the centre of the panorama).
    #[serde(default)]
    #[schemars(range(min = -180, max = 180))]
    pub yaw: f64,
    /// Initial vertical direction in degrees, −90 (down) to 90 (up).
    #[serde(default)]
    #[schemars(range(min = -90, max = 90))]
    pub pitch: f64,
    /// Initial horizontal field of view in degrees, 30 to 120.
    #[serde(default = "default_hfov")]
    #[schemars(range(min = 30, max = 120))]
    pub hfov: f64,
    /// The yaw, in this panorama, that faces north (−180 to 180).
    #[serde(default)]
    #[schemars(range(min = -180, max = 180))]
    pub north: f64,
    /// Clickable points in the scene.
    #[serde(default)]
    pub hotspots: Vec<RawHotspot>,
    /// Who made the panorama and under which licence.
    #[serde(default)]
    pub credit: Option<RawCredit>,
    /// This scene's own story, per language, in the same shape as the site's `narration:`: offered when
    /// a visitor arrives at the scene (from a placard, a link or a hotspot). Scenes without it offer the
    /// site's narration.
    #[serde(default)]
    pub narration: BTreeMap<String, RawNarration>,
}

fn default_hfov() -> f64 {
    100.0
}

/// A clickable point in a scene.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHotspot {
    /// `scene` (go to another scene) or `info` (open a text panel).
    #[serde(rename = "type")]
    pub kind: HotspotKind,
    /// For `scene` hotspots: the id of the scene to go to.
    #[serde(default)]
    pub target: Option<String>,
    /// Horizontal direction in degrees, −180 to 180.
    #[schemars(range(min = -180, max = 180))]
    pub yaw: f64,
    /// Vertical direction in degrees, −90 to 90.
    #[schemars(range(min = -90, max = 90))]
    pub pitch: f64,
    /// Label, per language.
    pub title: LangText,
    /// For `info` hotspots: the text shown in the panel, per language.
    #[serde(default)]
    pub text: Option<LangText>,
}

/// What a hotspot does.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HotspotKind {
    /// Goes to another scene.
    Scene,
    /// Opens a panel with text.
    Info,
}

/// Narration in one language.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNarration {
    /// A recording, as the phone saved it (M4A, MP3, WAV, OGG or FLAC; at most 20 minutes), relative to `content/<slug>/`; published as a small MP3.
    #[serde(default)]
    pub audio: Option<String>,
    /// What the narration says; read aloud by the browser when there is no recording.
    #[serde(default)]
    pub transcript: Option<String>,
    /// Who speaks in the recording (`author`) and under which licence; only with `audio`.
    #[serde(default)]
    pub credit: Option<RawCredit>,
    /// Captions for the recording: a WebVTT file (`.vtt`), relative to `content/<slug>/`, whose cues
    /// follow the recording in time; shown under the player and over the tour in full screen. Only with
    /// `audio`.
    #[serde(default)]
    pub captions: Option<String>,
}

/// A QR placard posted at the site.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlacard {
    /// Short, stable code printed in the QR (`/q/<code>`); never reuse or change a printed one.
    #[schemars(regex(pattern = CODE_PATTERN))]
    pub code: String,
    /// The scene the placard opens.
    pub scene: String,
    /// Where the placard stands, per language.
    pub label: LangText,
}

/// A source of the facts on the page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Title of the article or document.
    pub title: String,
    /// Where to read it.
    #[serde(default)]
    pub url: Option<String>,
}
