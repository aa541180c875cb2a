//! End-to-end checks of the print files: page boxes, fonts, text, colour, determinism, and every
//! QR rendered by poppler and decoded back (skipped with a note where poppler is not installed).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::layout::{Item, PT_MM};
use super::marks;
use super::pdf::prepare;
use super::sheet::{GUTTER_MM, grid, sheet_job};
use super::*;

/// The fonts the program ships, as `disan placards` uses them.
fn fonts() -> Fonts {
    crate::placard::fonts::shipped_fonts().expect("shipped fonts")
}

fn spec(code: &str, name: &str, name_2: &str, label: &str, label_2: &str) -> PlacardSpec {
    PlacardSpec {
        code: code.into(),
        url: format!("https://disan.samson.example.vn/q/{code}"),
        short_url: format!("disan.samson.example.vn/q/{code}"),
        languages: ("vi".into(), "en".into()),
        name: name.into(),
        name_2: name_2.into(),
        label: label.into(),
        label_2: label_2.into(),
        organisation: "Đoàn Thanh niên thành phố Sầm Sơn".into(),
        credit: String::new(),
    }
}

fn samson() -> Vec<PlacardSpec> {
    vec![
        spec("ss-dc1", "Đền Độc Cước", "Độc Cước Temple", "Cổng lên đền", "Temple gate"),
        spec(
            "ss-ad1",
            "Đền thờ An Dương Vương và công chúa Mỵ Châu",
            "Temple of King An Dương Vương and Princess Mỵ Châu",
            "Sân trước đền",
            "Front courtyard",
        ),
        // Decomposed (NFD) input on purpose: the placard must print and extract as NFC.
        spec(
            "ss-tm1",
            "Ho\u{300}n Trô\u{301}ng Ma\u{301}i",
            "Trống Mái Rocks",
            "Lối lên đỉnh núi Trường Lệ",
            "Path to the top of Trường Lệ mountain",
        ),
    ]
}

/// A scratch directory for one test, removed and recreated.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("disan-placard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs a poppler tool; None when it is not installed, so the test can skip instead of failing.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    let Ok(out) = Command::new(tool).args(args).output() else {
        // CI installs poppler (DISAN_REQUIRE_TOOLS=1, true or yes); there a missing tool is a failure.
        let required = std::env::var("DISAN_REQUIRE_TOOLS")
            .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"));
        assert!(!required, "{tool} is not installed");
        return None;
    };
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The page boxes `pdfinfo -box` reports, per page: name → [x0, y0, x1, y1] in points.
fn boxes(pdf: &Path) -> Option<Vec<std::collections::HashMap<String, [f32; 4]>>> {
    let out = poppler("pdfinfo", &["-box", "-f", "1", "-l", "999", pdf.to_str()?])?;
    let mut pages: Vec<std::collections::HashMap<String, [f32; 4]>> = Vec::new();
    for line in out.lines().filter(|l| l.starts_with("Page ")) {
        let mut parts = line.split_whitespace();
        let page: usize = parts.nth(1)?.parse().ok()?;
        let name = parts.next()?.trim_end_matches(':').to_string();
        let v: Vec<f32> = parts.filter_map(|p| p.parse().ok()).collect();
        if v.len() != 4 {
            continue;
        }
        if pages.len() < page {
            pages.resize_with(page, Default::default);
        }
        pages[page - 1].insert(name, [v[0], v[1], v[2], v[3]]);
    }
    Some(pages)
}

fn inside(inner: [f32; 4], outer: [f32; 4]) -> bool {
    inner[0] >= outer[0] - 0.01
        && inner[1] >= outer[1] - 0.01
        && inner[2] <= outer[2] + 0.01
        && inner[3] <= outer[3] + 0.01
}

/// Renders page `page` at `dpi` and returns it as grey pixels.
fn render(pdf: &Path, page: usize, dpi: u32, dir: &Path) -> Option<image::GrayImage> {
    let prefix = dir.join(format!("p{page}"));
    let p = page.to_string();
    poppler(
        "pdftoppm",
        &["-r", &dpi.to_string(), "-gray", "-png", "-f", &p, "-l", &p, "-singlefile", pdf.to_str()?, prefix.to_str()?],
    )?;
    Some(image::open(prefix.with_extension("png")).expect("rendered page").to_luma8())
}

/// Crops the square (x, y, size) mm (page coordinates) plus a little paper, and decodes it.
fn decode_region(img: &image::GrayImage, (x, y, size): (f32, f32, f32), dpi: u32) -> String {
    let px = |mm: f32| (mm / 25.4 * dpi as f32).round() as u32;
    let pad = px(1.0);
    let (x0, y0) = (px(x).saturating_sub(pad), px(y).saturating_sub(pad));
    let side = (px(size) + 2 * pad).min(img.width() - x0).min(img.height() - y0);
    let crop = image::imageops::crop_imm(img, x0, y0, side, side).to_image();
    let mut prepared = rqrr::PreparedImage::prepare(crop);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one code in the crop at ({x}, {y}) mm");
    grids[0].decode().expect("decodes").1
}

/// Where each placard's QR sits relative to its trim corner, in mm.
fn qr_boxes(specs: &[PlacardSpec], opts: &Options) -> Vec<(f32, f32, f32)> {
    let fonts = fonts();
    qr_of(&prepare(specs, opts, &fonts).expect("prepares"))
}

/// Where each QR of a laid-out job sits relative to its trim corner, in mm.
fn qr_of(job: &super::pdf::Job) -> Vec<(f32, f32, f32)> {
    job.placards
        .iter()
        .map(|p| {
            p.plan
                .items
                .iter()
                .find_map(|i| if let Item::Qr { x, y, size } = i { Some((*x, *y, *size)) } else { None })
                .expect("every placard has a QR")
        })
        .collect()
}

#[test]
fn a6_placards_have_boxes_fonts_text_and_codes_that_decode() {
    let specs = samson();
    let opts = Options::default();
    let pdf = placards_pdf(&specs, &opts, &fonts()).expect("renders");
    assert_eq!(pdf, placards_pdf(&specs, &opts, &fonts()).expect("renders again"), "output is not deterministic");
    let text = String::from_utf8_lossy(&pdf);
    assert!(!text.contains("/DeviceRGB") && !text.contains("/ICCBased"), "only DeviceCMYK colour is allowed");
    assert!(!text.contains("/CreationDate"), "a date would make the bytes vary");

    let dir = scratch("a6");
    let file = dir.join("a6.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let Some(pages) = boxes(&file) else {
        eprintln!("poppler-utils not installed: skipping the rendered checks");
        return;
    };
    assert_eq!(pages.len(), 3);
    for page in &pages {
        let (media, bleed, trim) = (page["MediaBox"], page["BleedBox"], page["TrimBox"]);
        assert!(inside(trim, bleed) && inside(bleed, media), "Trim ⊂ Bleed ⊂ Media fails: {page:?}");
        assert!((trim[2] - trim[0] - 105.0 / PT_MM).abs() < 0.05 && (trim[3] - trim[1] - 148.0 / PT_MM).abs() < 0.05);
        assert!((trim[0] - bleed[0] - 3.0 / PT_MM).abs() < 0.05, "3 mm bleed");
    }

    let fonts_out = poppler("pdffonts", &[file.to_str().expect("utf-8 path")]).expect("pdffonts");
    let embedded: Vec<&str> = fonts_out.lines().skip(2).collect();
    assert_eq!(embedded.len(), 2, "{fonts_out}");
    for line in embedded {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(cols[0].contains('+'), "subset tag missing: {line}");
        assert_eq!(&cols[cols.len() - 5..cols.len() - 2], &["yes", "yes", "yes"], "emb/sub/uni: {line}");
    }

    let extracted = poppler("pdftotext", &["-layout", file.to_str().expect("path"), "-"]).expect("pdftotext");
    for needle in
        ["Đền Độc Cước", "Mỵ Châu", "Hòn Trống Mái", "Quét mã để tham quan 360° và nghe thuyết minh", "Mã: ss-dc1"]
    {
        assert!(extracted.contains(needle), "pdftotext lacks {needle:?}:\n{extracted}");
    }

    let dpi = 150;
    for (i, (s, (x, y, size))) in specs.iter().zip(qr_boxes(&specs, &opts)).enumerate() {
        let img = render(&file, i + 1, dpi, &dir).expect("pdftoppm");
        assert_eq!(decode_region(&img, (x + opts.bleed_mm, y + opts.bleed_mm, size), dpi), s.url);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn crop_marks_sit_in_the_slug() {
    let specs = samson();
    let opts = Options { marks: true, ..Options::default() };
    let pdf = placards_pdf(&specs[..1], &opts, &fonts()).expect("renders");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Separation/All"), "marks print on every plate");
    let dir = scratch("marks");
    let file = dir.join("marks.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let Some(pages) = boxes(&file) else { return };
    let (media, bleed, trim) = (pages[0]["MediaBox"], pages[0]["BleedBox"], pages[0]["TrimBox"]);
    let slug = (bleed[0] - media[0]) * PT_MM;
    assert!(slug >= marks::offset_mm(3.0) - 3.0 + marks::MARK_MM, "a slug of {slug} mm cannot hold the marks");
    let dpi = 150.0;
    let img = render(&file, 1, dpi as u32, &dir).expect("renders");
    // Pixel of a point given in PDF user space (y up).
    let at = |x_pt: f32, y_pt: f32| {
        let px = ((x_pt - media[0]) / 72.0 * dpi).round() as u32;
        let py = ((media[3] - y_pt) / 72.0 * dpi).round() as u32;
        img.get_pixel(px.min(img.width() - 1), py.min(img.height() - 1))[0]
    };
    let mm = 1.0 / PT_MM;
    // A mark runs up from the top-left trim corner, in the slug above the bleed...
    assert!((0..8).any(|d| at(trim[0], bleed[3] + (1.0 + d as f32 * 0.5) * mm) < 160), "no crop mark above the corner");
    // ...and nothing else prints in the slug, nor within the bleed distance of the trim corner.
    for i in 0..40 {
        let x = trim[0] + 3.0 * mm + (trim[2] - trim[0] - 6.0 * mm) * i as f32 / 39.0;
        assert!(at(x, bleed[3] + 2.0 * mm) > 230, "ink in the slug at x = {x} pt");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sticker_sheet_steps_placards_in_order_and_every_code_decodes() {
    let base = samson();
    let specs: Vec<PlacardSpec> = (0..12)
        .map(|i| {
            let s = &base[i % 3];
            PlacardSpec {
                code: format!("ss-{i:02}"),
                url: format!("https://disan.samson.example.vn/q/ss-{i:02}"),
                ..s.clone()
            }
        })
        .collect();
    let opts = Options { format: Format::Sticker, ..Options::default() };
    let pdf = sheet_pdf(&specs, Sheet::A4, &opts, &fonts()).expect("renders");
    assert_eq!(pdf, sheet_pdf(&specs, Sheet::A4, &opts, &fonts()).expect("again"), "output is not deterministic");
    let text = String::from_utf8_lossy(&pdf);
    assert!(!text.contains("/TrimBox") && !text.contains("/BleedBox"), "the sheet itself has no trim");

    let dir = scratch("sheet");
    let file = dir.join("sheet.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let Some(pages) = boxes(&file) else { return };
    let g = grid(Format::Sticker.trim_mm(), Sheet::A4, 3.0).expect("fits");
    assert_eq!(pages.len(), specs.len().div_ceil(g.slots()));
    let dpi = 200;
    let fonts = fonts();
    let (_, job) = sheet_job(&specs, Sheet::A4, &opts, &fonts).expect("lays out");
    let qrs = qr_of(&job);
    for (i, s) in specs.iter().enumerate() {
        let (page, slot) = (i / g.slots(), i % g.slots());
        let img = render(&file, page + 1, dpi, &dir).expect("renders");
        let (sx, sy) = g.slot(slot);
        let (x, y, size) = qrs[i];
        assert_eq!(decode_region(&img, (sx + x, sy + y, size), dpi), s.url, "slot {slot} on sheet {}", page + 1);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_logo_switches_to_level_h_stays_cmyk_and_still_decodes() {
    // A red disc on transparency: exercises alpha flattening and the RGB→CMYK conversion.
    let mut logo = image::RgbaImage::new(64, 64);
    for (x, y, p) in logo.enumerate_pixels_mut() {
        let d = ((x as f32 - 31.5).powi(2) + (y as f32 - 31.5).powi(2)).sqrt();
        *p = if d < 30.0 { image::Rgba([180, 30, 20, 255]) } else { image::Rgba([0, 0, 0, 0]) };
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(logo)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode logo");
    let specs = samson();
    let opts = Options { logo: Some(png), ..Options::default() };
    let pdf = placards_pdf(&specs, &opts, &fonts()).expect("renders");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/DeviceCMYK") && !text.contains("/DeviceRGB") && !text.contains("/SMask"));
    let dir = scratch("logo");
    let file = dir.join("logo.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let qrs = qr_boxes(&specs, &opts);
    for (i, s) in specs.iter().enumerate() {
        let Some(img) = render(&file, i + 1, 150, &dir) else { return };
        let (x, y, size) = qrs[i];
        assert_eq!(decode_region(&img, (x + 3.0, y + 3.0, size), 150), s.url);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn errors_name_the_placard_and_the_problem() {
    let fonts = fonts();
    let mut bad = samson();
    bad[1].name = "Tháp Chàm ᨀ".into();
    let err = format!("{:#}", placards_pdf(&bad, &Options::default(), &fonts).expect_err("missing glyph"));
    assert!(err.starts_with("placard ss-ad1:") && err.contains("lacks the glyph 'ᨀ'"), "{err}");

    let mut long = samson();
    long[2].name = ["Khu di tích lịch sử văn hóa và danh lam thắng cảnh quốc gia đặc biệt"; 4].join(" ");
    let err = format!(
        "{:#}",
        placards_pdf(&long, &Options { format: Format::Sticker, ..Options::default() }, &fonts).expect_err("too long")
    );
    assert!(err.starts_with("placard ss-tm1:") && err.contains("sticker placard"), "{err}");

    let far = Options { viewing_distance_m: Some(1.0), ..Options::default() };
    let err = format!("{:#}", placards_pdf(&samson(), &far, &fonts).expect_err("too far"));
    assert!(err.contains("at least 100 mm") && err.contains("A4"), "{err}");

    let err = format!(
        "{:#}",
        sheet_pdf(&samson(), Sheet::A4, &Options { format: Format::A4, ..Options::default() }, &fonts)
            .expect_err("A4 on A4")
    );
    assert!(err.contains("does not fit on an A4 sheet"), "{err}");
}

#[test]
fn zero_bleed_and_every_format_still_render() {
    let fonts = fonts();
    let specs = samson();
    for format in Format::ALL {
        let opts = Options { format, bleed_mm: 0.0, marks: true, ..Options::default() };
        let pdf = placards_pdf(&specs, &opts, &fonts).expect("renders without bleed");
        assert!(String::from_utf8_lossy(&pdf).contains("/TrimBox"));
    }
    let opts = Options { format: Format::Sticker, bleed_mm: 0.0, ..Options::default() };
    sheet_pdf(&specs, Sheet::A3, &opts, &fonts).expect("butted stickers");
}

/// Text of a page (or of the rectangle `(x, y, w, h)` mm on it) as `pdftotext` extracts it, with
/// every run of white space (line breaks of wrapped paragraphs included) made one space.
fn words(pdf: &Path, page: usize, crop: Option<(f32, f32, f32, f32)>) -> Option<String> {
    let p = page.to_string();
    let mut args: Vec<String> = ["-f", &p, "-l", &p, "-r", "72"].iter().map(|a| a.to_string()).collect();
    if let Some((x, y, w, h)) = crop {
        for (flag, mm) in [("-x", x), ("-y", y), ("-W", w), ("-H", h)] {
            args.push(flag.into());
            args.push(format!("{:.0}", mm / PT_MM));
        }
    }
    args.push(pdf.to_str()?.into());
    args.push("-".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(poppler("pdftotext", &args)?.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Fails unless `text` carries the placard's site name, scene label and call to action in both languages.
fn carries_every_word(text: &str, s: &PlacardSpec, what: &str) {
    let s = super::spec::resolve(s).expect("valid placard");
    let cta = ["Quét mã để tham quan 360° và nghe thuyết minh", "Scan for the 360° tour and audio guide"];
    let org = format!("Mã: {} · {}", s.code, s.organisation);
    for (field, needle) in [
        ("name", s.name.as_str()),
        ("name_2", &s.name_2),
        ("label", &s.label),
        ("label_2", &s.label_2),
        ("call to action", cta[0]),
        ("English call to action", cta[1]),
        ("code and organisation", &org),
    ] {
        assert!(text.contains(needle), "{what}: pdftotext lacks the {field} {needle:?}:\n{text}");
    }
}

/// Prints `specs` in every size and on every sheet (stickers with a cut contour) and checks that
/// each placard's page or sheet slot carries every word.
fn every_size_and_sheet_carries_every_word(specs: &[PlacardSpec], name: &str) {
    let fonts = fonts();
    let dir = scratch(name);
    for format in Format::ALL {
        let opts = Options { format, ..Options::default() };
        let pdf = placards_pdf(specs, &opts, &fonts).unwrap_or_else(|e| panic!("{format:?}: {e:#}"));
        let file = dir.join(format!("{}.pdf", format.name()));
        std::fs::write(&file, &pdf).expect("write");
        for (i, s) in specs.iter().enumerate() {
            let Some(text) = words(&file, i + 1, None) else { return };
            carries_every_word(&text, s, &format!("{} {format:?}", s.code));
        }
    }
    for sheet in [Sheet::A4, Sheet::A3] {
        let opts = Options { format: Format::Sticker, cut_contour: true, ..Options::default() };
        let pdf = sheet_pdf(specs, sheet, &opts, &fonts).unwrap_or_else(|e| panic!("{sheet:?} sheet: {e:#}"));
        let file = dir.join(format!("sheet-{}.pdf", sheet.name()));
        std::fs::write(&file, &pdf).expect("write");
        let g = grid(Format::Sticker.trim_mm(), sheet, opts.bleed_mm).expect("fits");
        for (i, s) in specs.iter().enumerate() {
            let (x, y) = g.slot(i % g.slots());
            let Some(text) = words(&file, i / g.slots() + 1, Some((x, y, 60.0, 80.0))) else { return };
            carries_every_word(&text, s, &format!("{} on the {sheet:?} sheet", s.code));
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The placards of the sample collection, as `disan placards` makes them.
fn sample() -> Vec<PlacardSpec> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let c = crate::site::load(root).map_err(|e| e.report.to_string()).expect("the sample collection loads");
    job::specs(&c, None).expect("the sample has placards")
}

#[test]
fn every_sample_placard_carries_its_words_in_every_size_and_on_every_sheet() {
    let specs = sample();
    assert!(specs.len() >= 11 && specs.iter().any(|s| s.code == "ss-adv1"));
    every_size_and_sheet_carries_every_word(&specs, "sample");
}

/// The longest names and labels a real collection is likely to have: official relic names, the
/// longest scene label of the sample spelt out in full, and a culture office's full title.
mod longest {
    pub const NAME_VI: &str = "Di tích lịch sử và danh lam thắng cảnh Sầm Sơn (Núi Trường Lệ)";
    pub const NAME_EN: &str = "Sầm Sơn Historical Relics and Scenic Landscape – Trường Lệ Mountain";
    pub const NAME_VI_2: &str = "Khu di tích Địa điểm lịch sử và thắng cảnh Rừng Thông";
    pub const NAME_EN_2: &str = "Rừng Thông (Pine Forest) Historical Site and Scenic Area";
    pub const LABEL_VI: &str = "Nghinh môn đền thờ An Dương Vương và công chúa Mỵ Châu";
    pub const LABEL_EN: &str = "Gate of the Temple of King An Dương Vương and Princess Mỵ Châu";
    pub const ORG: &str = "Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch thành phố Sầm Sơn";
}

fn stress() -> Vec<PlacardSpec> {
    use longest::*;
    let base = spec(
        "ss-adv1",
        "Đền thờ An Dương Vương và công chúa Mỵ Châu",
        "Temple of King An Dương Vương and Princess Mỵ Châu",
        "Nghinh môn đền An Dương Vương",
        "An Dương Vương temple gate",
    );
    let with = |code: &str, f: &dyn Fn(&mut PlacardSpec)| {
        let mut s = PlacardSpec {
            code: code.into(),
            url: format!("https://disan.samson.example.vn/q/{code}"),
            short_url: format!("disan.samson.example.vn/q/{code}"),
            languages: ("vi".into(), "en".into()),
            ..base.clone()
        };
        f(&mut s);
        s
    };
    vec![
        with("ss-long-name", &|s| {
            s.name = NAME_VI.into();
            s.name_2 = NAME_EN.into();
        }),
        with("rt-long-name", &|s| {
            s.name = NAME_VI_2.into();
            s.name_2 = NAME_EN_2.into();
        }),
        // A long label under a mid-length name (the longest name and the longest label together do not
        // fit a sticker: see the refusal test below).
        with("ss-long-label", &|s| {
            s.name = "Đền thờ Tô Hiến Thành".into();
            s.name_2 = "Tô Hiến Thành Temple".into();
            s.label = LABEL_VI.into();
            s.label_2 = LABEL_EN.into();
        }),
        with("ss-long-org", &|s| s.organisation = ORG.into()),
        with("ss-long-name-org", &|s| {
            s.name = NAME_VI.into();
            s.name_2 = NAME_EN.into();
            s.organisation = ORG.into();
        }),
        // Decomposed input with stacked marks: it must print, and extract, as NFC.
        with("ss-nfd", &|s| {
            s.name = "Đe\u{0302}\u{0300}n tho\u{031b}\u{0300} Tô Hiê\u{0301}n Tha\u{0300}nh".into();
        }),
    ]
}

#[test]
fn the_longest_realistic_names_print_in_full_everywhere() {
    every_size_and_sheet_carries_every_word(&stress(), "stress");
}

#[test]
fn a_sticker_that_cannot_hold_everything_is_refused_naming_the_field_and_text() {
    use longest::*;
    let mut all = stress()[0].clone();
    all.label = LABEL_VI.into();
    all.label_2 = LABEL_EN.into();
    all.organisation = ORG.into();
    let fonts = fonts();
    // Every size from A6 up holds it all...
    for format in [Format::A6, Format::A5, Format::A4] {
        placards_pdf(std::slice::from_ref(&all), &Options { format, ..Options::default() }, &fonts)
            .unwrap_or_else(|e| panic!("{format:?}: {e:#}"));
    }
    // ...a sticker does not, and says which placard, which field and which text.
    let sticker = Options { format: Format::Sticker, ..Options::default() };
    let err = format!("{:#}", placards_pdf(std::slice::from_ref(&all), &sticker, &fonts).expect_err("too much"));
    assert!(err.starts_with("placard ss-long-name:") && err.contains("sticker placard"), "{err}");
    assert!(err.contains("mm too tall") && err.contains("smallest size"), "{err}");
    let named = [
        ("site name", NAME_VI),
        ("English name", NAME_EN),
        ("label", LABEL_VI),
        ("English label", LABEL_EN),
        ("organisation", ORG),
    ];
    assert!(named.iter().any(|(field, text)| err.contains(&format!("the {field} \"{text}\""))), "{err}");
    let on_sheet = sheet_pdf(std::slice::from_ref(&all), Sheet::A4, &sticker, &fonts).expect_err("same on a sheet");
    assert!(format!("{on_sheet:#}").starts_with("placard ss-long-name:"), "{on_sheet:#}");

    // A single word wider than the placard names that word.
    let mut word = stress()[0].clone();
    word.label = "Nghinhmônđềnthờ".repeat(3);
    let err = format!("{:#}", placards_pdf(&[word], &sticker, &fonts).expect_err("too wide"));
    assert!(err.contains("the label \"Nghinhmôn") && err.contains("the word"), "{err}");
}

#[test]
fn sheets_give_each_sticker_its_bleed_a_gutter_one_band_height_and_a_cut_contour() {
    let specs = sample();
    let fonts = fonts();
    let opts = Options { format: Format::Sticker, cut_contour: true, ..Options::default() };
    let (g, job) = sheet_job(&specs, Sheet::A4, &opts, &fonts).expect("lays out");
    for page in job.placards.chunks(g.slots()) {
        let bands: Vec<f32> = page.iter().map(|p| p.plan.band_mm).collect();
        assert!(bands.iter().all(|b| (b - bands[0]).abs() < 0.01), "bands differ on one sheet: {bands:?}");
    }
    let pdf = sheet_pdf(&specs, Sheet::A4, &opts, &fonts).expect("renders");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/Separation/CutContour"), "the cut path is in the CutContour spot colour");
    let plain = sheet_pdf(&specs, Sheet::A4, &Options { cut_contour: false, ..opts.clone() }, &fonts).expect("renders");
    assert!(!String::from_utf8_lossy(&plain).contains("CutContour"), "the cut path is optional");

    let dir = scratch("sheet-boxes");
    let file = dir.join("sheet.pdf");
    std::fs::write(&file, &plain).expect("write");
    let Some(pages) = boxes(&file) else { return };
    for page in &pages {
        // The sheet is printed whole: no trim of its own, so every box is the A4 paper.
        for name in ["MediaBox", "BleedBox", "TrimBox"] {
            let b = page[name];
            assert!(b[0].abs() < 0.01 && b[1].abs() < 0.01, "{name} {b:?}");
            assert!((b[2] - 210.0 / PT_MM).abs() < 0.05 && (b[3] - 297.0 / PT_MM).abs() < 0.05, "{name} {b:?}");
        }
    }
    // Between two neighbours: each one's bleed carries its own colour, and bare paper lies between.
    let dpi = 100.0;
    let img = render(&file, 1, dpi as u32, &dir).expect("renders");
    let at = |x: f32, y: f32| img.get_pixel((x / 25.4 * dpi) as u32, (y / 25.4 * dpi) as u32)[0];
    let (x0, y0) = g.slot(0);
    let (x1, _) = g.slot(1);
    let band_y = y0 + 5.0; // inside the header band, which is dark
    let gutter = x0 + 60.0 + opts.bleed_mm + GUTTER_MM / 2.0;
    assert!(at(gutter, band_y) > 250, "the gutter is bare paper");
    assert!(at(x0 + 60.0 + opts.bleed_mm - 0.7, band_y) < 200, "the left sticker's bleed carries its colour");
    assert!(at(x1 - opts.bleed_mm + 0.7, band_y) < 200, "the right sticker's bleed carries its colour");
    assert!((x1 - x0 - 60.0 - 2.0 * opts.bleed_mm - GUTTER_MM).abs() < 0.01);
    let _ = std::fs::remove_dir_all(dir);
}
