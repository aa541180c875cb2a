//! The fonts placards are set in: the ones the program ships in `static/fonts/`.

use anyhow::{Context, Result};

use super::Fonts;
use crate::build::assets;

/// The fonts shipped in `static/fonts/`.
pub fn shipped_fonts() -> Result<Fonts> {
    let get = |name: &str| {
        assets::bytes(&format!("fonts/{name}")).with_context(|| format!("font {name} is missing from the program"))
    };
    Ok(Fonts { regular: get("NotoSans-Regular.ttf")?, bold: get("NotoSans-Bold.ttf")? })
}
