//! Where a placard code leads once resolved: the piece of the model that the registry (`links.rs`)
//! produces, the resolved collection holds, and the build writes into the host's code table.

use serde::{Deserialize, Serialize};

/// Where a code leads, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Site slug.
    pub site: String,
    /// Scene id, when the site has scenes.
    pub scene: Option<String>,
    /// Whether the code is retired (kept only so old prints work).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}
