//! QR placards for print: one page per placard with trim and bleed boxes, or gang sheets of stickers.
//!
//! `spec` is what callers ask for, `text` sets Vietnamese type, `layout` plans a placard in
//! millimetres, `qr` encodes and proves every code decodes, `pdf` and `sheet` draw the plans with
//! krilla, and `marks` adds crop and cut marks. Every public function checks all its placards
//! (fonts cover the text, the text fits, each QR decodes back to its URL) before writing a byte.

pub mod fonts;
pub mod job;
mod layout;
mod marks;
pub(crate) mod pdf;
mod qr;
mod sheet;
mod spec;
pub(crate) mod text;

#[cfg(test)]
mod tests;

pub use pdf::placards_pdf;
/// The encoded symbol, for the page's own drawing of it (`build::print_page`).
pub(crate) use qr::{QUIET, Symbol};
pub use qr::{qr_png, qr_svg, verify};
pub use qrcode::EcLevel;
pub use sheet::sheet_pdf;
pub use spec::{Fonts, Format, Options, PlacardSpec, Sheet};
