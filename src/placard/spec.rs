//! What callers ask for: the placards, their trim format, the sheet, print options and fonts.

use anyhow::{Result, bail};
use unicode_normalization::UnicodeNormalization;

/// One placard to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacardSpec {
    /// Short stable id of the placard, printed as "Mã: …" and used in error messages, e.g. `ss-dc1`.
    pub code: String,
    /// What the QR encodes, e.g. `https://disan.samson.example.vn/q/ss-dc1`.
    pub url: String,
    /// The same address without the scheme, printed under the QR for typing by hand.
    pub short_url: String,
    /// The two languages printed, as codes, the headline's first, e.g. `("vi", "en")`: the call to action
    /// is printed in both, the small print's words in the first.
    pub languages: (String, String),
    /// Site name in Vietnamese, e.g. "Đền Độc Cước"; the headline of the placard.
    pub name: String,
    /// Site name in English, e.g. "Độc Cước Temple".
    pub name_2: String,
    /// Where the placard stands, in Vietnamese, e.g. "Cổng lên đền".
    pub label: String,
    /// Where the placard stands, in English, e.g. "Temple gate".
    pub label_2: String,
    /// Who posts the placard (small print), e.g. "Đoàn Thanh niên thành phố Sầm Sơn".
    pub organisation: String,
    /// Sponsors credited in the small print (their names, comma-separated), or empty for none.
    pub credit: String,
}

/// Finished (trim) size of a placard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// 210 × 297 mm wall sign.
    A4,
    /// 148 × 210 mm sign.
    A5,
    /// 105 × 148 mm table or post placard.
    #[default]
    A6,
    /// 60 × 80 mm sticker.
    Sticker,
}

impl Format {
    /// Every format, smallest first (used to suggest a bigger one).
    pub const ALL: [Format; 4] = [Format::Sticker, Format::A6, Format::A5, Format::A4];

    /// Trim width and height in millimetres (portrait).
    pub fn trim_mm(self) -> (f32, f32) {
        match self {
            Format::A4 => (210.0, 297.0),
            Format::A5 => (148.0, 210.0),
            Format::A6 => (105.0, 148.0),
            Format::Sticker => (60.0, 80.0),
        }
    }

    /// Printed width of the QR including its 4-module quiet zone, in millimetres.
    ///
    /// Fixed per format rather than grown into spare space, so a size promise (viewing distance,
    /// the print-shop minimums sticker 30 / A6 60 / A5 90 / A4 140 mm) does not depend on the
    /// length of a site's name.
    pub fn qr_mm(self) -> f32 {
        match self {
            Format::A4 => 140.0,
            Format::A5 => 92.0,
            Format::A6 => 62.0,
            Format::Sticker => 32.0,
        }
    }

    /// Name with its indefinite article, for messages ("an A6", "a sticker").
    pub fn with_article(self) -> &'static str {
        match self {
            Format::A4 => "an A4",
            Format::A5 => "an A5",
            Format::A6 => "an A6",
            Format::Sticker => "a sticker",
        }
    }

    /// Name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::A4 => "A4",
            Format::A5 => "A5",
            Format::A6 => "A6",
            Format::Sticker => "sticker",
        }
    }
}

/// Paper a gang sheet of placards is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sheet {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 297 × 420 mm.
    A3,
}

impl Sheet {
    /// Sheet width and height in millimetres (portrait).
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Sheet::A4 => (210.0, 297.0),
            Sheet::A3 => (297.0, 420.0),
        }
    }

    /// Name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::A4 => "A4",
            Sheet::A3 => "A3",
        }
    }
}

/// How to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Trim size of each placard.
    pub format: Format,
    /// Crop marks around each single placard page (off by default: most shops impose and mark themselves).
    pub marks: bool,
    /// Bleed around the trim in millimetres; backgrounds run this far past the cut.
    pub bleed_mm: f32,
    /// Distance in metres people scan from; the QR must be at least a tenth of it wide.
    pub viewing_distance_m: Option<f32>,
    /// PNG logo drawn in the centre of the QR; switches the QR to error correction level H.
    pub logo: Option<Vec<u8>>,
    /// A `CutContour` spot-colour outline on each trim, the path print-and-cut plotters follow.
    pub cut_contour: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::A6,
            marks: false,
            bleed_mm: 3.0,
            viewing_distance_m: None,
            logo: None,
            cut_contour: false,
        }
    }
}

/// Font files (TrueType/OpenType bytes) the placards are set in; both must cover Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    /// Body text.
    pub regular: Vec<u8>,
    /// Site name and emphasis.
    pub bold: Vec<u8>,
}

/// A placard with its text NFC-normalised and trimmed: what every later step receives.
pub(crate) fn resolve(spec: &PlacardSpec) -> Result<PlacardSpec> {
    // NFC so that PDF text extraction, searches and the font's precomposed glyphs all agree,
    // whatever the editor's keyboard produced; whitespace runs collapse so wrapping sees real words.
    fn clean(s: &str) -> String {
        let nfc: String = s.nfc().collect();
        nfc.split_whitespace().collect::<Vec<_>>().join(" ")
    }
    let r = PlacardSpec {
        code: clean(&spec.code),
        url: spec.url.trim().to_string(),
        short_url: clean(&spec.short_url),
        languages: spec.languages.clone(),
        name: clean(&spec.name),
        name_2: clean(&spec.name_2),
        label: clean(&spec.label),
        label_2: clean(&spec.label_2),
        organisation: clean(&spec.organisation),
        credit: clean(&spec.credit),
    };
    for (field, value) in [
        ("code", &r.code),
        ("url", &r.url),
        ("short_url", &r.short_url),
        ("name", &r.name),
        ("name_2", &r.name_2),
        ("organisation", &r.organisation),
    ] {
        if value.is_empty() {
            bail!("`{field}` is empty");
        }
    }
    if let Some(c) = r.url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        bail!("`url` contains {c:?}, which a QR reader would not open as a link");
    }
    Ok(r)
}

/// Checks the options once, before any placard is laid out.
pub(crate) fn check_options(opts: &Options) -> Result<()> {
    if !(0.0..=20.0).contains(&opts.bleed_mm) {
        bail!("bleed of {} mm is outside 0–20 mm (print shops ask for 3 mm)", opts.bleed_mm);
    }
    if let Some(d) = opts.viewing_distance_m {
        if !(d.is_finite() && d > 0.0) {
            bail!("viewing distance {d} m is not a positive number of metres");
        }
        // The 10:1 rule of thumb: a phone camera resolves a code about ten times as far as it is wide.
        let need_mm = d * 100.0;
        let have_mm = opts.format.qr_mm();
        if have_mm + 0.01 < need_mm {
            let suggestion = Format::ALL
                .iter()
                .find(|f| f.qr_mm() + 0.01 >= need_mm)
                .map(|f| format!("use the {} format ({:.0} mm QR) or stand closer", f.name(), f.qr_mm()))
                .unwrap_or_else(|| {
                    format!(
                        "no placard format is that big (A4 carries {:.0} mm); enlarge the SVG code that `disan placards` writes in qr/ to poster size, or place the sign closer",
                        Format::A4.qr_mm()
                    )
                });
            bail!(
                "a QR read from {d} m must be at least {need_mm:.0} mm wide (width ≥ distance ÷ 10), \
                 but {} placard carries a {have_mm:.0} mm QR; {suggestion}",
                opts.format.with_article()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let spec = PlacardSpec {
            code: "x".into(),
            url: "https://a.vn/q/x".into(),
            short_url: "a.vn/q/x".into(),
            languages: ("vi".into(), "en".into()),
            name: "Đe\u{0302}\u{0300}n  Độc".into(),
            name_2: "Temple".into(),
            label: String::new(),
            label_2: String::new(),
            organisation: "Org".into(),
            credit: String::new(),
        };
        let r = resolve(&spec).expect("resolves");
        assert_eq!(r.name, "Đền Độc");
    }

    #[test]
    fn distance_rule_suggests_a_bigger_format() {
        let opts = Options { viewing_distance_m: Some(1.2), ..Options::default() };
        let err = check_options(&opts).expect_err("A6 is too small for 1.2 m").to_string();
        assert!(err.contains("at least 120 mm"), "{err}");
        assert!(err.contains("A4"), "{err}");
        let ok = Options { viewing_distance_m: Some(0.6), ..Options::default() };
        check_options(&ok).expect("62 mm is enough for 0.6 m");
        let far = Options { viewing_distance_m: Some(3.0), ..Options::default() };
        assert!(check_options(&far).expect_err("nothing fits").to_string().contains("no placard format"));
    }
}
