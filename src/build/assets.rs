//! The files the program ships in `static/` (templates, viewer, styles, fonts), embedded in the binary and
//! written to the output under fingerprinted names for immutable caching.

use rust_embed::RustEmbed;

/// Everything under `static/` (scripts and style sheets are shipped as `build.rs` minified them, the
/// viewer's modules in `static/viewer/` assembled into one script).
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/static/"]
pub struct Static;

include!(concat!(env!("OUT_DIR"), "/asset_names.rs"));

/// URL prefix of shipped assets; reserved, no site may use it.
pub const ASSET_PREFIX: &str = "/_/";

/// The public URL of a shipped asset, e.g. `viewer.js` → `/_/viewer.1a2b3c4d5e.js`.
pub fn url(name: &str) -> Option<String> {
    ASSET_NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| format!("{ASSET_PREFIX}{f}"))
}

/// The contents of a shipped file.
pub fn bytes(name: &str) -> Option<Vec<u8>> {
    if let Some((_, built)) = BUILT.iter().find(|(n, _)| *n == name) {
        return Some(built.to_vec());
    }
    Static::get(name).map(|f| f.data.into_owned())
}

/// The text of a template.
pub fn template(name: &str) -> Option<String> {
    Static::get(&format!("templates/{name}")).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
}
