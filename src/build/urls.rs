//! Addresses the pages link to: a site's page, and a map of a place.

/// An OpenStreetMap page centred on the place, with a marker.
pub fn map_url(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=16/{lat:.5}/{lon:.5}")
}

/// URL of a site page.
pub fn site_url(lang: &str, slug: &str) -> String {
    format!("/{lang}/{slug}/")
}
