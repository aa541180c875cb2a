//! disan: turns YAML descriptions of heritage sites into a fast 360° tour website with narration, and hosts it.
//!
//! The modules follow the data flow: [`site`] reads and checks what editors write, [`build`] compiles it
//! into static files, [`serve`] hosts them; [`preview`] is the editors' live preview, rebuilding and serving
//! on every edit.

pub mod audio;
pub mod build;
pub mod files;
pub mod messages;
pub mod placard;
pub mod preview;
pub mod progress;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod stats;
pub mod store;
pub mod tiles;
pub mod words;
