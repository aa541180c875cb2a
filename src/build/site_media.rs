//! What a site's media became in the output: the addresses the pages and the offline list point at.

use std::collections::BTreeMap;

use crate::site::captions::Cue;

/// URLs of the media made for one site.
#[derive(Debug, Default, Clone)]
pub struct SiteMedia {
    /// Per scene: flat image, inline preview and tile pyramid.
    pub panoramas: Vec<super::media::PanoramaOut>,
    /// Per photo: (URL, thumbnail URL, width, height).
    pub photos: Vec<(String, String, u32, u32)>,
    /// Per language: recording URL.
    pub audio: Vec<(String, String)>,
    /// The link-preview picture (the first scene's opening view), for a site with scenes.
    pub share: Option<String>,
    /// Each scene's recordings and every captions file.
    pub narration: NarrationMedia,
    /// Per language: the files of the site's page that only use or printing needs (see
    /// [`super::page_files`]).
    pub pages: BTreeMap<String, PageFiles>,
}

/// The files one site page fetches only when needed, not with the page: each named by a hash of its bytes
/// (so hosts and browsers keep them for good) and listed for offline use with the page.
#[derive(Debug, Default, Clone)]
pub struct PageFiles {
    /// The site's narration in this language, when it has any.
    pub narration: Option<NarrationFile>,
    /// The QR code of the page's address (SVG), shown only in print.
    pub qr: String,
}

/// A site page's narration: the file `narration.js` fetches when it loads (every story's recording,
/// captions and transcript), and the story the page's HTML shows, made from the same stories.
#[derive(Debug, Clone)]
pub struct NarrationFile {
    /// URL of `narration.js`'s data.
    pub url: String,
    /// The story the page shows before any script runs (see [`super::narration::PageStories`]).
    pub shown: serde_json::Value,
}

/// The narration files made for one site, beside [`SiteMedia::audio`] (the site's own
/// recordings): each scene's recordings, and every captions file.
#[derive(Debug, Default, Clone)]
pub struct NarrationMedia {
    /// Per scene (in order): language → recording URL.
    pub scene_audio: Vec<BTreeMap<String, String>>,
    /// Captions URL per (scene index, or `None` for the site's narration; language).
    pub captions: BTreeMap<(Option<usize>, String), String>,
    /// The site's own recordings: language → URL.
    pub site_audio: BTreeMap<String, String>,
    /// Caption cues as published, per (scene index or `None`; language): moved earlier by the silence the
    /// build cut from the start of the recording, so they follow the published file.
    pub cues: BTreeMap<(Option<usize>, String), Vec<Cue>>,
}
