//! What every relic page carries beside its text: directions to the site, its key facts, who made its
//! media, the collection's sponsors, and a schema.org description that search engines and map apps read.
//! Everything here is page data in one language; the templates escape it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::html::pick;
use super::site_media::SiteMedia;
use super::urls::site_url;
use crate::site::model::{Collection, Credit, Fact, FactKind, FactValue, Licence, Scene, Site, Unit};

/// The way to a place. The page links OpenStreetMap's route planner, which works everywhere without
/// script, and gives the coordinates (five decimals, about a metre) and the place's name, from which
/// `directions.js` (our own, no third party) makes the phone's maps app link: a `geo:` URI on Android,
/// Apple Maps on iOS.
pub fn directions(lat: f64, lon: f64) -> Value {
    let (la, lo) = (format!("{lat:.5}"), format!("{lon:.5}"));
    json!({
        // An empty start point: OpenStreetMap asks the visitor where from, or uses their position.
        "osm": format!("https://www.openstreetmap.org/directions?route=%3B{la}%2C{lo}#map=16/{la}/{lo}"),
        "lat": la,
        "lon": lo,
    })
}

/// A number as written in `lang` (separators from the language's data: Vietnamese uses a decimal comma
/// and dots between thousands, English the other way round). Years are written without separators.
pub fn number(v: f64, lang: &str, year: bool) -> String {
    if year {
        return format!("{}", v as i64);
    }
    let (thousands, decimal) = crate::words::separators(lang);
    let rounded = (v * 100.0).round() / 100.0;
    let text = format!("{rounded}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        // Four-digit numbers stay whole (1863 m reads better than 1.863 m).
        if i > 0 && (digits.len() - i) % 3 == 0 && digits.len() > 4 {
            grouped.push_str(&thousands);
        }
        grouped.push(c);
    }
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{decimal}{frac}") }
}

/// The facts of a site as label, value and note, in `lang`.
pub fn facts(t: &BTreeMap<&str, &str>, facts: &[Fact], lang: &str) -> Vec<Value> {
    facts
        .iter()
        .map(|f| {
            json!({
                "label": fact_label(t, f, lang),
                "value": fact_value(f, lang),
                "note": f.note.as_ref().map(|n| pick(n, lang)),
            })
        })
        .collect()
}

fn fact_label(t: &BTreeMap<&str, &str>, f: &Fact, lang: &str) -> String {
    match &f.label {
        Some(l) => pick(l, lang),
        None => {
            let key = format!(
                "fact_{}",
                serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            );
            t.get(key.as_str()).copied().unwrap_or("").to_string()
        }
    }
}

fn fact_value(f: &Fact, lang: &str) -> String {
    match &f.value {
        FactValue::Number(v, unit) => {
            let n = number(*v, lang, f.kind.is_year());
            match unit {
                Some(u) => format!("{n}\u{a0}{}", u.symbol()),
                None => n,
            }
        }
        FactValue::Text(text) => pick(text, lang),
    }
}

/// Name and address of a licence the pages link to.
pub fn licence(l: Licence) -> (&'static str, Option<&'static str>) {
    match l {
        Licence::CcBy => ("CC BY 4.0", Some("https://creativecommons.org/licenses/by/4.0/")),
        Licence::CcBySa => ("CC BY-SA 4.0", Some("https://creativecommons.org/licenses/by-sa/4.0/")),
        Licence::Cc0 => ("CC0 1.0", Some("https://creativecommons.org/publicdomain/zero/1.0/")),
        Licence::AllRightsReserved => ("©", None),
    }
}

/// What a media item is, for the words of its credit.
#[derive(Debug, Clone, Copy)]
pub enum Media {
    /// A photo in the gallery.
    Photo,
    /// A 360° panorama.
    Panorama,
    /// A narration recording.
    Recording,
}

/// A credit line's parts in `lang`: who (with the role), the licence and its link, the rights holder,
/// and the original's address.
pub fn credit(t: &BTreeMap<&str, &str>, c: &Credit, media: Media) -> Value {
    let word = |k: &str| t.get(k).copied().unwrap_or("").to_string();
    let role = match media {
        Media::Photo => word("credit_photo"),
        Media::Panorama => word("credit_panorama"),
        Media::Recording => word("credit_narrator"),
    };
    let generated = c.generated.then(|| match media {
        Media::Recording => word("generated_voice"),
        _ => word("generated_image"),
    });
    let who = match (&c.author, generated) {
        (Some(a), Some(g)) => format!("{role}: {a} ({g})"),
        (Some(a), None) => format!("{role}: {a}"),
        (None, Some(g)) => format!("{role}: {g}"),
        (None, None) => role,
    };
    let (name, url) = c.licence.map(licence).map_or((None, None), |(n, u)| (Some(n), u));
    let reserved = c.licence == Some(Licence::AllRightsReserved);
    let holder = match (&c.holder, reserved) {
        (Some(h), true) => Some(format!("© {h}, {}", word("all_rights_reserved"))),
        (Some(h), false) => Some(format!("© {h}")),
        (None, _) => None,
    };
    json!({
        "who": who,
        "licence": if reserved { None } else { name },
        "licence_url": url,
        "holder": holder,
        "url": c.url,
    })
}

/// A credit as one line of plain text (who · licence · holder), where links cannot go.
pub fn credit_text(t: &BTreeMap<&str, &str>, c: &Credit, media: Media) -> String {
    let v = credit(t, c, media);
    ["who", "licence", "holder"].iter().filter_map(|k| v[*k].as_str()).collect::<Vec<_>>().join(" · ")
}

/// The panoramas' credits for the line under the tour: scenes with the same credit share one entry, and
/// when one credit covers every scene no scene is named.
pub fn scene_credits(t: &BTreeMap<&str, &str>, scenes: &[Scene], lang: &str) -> Vec<Value> {
    let mut groups: Vec<(Value, Vec<String>)> = Vec::new();
    for sc in scenes {
        let Some(c) = &sc.credit else { continue };
        let credit = credit(t, c, Media::Panorama);
        let title = pick(&sc.title, lang);
        match groups.iter_mut().find(|(c, _)| *c == credit) {
            Some((_, titles)) => titles.push(title),
            None => groups.push((credit, vec![title])),
        }
    }
    let all = groups.len() == 1 && groups[0].1.len() == scenes.len();
    groups
        .into_iter()
        .map(|(credit, titles)| json!({ "scenes": if all { None } else { Some(titles.join(", ")) }, "credit": credit }))
        .collect()
}

/// The collection's sponsors in `lang`, with their logos' addresses (`logos`, in the same order).
pub fn sponsors(c: &Collection, logos: &[Option<String>], lang: &str) -> Vec<Value> {
    c.sponsors
        .iter()
        .zip(logos.iter().chain(std::iter::repeat(&None)))
        .map(|(s, logo)| {
            json!({
                "name": pick(&s.name, lang),
                "role": s.role.as_ref().map(|r| pick(r, lang)),
                "url": s.url,
                "logo": logo,
            })
        })
        .collect()
}

/// The site as schema.org describes a visitable landmark, for `<script type="application/ld+json">`.
/// Serialised with `<`, `>` and `&` escaped, so no text can close the script element. Every page carries
/// it, so it says each thing once: whole numbers without a decimal point, a fact's unit by its standard
/// code only, no map link beside the coordinates it is made from, no language (the page's own).
pub fn json_ld(c: &Collection, s: &Site, m: &SiteMedia, lang: &str) -> String {
    let page = format!("{}{}", c.public_url, site_url(lang, &s.slug));
    let mut images: Vec<String> = m.share.iter().map(|u| format!("{}{u}", c.public_url)).collect();
    images.extend(m.photos.iter().map(|p| format!("{}{}", c.public_url, p.0)));
    let mut geo = json!({ "@type": "GeoCoordinates", "latitude": s.location.lat, "longitude": s.location.lon });
    let altitude = s.facts.iter().find_map(|f| match (&f.kind, &f.value) {
        (FactKind::Altitude, FactValue::Number(v, Some(Unit::Metre))) => Some(*v),
        _ => None,
    });
    if let Some(alt) = altitude {
        geo["elevation"] = json_number(alt);
    }
    let t = crate::words::for_language(lang);
    let properties: Vec<Value> = s
        .facts
        .iter()
        .map(|f| {
            let mut p = json!({ "@type": "PropertyValue", "name": fact_label(&t, f, lang) });
            match &f.value {
                FactValue::Number(v, unit) => {
                    p["value"] = json_number(*v);
                    if let Some(u) = unit {
                        p["unitCode"] = json!(u.un_code());
                    }
                }
                FactValue::Text(text) => p["value"] = json!(pick(text, lang)),
            }
            p
        })
        .collect();
    let others: Vec<String> = c
        .languages
        .iter()
        .filter(|l| *l != lang)
        .map(|l| pick(&s.name, l))
        .filter(|n| *n != pick(&s.name, lang))
        .collect();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": ["TouristAttraction", "LandmarksOrHistoricalBuildings"],
        "@id": format!("{}{}#place", c.public_url, site_url(c.default_language(), &s.slug)),
        "name": pick(&s.name, lang),
        "description": pick(&s.summary, lang),
        "url": page,
        "geo": geo,
    });
    if !others.is_empty() {
        ld["alternateName"] = json!(others);
    }
    if let Some(a) = &s.location.address {
        ld["address"] = json!(pick(a, lang));
    }
    if !images.is_empty() {
        ld["image"] = json!(images);
    }
    if !properties.is_empty() {
        ld["additionalProperty"] = json!(properties);
    }
    let sponsors: Vec<Value> = c
        .sponsors
        .iter()
        .map(|sp| {
            let mut o = json!({ "@type": "Organization", "name": pick(&sp.name, lang) });
            if let Some(u) = &sp.url {
                o["url"] = json!(u);
            }
            o
        })
        .collect();
    if !sponsors.is_empty() {
        ld["sponsor"] = json!(sponsors);
    }
    ld.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// A number as JSON: a whole number without a decimal point (`2006`, not `2006.0`).
fn json_number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 { json!(v as i64) } else { json!(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(number(84.7, "vi", false), "84,7");
        assert_eq!(number(84.7, "en", false), "84.7");
        assert_eq!(number(112.47, "vi", false), "112,47");
        assert_eq!(number(1863.0, "vi", true), "1863");
        assert_eq!(number(1863.0, "en", false), "1863");
        assert_eq!(number(150000.0, "vi", false), "150.000");
        assert_eq!(number(150000.0, "en", false), "150,000");
        assert_eq!(number(-3.5, "en", false), "-3.5");
        assert_eq!(number(150000.5, "fr", false), "150\u{202F}000,5");
    }

    #[test]
    fn credits_read_as_one_line() {
        let t = crate::words::for_language("en");
        let c = Credit {
            author: Some("An".into()),
            generated: false,
            licence: Some(Licence::AllRightsReserved),
            holder: Some("Museum".into()),
            url: None,
        };
        assert_eq!(credit_text(&t, &c, Media::Panorama), "360° photo: An · © Museum, all rights reserved");
        let c = Credit { author: None, generated: true, licence: Some(Licence::Cc0), holder: None, url: None };
        assert_eq!(credit_text(&t, &c, Media::Photo), "Photo: generated image, not a photograph · CC0 1.0");
    }

    #[test]
    fn directions_to_the_coordinates() {
        let d = directions(19.735, 105.903);
        assert!(d["osm"].as_str().is_some_and(|u| u.contains("route=%3B19.73500%2C105.90300")));
        assert_eq!((d["lat"].as_str(), d["lon"].as_str()), (Some("19.73500"), Some("105.90300")));
    }
}
