//! The site model: reading editors' YAML, checking it, and resolving it into a [`model::Collection`].

pub mod captions;
pub mod jpeg;
pub mod limits;
pub mod links;
pub mod load;
pub mod locate;
pub mod media;
pub mod model;
pub mod raw;
pub mod schema;
pub mod source;
pub mod target;
pub mod validate;

pub use load::load;
pub use model::Collection;
