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
