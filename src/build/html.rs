//! Text for pages: a language's version of a text, escaped for HTML, split into paragraphs.

use crate::site::model::Text;

/// Escapes text for HTML content and double- or single-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits text into paragraphs on blank lines.
pub fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect()
}

/// The text in `lang` (validation guarantees every language is present).
pub fn pick(t: &Text, lang: &str) -> String {
    t.get(lang).cloned().unwrap_or_default()
}

/// MIME type of a narration file, from its URL.
pub fn audio_mime(url: &str) -> &'static str {
    match url.rsplit('.').next().unwrap_or("") {
        "mp3" => "audio/mpeg",
        "m4a" | "aac" => "audio/mp4",
        "ogg" | "opus" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}
