//! What a site's media became in the output: the addresses the pages and the offline list point at.

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
    pub narration: super::narration::NarrationMedia,
}
