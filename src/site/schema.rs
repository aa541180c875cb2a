//! JSON Schemas of the editors' YAML, generated from the types in [`super::raw`] so they never drift from
//! what the checker reads. Text editors that understand `# yaml-language-server: $schema=…` (VS Code with
//! the YAML extension, among others) use them to complete keys, show each field's documentation and
//! underline mistakes while people type. The checker stays the authority: cross-file rules (scene targets,
//! media files, languages of the collection) are beyond a schema.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use schemars::generate::SchemaSettings;

use super::raw::{RawCollection, RawSite};

/// Folder, inside a collection, that holds the schemas.
pub const DIR: &str = "schema";
/// Schema of `sites/collection.yaml`.
pub const COLLECTION_FILE: &str = "collection.schema.json";
/// Schema of `sites/<slug>.yaml`.
pub const SITE_FILE: &str = "site.schema.json";

/// The first line of a YAML file under `sites/` that points editors at a schema.
pub fn modeline(schema_file: &str) -> String {
    format!("# yaml-language-server: $schema=../{DIR}/{schema_file}")
}

/// The schema of the collection file.
pub fn collection() -> serde_json::Value {
    generate::<RawCollection>()
}

/// The schema of a site file.
pub fn site() -> serde_json::Value {
    generate::<RawSite>()
}

/// Draft 7 is the newest draft every common YAML editor plugin understands.
fn generate<T: schemars::JsonSchema>() -> serde_json::Value {
    let schema = SchemaSettings::draft07().into_generator().into_root_schema_for::<T>();
    schema.to_value()
}

/// Writes both schemas into `dir`, and returns the files written. Unchanged files are left alone so
/// their dates do not trigger rebuilds.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, schema) in [(COLLECTION_FILE, collection()), (SITE_FILE, site())] {
        let path = dir.join(name);
        let text = serde_json::to_string_pretty(&schema)? + "\n";
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        written.push(path);
    }
    Ok(written)
}
