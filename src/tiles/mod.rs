//! Multiresolution panoramas: an equirectangular image becomes six cube faces and a pyramid of 512-px
//! tiles (`{level}/{face}{row}_{col}.{jpg,webp}`, level 1 smallest) plus fallback faces, the layout
//! Pannellum reads.

pub mod encode;
pub mod geometry;
pub mod project;
pub mod pyramid;
pub mod resize;
pub mod view;

pub use encode::Format;
pub use pyramid::{Event, Params, Pyramid, pannellum_config, write_pyramid, write_pyramid_with_progress};
