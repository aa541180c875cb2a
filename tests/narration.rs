//! Narration scene by scene in a real browser against the real host: a placard to a scene with its own
//! recording offers that recording, plays it after a tap with the caption of the moment shown and the
//! transcript sentence highlighted; "play as I go" starts the next scene's story on arrival (and without it
//! arriving only offers it); the phone's voice (a stubbed `speechSynthesis` that records what it is asked
//! to say) reads the transcript sentence by sentence with the highlight following, at the chosen speed,
//! and a phone without a voice for the language gets the plain message. Skips with a reason when no
//! browser is installed, unless DISAN_REQUIRE_TOOLS is set (CI).
//!
//! Screenshots (390×844 and 1280×800: the player with its caption, the captions over the tour in
//! pseudo-fullscreen, the highlighted sentence) are written to `target/tmp/narration-shots/`; with DISAN_AXE
//! pointing at axe-core's `axe.min.js`, axe checks the page with the phone's voice controls too.

mod common;

use std::path::Path;

use common::browser::Browser;
use serde_json::{Value, json};

/// A mono 16-bit WAV of `seconds` of a gently warbling tone (not silence, not clipped).
fn wav(seconds: f64, hz: f64) -> Vec<u8> {
    let rate = 16_000u32;
    let n = (seconds * f64::from(rate)) as u32;
    let mut out = Vec::with_capacity(44 + 2 * n as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + 2 * n).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(2 * n).to_le_bytes());
    for i in 0..n {
        let t = f64::from(i) / f64::from(rate);
        let f = hz * (1.0 + 0.05 * (t * 3.0).sin());
        let v = (0.3 * (t * f * std::f64::consts::TAU).sin() * 32767.0) as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The yard's story: three sentences, three cues of two seconds each.
const SAN_VI: [&str; 3] =
    ["Sân đình rộng và lát gạch đỏ.", "Cây đa ở góc sân đã hơn trăm năm tuổi.", "Ngày hội, dân làng tụ họp ở đây."];
const SAN_EN: [&str; 3] = [
    "The yard is wide and paved with red brick.",
    "The banyan in its corner is over a hundred years old.",
    "On festival days the village gathers here.",
];
/// The inner sanctum's story has no recording: the phone's voice reads it.
const HAU_VI: [&str; 3] = [
    "Hậu cung là nơi đặt ban thờ chính.",
    "Chỉ người trông đình được vào trong, khoảng 2.5 m sau cửa.",
    "Khách đứng ở cửa để thắp hương.",
];

fn narration_yaml(indent: &str, vi: &str, en: &str, audio: Option<&str>, captions: bool) -> String {
    let mut y = format!("{indent}narration:\n");
    for (lang, text) in [("vi", vi), ("en", en)] {
        y.push_str(&format!("{indent}  {lang}:\n{indent}    transcript: {text:?}\n"));
        if let Some(a) = audio {
            y.push_str(&format!("{indent}    audio: audio/{a}-{lang}.wav\n"));
            y.push_str(&format!("{indent}    credit: {{author: Người kể thử}}\n"));
            if captions {
                y.push_str(&format!("{indent}    captions: captions/{a}-{lang}.vtt\n"));
            }
        }
    }
    y
}

fn vtt(sentences: &[&str]) -> String {
    let mut v = String::from("WEBVTT\n");
    for (i, s) in sentences.iter().enumerate() {
        v.push_str(&format!("\n{i}\n00:0{}.000 --> 00:0{}.000\n{s}\n", 2 * i, 2 * i + 2));
    }
    v
}

/// The three-scene fixture with narration: the site's own transcript, the gate (first scene) and the yard
/// each with a recording (the yard's with captions), the inner sanctum with a transcript only.
fn fixture() -> tempfile::TempDir {
    let dir = common::tour_fixture();
    let root = dir.path();
    let file = root.join("sites/dinh.yaml");
    let mut y = std::fs::read_to_string(&file).expect("dinh.yaml");
    let gate = narration_yaml(
        "    ",
        "Cổng đình có ba gian. Qua cổng là sân.",
        "The gate has three bays. The yard lies beyond.",
        Some("cong"),
        false,
    );
    let yard = narration_yaml("    ", &SAN_VI.join(" "), &SAN_EN.join(" "), Some("san"), true);
    let inner = narration_yaml(
        "    ",
        &HAU_VI.join(" "),
        "The inner sanctum holds the main altar. Only the keeper goes in. Visitors stand at the door.",
        None,
        false,
    );
    y = y.replacen("    yaw: 30\n", &format!("    yaw: 30\n{gate}"), 1);
    y = y.replacen("    hfov: 90\n", &format!("    hfov: 90\n{yard}"), 1);
    y = y.replacen("    yaw: 120\n", &format!("    yaw: 120\n{inner}"), 1);
    y.push_str(&narration_yaml(
        "",
        "Đình làng có ba cảnh. Mời bạn đi quanh.",
        "The village hall has three scenes. Walk around.",
        None,
        false,
    ));
    std::fs::write(&file, y).expect("write dinh.yaml");
    let content = root.join("content/dinh");
    std::fs::create_dir_all(content.join("audio")).expect("audio dir");
    std::fs::create_dir_all(content.join("captions")).expect("captions dir");
    for lang in ["vi", "en"] {
        std::fs::write(content.join(format!("audio/cong-{lang}.wav")), wav(8.0, 330.0)).expect("wav");
        std::fs::write(content.join(format!("audio/san-{lang}.wav")), wav(6.0, 440.0)).expect("wav");
    }
    std::fs::write(content.join("captions/san-vi.vtt"), vtt(&SAN_VI)).expect("vtt");
    std::fs::write(content.join("captions/san-en.vtt"), vtt(&SAN_EN)).expect("vtt");
    dir
}

/// Clicks the element like a visitor (WebDriver element click: a real, trusted pointer event).
fn click(b: &Browser, selector: &str) {
    let el = b.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})));
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
}

/// Taps the play button of the narration's player (native controls: at its left end) and waits for the
/// recording to play.
fn tap_play(b: &Browser) {
    b.js("document.getElementById('narration').scrollIntoView();return 1");
    let r =
        b.js("var r=document.querySelector('#narration audio').getBoundingClientRect();return [r.left,r.top,r.height]");
    let (x, y) = (r[0].as_f64().expect("x") + 22.0, r[1].as_f64().expect("y") + r[2].as_f64().expect("h") / 2.0);
    b.click_at(x as i64, y as i64);
    b.wait_for(
        "the recording playing",
        "var a=document.querySelector('#narration audio');return !a.paused&&a.currentTime>0.2",
    );
}

fn text(b: &Browser, script: &str) -> String {
    b.js(script).as_str().unwrap_or_default().to_string()
}

fn shot(b: &Browser, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("narration-shots");
    std::fs::create_dir_all(&dir).expect("shots dir");
    b.screenshot().save(dir.join(format!("{name}.png"))).expect("save screenshot");
}

/// A `speechSynthesis` that records each utterance (text, language, voice, rate) and speaks none aloud:
/// `__end()` ends the utterance being spoken, `__voices` is what `getVoices()` reports.
const SPEECH_STUB: &str = r#"
window.__said = []; window.__cancels = 0; window.__cur = null;
window.__voices = [
  {name: 'Remote Việt', lang: 'vi-VN', localService: false},
  {name: 'Linh', lang: 'vi_VN', localService: true},
  {name: 'Vi generic', lang: 'vi', localService: true},
  {name: 'Daniel', lang: 'en-GB', localService: true}
];
window.SpeechSynthesisUtterance = function (t) { this.text = t; this.rate = 1; this.lang = ''; this.voice = null; };
var stub = {
  speak: function (u) { window.__said.push({text: u.text, rate: u.rate, lang: u.lang, voice: u.voice && u.voice.name}); window.__cur = u; },
  cancel: function () { window.__cancels++; var u = window.__cur; window.__cur = null; if (u && u.onerror) u.onerror({error: 'interrupted'}); },
  pause: function () {}, resume: function () {},
  getVoices: function () { return window.__voices; },
  addEventListener: function () {}, removeEventListener: function () {}
};
Object.defineProperty(window, 'speechSynthesis', {value: stub, configurable: true});
window.__end = function () { var u = window.__cur; window.__cur = null; if (u && u.onend) u.onend({}); };
"#;

#[test]
fn narration_follows_the_visitor_scene_by_scene() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = fixture();
    let server = common::Server::start(dir.path());
    b.cdp("Page.enable", json!({}));
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": SPEECH_STUB}));
    b.cdp("Emulation.setUserAgentOverride", json!({"userAgent": "Mozilla/5.0 disan-test", "acceptLanguage": "vi"}));

    // The stories are not in the page but in its narration file (fetched by the script), which names the
    // captions; those are published as WebVTT and served as such.
    let page = common::client().get(&format!("{}/vi/dinh/", server.base)).call().expect("page");
    let html = page.into_body().read_to_string().expect("html");
    assert!(!html.contains("captions-san-vi.") && !html.contains("narration-data"), "no story data in the page");
    let named = |attr: &str| {
        let at = format!("{attr}=\"");
        let url = html.split(at.as_str()).nth(1).and_then(|r| r.split('"').next()).expect("a file named");
        let res = common::client().get(&format!("{}{url}", server.base)).call().expect("file");
        assert_eq!(res.status(), 200, "{url}");
        let json: Value = serde_json::from_str(&res.into_body().read_to_string().expect("json")).expect("json");
        (url.to_string(), json)
    };
    let (src, data) = named("data-src");
    assert!(src.starts_with("/media/_narration/vi.") && src.ends_with(".json"), "{src}");
    let track = data["scenes"]["san"]["captions"].as_str().unwrap_or_default();
    assert!(track.contains("captions-san-vi."), "the yard's captions are named in the narration data: {data}");
    // The controls' words, shared by every page of the language.
    let (words_url, words) = named("data-words");
    assert!(words_url.starts_with("/media/_words/vi.") && words_url.ends_with(".json"), "{words_url}");
    assert_eq!((words["speech_lang"].clone(), words["narration"]["skip"].clone()), (json!("vi-VN"), json!("Câu sau")));

    // A placard to the yard: the yard's own story is offered, not the site's.
    b.goto(&format!("{}/q/d-2", server.base));
    b.wait_for("the yard's story offered", "return window.disanNarration&&window.disanNarration.key()==='san'");
    let src = text(&b, "return document.querySelector('#narration audio').getAttribute('src')");
    assert!(src.contains("narration-san-vi."), "{src}");
    let track_src = text(
        &b,
        "var t=document.querySelector('#narration audio track');return t&&t.kind==='captions'?t.getAttribute('src'):''",
    );
    assert!(track_src.contains("captions-san-vi.") && track_src.ends_with(".vtt"), "{track_src}");
    let res = common::client().get(&format!("{}{track_src}", server.base)).call().expect("captions");
    assert_eq!(res.status(), 200);
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(ct.starts_with("text/vtt"), "{ct}");
    let body = res.into_body().read_to_string().expect("vtt");
    assert!(body.starts_with("WEBVTT") && body.contains(SAN_VI[1]), "{body}");
    let shown: Vec<String> = serde_json::from_value(b.js(
        "return Array.prototype.map.call(document.querySelectorAll('#transcript .s'),function(s){return s.textContent})",
    ))
    .expect("sentences");
    assert_eq!(shown, SAN_VI, "the transcript is shown in full, sentence by sentence");
    let paused = b.js("return document.querySelector('#narration audio').paused");
    assert_eq!(paused, json!(true), "nothing plays unasked");

    tap_play(&b);
    // As it plays, the caption of the moment and its sentence.
    let seen = b.wait_for(
        "the second sentence lit while playing",
        &format!(
            "var a=document.querySelector('#narration audio'),n=document.querySelector('#transcript .s--now');\
             return !a.paused&&n&&n.textContent==={:?}?[a.currentTime,document.querySelector('.narr-cue').textContent]:null",
            SAN_VI[1]
        ),
    );
    let t = seen[0].as_f64().expect("time");
    assert!((2.0..4.5).contains(&t), "the second cue (2 s to 4 s) is shown at {t} s");
    assert_eq!(seen[1], json!(SAN_VI[1]), "{seen}");
    shot(&b, "phone-player-caption");
    // Seeking shows the cue for the new time at once.
    b.js("var a=document.querySelector('#narration audio');a.pause();a.currentTime=4.5;return 1");
    b.wait_for(
        "the third cue after seeking",
        &format!("return document.querySelector('.narr-cue').textContent==={:?}&&document.querySelector('#transcript .s--now').textContent==={:?}", SAN_VI[2], SAN_VI[2]),
    );

    // Over the tour in pseudo-fullscreen (as on an iPhone): the caption of the moment.
    b.js("var t=document.getElementById('tour');t.requestFullscreen=null;t.webkitRequestFullscreen=null;t.scrollIntoView();return 1");
    click(&b, ".tour-fs");
    b.wait_for("pseudo-fullscreen", "return document.getElementById('tour').classList.contains('tour--full')");
    let over = b.js("var c=document.querySelector('#tour .tour-cue'),r=c.getBoundingClientRect();return [c.textContent,getComputedStyle(c).display,r.width>50,r.bottom<=innerHeight]");
    assert_eq!(over, json!([SAN_VI[2], "block", true, true]), "the caption over the tour");
    shot(&b, "phone-fullscreen-caption");
    // The tour's own play button starts and stops the story in full screen.
    b.js("document.querySelector('#narration audio').currentTime=0;return 1");
    click(&b, ".tour-listen");
    b.wait_for(
        "the story playing from the tour's button",
        "var a=document.querySelector('#narration audio');return !a.paused&&document.querySelector('.tour-listen').getAttribute('aria-pressed')==='true'",
    );
    click(&b, ".tour-listen");
    b.wait_for(
        "the story paused from the tour's button",
        "var a=document.querySelector('#narration audio');return a.paused&&document.querySelector('.tour-listen').getAttribute('aria-pressed')==='false'",
    );
    b.js("document.getElementById('tour').classList.remove('tour--full');document.documentElement.classList.remove('tour-lock');return 1");

    // Without "play as I go", arriving at the gate offers the gate's story and plays nothing.
    b.js("window.disanTour.go('cong');return 1");
    b.wait_for("the gate's story offered", "return window.disanNarration.key()==='cong'");
    let state = b.js("var a=document.querySelector('#narration audio');return [a.paused,a.getAttribute('src').indexOf('narration-cong-vi.')>=0,document.querySelector('.narr-for').textContent]");
    assert_eq!(state[0], json!(true), "arriving does not start the story unasked");
    assert_eq!(state[1], json!(true), "{state}");
    assert!(state[2].as_str().unwrap_or_default().contains("Cổng đình"), "{state}");

    // With it (the visitor pressed play once already), arriving at the yard starts the yard's recording.
    b.js("document.getElementById('narration').scrollIntoView();return 1");
    click(&b, ".narr-go input");
    b.js("window.disanTour.go('san');return 1");
    b.wait_for(
        "the yard's recording starting on arrival",
        "var a=document.querySelector('#narration audio');return window.disanNarration.key()==='san'&&a.getAttribute('src').indexOf('narration-san-vi.')>=0&&!a.paused&&a.currentTime>0.1",
    );
    b.js("document.querySelector('#narration audio').pause();return 1");
    click(&b, ".narr-go input");

    // The inner sanctum has no recording: the phone's voice reads its transcript.
    b.goto("about:blank");
    b.goto(&format!("{}/vi/dinh/#scene=hau-cung", server.base));
    b.wait_for("the phone's voice offered", "return window.disanNarration&&window.disanNarration.key()==='hau-cung'&&!!document.querySelector('.speak-play')");
    b.js("document.getElementById('narration').scrollIntoView();return 1");
    click(&b, ".speak-play");
    let said =
        |n: usize| b.wait_for(&format!("utterance {n}"), &format!("return window.__said.length>={n}&&window.__said"));
    let s = said(1);
    assert_eq!(
        s[0],
        json!({"text": HAU_VI[0], "rate": 1, "lang": "vi-VN", "voice": "Linh"}),
        "the first sentence, by the phone's own Vietnamese voice"
    );
    let now = || text(&b, "var n=document.querySelector('#transcript .s--now');return n?n.textContent:''");
    assert_eq!(now(), HAU_VI[0]);
    shot(&b, "phone-speech-highlight");
    b.js("window.__end();return 1");
    let s = said(2);
    assert_eq!(
        s[1]["text"],
        json!(HAU_VI[1]),
        "the next sentence after the first ends (the number 2.5 does not cut it)"
    );
    assert_eq!(now(), HAU_VI[1]);
    // Faster: the sentence being read starts again at 1.5×.
    b.js("var s=document.querySelector('.speak-speed select');s.value='1.5';s.dispatchEvent(new Event('change'));return 1");
    let s = said(3);
    assert_eq!((s[2]["text"].clone(), s[2]["rate"].clone()), (json!(HAU_VI[1]), json!(1.5)));
    // Skip to the next sentence.
    click(&b, ".speak-skip");
    let s = said(4);
    assert_eq!((s[3]["text"].clone(), s[3]["rate"].clone()), (json!(HAU_VI[2]), json!(1.5)));
    assert_eq!(now(), HAU_VI[2]);
    // Pause, then resume where it stopped.
    click(&b, ".speak-play");
    assert_eq!(text(&b, "return document.querySelector('.speak-play').textContent"), "Đọc tiếp");
    assert!(b.js("return window.__cur===null").as_bool().unwrap_or(false), "pausing cancels the voice");
    click(&b, ".speak-play");
    let s = said(5);
    assert_eq!(s[4]["text"], json!(HAU_VI[2]));
    b.js("window.__end();return 1");
    b.wait_for(
        "the end of the transcript",
        "return !document.querySelector('#transcript .s--now')&&window.__said.length===5",
    );

    // A phone with no Vietnamese voice: said plainly, with how to add one, and the transcript offered.
    b.js("window.__voices=[{name:'Daniel',lang:'en-GB',localService:true}];return 1");
    b.goto("about:blank");
    b.goto(&format!("{}/vi/dinh/#scene=hau-cung", server.base));
    b.wait_for("the phone's voice offered", "return !!document.querySelector('.speak-play')");
    b.js("window.__voices=[{name:'Daniel',lang:'en-GB',localService:true}];document.getElementById('narration').scrollIntoView();return 1");
    click(&b, ".speak-play");
    let note = b.wait_for(
        "the no-voice message",
        "var n=document.querySelector('.speak-note');return n&&!n.hidden&&n.textContent",
    );
    let note = note.as_str().unwrap_or_default();
    assert!(note.contains("chưa có giọng đọc tiếng Việt"), "{note}");
    assert!(note.contains("Dịch vụ giọng nói của Google") && note.contains("Nội dung được đọc"), "{note}");
    assert_eq!(b.js("return window.__said.length"), json!(0), "nothing is spoken in a wrong voice");
    assert_eq!(b.js("return document.querySelector('#narration .transcript').open"), json!(true));
    shot(&b, "phone-no-voice");
    // With DISAN_AXE pointing at axe-core's `axe.min.js`: the narration's controls pass axe.
    if let Some(path) = std::env::var_os("DISAN_AXE") {
        let source = std::fs::read_to_string(path).expect("read axe.min.js");
        let found = common::browser::axe(&b, &source);
        assert!(found.is_empty(), "axe: {found:#?}");
    }

    // Desktop: the player with its caption and the highlighted sentence.
    b.call("POST", "/window/rect", Some(json!({"width": 1280, "height": 800})));
    b.goto("about:blank");
    b.goto(&format!("{}/en/dinh/#scene=san", server.base));
    b.wait_for("the yard's story in English", "return window.disanNarration&&window.disanNarration.key()==='san'");
    tap_play(&b);
    b.js("var a=document.querySelector('#narration audio');a.pause();a.currentTime=2.5;return 1");
    b.wait_for(
        "the English cue",
        &format!("return document.querySelector('.narr-cue').textContent==={:?}&&document.querySelector('#transcript .s--now').textContent==={:?}", SAN_EN[1], SAN_EN[1]),
    );
    shot(&b, "desktop-player-caption");
    drop(server);
}

#[test]
fn captions_mistakes_are_located_in_the_vtt_file() {
    let dir = fixture();
    let vtt = dir.path().join("content/dinh/captions/san-vi.vtt");
    std::fs::write(&vtt, "WEBVTT\n\n00:00.000 --> 00:02.000\nMột.\n\n00:01.500 --> 00:03,000\nHai.\n").expect("vtt");
    let yaml = dir.path().join("sites/dinh.yaml");
    let y = std::fs::read_to_string(&yaml).expect("yaml");
    // Captions for the inner sanctum, which has no recording.
    let y = y.replacen(
        "      vi:\n        transcript: \"Hậu cung",
        "      vi:\n        captions: captions/san-vi.vtt\n        transcript: \"Hậu cung",
        1,
    );
    std::fs::write(&yaml, y).expect("yaml");
    let out = common::disan(dir.path(), &["check"]);
    let report = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{report}");
    assert!(report.contains("`00:03,000` is not a WebVTT time"), "{report}");
    assert!(report.contains("content/dinh/captions/san-vi.vtt:6:15"), "{report}");
    assert!(report.contains("captions are given but there is no recording"), "{report}");
    assert!(report.contains("sites/dinh.yaml:"), "{report}");
}
