//! `disan check` over the sample collection and over broken copies of a small fixture: every mistake an
//! editor can make must come back located (file, line, caret) with a hint, and the exit code must say so.

mod common;

use std::fs;
use std::path::Path;

#[test]
fn sample_collection_is_clean() {
    let out = common::disan(&common::repo(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("9 sites"), "{stderr}");
}

#[test]
fn valid_fixture_is_clean() {
    let dir = common::fixture();
    let out = common::disan(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Applies `edits` (find → replace) to `file` in a fresh fixture, runs `check`, and returns its report.
fn broken(file: &str, edits: &[(&str, &str)], extra: impl FnOnce(&Path)) -> String {
    let dir = common::fixture();
    let path = dir.path().join("sites").join(file);
    let mut text = fs::read_to_string(&path).expect("fixture file");
    for (find, replace) in edits {
        assert!(text.contains(find), "fixture {file} has no {find:?}");
        text = text.replacen(find, replace, 1);
    }
    fs::write(&path, text).expect("write broken fixture");
    extra(dir.path());
    let out = common::disan(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "check must exit 1 on a broken collection");
    let vi = common::disan(dir.path(), &["--lang", "vi", "check"]);
    assert_eq!(vi.status.code(), Some(1));
    every_line_explained_in_vietnamese(&String::from_utf8(vi.stderr).expect("utf-8 report"));
    String::from_utf8(out.stderr).expect("utf-8 report")
}

/// With `--lang vi`, each message and each hint is followed by its Vietnamese explanation.
fn every_line_explained_in_vietnamese(report: &str) {
    let lines: Vec<&str> = report.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or_default();
        if line.starts_with("error: ") {
            assert!(next.starts_with("       ") && !next.trim().is_empty(), "no Vietnamese for {line:?}:\n{report}");
        }
        if line.starts_with("  = hint: ") {
            assert!(next.starts_with("  = gợi ý: "), "no Vietnamese for {line:?}:\n{report}");
        }
    }
    assert!(report.contains(" lỗi"), "{report}");
}

macro_rules! invalid {
    ($name:ident, $file:expr, $edits:expr) => {
        invalid!($name, $file, $edits, |_| {});
    };
    ($name:ident, $file:expr, $edits:expr, $extra:expr) => {
        #[test]
        fn $name() {
            let report = broken($file, $edits, $extra);
            assert!(report.contains(&format!("sites/{}:", $file)), "report does not name the file:\n{report}");
            insta::assert_snapshot!(stringify!($name), report);
        }
    };
}

invalid!(misspelt_key, "demo.yaml", &[("summary:", "sumary:")]);
invalid!(wrong_type, "demo.yaml", &[("    yaw: 0\n", "    yaw: left\n")]);
invalid!(tab_indentation, "demo.yaml", &[("  vi: Một ngôi đền", "\tvi: Một ngôi đền")]);
invalid!(duplicate_key, "demo.yaml", &[("kind: historical_relic\n", "kind: historical_relic\nkind: scenic_site\n")]);
invalid!(unknown_kind, "demo.yaml", &[("kind: historical_relic", "kind: temple")]);
invalid!(missing_panorama, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/gate.jpg")]);
invalid!(
    text_after_a_closing_quote,
    "demo.yaml",
    &[("  vi: Một ngôi đền để kiểm thử.", "  vi: \"Một ngôi đền\" để kiểm thử.")]
);
invalid!(missing_file_near_match, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/cong.jpeg")]);
invalid!(panorama_not_2_to_1, "demo.yaml", &[("panoramas/cong.jpg", "photos/view.jpg")]);
invalid!(truncated_panorama, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/broken.jpg")], |root: &Path| {
    let good = fs::read(root.join("content/demo/panoramas/cong.jpg")).expect("read");
    fs::write(root.join("content/demo/panoramas/broken.jpg"), &good[..good.len() / 3]).expect("write");
});
invalid!(not_an_image, "demo.yaml", &[("panoramas/cong.jpg", "audio/vi.mp3")]);
invalid!(
    angles_out_of_range,
    "demo.yaml",
    &[("    pitch: 0\n    hfov: 100", "    pitch: 95\n    hfov: 200"), ("        yaw: 90\n", "        yaw: 270\n")]
);
invalid!(hotspot_to_missing_scene, "demo.yaml", &[("target: san", "target: sam")]);
invalid!(placard_to_missing_scene, "demo.yaml", &[("    scene: cong", "    scene: gate")]);
invalid!(duplicate_placard_code, "other.yaml", &[("code: t-2", "code: t-1")]);
invalid!(missing_language, "demo.yaml", &[("  en: A temple for tests.\n", "")]);
invalid!(unknown_language, "demo.yaml", &[("  en: Test Temple", "  fr: Temple d'essai")]);
invalid!(slug_differs_from_file, "demo.yaml", &[("slug: demo", "slug: demo-2")]);
invalid!(path_leaves_content, "demo.yaml", &[("photos/view.jpg", "../../etc/passwd")]);
invalid!(narration_language_without_text, "demo.yaml", &[("  en:\n    transcript: The English transcript.\n", "")]);
// A scene's own story: captions without a recording, a language missing, a captions file that is not there.
invalid!(
    scene_narration_mistakes,
    "demo.yaml",
    &[(
        "    yaw: 180\n",
        "    yaw: 180\n    narration:\n      vi:\n        transcript: Sân rộng.\n        captions: captions/san.vtt\n      en:\n        audio: audio/vi.mp3\n        captions: captions/san-en.vtt\n",
    )],
    |root: &Path| {
        fs::create_dir_all(root.join("content/demo/captions")).expect("dir");
        fs::write(root.join("content/demo/captions/san.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nSân rộng.\n")
            .expect("vtt");
    }
);
// Captions whose cues are badly timed: each mistake at its line in the .vtt file.
invalid!(
    captions_badly_timed,
    "demo.yaml",
    &[
        ("    audio: audio/vi.mp3\n", "    audio: audio/vi.mp3\n    captions: captions/vi.vtt\n"),
        ("hfov: 100", "hfov: 10")
    ],
    |root: &Path| {
        fs::create_dir_all(root.join("content/demo/captions")).expect("dir");
        let vtt = "WEBVTT\n\n1\n00:00.000 --> 00:02,500\nMột.\n\n00:02.000 --> 00:04.000\nHai.\n\n00:03.000 --> 00:05.000\nBa.\n\n00:01.000 --> 00:01.500\nBốn.\n\n00:09.000 --> 00:08.000\nNăm.\n\n00:10.000 --> 00:11.000\n\nchỉ có chữ\n";
        fs::write(root.join("content/demo/captions/vi.vtt"), vtt).expect("vtt");
    }
);
// Captions longer than their recording (the fixture's is a few seconds): `check` measures the recording
// as the build does and locates the first cue that ends after it, at its end time.
const CAPTIONS_PAST_THE_END: &str = "WEBVTT\n\n00:00.500 --> 00:02.000\nMở đầu.\n\n00:02.000 --> 01:30.000\nCòn kể mãi.\n\n01:30.000 --> 01:35.000\nHết.\n";
fn write_long_captions(root: &Path) {
    fs::create_dir_all(root.join("content/demo/captions")).expect("dir");
    fs::write(root.join("content/demo/captions/vi.vtt"), CAPTIONS_PAST_THE_END).expect("vtt");
}
const WITH_CAPTIONS: (&str, &str) =
    ("    audio: audio/vi.mp3\n", "    audio: audio/vi.mp3\n    captions: captions/vi.vtt\n");
#[test]
fn captions_past_the_recording() {
    let report = broken("demo.yaml", &[WITH_CAPTIONS], write_long_captions);
    assert!(report.contains("content/demo/captions/vi.vtt:6:15"), "located at the late cue's end:\n{report}");
    insta::assert_snapshot!("captions_past_the_recording", report);
}

/// The build refuses the same captions with the same located message, so `check` passing means the build
/// will not stop on them.
#[test]
fn captions_past_the_recording_stop_the_build_at_the_same_place() {
    let dir = common::fixture();
    let yaml = dir.path().join("sites/demo.yaml");
    let text = fs::read_to_string(&yaml).expect("read").replacen(WITH_CAPTIONS.0, WITH_CAPTIONS.1, 1);
    fs::write(&yaml, text).expect("write");
    write_long_captions(dir.path());
    let check = String::from_utf8(common::disan(dir.path(), &["check"]).stderr).expect("utf-8");
    let out = common::disan(dir.path(), &["build"]);
    let build = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(out.status.code(), Some(1), "{build}");
    let located = "--> content/demo/captions/vi.vtt:6:15";
    assert!(check.contains(located) && build.contains(located), "check:\n{check}\nbuild:\n{build}");
    let message = "this cue ends at 01:30.000, after the recording ends";
    assert!(check.contains(message) && build.contains(message), "check:\n{check}\nbuild:\n{build}");
    assert!(!dir.path().join("dist").exists(), "nothing published");
}

invalid!(
    info_hotspot_without_text,
    "demo.yaml",
    &[("        text:\n          vi: Một tấm bia.\n          en: A stone stele.\n", "")]
);
invalid!(
    bad_public_url,
    "collection.yaml",
    &[("public_url: https://disan.test.example", "public_url: disan.test.example")]
);
invalid!(future_schema, "demo.yaml", &[("schema: 1", "schema: 2")]);
invalid!(order_names_a_missing_site, "collection.yaml", &[("  - other\n", "  - othre\n")]);
invalid!(tile_quality_out_of_range, "collection.yaml", &[("order:\n", "tiles:\n  quality: 0\norder:\n")]);
invalid!(unknown_tile_format, "collection.yaml", &[("order:\n", "tiles:\n  format: png\norder:\n")]);

// Key facts, credits and sponsors.
invalid!(unknown_unit, "demo.yaml", &[("    unit: ha", "    unit: hectare")]);
invalid!(unit_does_not_fit_the_fact, "demo.yaml", &[("    unit: ha", "    unit: m")]);
invalid!(count_with_a_unit, "demo.yaml", &[("    value: 45\n", "    value: 45\n    unit: m\n")]);
invalid!(fact_without_value_or_text, "demo.yaml", &[("  - kind: steps\n    value: 45\n", "  - kind: steps\n")]);
invalid!(
    year_that_is_not_a_year,
    "demo.yaml",
    &[("  - kind: steps\n    value: 45\n", "  - kind: built\n    value: 1850.5\n")]
);
invalid!(
    licence_not_on_the_list,
    "demo.yaml",
    &[(
        "      en: Test photo\n",
        "      en: Test photo\n    credit:\n      author: Nguyễn Văn A\n      licence: cc_by_nc\n"
    )]
);
invalid!(
    all_rights_reserved_without_holder,
    "demo.yaml",
    &[(
        "      en: Test photo\n",
        "      en: Test photo\n    credit:\n      author: Nguyễn Văn A\n      licence: all_rights_reserved\n"
    )]
);
invalid!(
    credit_without_author,
    "demo.yaml",
    &[("    panorama: panoramas/san.jpg\n", "    panorama: panoramas/san.jpg\n    credit:\n      licence: cc_by\n")]
);
invalid!(
    credit_for_a_missing_recording,
    "demo.yaml",
    &[(
        "    transcript: The English transcript.\n",
        "    transcript: The English transcript.\n    credit:\n      author: Lan\n"
    )]
);
invalid!(
    logo_that_is_not_an_image,
    "collection.yaml",
    &[("    placard_credit: true\n", "    placard_credit: true\n    logo: sponsors/logo.pdf\n")],
    |root: &Path| {
        fs::create_dir_all(root.join("content/sponsors")).expect("mkdir");
        fs::write(root.join("content/sponsors/logo.pdf"), b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n").expect("write");
    }
);
invalid!(
    sponsor_link_without_scheme,
    "collection.yaml",
    &[("    url: https://sponsor.example.vn", "    url: sponsor.example.vn")]
);
invalid!(
    five_mistakes_in_one_file,
    "demo.yaml",
    &[
        ("summary:", "sumary:"),
        ("lat: 19.73", "lat: 99.73"),
        ("target: san", "target: sam"),
        ("panoramas/cong.jpg", "panoramas/gate.jpg"),
        ("    yaw: 0\n", "    yaw: left\n"),
    ]
);
invalid!(
    misspelt_key_inside_a_list_item,
    "demo.yaml",
    &[("      - type: info\n", "      - typ: info\n"), ("lat: 19.73", "lat: -91")]
);
invalid!(
    unknown_value_of_a_required_key_drops_only_its_item,
    "demo.yaml",
    &[("      - type: info\n", "      - type: note\n"), ("target: san", "target: sam")]
);
invalid!(
    links_that_are_not_web_addresses,
    "demo.yaml",
    &[(
        "    url: https://example.vn/source\n",
        "    url: \"javascript:alert(document.cookie)\"\n\
  - title: b\n    url: \"JaVaScRiPt:alert(1)\"\n\
  - title: c\n    url: \" javascript:alert(1)\"\n\
  - title: d\n    url: \"java\\tscript:alert(1)\"\n\
  - title: e\n    url: \"data:text/html,<script>alert(1)</script>\"\n\
  - title: f\n    url: example.vn/page\n\
  - title: g\n    url: https://example.vn/ok\n",
    )]
);

// Narration recordings: decoded at check time, so silence, clipping and length are found before a build.
invalid!(recording_that_is_not_audio, "demo.yaml", &[], |root: &Path| {
    let photo = fs::read(root.join("content/demo/photos/view.jpg")).expect("read");
    fs::write(root.join("content/demo/audio/vi.mp3"), photo).expect("write");
});
invalid!(silent_recording, "demo.yaml", &[("audio/vi.mp3", "audio/vi.wav")], |root: &Path| {
    common::audio::write_wav(&root.join("content/demo/audio/vi.wav"), 16_000, 1, &common::audio::silence(16_000, 5.0));
});
invalid!(recording_clipped_throughout, "demo.yaml", &[("audio/vi.mp3", "audio/vi.wav")], |root: &Path| {
    let hot: Vec<f32> = common::audio::speechlike(16_000, 8.0, 4.0).iter().map(|s| s.clamp(-1.0, 1.0)).collect();
    common::audio::write_wav(&root.join("content/demo/audio/vi.wav"), 16_000, 1, &hot);
});
invalid!(recording_too_long, "demo.yaml", &[("audio/vi.mp3", "audio/vi.wav")], |root: &Path| {
    let long = common::audio::silence(8_000, 21.0 * 60.0 + 5.0);
    common::audio::write_wav(&root.join("content/demo/audio/vi.wav"), 8_000, 1, &long);
});
invalid!(recording_in_opus, "demo.yaml", &[("audio/vi.mp3", "audio/vi.opus")], |root: &Path| {
    fs::copy(common::repo().join("tests/fixtures/audio/voice.opus"), root.join("content/demo/audio/vi.opus"))
        .expect("copy");
});

/// The registry of published codes, naming both sites' placards.
fn write_links(root: &Path) {
    let links = "schema: 1\ncodes:\n  t-1:\n    site: demo\n    scene: cong\n  t-2:\n    site: other\n    scene: san\n";
    fs::write(root.join("sites/links.yaml"), links).expect("write links");
}

#[test]
fn unreadable_file_gives_its_parse_error_only() {
    let report = broken("demo.yaml", &[("  en: Test Temple\n", "  en: \"Test\" Temple\n")], write_links);
    assert!(report.ends_with("1 error found\n"), "one error, nothing about what the file holds:\n{report}");
    assert!(report.contains("sites/demo.yaml:5:"), "{report}");
    assert!(!report.contains("retire"), "a code of a site whose file is unreadable is not to be retired:\n{report}");
    insta::assert_snapshot!("unreadable_file_gives_its_parse_error_only", report);
}

#[test]
fn million_deep_yaml_is_refused_before_parsing() {
    let deep = format!("summary: {}\n", "[".repeat(1_000_000));
    let started = std::time::Instant::now();
    let report = broken("demo.yaml", &[("summary:", &deep)], |_: &Path| {});
    eprintln!("1,000,000-deep YAML checked (twice) in {:?}", started.elapsed());
    assert!(report.ends_with("1 error found\n"), "{report}");
    insta::assert_snapshot!("million_deep_yaml_is_refused_before_parsing", report);
}

#[test]
fn oversized_yaml_is_refused_unread() {
    let padding = format!("# {}\n", "x".repeat(2 * 1024 * 1024));
    let report = broken("demo.yaml", &[("schema: 1\n", &format!("schema: 1\n{padding}"))], |_: &Path| {});
    assert!(report.contains("KB, more than the 1024 KB a YAML file may be"), "{report}");
    assert!(report.ends_with("1 error found\n"), "{report}");
}

#[test]
fn reports_every_problem_in_one_run() {
    let report = broken(
        "demo.yaml",
        &[
            ("target: san", "target: sam"),
            ("panoramas/cong.jpg", "panoramas/gate.jpg"),
            ("    scene: cong", "    scene: gate"),
        ],
        |root: &Path| {
            let other = root.join("sites/other.yaml");
            let text = fs::read_to_string(&other).expect("read").replace("code: t-2", "code: t-1");
            fs::write(other, text).expect("write");
        },
    );
    for needle in ["scene `sam`", "gate.jpg", "scene `gate`", "`t-1` is already used"] {
        assert!(report.contains(needle), "missing {needle:?} in:\n{report}");
    }
    assert!(report.ends_with("4 errors found\n"), "{report}");
}

#[test]
fn check_outside_a_collection_says_where_to_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::disan(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("this folder is not a collection: it has no `sites/` folder"), "{stderr}");
    assert!(stderr.contains("--root DIR") && stderr.contains("disan new collection DIR"), "{stderr}");
    assert!(stderr.ends_with("1 error found\n"), "one message, not one per missing file: {stderr}");
    let vi = common::disan(dir.path(), &["--lang", "vi", "check"]);
    every_line_explained_in_vietnamese(&String::from_utf8_lossy(&vi.stderr));
}

/// A PNG whose header claims `w`×`h` pixels followed by no real image data.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc(&ihdr).to_be_bytes());
    png
}

invalid!(enormous_panorama_header, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/huge.png")], |root: &Path| {
    fs::write(root.join("content/demo/panoramas/huge.png"), png_header_only(100_000, 50_000)).expect("write")
});

#[test]
fn unusual_but_valid_images_are_accepted() {
    // What cameras and editing tools produce: 16-bit PNG with alpha, CMYK JPEG, progressive greyscale JPEG.
    let dir = common::fixture();
    let root = dir.path();
    let pano = common::panorama(1024, 512, 7);
    let rgba16 = image::DynamicImage::ImageRgb8(pano.clone()).to_rgba16();
    rgba16.save(root.join("content/demo/panoramas/cong.png")).expect("png16");
    let cmyk: Vec<u8> = pano.pixels().flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0]).collect();
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 90).encode(&cmyk, 1024, 512, jpeg_encoder::ColorType::Cmyk).expect("cmyk");
    fs::write(root.join("content/demo/panoramas/san.jpg"), bytes).expect("write cmyk");
    let grey = image::DynamicImage::ImageRgb8(common::panorama(1024, 512, 3)).to_luma8();
    let mut bytes = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut bytes, 85);
    enc.set_progressive(true);
    enc.encode(grey.as_raw(), 1024, 512, jpeg_encoder::ColorType::Luma).expect("progressive");
    fs::write(root.join("content/other/panoramas/san.jpg"), bytes).expect("write progressive");
    let site = root.join("sites/demo.yaml");
    fs::write(&site, fs::read_to_string(&site).expect("read").replace("panoramas/cong.jpg", "panoramas/cong.png"))
        .expect("write");
    let out = common::disan(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tile = root.join("dist/media/demo");
    let pyramid = fs::read_dir(&tile)
        .expect("media")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("san.") && e.path().is_dir())
        .expect("san tiles");
    let front = image::open(pyramid.path().join("1/f0_0.jpg")).expect("tile").to_rgb8();
    let want = common::panorama(1024, 512, 7);
    let (a, b) = (front.get_pixel(front.width() / 2, front.height() / 2), want.get_pixel(512, 256));
    let diff = (0..3).map(|k| a[k].abs_diff(b[k])).max().unwrap_or(0);
    assert!(diff < 40, "CMYK colours survive: tile {a:?} vs source {b:?}");
}

/// A PNG claiming `w`×`h` pixels with a first, short image data chunk: enough for a decoder to start.
fn png_with_a_little_data(w: u32, h: u32) -> Vec<u8> {
    let mut png = png_header_only(w, h);
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut body = kind.to_vec();
        body.extend(data);
        let crc_of = |b: &[u8]| {
            let mut c = 0xFFFF_FFFFu32;
            for x in b {
                c ^= u32::from(*x);
                for _ in 0..8 {
                    c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                }
            }
            !c
        };
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(&body);
        out.extend(crc_of(&body).to_be_bytes());
        out
    };
    // A stored zlib block of a few zero bytes.
    let idat = [0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x01];
    png.extend(chunk(b"IDAT", &idat));
    png.extend(chunk(b"IEND", &[]));
    png
}

invalid!(over_budget_panorama, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/huge.png")], |root: &Path| {
    fs::write(root.join("content/demo/panoramas/huge.png"), png_with_a_little_data(30_000, 15_000)).expect("write")
});

/// A JPEG whose header claims `w`×`h` pixels over the data of a smaller image.
fn lying_jpeg(real: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut bytes = real.to_vec();
    let sof = bytes.windows(2).position(|m| m[0] == 0xFF && (0xC0..=0xC2).contains(&m[1])).expect("a frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

invalid!(lying_jpeg_header, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/lying.jpg")], |root: &Path| {
    let real = fs::read(root.join("content/demo/panoramas/cong.jpg")).expect("read");
    fs::write(root.join("content/demo/panoramas/lying.jpg"), lying_jpeg(&real, 32_768, 16_384)).expect("write")
});

// Within the budget, a header claiming twice the size over the same data: the lower three quarters of the
// picture would be decoded from nothing.
invalid!(lying_jpeg_within_budget, "demo.yaml", &[("panoramas/cong.jpg", "panoramas/lying.jpg")], |root: &Path| {
    let real = fs::read(root.join("content/demo/panoramas/cong.jpg")).expect("read");
    let (w, h) = image::image_dimensions(root.join("content/demo/panoramas/cong.jpg")).expect("size");
    fs::write(root.join("content/demo/panoramas/lying.jpg"), lying_jpeg(&real, 2 * w as u16, 2 * h as u16))
        .expect("write")
});
