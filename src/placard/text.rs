//! Text setting: glyph coverage, rustybuzz shaping, and balanced line breaking that shrinks to fit.

use std::ops::Range;
use std::str::FromStr;

use anyhow::{Result, anyhow, bail};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::spec::Fonts;

/// Which of the two faces a line is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn name(self) -> &'static str {
        match self {
            Weight::Regular => "regular",
            Weight::Bold => "bold",
        }
    }
}

/// Language of a string, as its code (`vi`, `fr`): shaping follows the language's conventions, e.g.
/// Vietnamese turns on the font's `locl` forms for stacked diacritics.
pub(crate) type Lang<'l> = &'l str;

/// One face, parsed once per document for both measuring (rustybuzz) and embedding (krilla).
struct Face<'a> {
    shaper: rustybuzz::Face<'a>,
    font: Font,
    upem: f32,
}

/// Both faces.
pub(crate) struct Typesetter<'a> {
    regular: Face<'a>,
    bold: Face<'a>,
}

/// A shaped line: glyphs in em units (size-independent), ready for `Surface::draw_glyphs`.
#[derive(Debug, Clone)]
pub(crate) struct Shaped {
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    /// Advance width in em.
    pub width_em: f32,
    /// Highest ink above the baseline, in em (stacked Vietnamese marks included).
    pub ink_top_em: f32,
    /// Lowest ink below the baseline, in em, as a positive number.
    pub ink_bottom_em: f32,
}

/// A paragraph set at one size: its lines, in reading order.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    pub weight: Weight,
    pub size_pt: f32,
    pub lines: Vec<Shaped>,
}

/// Usual baseline-to-baseline distance, in em.
const LEADING: f32 = 1.22;
/// Least white between the ink of two lines, in em, when stacked marks force wider leading.
const CLEARANCE: f32 = 0.06;

impl Setting {
    /// Baseline offsets of each line from the top of the first line's ink, and the total ink
    /// height, both in em. Leading is uniform within a paragraph but opens up when a stacked
    /// capital below would otherwise touch a descender above.
    pub fn baselines(&self) -> (Vec<f32>, f32) {
        let pitch =
            self.lines.windows(2).map(|p| p[0].ink_bottom_em + p[1].ink_top_em + CLEARANCE).fold(LEADING, f32::max);
        let first_top = self.lines.first().map_or(0.0, |l| l.ink_top_em);
        let offsets: Vec<f32> = (0..self.lines.len()).map(|i| first_top + pitch * i as f32).collect();
        let height = offsets.last().copied().unwrap_or(0.0) + self.lines.last().map_or(0.0, |l| l.ink_bottom_em);
        (offsets, height)
    }
}

/// Why a text could not be set in the space given.
#[derive(Debug)]
pub(crate) enum Misfit {
    /// A single unbreakable piece is wider than the measure even at the smallest size.
    WordTooWide(String),
    /// More lines than allowed even at the smallest size.
    TooManyLines,
}

impl<'a> Typesetter<'a> {
    /// Parses both fonts; fails if either is not a usable TrueType/OpenType font.
    pub fn new(fonts: &'a Fonts) -> Result<Typesetter<'a>> {
        fn face<'a>(bytes: &'a [u8], weight: Weight) -> Result<Face<'a>> {
            let shaper = rustybuzz::Face::from_slice(bytes, 0)
                .ok_or_else(|| anyhow!("the {} font is not a readable TrueType/OpenType font", weight.name()))?;
            let font = Font::new(bytes.to_vec().into(), 0)
                .ok_or_else(|| anyhow!("the {} font cannot be embedded in a PDF", weight.name()))?;
            let upem = shaper.units_per_em() as f32;
            Ok(Face { shaper, font, upem })
        }
        Ok(Typesetter { regular: face(&fonts.regular, Weight::Regular)?, bold: face(&fonts.bold, Weight::Bold)? })
    }

    fn face(&self, weight: Weight) -> &Face<'a> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The krilla font to draw a weight with.
    pub fn font(&self, weight: Weight) -> Font {
        self.face(weight).font.clone()
    }

    /// Errors on the first character the face has no glyph for: krilla has no font fallback, so a
    /// missing glyph would print as an empty box.
    pub fn check_coverage(&self, weight: Weight, text: &str) -> Result<()> {
        let face = &self.face(weight).shaper;
        if let Some(c) = text.chars().find(|&c| face.glyph_index(c).is_none()) {
            bail!("the {} font lacks the glyph '{c}' (U+{:04X})", weight.name(), c as u32);
        }
        Ok(())
    }

    /// Shapes one line of text.
    pub fn shape(&self, weight: Weight, lang: Lang, text: &str) -> Shaped {
        let face = self.face(weight);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        // A code that is not a language tag leaves the language to be guessed from the text.
        if let Ok(language) = rustybuzz::Language::from_str(lang) {
            buffer.set_language(language);
        }
        buffer.guess_segment_properties();
        let out = rustybuzz::shape(&face.shaper, &[], buffer);
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        let (mut top, mut bottom) = (0.0f32, 0.0f32);
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster runs to the next glyph with a different cluster; the text range is what makes
            // the PDF's ToUnicode map give back the original words when copying or searching.
            let end = infos[i + 1..].iter().map(|g| g.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            let range: Range<usize> = start..end;
            let em = |v: i32| v as f32 / face.upem;
            width += em(pos.x_advance);
            // Real glyph outlines, so spacing follows the ink: "Ẫ" needs more room than "a".
            if let Some(b) = face.shaper.glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(info.glyph_id as u16)) {
                top = top.max(em(b.y_max as i32 + pos.y_offset));
                bottom = bottom.max(-em(b.y_min as i32 + pos.y_offset));
            }
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                em(pos.x_advance),
                em(pos.x_offset),
                em(pos.y_offset),
                em(pos.y_advance),
                range,
                None,
            ));
        }
        Shaped { text: text.to_string(), glyphs, width_em: width, ink_top_em: top, ink_bottom_em: bottom }
    }

    /// Sets `text` centred in `width_pt`, trying sizes from `max_pt` down to `min_pt` in half points,
    /// in at most `max_lines` balanced lines. `url` breaks only after '/' and never at spaces.
    #[allow(clippy::too_many_arguments)]
    pub fn fit(
        &self,
        weight: Weight,
        lang: Lang,
        text: &str,
        (max_pt, min_pt): (f32, f32),
        width_pt: f32,
        max_lines: usize,
        url: bool,
    ) -> Result<Setting, Misfit> {
        let pieces = pieces(text, url);
        let widths: Vec<f32> = pieces.iter().map(|p| self.shape(weight, lang, p.trim_end()).width_em).collect();
        // A trailing space is measured apart so a line's width never includes the space it ends on.
        let space = if url { 0.0 } else { self.shape(weight, lang, " ").width_em };
        let caps: Vec<bool> = pieces.iter().map(|p| p.chars().next().is_some_and(char::is_uppercase)).collect();
        let mut size = max_pt;
        loop {
            // 0.5 % slack absorbs kerning across piece boundaries, which piecewise measuring ignores.
            let measure = width_pt / size * 0.995;
            if let Some(breaks) = balanced(&widths, &caps, space, measure, max_lines) {
                let lines =
                    breaks.iter().map(|r| self.shape(weight, lang, pieces[r.clone()].concat().trim_end())).collect();
                return Ok(Setting { weight, size_pt: size, lines });
            }
            if size <= min_pt {
                let widest = widths.iter().cloned().fold(0.0, f32::max);
                if widest > measure {
                    let i = widths.iter().position(|&w| w == widest).unwrap_or(0);
                    return Err(Misfit::WordTooWide(pieces[i].trim_end().to_string()));
                }
                return Err(Misfit::TooManyLines);
            }
            size = (size - 0.5).max(min_pt);
        }
    }
}

/// Splits text into breakable pieces: words keep their trailing space; URLs split after each '/'.
fn pieces(text: &str, url: bool) -> Vec<&str> {
    let sep = if url { '/' } else { ' ' };
    text.split_inclusive(sep).collect()
}

/// Greedy line filling at `measure`; returns the piece ranges of each line, or None if a piece is too wide.
fn greedy(widths: &[f32], space: f32, measure: f32) -> Option<Vec<Range<usize>>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut line = 0.0;
    for (i, &w) in widths.iter().enumerate() {
        if w > measure {
            return None;
        }
        let next = if i == start { w } else { line + space + w };
        if next > measure {
            lines.push(start..i);
            start = i;
            line = w;
        } else {
            line = next;
        }
    }
    lines.push(start..widths.len());
    Some(lines)
}

/// Extra cost, as a share of the longest line, of breaking between two capitalised words:
/// Vietnamese proper names are runs of capitalised syllables ("An Dương Vương") that read badly split.
const NAME_SPLIT_PENALTY: f32 = 0.2;

/// The fewest lines that fit, broken so the longest line is as short as possible, so a two-line
/// title splits into two similar lines instead of a full line and an orphan; with up to three
/// lines every break is tried, which also lets names stay whole.
fn balanced(widths: &[f32], caps: &[bool], space: f32, measure: f32, max_lines: usize) -> Option<Vec<Range<usize>>> {
    let lines = greedy(widths, space, measure)?;
    if lines.len() > max_lines {
        return None;
    }
    if lines.len() == 1 {
        return Some(lines);
    }
    let n = widths.len();
    if lines.len() <= 3 && n <= 40 {
        let mut prefix = vec![0.0f32; n + 1];
        for (i, w) in widths.iter().enumerate() {
            prefix[i + 1] = prefix[i] + w;
        }
        let width = |r: &Range<usize>| prefix[r.end] - prefix[r.start] + space * (r.len() as f32 - 1.0);
        let split = |b: usize| caps[b - 1] && caps[b];
        let cost = |rs: &[Range<usize>]| {
            let widest = rs.iter().map(width).fold(0.0, f32::max);
            if widest > measure {
                return f32::INFINITY;
            }
            let splits = rs[1..].iter().filter(|r| split(r.start)).count() as f32;
            widest * (1.0 + NAME_SPLIT_PENALTY * splits)
        };
        let mut best: Option<(f32, Vec<Range<usize>>)> = None;
        let mut consider = |rs: Vec<Range<usize>>| {
            let c = cost(&rs);
            if c.is_finite() && best.as_ref().is_none_or(|(b, _)| c < *b) {
                best = Some((c, rs));
            }
        };
        if lines.len() == 2 {
            for b in 1..n {
                consider(vec![0..b, b..n]);
            }
        } else {
            for b1 in 1..n {
                for b2 in b1 + 1..n {
                    consider(vec![0..b1, b1..b2, b2..n]);
                }
            }
        }
        return best.map(|(_, rs)| rs).or(Some(lines));
    }
    // Many lines: the narrowest measure that keeps the greedy line count.
    let (mut lo, mut hi) = (widths.iter().cloned().fold(0.0, f32::max), measure);
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        match greedy(widths, space, mid) {
            Some(l) if l.len() <= lines.len() => hi = mid,
            _ => lo = mid,
        }
    }
    greedy(widths, space, hi).or(Some(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fonts the program ships, as `disan placards` uses them.
    fn fonts() -> Fonts {
        crate::placard::fonts::shipped_fonts().expect("shipped fonts")
    }

    #[test]
    fn balanced_breaks_avoid_orphans() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        let name = "Đền thờ An Dương Vương và công chúa Mỵ Châu";
        let full = ts.shape(Weight::Bold, "vi", name).width_em * 20.0;
        let set = ts.fit(Weight::Bold, "vi", name, (20.0, 12.0), full * 0.7, 2, false).expect("fits");
        assert_eq!(set.lines.len(), 2);
        assert_eq!(set.size_pt, 20.0);
        let (a, b) = (set.lines[0].width_em, set.lines[1].width_em);
        assert!((a - b).abs() / a.max(b) < 0.35, "lines {a} and {b} are unbalanced");
        let joined: Vec<_> = set.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined.join(" "), name);
    }

    #[test]
    fn two_line_breaks_keep_proper_names_whole() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        let name = "Temple of King An Dương Vương and Princess Mỵ Châu";
        let full = ts.shape(Weight::Regular, "en", name).width_em * 10.0;
        let set = ts.fit(Weight::Regular, "en", name, (10.0, 10.0), full * 0.62, 2, false).expect("fits");
        let lines: Vec<_> = set.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, ["Temple of King An Dương Vương", "and Princess Mỵ Châu"]);
    }

    #[test]
    fn shrinks_then_reports_what_does_not_fit() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        let w = ts.shape(Weight::Bold, "vi", "Đền Độc Cước").width_em;
        let set = ts.fit(Weight::Bold, "vi", "Đền Độc Cước", (20.0, 10.0), w * 15.0, 1, false).expect("fits");
        assert!(set.size_pt <= 15.0 && set.size_pt >= 14.0, "{}", set.size_pt);
        assert!(matches!(
            ts.fit(Weight::Bold, "vi", "Nghênhphongkhôngdấucách", (20.0, 10.0), 50.0, 3, false),
            Err(Misfit::WordTooWide(_))
        ));
    }

    #[test]
    fn urls_break_after_slashes_only() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        let url = "disan.samson.example.vn/q/ss-dc1";
        let w = ts.shape(Weight::Regular, "en", url).width_em * 8.0;
        let set = ts.fit(Weight::Regular, "en", url, (8.0, 8.0), w * 0.8, 2, true).expect("fits");
        assert_eq!(set.lines[0].text, "disan.samson.example.vn/");
    }

    #[test]
    fn coverage_names_the_missing_character() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        ts.check_coverage(Weight::Bold, "Đền thờ An Dương Vương và công chúa Mỵ Châu").expect("Vietnamese is covered");
        let err = ts.check_coverage(Weight::Regular, "Tháp ᨀ").expect_err("Tai Tham is not in Noto Sans");
        assert!(err.to_string().contains("lacks the glyph 'ᨀ'"), "{err}");
    }

    #[test]
    fn glyph_ranges_cover_the_text() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts parse");
        let s = ts.shape(Weight::Regular, "vi", "Mỵ Châu");
        assert_eq!(s.glyphs.first().map(|g| g.text_range.start), Some(0));
        assert_eq!(s.glyphs.last().map(|g| g.text_range.end), Some("Mỵ Châu".len()));
    }
}
