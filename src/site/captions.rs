//! Reads and checks the captions of a recording: a WebVTT file whose cues follow the recording in time.
//! Every problem is reported with its line and column in the `.vtt` file, all of them in one run.
//!
//! Only what narration needs is read: the `WEBVTT` header, `NOTE`/`STYLE`/`REGION` blocks (skipped), and
//! cues (an optional identifier, a timing line with optional settings, and text). Cue text keeps its words;
//! tags such as `<v Narrator>` or `<i>` are dropped, as pages show captions as plain text.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::messages::Msg;
use crate::report::Pos;

/// Largest captions file read (a whole hour of dense cues is well under this).
pub const MAX_BYTES: u64 = 1024 * 1024;

/// How far (seconds) a cue may end after the recording: encoders pad or trim a few milliseconds.
const END_TOLERANCE: f64 = 0.25;

/// One caption: what is said from `start` to `end` (seconds into the recording).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cue {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// The words, plain text (NFC), lines joined by a space.
    pub text: String,
    /// Line of the timing line in the file, for messages.
    pub line: usize,
    /// Column where the end time starts on that line, and its length in characters.
    pub end_at: (usize, usize),
}

/// A mistake in a captions file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where, in the `.vtt` file.
    pub pos: Pos,
    /// How many characters to underline.
    pub width: usize,
    /// What is wrong.
    pub message: Msg,
    /// How to fix it.
    pub hint: Msg,
}

/// Reads `text` (a WebVTT file) and checks its cues against each other and against the recording's length
/// in seconds, when known. Returns the cues, or every problem found.
pub fn check(text: &str, duration: Option<f64>) -> Result<Vec<Cue>, Vec<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let mut problem = |line: usize, col: usize, width: usize, message: Msg, hint: Msg| {
        problems.push(Problem { pos: Pos { line, col }, width, message, hint })
    };
    let first = lines.first().copied().unwrap_or("");
    let header_ok = first.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    if !header_ok {
        let width = first.chars().count().clamp(1, 20);
        problem(1, 1, width, Msg::CaptionsNoHeader, Msg::HintVttHeader);
        return Err(problems);
    }
    // Blocks: runs of non-blank lines. The first is the header.
    let mut cues: Vec<Cue> = Vec::new();
    let mut cue_blocks = 0;
    let mut i = 0;
    while i < lines.len() && !lines[i].trim().is_empty() {
        i += 1;
    }
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start_line = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        let block = &lines[start_line..i];
        let head = block[0].trim_start();
        if ["NOTE", "STYLE", "REGION"].iter().any(|k| head == *k || head.starts_with(&format!("{k} "))) {
            continue;
        }
        cue_blocks += 1;
        // An identifier line may come before the timing line.
        let timing_at = if block[0].contains("-->") { 0 } else { 1 };
        let Some(timing) = block.get(timing_at).filter(|l| l.contains("-->")) else {
            let at = start_line + timing_at.min(block.len() - 1);
            problem(at + 1, 1, lines[at].chars().count().clamp(1, 40), Msg::CueNoTiming, Msg::HintCueTiming);
            continue;
        };
        let line_no = start_line + timing_at + 1;
        let Some(arrow) = timing.find("-->") else { continue };
        let (left, right) = (&timing[..arrow], &timing[arrow + 3..]);
        let start_text = left.trim();
        let right_trimmed = right.trim_start();
        let end_text = right_trimmed.split([' ', '\t']).next().unwrap_or("");
        let col_of = |byte: usize| timing[..byte].chars().count() + 1;
        let sc = col_of(left.len() - left.trim_start().len());
        let ec = col_of(arrow + 3 + (right.len() - right_trimmed.len()));
        let start = parse_time(start_text);
        let end = parse_time(end_text);
        if start.is_none() {
            let message = Msg::CueBadTime { time: start_text.into() };
            problem(line_no, sc, start_text.chars().count().max(1), message, Msg::HintCueTime);
        }
        if end.is_none() {
            let message = Msg::CueBadTime { time: end_text.into() };
            problem(line_no, ec, end_text.chars().count().max(1), message, Msg::HintCueTime);
        }
        let words: Vec<String> = block[timing_at + 1..].iter().map(|l| plain(l)).filter(|l| !l.is_empty()).collect();
        let (Some(start), Some(end)) = (start, end) else { continue };
        if end <= start {
            problem(
                line_no,
                ec,
                end_text.chars().count(),
                Msg::CueEndsBeforeStart { end: show(end), start: show(start) },
                Msg::HintCueEndAfterStart,
            );
        }
        if let Some(prev) = cues.last() {
            if start < prev.start {
                problem(
                    line_no,
                    sc,
                    start_text.chars().count(),
                    Msg::CueBeforePrevious { start: show(start), line: prev.line, previous: show(prev.start) },
                    Msg::HintCueOrder,
                );
            } else if start < prev.end {
                problem(
                    line_no,
                    sc,
                    start_text.chars().count(),
                    Msg::CueOverlaps { start: show(start), line: prev.line, until: show(prev.end) },
                    Msg::HintCueOneAtATime,
                );
            }
        }
        if words.is_empty() {
            problem(line_no, 1, timing.chars().count().max(1), Msg::CueNoText, Msg::HintCueWords);
        }
        let text: String = words.join(" ").trim().nfc().collect();
        let cue = Cue { start, end, text, line: line_no, end_at: (ec, end_text.chars().count()) };
        if let Some(late) = duration.and_then(|d| past_end(std::slice::from_ref(&cue), d)) {
            problem(late.pos.line, late.pos.col, late.width, late.message, late.hint);
        }
        cues.push(cue);
    }
    if cue_blocks == 0 {
        problem(1, 1, 6, Msg::CaptionsNoCues, Msg::HintAddCues);
    }
    if problems.is_empty() { Ok(cues) } else { Err(problems) }
}

/// The first cue that ends after a recording of `duration` seconds (beyond a few milliseconds' slack),
/// located at its end time. For checking captions once the recording's length is known.
pub fn past_end(cues: &[Cue], duration: f64) -> Option<Problem> {
    let c = cues.iter().find(|c| c.end > duration + END_TOLERANCE)?;
    Some(Problem {
        pos: Pos { line: c.line, col: c.end_at.0 },
        width: c.end_at.1.max(1),
        message: Msg::CuePastEnd { end: show(c.end), length: show(duration) },
        hint: Msg::HintCaptionsBelong,
    })
}

/// Seconds from a WebVTT timestamp: `mm:ss.ttt` or `hh:mm:ss.ttt` (hours of two or more digits), minutes
/// and seconds below 60, exactly three digits of milliseconds.
pub fn parse_time(s: &str) -> Option<f64> {
    let (clock, millis) = s.split_once('.')?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| digits(p)) {
        return None;
    }
    let (h, m, sec) = match parts.as_slice() {
        [m, sec] if m.len() == 2 && sec.len() == 2 => (0u64, *m, *sec),
        [h, m, sec] if h.len() >= 2 && h.len() <= 4 && m.len() == 2 && sec.len() == 2 => (h.parse().ok()?, *m, *sec),
        _ => return None,
    };
    let (m, sec): (u64, u64) = (m.parse().ok()?, sec.parse().ok()?);
    if m > 59 || sec > 59 {
        return None;
    }
    let ms: u64 = millis.parse().ok()?;
    Some((h * 3600 + m * 60 + sec) as f64 + ms as f64 / 1000.0)
}

/// A time as editors write it in a captions file, `mm:ss.ttt` (with hours when needed).
pub fn show(t: f64) -> String {
    let ms = (t * 1000.0).round() as u64;
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 { format!("{h:02}:{m:02}:{s:02}.{f:03}") } else { format!("{m:02}:{s:02}.{f:03}") }
}

/// A cue's text line without tags (`<v Narrator>`, `<i>`, `<00:01.000>`) and with the entities WebVTT
/// allows decoded.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cues as a clean WebVTT file, for publishing: one cue per block, each with an id `c<n>` (its index),
/// times in full `hh:mm:ss.ttt`, text escaped.
pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, c) in cues.iter().enumerate() {
        let t = |x: f64| {
            let ms = (x * 1000.0).round() as u64;
            format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
        };
        let text = c.text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        out.push_str(&format!("\nc{i}\n{} --> {}\n{text}\n", t(c.start), t(c.end)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("00:01.500"), Some(1.5));
        assert_eq!(parse_time("01:02:03.004"), Some(3723.004));
        assert_eq!(parse_time("100:00:00.000"), Some(360000.0));
        for bad in ["1.5", "00:01,500", "0:01.500", "00:60.000", "00:01.5", "00:01", "aa:bb.ccc", "00:-1.000", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(show(61.5), "01:01.500");
        assert_eq!(show(3723.004), "01:02:03.004");
    }

    #[test]
    fn reads_cues_with_ids_notes_and_tags() {
        let vtt = "\u{feff}WEBVTT - narration\n\nNOTE made by hand\n\n1\n00:00.000 --> 00:02.000 line:90%\n<v Hương>Xin chào</v>\n&amp; chào\n\n00:02.000 --> 00:04.500\nHai.\n";
        let cues = check(vtt, Some(4.5)).expect("valid");
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].text, "Xin chào & chào");
        assert_eq!((cues[1].start, cues[1].end, cues[1].line), (2.0, 4.5, 10));
        let again = check(&to_vtt(&cues), Some(4.5)).expect("published file reads back");
        assert_eq!(again.iter().map(|c| &c.text).collect::<Vec<_>>(), cues.iter().map(|c| &c.text).collect::<Vec<_>>());
    }

    fn problems(vtt: &str, duration: Option<f64>) -> Vec<(usize, usize, String)> {
        check(vtt, duration)
            .expect_err("invalid")
            .into_iter()
            .map(|p| (p.pos.line, p.pos.col, p.message.en()))
            .collect()
    }

    #[test]
    fn every_mistake_is_located() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:02,000\nbad end\n\n00:03.000 --> 00:05.000\nfine\n\n00:04.000 --> 00:06.000\noverlaps\n\n00:01.000 --> 00:01.500\nout of order\n\n00:07.000 --> 00:06.000\nbackwards\n\n00:08.000 --> 00:12.000\npast the end\n";
        let found = problems(vtt, Some(10.0));
        let lines: Vec<(usize, usize)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(lines, vec![(3, 15), (9, 1), (12, 1), (15, 15), (18, 15)], "{found:#?}");
        assert!(found[0].2.contains("`00:02,000` is not a WebVTT time"), "{}", found[0].2);
        assert!(found[1].2.contains("lasts until 00:05.000"), "{}", found[1].2);
        assert!(found[2].2.contains("before the cue above it"), "{}", found[2].2);
        assert!(found[3].2.contains("ends at 00:06.000 but starts at 00:07.000"), "{}", found[3].2);
        assert!(found[4].2.contains("after the recording ends (00:10.000)"), "{}", found[4].2);
        // Without a known length, the last cue is not judged against it.
        assert_eq!(problems(vtt, None).len(), 4);
    }

    #[test]
    fn cues_past_a_known_length() {
        let cues =
            check("WEBVTT\n\n00:00.000 --> 00:02.000\nMột.\n\n00:02.000 --> 00:04.100\nHai.\n", None).expect("valid");
        assert_eq!(past_end(&cues, 4.0), None, "a few milliseconds over are tolerated");
        let p = past_end(&cues, 3.0).expect("past the end");
        assert_eq!((p.pos.line, p.pos.col, p.width), (6, 15, 9));
        let message = p.message.en();
        assert!(message.contains("ends at 00:04.100, after the recording ends (00:03.000)"), "{message}");
    }

    #[test]
    fn header_and_empty_files() {
        assert_eq!(problems("1\n00:00.000 --> 00:01.000\nx\n", None)[0].0, 1);
        assert!(problems("WEBVTTX\n", None)[0].2.contains("must start with"));
        assert!(problems("WEBVTT\n", None)[0].2.contains("no cues"));
        assert!(problems("WEBVTT\n\nhello\nworld\n", None)[0].2.contains("no timing line"));
        assert!(problems("WEBVTT\n\n00:00.000 --> 00:01.000\n", None)[0].2.contains("no text"));
    }
}
