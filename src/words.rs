//! Interface words of the pages and placards per language: the program's own words (buttons, headings,
//! labels, the placard's call to action), kept as data in `static/words/<lang>.yaml`, one file per
//! language, embedded in the binary. Adding a language is adding a file; English is the reference, and a
//! word a language lacks is shown in English.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The language whose words every other language falls back to.
pub const REFERENCE: &str = "en";

/// One language's file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's name in itself, for the language switcher ("Français").
    pub name: String,
    /// BCP 47 tag with a region, for the phone's speech synthesis (`fr-FR`).
    pub speech: String,
    /// Open Graph locale (`fr_FR`).
    pub locale: String,
    /// Decimal separator in numbers.
    pub decimal: String,
    /// Thousands separator in numbers.
    pub thousands: String,
    /// Interface words by key.
    pub words: BTreeMap<String, String>,
}

/// Every shipped language by code, read once from the embedded files. A file that cannot be read is left
/// out (its language then counts as having no words); the tests keep every shipped file readable.
fn shipped() -> &'static BTreeMap<String, Language> {
    static SHIPPED: OnceLock<BTreeMap<String, Language>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        crate::build::assets::Static::iter()
            .filter_map(|name| {
                let code = name.strip_prefix("words/")?.strip_suffix(".yaml")?.to_string();
                let bytes = crate::build::assets::bytes(&name)?;
                let lang = yaml_serde::from_str::<Language>(std::str::from_utf8(&bytes).ok()?).ok()?;
                Some((code, lang))
            })
            .collect()
    })
}

/// The shipped data of `lang`, when disan has its interface words.
pub fn language(lang: &str) -> Option<&'static Language> {
    shipped().get(lang)
}

/// The languages disan has interface words for, by code.
pub fn known() -> Vec<&'static str> {
    shipped().keys().map(String::as_str).collect()
}

/// The interface words in `lang`, each falling back to English where `lang` has none.
pub fn for_language(lang: &str) -> BTreeMap<&'static str, &'static str> {
    let mut words: BTreeMap<&'static str, &'static str> = BTreeMap::new();
    for code in [REFERENCE, lang] {
        if let Some(l) = language(code) {
            words.extend(l.words.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
    }
    words
}

/// One interface word in `lang` (English where `lang` lacks it, empty for an unknown key).
pub fn word(lang: &str, key: &str) -> &'static str {
    [lang, REFERENCE].iter().filter_map(|code| language(code)?.words.get(key)).map(String::as_str).next().unwrap_or("")
}

/// The language's name in itself, for the switcher; its code when disan does not know the language.
pub fn native_name(lang: &str) -> String {
    language(lang).map_or_else(|| lang.to_string(), |l| l.name.clone())
}

/// The BCP 47 tag for speech synthesis (`vi-VN`); the code itself for a language disan does not know.
pub fn speech_tag(lang: &str) -> String {
    language(lang).map_or_else(|| lang.to_string(), |l| l.speech.clone())
}

/// The Open Graph locale (`vi_VN`); the code itself for a language disan does not know.
pub fn locale(lang: &str) -> String {
    language(lang).map_or_else(|| lang.to_string(), |l| l.locale.clone())
}

/// Thousands and decimal separators of numbers in `lang` (English ones for a language disan does not know).
pub fn separators(lang: &str) -> (String, String) {
    let l = language(lang).or_else(|| language(REFERENCE));
    l.map_or((",".into(), ".".into()), |l| (l.thousands.clone(), l.decimal.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_language_is_readable_and_complete() {
        let files: Vec<String> = crate::build::assets::Static::iter()
            .filter(|n| n.starts_with("words/") && n.ends_with(".yaml"))
            .map(|n| n.to_string())
            .collect();
        assert!(files.len() >= 3, "{files:?}");
        assert_eq!(known().len(), files.len(), "a words file does not parse: {files:?} vs {:?}", known());
        let reference = language(REFERENCE).expect("English words");
        for code in known() {
            let l = language(code).expect("shipped");
            let missing: Vec<&String> = reference.words.keys().filter(|k| !l.words.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            let extra: Vec<&String> = l.words.keys().filter(|k| !reference.words.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{code} has words English lacks: {extra:?}");
            for (k, v) in &l.words {
                assert!(!v.trim().is_empty(), "{code}.{k} is empty");
                let nfc: String = unicode_normalization::UnicodeNormalization::nfc(v.as_str()).collect();
                assert_eq!(&nfc, v, "{code}.{k} is not NFC");
                // Placeholders the scripts fill in must survive translation.
                for hole in ["{pct}", "{size}", "{n}", "{free}", "{d}", "{code}"] {
                    assert_eq!(reference.words[k].contains(hole), v.contains(hole), "{code}.{k} and {hole}");
                }
            }
        }
    }

    #[test]
    fn a_language_without_words_gets_english() {
        assert_eq!(word("fr", "home"), "Accueil");
        assert_eq!(word("vi", "home"), "Trang chủ");
        assert_eq!(word("de", "home"), "Home");
        assert_eq!(for_language("de").get("home"), Some(&"Home"));
        assert_eq!(native_name("fr"), "Français");
        assert_eq!(native_name("de"), "de");
        assert_eq!(speech_tag("fr"), "fr-FR");
    }
}
