//! Where everything goes on one placard: per-format type scale, the vertical stack, and fitting.
//!
//! The result is a [`Plan`] in millimetres relative to the trim's top-left corner, so it can be
//! drawn on a single page or at any slot of a gang sheet, and checked in tests without a PDF.

use anyhow::{Result, anyhow, bail};

use super::spec::{Format, PlacardSpec};
use super::text::{Lang, Misfit, Setting, Shaped, Typesetter, Weight};

/// Millimetres per PostScript point.
pub(crate) const PT_MM: f32 = 25.4 / 72.0;

/// Baseline distance from a paragraph to the one paired with it (Vietnamese, then its English),
/// in em of the second: pairs read as one unit when their baselines keep a steady rhythm.
const PAIR_PITCH: f32 = 1.4;

/// Process colours used on a placard, as CMYK percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    /// Header and foot bands: warm heritage red-brown.
    Heritage,
    /// Body background.
    Cream,
    /// Gold accents: the rule under the header and the site name.
    Gold,
    /// Explicit 0 % in all four inks: the QR quiet zone must stay paper-white on any background.
    White,
    /// 100 % K only: text and modules print from one plate, so nothing can mis-register.
    Black,
}

impl Ink {
    /// The ink as CMYK percentages.
    pub fn cmyk(self) -> [f32; 4] {
        match self {
            Ink::Heritage => [0.0, 70.0, 100.0, 35.0],
            Ink::Cream => [0.0, 3.0, 10.0, 0.0],
            Ink::Gold => [0.0, 18.0, 70.0, 0.0],
            Ink::White => [0.0, 0.0, 0.0, 0.0],
            Ink::Black => [0.0, 0.0, 0.0, 100.0],
        }
    }
}

/// A rectangle in millimetres: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Box2 {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One thing to draw.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// A filled rectangle (backgrounds may run into the bleed).
    Fill { ink: Ink, rect: Box2 },
    /// A rectangle outline, stroke centred on the edge.
    Frame { ink: Ink, rect: Box2, stroke_mm: f32 },
    /// One line of text; `x` is the left end of the advance, `baseline` the baseline.
    Text { line: Shaped, weight: Weight, size_pt: f32, ink: Ink, x: f32, baseline: f32 },
    /// The QR including its quiet zone, `size` wide and high.
    Qr { x: f32, y: f32, size: f32 },
    /// A location pin `h` high with its top-left corner at (x, y): marks the "you are here" label.
    Pin { ink: Ink, x: f32, y: f32, h: f32 },
}

/// A laid-out placard.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub items: Vec<Item>,
    /// Height of the header band from the trim's top edge, in millimetres.
    pub band_mm: f32,
}

/// Type sizes as (largest, smallest) in points, and spacing in millimetres, for one format.
#[derive(Debug, Clone, Copy)]
struct Scale {
    margin: f32,
    name: (f32, f32),
    name_2: (f32, f32),
    label: (f32, f32),
    label_2: (f32, f32),
    cta: (f32, f32),
    cta_2: (f32, f32),
    url: (f32, f32),
    small: (f32, f32),
    gap: f32,
    header_pad: f32,
    rule: f32,
    foot: f32,
    frame: f32,
}

impl Scale {
    fn for_format(format: Format) -> Scale {
        // A6 is the reference. A5 and A4 type grows by less than the paper (1.36 and 1.8 against
        // 1.41 and 2) because their QR minimums (90 and 140 mm) grow by more. Never below 6 pt,
        // the smallest type print shops accept.
        let a6 = Scale {
            margin: 6.5,
            name: (25.0, 12.0),
            name_2: (11.5, 8.0),
            label: (10.5, 8.0),
            label_2: (9.5, 7.0),
            cta: (9.5, 7.0),
            cta_2: (9.0, 7.0),
            url: (9.5, 7.0),
            small: (6.5, 6.0),
            gap: 2.5,
            header_pad: 5.5,
            rule: 1.2,
            foot: 4.0,
            frame: 0.35,
        };
        let scaled = |k: f32| {
            let t = |(a, b): (f32, f32)| (a * k, b * k);
            Scale {
                margin: a6.margin * k,
                name: t(a6.name),
                name_2: t(a6.name_2),
                label: t(a6.label),
                label_2: t(a6.label_2),
                cta: t(a6.cta),
                cta_2: t(a6.cta_2),
                url: t(a6.url),
                small: t(a6.small),
                gap: a6.gap * k,
                header_pad: a6.header_pad * k,
                rule: a6.rule * k,
                foot: a6.foot * k,
                frame: a6.frame * k,
            }
        };
        match format {
            Format::A6 => a6,
            Format::A5 => scaled(1.36),
            Format::A4 => scaled(1.8),
            // The smallest format carries the same text as the others, so its margins sit at the
            // 4 mm end of the 3–5 mm safe zone and its gaps are tight.
            Format::Sticker => Scale {
                margin: 4.0,
                name: (11.0, 7.0),
                name_2: (6.5, 6.0),
                label: (7.0, 6.0),
                label_2: (6.5, 6.0),
                cta: (7.0, 6.0),
                cta_2: (6.5, 6.0),
                url: (7.0, 6.0),
                small: (6.0, 6.0),
                gap: 0.8,
                header_pad: 1.8,
                rule: 0.7,
                foot: 2.5,
                frame: 0.25,
            },
        }
    }
}

/// Ink height of a paragraph in millimetres.
fn height(s: &Setting) -> f32 {
    s.baselines().1 * s.size_pt * PT_MM
}

/// White between the ink of two paired paragraphs, in millimetres: what keeps their baselines
/// [`PAIR_PITCH`] apart, but never less than 0.4 em (after a descending headline).
fn pair_gap(first: &Setting, second: &Setting) -> f32 {
    let (em1, em2) = (first.size_pt * PT_MM, second.size_pt * PT_MM);
    let bottom = first.lines.last().map_or(0.0, |l| l.ink_bottom_em) * em1;
    let top = second.lines.first().map_or(0.0, |l| l.ink_top_em) * em2;
    (PAIR_PITCH * em2 - bottom - top).max(0.4 * em2)
}

/// Everything below the name, set at one shrink factor.
struct Blocks {
    name_2: Setting,
    label: Option<(Setting, Option<Setting>)>,
    cta: Setting,
    cta_2: Setting,
    url: Setting,
    small: Vec<Setting>,
}

/// Lines a paragraph below the name may wrap into once it has shrunk to its floor.
const MAX_LINES: usize = 3;

/// Lays out one placard. Every text is set in full or the placard is refused: each paragraph first
/// shrinks (down to its floor size), then wraps; the whole placard shrinks together until the stack
/// fits; what still does not fit is reported with the field and its text. Nothing is ever left out.
///
/// `band_mm` makes the header band at least that tall (a sheet gives all its stickers one height).
pub(crate) fn plan(spec: &PlacardSpec, format: Format, ts: &Typesetter, band_mm: Option<f32>) -> Result<Plan> {
    let s = Scale::for_format(format);
    let (w, h) = format.trim_mm();
    let measure_pt = (w - 2.0 * s.margin) / PT_MM;
    let fmt = format.with_article();

    let refuse = |field: &str, text: &str, misfit: Misfit, min_pt: f32, lines: usize| match misfit {
        Misfit::WordTooWide(word) => anyhow!(
            "the {field} \"{text}\" does not fit on {fmt} placard: the word \"{word}\" is wider than the placard \
             even at {min_pt} pt; shorten it or use a bigger format"
        ),
        Misfit::TooManyLines => anyhow!(
            "the {field} \"{text}\" does not fit on {fmt} placard: it needs more than {lines} lines even at \
             {min_pt} pt; shorten it or use a bigger format"
        ),
    };
    // One paragraph: one line if shrinking to the floor allows it, else two, else three.
    #[allow(clippy::too_many_arguments)]
    let block = |measure_pt: f32,
                 field: &'static str,
                 weight: Weight,
                 lang: Lang,
                 text: &str,
                 (max, min): (f32, f32),
                 max_lines: usize,
                 url: bool|
     -> Result<Setting> {
        ts.check_coverage(weight, text).map_err(|e| e.context(format!("in the {field} \"{text}\"")))?;
        let mut misfit = Misfit::TooManyLines;
        for lines in 1..=max_lines {
            match ts.fit(weight, lang, text, (max, min), measure_pt, lines, url) {
                Ok(set) => return Ok(set),
                Err(m @ Misfit::WordTooWide(_)) => {
                    misfit = m;
                    break;
                }
                Err(m) => misfit = m,
            }
        }
        Err(refuse(field, text, misfit, min, max_lines))
    };

    // One paragraph that wraps like any other: a long organisation name then costs one line, not two.
    // The placard's own words (call to action, "Code", "Sponsors") come from the languages' data.
    let (first, second) = (spec.languages.0.as_str(), spec.languages.1.as_str());
    let (cta, cta_2) = (crate::words::word(first, "placard_cta"), crate::words::word(second, "placard_cta"));
    let code_word = crate::words::word(first, "placard_code");
    let mut small_texts = vec![("organisation", format!("{code_word}: {} · {}", spec.code, spec.organisation))];
    // Sponsors who asked to be credited on placards: small print like the rest, never dropped.
    if !spec.credit.is_empty() {
        let credit_word = crate::words::word(first, "placard_sponsors");
        small_texts.push(("sponsors' credit", format!("{credit_word}: {}", spec.credit)));
    }
    // Everything shrinks together by a common factor, keeping the hierarchy, until it fits; each
    // line stops at its own floor.
    let build = |factor: f32| -> Result<Blocks> {
        let sz = |(max, min): (f32, f32)| ((max * factor).max(min), min);
        let label = if spec.label.is_empty() {
            None
        } else {
            // The pin sits left of the first line, so the label gets a shorter measure.
            let pin_room = 2.0 * PIN_W * s.label.0;
            let vi =
                block(measure_pt - pin_room, "label", Weight::Bold, first, &spec.label, sz(s.label), MAX_LINES, false)?;
            let en = if spec.label_2.is_empty() {
                None
            } else {
                let en = &spec.label_2;
                Some(block(
                    measure_pt,
                    "label in the second language",
                    Weight::Regular,
                    second,
                    en,
                    sz(s.label_2),
                    MAX_LINES,
                    false,
                )?)
            };
            Some((vi, en))
        };
        let en_name = &spec.name_2;
        Ok(Blocks {
            name_2: block(
                measure_pt,
                "name in the second language",
                Weight::Regular,
                second,
                en_name,
                sz(s.name_2),
                MAX_LINES,
                false,
            )?,
            label,
            cta: block(measure_pt, "call to action", Weight::Bold, first, cta, sz(s.cta), MAX_LINES, false)?,
            cta_2: block(
                measure_pt,
                "call to action in the second language",
                Weight::Regular,
                second,
                cta_2,
                sz(s.cta_2),
                MAX_LINES,
                false,
            )?,
            url: block(measure_pt, "short address", Weight::Regular, second, &spec.short_url, sz(s.url), 2, true)?,
            small: small_texts
                .iter()
                .map(|(field, t)| block(measure_pt, field, Weight::Regular, first, t, sz(s.small), MAX_LINES, false))
                .collect::<Result<_>>()?,
        })
    };
    let name_text = &spec.name;
    ts.check_coverage(Weight::Bold, name_text).map_err(|e| e.context(format!("in the site name \"{name_text}\"")))?;

    // The headline keeps a large size over few lines: it tries two balanced lines first, then more.
    let line_counts: &[usize] = if format == Format::Sticker { &[2, 3] } else { &[2, 3, 4] };
    // The factor at which every line has reached its smallest size: no point shrinking further.
    let floor = [s.name, s.name_2, s.label, s.label_2, s.cta, s.cta_2, s.url, s.small]
        .iter()
        .map(|(max, min)| min / max)
        .fold(1.0, f32::min);
    let mut name_misfit = None;
    let mut overflow = f32::INFINITY;
    let mut factor: f32 = 1.0;
    let smallest = loop {
        let blocks = build(factor)?;
        let mut name_at_floor = None;
        for &max_lines in line_counts {
            let sizes = ((s.name.0 * factor).max(s.name.1), s.name.1);
            let name = match ts.fit(Weight::Bold, first, name_text, sizes, measure_pt, max_lines, false) {
                Ok(name) => name,
                Err(m) => {
                    name_misfit = Some(m);
                    continue;
                }
            };
            match stack(&s, (w, h), format.qr_mm(), &name, &blocks, band_mm) {
                Ok((items, band_mm)) => return Ok(Plan { items, band_mm }),
                Err(over) => overflow = overflow.min(over),
            }
            name_at_floor = Some(name);
        }
        if factor <= floor {
            break name_at_floor.map(|name| (name, blocks));
        }
        factor = (factor - 0.04).max(floor);
    };
    let Some((name, b)) = smallest else {
        let max_lines = line_counts.last().copied().unwrap_or(2);
        return Err(refuse("site name", name_text, name_misfit.unwrap_or(Misfit::TooManyLines), s.name.1, max_lines));
    };
    // Everything is at its floor and still too tall: name the paragraph that takes the most lines.
    let mut parts = vec![
        ("site name", name_text.as_str(), &name),
        ("name in the second language", spec.name_2.as_str(), &b.name_2),
    ];
    if let Some((vi, en)) = &b.label {
        parts.push(("label", spec.label.as_str(), vi));
        if let Some(en) = en {
            parts.push(("label in the second language", spec.label_2.as_str(), en));
        }
    }
    if let Some(small) = b.small.first() {
        parts.push(("organisation", spec.organisation.as_str(), small));
    }
    let (field, text, set) = parts
        .into_iter()
        .max_by_key(|(_, text, set)| (set.lines.len(), text.chars().count()))
        .expect("the site name is always a part");
    bail!(
        "the text does not fit on {fmt} placard: it is {overflow:.1} mm too tall with every line at its smallest \
         size; the longest part is the {field} \"{text}\" ({} lines): shorten it, or use a bigger format",
        set.lines.len()
    )
}

/// Stacks the blocks top to bottom, with the header band at least `band_min` mm tall; the items and
/// the band's height, or Err(overflow in mm) if they do not fit between the margins.
fn stack(
    s: &Scale,
    (w, h): (f32, f32),
    qr: f32,
    name: &Setting,
    b: &Blocks,
    band_min: Option<f32>,
) -> Result<(Vec<Item>, f32), f32> {
    let mut items = Vec::new();
    let bleed = 25.0; // generous: the page or sheet slot clips to its own bleed box anyway
    let cx = w / 2.0;

    // Header band: the name on heritage red. Its text starts at the safe margin, or is centred in a
    // band made taller to match its neighbours on a sheet.
    let name_gap = pair_gap(name, &b.name_2);
    let natural = s.margin + height(name) + name_gap + height(&b.name_2) + s.header_pad;
    let header_bottom = band_min.map_or(natural, |m| m.max(natural));
    let mut y = s.margin + (header_bottom - natural) / 2.0;
    let mut text = Vec::new();
    y = set(&mut text, name, Ink::Gold, cx, y);
    y += name_gap;
    set(&mut text, &b.name_2, Ink::White, cx, y);
    items.push(Item::Fill {
        ink: Ink::Cream,
        rect: Box2 { x: -bleed, y: -bleed, w: w + 2.0 * bleed, h: h + 2.0 * bleed },
    });
    items.push(Item::Fill {
        ink: Ink::Heritage,
        rect: Box2 { x: -bleed, y: -bleed, w: w + 2.0 * bleed, h: header_bottom + bleed },
    });
    items
        .push(Item::Fill { ink: Ink::Gold, rect: Box2 { x: -bleed, y: header_bottom, w: w + 2.0 * bleed, h: s.rule } });
    items.push(Item::Fill {
        ink: Ink::Heritage,
        rect: Box2 { x: -bleed, y: h - s.foot, w: w + 2.0 * bleed, h: s.foot + bleed },
    });
    items.push(Item::Fill {
        ink: Ink::Gold,
        rect: Box2 { x: -bleed, y: h - s.foot - s.rule * 0.5, w: w + 2.0 * bleed, h: s.rule * 0.5 },
    });
    items.append(&mut text);

    // Body: groups separated by equal gaps that share out whatever space is left.
    let mut groups: Vec<Vec<(&Setting, f32)>> = Vec::new();
    let mut label_pin = None;
    if let Some((vi, en)) = &b.label {
        label_pin = Some(vi);
        let mut g = vec![(vi, 0.0)];
        if let Some(en) = en {
            g.push((en, pair_gap(vi, en)));
        }
        groups.push(g);
    }
    groups.push(vec![(&b.cta, 0.0), (&b.cta_2, pair_gap(&b.cta, &b.cta_2))]);
    let group_h = |g: &Vec<(&Setting, f32)>| g.iter().map(|(st, gap)| gap + height(st)).sum::<f32>();
    let url_gap = s.gap * 0.6;
    let qr_group = qr + url_gap + height(&b.url);
    let small_gap = b.small.windows(2).map(|p| pair_gap(&p[0], &p[1])).sum::<f32>();
    let small_h = b.small.iter().map(height).sum::<f32>() + small_gap;

    let top = header_bottom + s.rule;
    let bottom = h - s.margin.max(s.foot + s.gap);
    let content = groups.iter().map(group_h).sum::<f32>() + qr_group + small_h;
    let gaps = groups.len() as f32 + 3.0; // before, between label/cta/qr/small, after
    let spare = bottom - top - content - gaps * s.gap;
    if spare < 0.0 {
        return Err(-spare);
    }
    let gap = s.gap + spare / gaps;

    let mut y = top + gap;
    for g in &groups {
        for (st, before) in g {
            y += before;
            let first = items.len();
            y = set(&mut items, st, Ink::Black, cx, y);
            if label_pin.is_some_and(|l| std::ptr::eq(l, *st)) {
                add_pin(&mut items, first, st.size_pt);
            }
        }
        y += gap;
    }
    let qx = cx - qr / 2.0;
    // A thin heritage frame outside the white square marks the code as the thing to scan,
    // without eating into the quiet zone.
    let f = s.frame;
    items.push(Item::Frame {
        ink: Ink::Heritage,
        rect: Box2 { x: qx - f / 2.0, y: y - f / 2.0, w: qr + f, h: qr + f },
        stroke_mm: f,
    });
    items.push(Item::Qr { x: qx, y, size: qr });
    y += qr + url_gap;
    y = set(&mut items, &b.url, Ink::Black, cx, y);
    y += gap;
    for (i, st) in b.small.iter().enumerate() {
        if i > 0 {
            y += pair_gap(&b.small[i - 1], st);
        }
        y = set(&mut items, st, Ink::Black, cx, y);
    }
    Ok((items, header_bottom))
}

/// Pin width in em of the label size; the gap after it is the same again.
const PIN_W: f32 = 0.55;

/// Puts a pin before the text line at `items[index]` and shifts the line so the pair stays centred.
fn add_pin(items: &mut Vec<Item>, index: usize, size_pt: f32) {
    let em = size_pt * PT_MM;
    if let Some(Item::Text { x, baseline, .. }) = items.get_mut(index) {
        let shift = PIN_W * em;
        *x += shift;
        let h = 0.8 * em;
        let pin = Item::Pin { ink: Ink::Heritage, x: *x - 2.0 * shift, y: *baseline - 0.72 * em, h };
        items.push(pin);
    }
}

/// Adds a paragraph's lines centred on `cx` with the top of its ink at `top`; returns the ink's bottom.
fn set(items: &mut Vec<Item>, s: &Setting, ink: Ink, cx: f32, top: f32) -> f32 {
    let em = s.size_pt * PT_MM;
    let (baselines, height) = s.baselines();
    for (line, offset) in s.lines.iter().zip(baselines) {
        let x = cx - line.width_em * em / 2.0;
        items.push(Item::Text {
            line: line.clone(),
            weight: s.weight,
            size_pt: s.size_pt,
            ink,
            x,
            baseline: top + offset * em,
        });
    }
    top + height * em
}

#[cfg(test)]
mod tests {
    use super::super::spec::{Fonts, PlacardSpec, resolve};
    use super::*;

    /// The fonts the program ships, as `disan placards` uses them.
    fn fonts() -> Fonts {
        crate::placard::fonts::shipped_fonts().expect("shipped fonts")
    }

    fn spec(name: &str) -> PlacardSpec {
        resolve(&PlacardSpec {
            code: "ss-ad1".into(),
            url: "https://disan.samson.example.vn/q/ss-ad1".into(),
            short_url: "disan.samson.example.vn/q/ss-ad1".into(),
            languages: ("vi".into(), "en".into()),
            name: name.into(),
            name_2: "Temple of King An Dương Vương and Princess Mỵ Châu".into(),
            label: "Sân trước đền".into(),
            label_2: "Front courtyard".into(),
            organisation: "Đoàn Thanh niên thành phố Sầm Sơn".into(),
            credit: String::new(),
        })
        .expect("valid spec")
    }

    /// Sponsors credited on placards are printed in every format, like the rest of the small print.
    #[test]
    fn sponsors_credit_is_printed_in_every_format() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts");
        let credited = PlacardSpec {
            credit: "Công ty Du lịch Sầm Sơn, Hội Nhiếp ảnh Thanh Hóa".into(),
            ..spec("Đền Độc Cước")
        };
        for format in Format::ALL {
            let plan = plan(&credited, format, &ts, None).expect("fits");
            let texts: Vec<String> = plan
                .items
                .iter()
                .filter_map(|i| if let Item::Text { line, .. } = i { Some(line.text.clone()) } else { None })
                .collect();
            let all = texts.join(" ");
            assert!(all.contains("Tài trợ: Công ty Du lịch Sầm Sơn"), "{format:?}: {all}");
            assert!(all.contains("Thanh Hóa"), "{format:?}: {all}");
        }
    }

    /// Everything but backgrounds stays inside the safe area (4 mm on stickers, more on signs), and
    /// nothing overlaps vertically.
    #[test]
    fn content_stays_inside_the_safe_area_in_every_format() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts");
        for format in Format::ALL {
            let (w, h) = format.trim_mm();
            let safe = if format == Format::Sticker { 4.0 } else { 5.0 };
            let plan = plan(&spec("Đền thờ An Dương Vương và công chúa Mỵ Châu"), format, &ts, None).expect("fits");
            let mut spans = Vec::new();
            for item in &plan.items {
                let (x0, y0, x1, y1) = match item {
                    Item::Text { line, size_pt, x, baseline, .. } => {
                        let em = size_pt * PT_MM;
                        (
                            *x,
                            baseline - line.ink_top_em * em,
                            x + line.width_em * em,
                            baseline + line.ink_bottom_em * em,
                        )
                    }
                    Item::Qr { x, y, size } => (*x, *y, x + size, y + size),
                    Item::Pin { x, y, h, .. } => (*x, *y, x + h * 0.72, y + h),
                    _ => continue,
                };
                assert!(
                    x0 >= safe && x1 <= w - safe && y0 >= safe && y1 <= h - safe,
                    "{format:?}: {item:?} leaves the safe area"
                );
                // The pin shares its line with the label, so only text and QR must not overlap.
                if !matches!(item, Item::Pin { .. }) {
                    spans.push((y0, y1));
                }
            }
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            for pair in spans.windows(2) {
                assert!(pair[0].1 <= pair[1].0 + 0.01, "{format:?}: {:?} overlaps {:?}", pair[0], pair[1]);
            }
            let qr = plan.items.iter().find_map(|i| if let Item::Qr { size, .. } = i { Some(*size) } else { None });
            assert_eq!(qr, Some(format.qr_mm()));
        }
    }

    #[test]
    fn long_names_shrink_and_hopeless_ones_fail_with_the_field_named() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts");
        let long = "Khu di tích lịch sử văn hóa và danh lam thắng cảnh quốc gia đặc biệt Đền thờ An Dương Vương và công chúa Mỵ Châu trên núi Trường Lệ";
        plan(&spec(long), Format::A6, &ts, None).expect("a long name still fits, smaller");
        let hopeless = [long; 3].join(" ");
        let err = plan(&spec(&hopeless), Format::A6, &ts, None).expect_err("too long");
        assert!(format!("{err:#}").contains("A6 placard"), "{err:#}");
    }

    #[test]
    fn sticker_keeps_every_line() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("fonts");
        let p = plan(&spec("Đền thờ An Dương Vương và công chúa Mỵ Châu"), Format::Sticker, &ts, None).expect("fits");
        let texts: Vec<String> = p
            .items
            .iter()
            .filter_map(|i| if let Item::Text { line, .. } = i { Some(line.text.clone()) } else { None })
            .collect();
        let all = texts.join(" ");
        for must in [
            "Mỵ Châu",
            "Sân trước đền",
            "Front courtyard",
            "Scan for",
            "disan.samson.example.vn/",
            "Mã: ss-ad1",
            "Quét mã",
        ] {
            assert!(all.contains(must), "sticker lacks {must:?}: {all}");
        }
    }
}
