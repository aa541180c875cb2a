//! Fingerprints the shipped web assets in `static/`: each gets a name carrying a hash of its bytes, so
//! browsers may cache it forever and a new release is fetched at once.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

use sha2::{Digest, Sha256};

/// Assets served to browsers under fingerprinted names (templates are not served).
const SERVED: &[&str] = &[
    "viewer.js",
    "viewer.css",
    "site.css",
    "narration.js",
    "icon.svg",
    "preview.js",
    "preview.css",
    "lang.js",
    "directions.js",
];

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new("static");
    println!("cargo:rerun-if-changed=static");
    let mut code = String::from(
        "/// Shipped assets and their fingerprinted file names.\npub const ASSET_NAMES: &[(&str, &str)] = &[\n",
    );
    for name in SERVED {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = fs::read(&path).unwrap_or_default();
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        writeln!(code, "    ({name:?}, \"{stem}.{hex}.{ext}\"),").expect("write to string");
    }
    code.push_str("];\n");
    fs::write(Path::new(&out).join("asset_names.rs"), code).expect("write asset_names.rs");
}
