//! Narration on the pages: the site's and each scene's story per language, its transcript cut into
//! sentences (so the phone's voice reads, and the page highlights, one sentence at a time), its captions
//! published as WebVTT and matched to those sentences.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use super::hash::StableHash;
use super::html::{audio_mime, paragraphs, pick};
use super::media::MediaOut;
use super::relic;
pub use super::site_media::NarrationMedia;
use crate::report::Diagnostic;
use crate::site::captions::{Cue, past_end, to_vtt};
use crate::site::model::{Narration, Site};

/// Prepares the site's and every scene's recordings and every captions file of a site under `dir`.
/// Captions are timed against the editor's recording: a cue that ends after it is refused here, where the
/// recording's length is known, at its line in the `.vtt` file.
pub fn media(mo: &MediaOut, dir: &str, s: &Site) -> Result<NarrationMedia> {
    let mut out = NarrationMedia::default();
    let mut timing = BTreeMap::new();
    for (lang, n) in &s.narration {
        if let Some(a) = &n.audio {
            let p = mo.prepared_audio(dir, &format!("narration-{lang}"), a)?;
            out.site_audio.insert(lang.clone(), p.url.clone());
            timing.insert((None, lang.clone()), p);
        }
    }
    for (i, sc) in s.scenes.iter().enumerate() {
        let mut audio = BTreeMap::new();
        for (lang, n) in &sc.narration {
            if let Some(a) = &n.audio {
                let p = mo.prepared_audio(dir, &format!("narration-{}-{lang}", sc.id), a)?;
                audio.insert(lang.clone(), p.url.clone());
                timing.insert((Some(i), lang.clone()), p);
            }
        }
        out.scene_audio.push(audio);
    }
    let all = s.narration.iter().map(|(l, n)| (None, l, n));
    let scenes = s.scenes.iter().enumerate().flat_map(|(i, sc)| sc.narration.iter().map(move |(l, n)| (Some(i), l, n)));
    for (scene, lang, n) in all.chain(scenes) {
        let Some(c) = &n.captions else { continue };
        let Some(p) = timing.get(&(scene, lang.clone())) else { continue };
        if let Some(late) = past_end(&c.cues, p.seconds + p.lead) {
            let source = std::fs::read_to_string(&c.path).unwrap_or_default();
            // Named from `content/` on, as the editor wrote it.
            let parts: Vec<_> = c.path.components().collect();
            let from = parts.iter().rposition(|p| p.as_os_str() == "content").unwrap_or(0);
            let shown: std::path::PathBuf = parts[from..].iter().collect();
            let d = Diagnostic::at(&shown, &source, late.pos, late.width, late.message).with_hint(late.hint);
            anyhow::bail!("{d}");
        }
        let cues: Vec<Cue> = c
            .cues
            .iter()
            .map(|q| Cue { start: (q.start - p.lead).max(0.0), end: (q.end - p.lead).max(0.0), ..q.clone() })
            .collect();
        let text = to_vtt(&cues);
        out.cues.insert((scene, lang.clone()), cues);
        let stem = match scene {
            Some(i) => format!("captions-{}-{lang}", s.scenes[i].id),
            None => format!("captions-{lang}"),
        };
        let key = StableHash::new().with("captions-v1").with(&text);
        let url = mo.output(dir, &stem, "vtt", key, || Ok(text.clone().into_bytes()))?;
        out.captions.insert((scene, lang.clone()), url);
    }
    Ok(out)
}

/// Where one narration's files are and what it is the story of, for [`entry`].
pub struct EntryFiles<'a> {
    /// `site`, or the scene's id.
    pub key: &'a str,
    /// The scene's title, for a scene's own story.
    pub title: Option<String>,
    /// The recording's URL.
    pub audio: Option<&'a str>,
    /// The captions' URL.
    pub captions: Option<&'a str>,
    /// The captions' cues as published.
    pub cues: Option<&'a [Cue]>,
}

/// One narration as the page and `narration.js` use it: the recording and its captions (each cue with the
/// transcript sentence it matches), the transcript as paragraphs of sentences, the credit.
pub fn entry(t: &BTreeMap<&str, &str>, n: &Narration, lang: &str, files: EntryFiles) -> Value {
    let transcript: Vec<Vec<String>> =
        n.transcript.as_deref().map(|text| paragraphs(text).iter().map(|p| sentences(p)).collect()).unwrap_or_default();
    let audio = files.audio;
    let cues = files.cues.filter(|_| audio.is_some()).map(|c| {
        let matched = match_cues(&transcript, c);
        c.iter().zip(matched).map(|(cue, s)| json!([round(cue.start), round(cue.end), s, cue.text])).collect::<Vec<_>>()
    });
    let credit = n.credit.as_ref().filter(|_| audio.is_some());
    json!({
        "key": files.key,
        "title": files.title,
        "audio": audio,
        "audio_type": audio.map(audio_mime),
        "captions": files.captions.filter(|_| audio.is_some()),
        "cues": cues,
        "transcript": (!transcript.is_empty()).then_some(&transcript),
        "credit": credit.map(|c| relic::credit(t, c, relic::Media::Recording)),
        "credit_text": credit.map(|c| relic::credit_text(t, c, relic::Media::Recording)),
        "lang": lang,
    })
}

/// Every narration of a site page in `lang`: the site's (`site`), each scene's own (`scenes`, by id), and
/// which one the page shows before any script runs (`shown`: the site's, else the first scene story).
pub fn page(t: &BTreeMap<&str, &str>, s: &Site, site_audio: Option<&str>, m: &NarrationMedia, lang: &str) -> Value {
    let site = s.narration.get(lang).map(|n| {
        let captions = m.captions.get(&(None, lang.to_string())).map(String::as_str);
        let cues = m.cues.get(&(None, lang.to_string())).map(Vec::as_slice);
        entry(t, n, lang, EntryFiles { key: "site", title: None, audio: site_audio, captions, cues })
    });
    let mut scenes = serde_json::Map::new();
    for (i, sc) in s.scenes.iter().enumerate() {
        let Some(n) = sc.narration.get(lang) else { continue };
        let audio = m.scene_audio.get(i).and_then(|a| a.get(lang)).map(String::as_str);
        let captions = m.captions.get(&(Some(i), lang.to_string())).map(String::as_str);
        let cues = m.cues.get(&(Some(i), lang.to_string())).map(Vec::as_slice);
        let files = EntryFiles { key: &sc.id, title: Some(pick(&sc.title, lang)), audio, captions, cues };
        scenes.insert(sc.id.clone(), entry(t, n, lang, files));
    }
    // Before any script runs the page shows the site's story, else the first scene's own (scenes in order),
    // so a site whose only stories belong to scenes still offers them.
    let shown = site.clone().or_else(|| s.scenes.iter().find_map(|sc| scenes.get(&sc.id).cloned()));
    json!({ "site": site, "scenes": scenes, "shown": shown })
}

/// A site page's stories in `lang`, when it has any: the one its HTML shows before any script runs
/// (`shown`), and what `narration.js` fetches to offer the others (`data`, see [`script_data`]).
pub struct PageStories {
    /// The story the page's HTML shows (its recording, captions, transcript and credit).
    pub shown: Value,
    /// `narration.js`'s data.
    pub data: Value,
}

/// The stories of site `s` in `lang` (`m`: the site's published media), or `None` when it has none.
pub fn page_stories(s: &Site, m: &super::site_media::SiteMedia, lang: &str) -> Option<PageStories> {
    let t = crate::words::for_language(lang);
    let site_audio = m.audio.iter().find(|(l, _)| l == lang).map(|(_, u)| u.as_str());
    let stories = page(&t, s, site_audio, &m.narration, lang);
    if stories["shown"].is_null() {
        return None;
    }
    let data = script_data(&stories);
    Some(PageStories { shown: stories["shown"].clone(), data })
}

/// What `narration.js` reads (a file per page and language, fetched when the script loads, so the page's
/// first load carries none of it): every story but only the fields the script uses, the story the page
/// shows without its transcript (the script reads it from the page). The words it needs come in the later
/// scripts' words file (see [`super::page_files::write_words`]), shared by every page of the language.
fn script_data(stories: &Value) -> Value {
    let shown = stories["shown"]["key"].as_str();
    let scenes: serde_json::Map<String, Value> = stories["scenes"]
        .as_object()
        .map(|m| m.iter().map(|(k, e)| (k.clone(), for_script(e, shown))).collect())
        .unwrap_or_default();
    json!({ "site": for_script(&stories["site"], shown), "scenes": scenes })
}

/// A story as `narration.js` gets it: without empty fields and the ones only the page's HTML uses; the
/// story the page shows (`shown`, by key) has `"transcript": 1`, as the script reads its sentences from the
/// page instead of a second copy.
fn for_script(entry: &Value, shown: Option<&str>) -> Value {
    let Some(fields) = entry.as_object() else { return Value::Null };
    let on_page = shown.is_some() && entry["key"].as_str() == shown;
    let kept = fields.iter().filter(|(k, v)| !v.is_null() && !matches!(k.as_str(), "credit" | "audio_type"));
    Value::Object(
        kept.map(|(k, v)| (k.clone(), if on_page && k == "transcript" { json!(1) } else { v.clone() })).collect(),
    )
}

fn round(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// Words that end with a full stop without ending a sentence (compared in lowercase, without the stop):
/// English and Vietnamese titles and abbreviations, months, and `tp`/`tt`/`q`/`p` before place names.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "no", "nos", "vs", "etc", "e.g", "i.e", "approx", "ca", "c", "cf",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "vol", "tp", "tt",
    "gs", "pgs", "ts", "ths", "bs", "ks", "nxb", "tr",
];

/// Cuts one paragraph into sentences: after `.`, `!`, `?` or `…` (with any closing quotes or brackets) when
/// a space follows and the next word starts a sentence (a capital, a digit or an opening quote). A full
/// stop after a known abbreviation (`TP.`, `Dr.`, `e.g.`) or a capital letter alone (an initial) does not end one;
/// stops inside numbers (`1.200`, `3.5`) have no space after them and never do.
pub fn sentences(paragraph: &str) -> Vec<String> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && matches!(chars[end], '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | '»')
        {
            end += 1;
        }
        let next_word = chars[end..].iter().position(|c| !c.is_whitespace()).map(|p| end + p);
        let spaced = end < chars.len() && chars[end].is_whitespace();
        let starts_sentence = next_word.is_some_and(|j| {
            let n = chars[j];
            n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '\'' | '‘' | '(' | '«')
        });
        let abbreviation = c == '.' && end == i + 1 && {
            let word: String = chars[start..i]
                .iter()
                .rev()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | '"' | '“'))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let lower = word.to_lowercase();
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            // A capital letter alone is an initial (`Nguyễn V. An`); a small one is a unit (`1.200 m.`).
            let initial = letters == 1 && word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            ABBREVIATIONS.contains(&lower.as_str()) || initial
        };
        if next_word.is_none() || (spaced && starts_sentence && !abbreviation) {
            let s: String = chars[start..end].iter().collect::<String>().trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            start = end;
        }
        i = end;
    }
    let rest: String = chars[start..].iter().collect::<String>().trim().to_string();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Words of a text for matching: lowercase, NFC, letters and digits only.
fn words(text: &str) -> Vec<String> {
    text.nfc()
        .collect::<String>()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// For each cue, the index (counting through all paragraphs) of the transcript sentence it is part of:
/// the cue's words are found in the transcript in order, a few words of slack at a time (captions and
/// transcript may differ a little), and the cue belongs to the sentence most of its words were found in.
/// A cue with no word found keeps the previous cue's sentence.
pub fn match_cues(transcript: &[Vec<String>], cues: &[Cue]) -> Vec<usize> {
    const SLACK: usize = 12;
    let stream: Vec<(String, usize)> =
        transcript.iter().flatten().enumerate().flat_map(|(i, s)| words(s).into_iter().map(move |w| (w, i))).collect();
    let mut cursor = 0;
    let mut last = 0;
    cues.iter()
        .map(|cue| {
            let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
            for w in words(&cue.text) {
                let window = stream.iter().enumerate().skip(cursor).take(SLACK);
                if let Some((at, (_, sentence))) = window.clone().find(|(_, (x, _))| *x == w) {
                    *votes.entry(*sentence).or_default() += 1;
                    cursor = at + 1;
                }
            }
            if let Some((s, _)) = votes.iter().max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s))) {
                last = *s;
            }
            last
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_in_vietnamese_and_english() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Đền thờ Tô Hiến Thành. Ông mất năm 1179. Dân làng lập đền thờ ông!",
                &["Đền thờ Tô Hiến Thành.", "Ông mất năm 1179.", "Dân làng lập đền thờ ông!"],
            ),
            (
                "Đền ở TP. Sầm Sơn, cách 1.200 m. Rộng 3.5 ha… Thật đẹp?",
                &["Đền ở TP. Sầm Sơn, cách 1.200 m.", "Rộng 3.5 ha…", "Thật đẹp?"],
            ),
            (
                "Mr. Lê and Dr. Trần met at St. Mary's, e.g. by the gate. They spoke. \"Welcome.\" Then left.",
                &[
                    "Mr. Lê and Dr. Trần met at St. Mary's, e.g. by the gate.",
                    "They spoke.",
                    "\"Welcome.\"",
                    "Then left.",
                ],
            ),
            (
                "Built in the 15th c. It was restored in 1998. 2004 saw a festival.",
                &["Built in the 15th c. It was restored in 1998.", "2004 saw a festival."],
            ),
            ("Nguyễn V. An kể lại. Hết", &["Nguyễn V. An kể lại.", "Hết"]),
            ("một câu không có dấu chấm", &["một câu không có dấu chấm"]),
            ("Thế kỷ XV. Đến nay vẫn còn.", &["Thế kỷ XV.", "Đến nay vẫn còn."]),
            ("the 3.5 km path. And more", &["the 3.5 km path.", "And more"]),
            ("lowercase after. does not split", &["lowercase after. does not split"]),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), want.to_vec(), "{text}");
        }
    }

    #[test]
    fn cues_follow_their_sentences() {
        let transcript = vec![
            vec!["Đền Độc Cước ở trên núi Trường Lệ.".to_string(), "Đền thờ thần một chân.".to_string()],
            vec!["Truyền thuyết kể rằng thần xẻ đôi người mình.".to_string()],
        ];
        let cue = |s: f64, text: &str| Cue { start: s, end: s + 1.0, text: text.into(), line: 1, end_at: (15, 9) };
        let cues = [
            cue(0.0, "Đền Độc Cước"),
            cue(1.0, "ở trên núi Trường Lệ."),
            cue(2.0, "Đền thờ thần"),
            cue(3.0, "một chân."),
            cue(4.0, "(nhạc)"),
            cue(5.0, "Truyền thuyết kể rằng thần xẻ đôi người mình."),
        ];
        assert_eq!(match_cues(&transcript, &cues), vec![0, 0, 1, 1, 1, 2]);
    }
}
