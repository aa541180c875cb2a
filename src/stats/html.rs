//! The dashboard's pages and the HTML report: the figures as SVG charts, each followed by a table with the
//! same numbers (for screen readers, and for copying into a letter), in the page's language. Everything
//! shown is escaped; the one style sheet is inline and allowed by its hash (see [`content_policy`]).

use std::fmt::Write as _;
use std::sync::LazyLock;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::chart::{self, Row, escape};
use super::labels::Labels;
use super::time::Month;
use super::words::{self, word};
use crate::store::stats::{Count, Stats, date_of, day_number};

/// The style sheet of the dashboard and the report.
const CSS: &str = include_str!("dashboard.css");

/// Placards drawn in the chart; the table lists them all.
const PLACARDS_IN_CHART: usize = 15;

/// The dashboard's Content-Security-Policy: nothing from elsewhere, no script at all, the inline style
/// sheet by its hash, and forms that post only to the host itself (the site's own policy has
/// `form-action 'none'`, which would stop the sign-in form).
pub fn content_policy() -> &'static str {
    static POLICY: LazyLock<String> = LazyLock::new(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'"
        )
    });
    &POLICY
}

fn head(lang: &str, title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>{CSS}</style></head>",
        lang = escape(lang),
        title = escape(title),
    )
}

/// Links to the page in each language of the collection (Vietnamese and English words; other languages
/// read English).
fn language_links(labels: &Labels, lang: &str, href: &dyn Fn(&str) -> String) -> String {
    let mut out = format!("<nav class=\"langs\" aria-label=\"{}\"><ul>", escape(word(lang, "languages_nav")));
    for l in &labels.languages {
        let name = escape(&words::language(l));
        if l == lang {
            let _ = write!(out, "<li><span aria-current=\"page\" lang=\"{l}\">{name}</span></li>", l = escape(l));
        } else {
            let _ = write!(
                out,
                "<li><a href=\"{}\" lang=\"{l}\" hreflang=\"{l}\">{name}</a></li>",
                escape(&href(l)),
                l = escape(l)
            );
        }
    }
    out.push_str("</ul></nav>");
    out
}

/// The sign-in page; `message` (escaped) says why it is shown again.
pub fn login(labels: &Labels, lang: &str, message: Option<&str>) -> String {
    let title = word(lang, "title");
    let mut out = head(lang, title);
    out.push_str("<body><header>");
    let org = labels.organisation(lang);
    if !org.is_empty() {
        let _ = write!(out, "<p class=\"org\">{}</p>", escape(&org));
    }
    let _ = write!(out, "<h1>{}</h1>", escape(title));
    out.push_str(&language_links(labels, lang, &|l| format!("/dashboard?lang={l}")));
    out.push_str("</header><main class=\"login\">");
    if let Some(m) = message {
        let _ = write!(out, "<p class=\"message\" role=\"alert\">{}</p>", escape(m));
    }
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/dashboard/login\"><h2>{sign_in}</h2>\
         <label for=\"token\">{token}</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required \
         aria-describedby=\"token-hint\">\
         <p id=\"token-hint\" class=\"hint\">{hint}</p>\
         <input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
         <button type=\"submit\">{sign_in}</button></form></main></body></html>",
        sign_in = escape(word(lang, "sign_in")),
        token = escape(word(lang, "token")),
        hint = escape(word(lang, "token_hint")),
        lang = escape(lang),
    );
    out
}

/// A choice of period on the dashboard.
pub struct PeriodChoice {
    /// The value sent (`30d`, `2026-11`, …).
    pub value: String,
    /// What the reader sees.
    pub label: String,
}

/// The periods offered on `today` (a local day number): recent days, the last twelve months, all time.
pub fn period_choices(lang: &str, today: i64) -> Vec<PeriodChoice> {
    let mut out: Vec<PeriodChoice> = [("7d", "last_7"), ("30d", "last_30"), ("365d", "last_365")]
        .into_iter()
        .map(|(v, k)| PeriodChoice { value: v.into(), label: word(lang, k).into() })
        .collect();
    let date = date_of(today);
    let (mut y, mut m): (i32, u32) = (date[..4].parse().unwrap_or(1970), date[5..7].parse().unwrap_or(1));
    for _ in 0..12 {
        let month = words::month(lang, y, m);
        out.push(PeriodChoice { value: format!("{y:04}-{m:02}"), label: capitalise(&month) });
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    out.push(PeriodChoice { value: "all".into(), label: word(lang, "all_time").into() });
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The dashboard page for a period (`period` is the chosen value, `heading` says what it covers).
pub fn dashboard(stats: &Stats, labels: &Labels, lang: &str, period: &str, today: i64) -> String {
    let title = word(lang, "title");
    let mut out = head(lang, title);
    out.push_str("<body><header>");
    let org = labels.organisation(lang);
    if !org.is_empty() {
        let _ = write!(out, "<p class=\"org\">{}</p>", escape(&org));
    }
    let _ = write!(out, "<h1>{}</h1>", escape(title));
    let site_title = labels.title(lang);
    if !site_title.is_empty() {
        let _ = write!(out, "<p class=\"sub\">{}</p>", escape(&site_title));
    }
    out.push_str(&language_links(labels, lang, &|l| format!("/dashboard?period={period}&lang={l}")));
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/dashboard/logout\" class=\"logout\">\
         <input type=\"hidden\" name=\"lang\" value=\"{lang}\"><button type=\"submit\">{}</button></form>",
        escape(word(lang, "sign_out")),
        lang = escape(lang),
    );
    out.push_str("</header><main>");
    let _ = write!(
        out,
        "<form method=\"get\" action=\"/dashboard\" class=\"period\"><label for=\"period\">{}</label>\
         <select id=\"period\" name=\"period\">",
        escape(word(lang, "period"))
    );
    for c in period_choices(lang, today) {
        let selected = if c.value == period { " selected" } else { "" };
        let _ = write!(out, "<option value=\"{}\"{selected}>{}</option>", escape(&c.value), escape(&c.label));
    }
    let _ = write!(
        out,
        "</select><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(lang),
        escape(word(lang, "show"))
    );
    let _ = write!(out, "<p class=\"range\">{}</p>", escape(&range_text(stats, lang)));
    out.push_str(&figures(stats, labels, lang, false));
    out.push_str("</main></body></html>");
    out
}

/// The dates a report covers, in words.
fn range_text(stats: &Stats, lang: &str) -> String {
    match (&stats.from, &stats.to) {
        (Some(f), Some(t)) => format!("{} {} {}", words::date(lang, f), word(lang, "to"), words::date(lang, t)),
        (Some(f), None) => format!("{} {} …", words::date(lang, f), word(lang, "to")),
        (None, Some(t)) => format!("… {} {}", word(lang, "to"), words::date(lang, t)),
        (None, None) => word(lang, "all_time").to_string(),
    }
}

/// The monthly report as one self-contained HTML page, in the collection's first language.
pub fn report(stats: &Stats, labels: &Labels, month: &Month) -> String {
    let lang = labels.first_language();
    let title = format!("{} {}", word(lang, "report_title"), words::month(lang, month.year, month.month));
    let mut out = head(lang, &title);
    out.push_str("<body class=\"report\"><header>");
    let org = labels.organisation(lang);
    if !org.is_empty() {
        let _ = write!(out, "<p class=\"org\">{}</p>", escape(&org));
    }
    let _ = write!(out, "<h1>{}</h1>", escape(&title));
    let site_title = labels.title(lang);
    if !site_title.is_empty() {
        let _ = write!(out, "<p class=\"sub\">{}</p>", escape(&site_title));
    }
    let _ =
        write!(out, "<p class=\"range\">{}: {}</p>", escape(word(lang, "period_of")), escape(&range_text(stats, lang)));
    out.push_str("</header><main>");
    out.push_str(&figures(stats, labels, lang, true));
    out.push_str("</main></body></html>");
    out
}

/// Consecutive days of the range (or from the first to the last day with scans), with their counts.
pub fn day_series(stats: &Stats) -> Vec<(String, u64)> {
    let first = stats.from.clone().or_else(|| stats.days.first().map(|d| d.key.clone()));
    let last = stats.to.clone().or_else(|| stats.days.last().map(|d| d.key.clone()));
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let (a, b) = (day_number(&first), day_number(&last));
    if b < a || b - a > 3660 {
        return Vec::new();
    }
    let counts: std::collections::HashMap<&str, u64> = stats.days.iter().map(|d| (d.key.as_str(), d.scans)).collect();
    (a..=b)
        .map(|d| {
            let day = date_of(d);
            let n = counts.get(day.as_str()).copied().unwrap_or(0);
            (day, n)
        })
        .collect()
}

/// The rows of the site chart.
pub fn site_rows(stats: &Stats, labels: &Labels, lang: &str) -> Vec<Row> {
    stats.sites.iter().map(|c| row(c, labels.site(&c.key, lang), lang)).collect()
}

/// A placard as the reader knows it: its label and site, then its code.
pub fn placard_name(c: &Count, labels: &Labels, lang: &str) -> String {
    let site = c.site.as_deref().map(|s| labels.site(s, lang)).unwrap_or_default();
    match labels.placard(&c.key, lang) {
        // The code before the site: a chart cuts long names at the end, and the code is what a person
        // replacing the placard looks for.
        Some(label) => format!("{label} ({}) · {site}", c.key),
        None => format!("{site} ({})", c.key),
    }
}

fn row(c: &Count, label: String, lang: &str) -> Row {
    Row { key: c.key.clone(), label, value: c.scans, shown: words::number(lang, c.scans) }
}

/// The placard, language and device rows.
pub fn placard_rows(stats: &Stats, labels: &Labels, lang: &str) -> Vec<Row> {
    stats.placards.iter().map(|c| row(c, placard_name(c, labels, lang), lang)).collect()
}

/// Language rows, named in their own language.
pub fn language_rows(stats: &Stats, lang: &str) -> Vec<Row> {
    stats.languages.iter().map(|c| row(c, words::language(&c.key), lang)).collect()
}

/// Device rows.
pub fn device_rows(stats: &Stats, lang: &str) -> Vec<Row> {
    stats.devices.iter().map(|c| row(c, words::device(lang, &c.key), lang)).collect()
}

/// The busiest hour as a sentence part: `19:00–20:00 (42)`.
pub fn busiest_hour(stats: &Stats, lang: &str) -> Option<String> {
    let best =
        stats.hours.iter().filter(|h| h.scans > 0).max_by(|a, b| a.scans.cmp(&b.scans).then(b.key.cmp(&a.key)))?;
    let h: u32 = best.key.parse().unwrap_or(0);
    Some(format!("{h:02}:00–{:02}:00 ({})", (h + 1) % 24, words::number(lang, best.scans)))
}

fn table(id: &str, heads: &[&str], rows: &[Vec<String>], open: bool, caption: &str) -> String {
    let mut out = format!(
        "<details class=\"figures\"{}><summary>{}</summary><div class=\"scroll\"><table id=\"{id}\"><caption>{}</caption><thead><tr>",
        if open { " open" } else { "" },
        escape(caption),
        escape(caption)
    );
    for h in heads {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, cell) in r.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{cell}</th>");
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></details>");
    out
}

/// A number cell that also carries the raw count and what it counts, for tools and tests.
fn count_cell(key: &str, n: u64, lang: &str) -> String {
    format!("<data value=\"{n}\" data-key=\"{}\">{}</data>", escape(key), words::number(lang, n))
}

/// Every figure of `stats`, as sections with a chart and its table (`open`: tables shown, for print).
pub fn figures(stats: &Stats, labels: &Labels, lang: &str, open: bool) -> String {
    let mut out = String::new();
    let w = |k: &str| escape(word(lang, k));
    let _ = write!(
        out,
        "<section class=\"card total\" aria-labelledby=\"total-h\"><h2 id=\"total-h\">{}</h2>\
         <p class=\"big\"><data id=\"total\" value=\"{}\">{}</data></p><p class=\"note\">{}</p>",
        w("total"),
        stats.total,
        words::number(lang, stats.total),
        escape(&words::fill(word(lang, "local_time"), "off", &stats.utc_offset)),
    );
    if stats.total == 0 {
        let _ = write!(out, "<p class=\"empty\">{}</p>", w("empty"));
    }
    out.push_str("</section>");
    let table_word = word(lang, "chart_table");
    if stats.total > 0 {
        // Per day.
        let series = day_series(stats);
        let max = series.iter().map(|d| d.1).max().unwrap_or(0);
        let first = series.first().map(|d| words::short_date(lang, &d.0)).unwrap_or_default();
        let last = series.last().map(|d| words::short_date(lang, &d.0)).unwrap_or_default();
        let chart = chart::days(&series, &words::number(lang, max), &first, &last);
        let rows: Vec<Vec<String>> = stats
            .days
            .iter()
            .map(|d| vec![escape(&words::date(lang, &d.key)), count_cell(&d.key, d.scans, lang)])
            .collect();
        section(
            &mut out,
            "days",
            word(lang, "per_day"),
            &chart.svg("chart-days", word(lang, "per_day")),
            &table("days", &[word(lang, "day"), word(lang, "scans")], &rows, open, table_word),
        );
        // Per site.
        let site_rows = site_rows(stats, labels, lang);
        let rows: Vec<Vec<String>> =
            site_rows.iter().map(|r| vec![escape(&r.label), count_cell(&r.key, r.value, lang)]).collect();
        section(
            &mut out,
            "sites",
            word(lang, "per_site"),
            &chart::bars(&site_rows).svg("chart-sites", word(lang, "per_site")),
            &table("sites", &[word(lang, "site"), word(lang, "scans")], &rows, open, table_word),
        );
        // Per placard: the most scanned in the chart, all in the table.
        let placard_rows = placard_rows(stats, labels, lang);
        let shown = &placard_rows[..placard_rows.len().min(PLACARDS_IN_CHART)];
        let mut svg = chart::bars(shown).svg("chart-placards", word(lang, "per_placard"));
        if placard_rows.len() > shown.len() {
            let more = words::fill(word(lang, "more_placards"), "n", &(placard_rows.len() - shown.len()).to_string());
            let _ = write!(svg, "<p class=\"note\">{}</p>", escape(&more));
        }
        let rows: Vec<Vec<String>> =
            placard_rows.iter().map(|r| vec![escape(&r.label), count_cell(&r.key, r.value, lang)]).collect();
        section(
            &mut out,
            "placards",
            word(lang, "per_placard"),
            &svg,
            &table("placards", &[word(lang, "placard"), word(lang, "scans")], &rows, open, table_word),
        );
        // Languages and devices.
        for (id, key, rows, head) in [
            ("languages", "per_language", language_rows(stats, lang), "language"),
            ("devices", "per_device", device_rows(stats, lang), "device"),
        ] {
            let cells: Vec<Vec<String>> =
                rows.iter().map(|r| vec![escape(&r.label), count_cell(&r.key, r.value, lang)]).collect();
            section(
                &mut out,
                id,
                word(lang, key),
                &chart::bars(&rows).svg(&format!("chart-{id}"), word(lang, key)),
                &table(id, &[word(lang, head), word(lang, "scans")], &cells, open, table_word),
            );
        }
        // Hours of the day.
        let values: Vec<u64> = stats.hours.iter().map(|h| h.scans).collect();
        let max = values.iter().copied().max().unwrap_or(0);
        let mut svg = chart::hours(&values, &words::number(lang, max)).svg("chart-hours", word(lang, "hours"));
        if let Some(b) = busiest_hour(stats, lang) {
            let _ = write!(svg, "<p class=\"note\">{}: {}</p>", w("busiest"), escape(&b));
        }
        let rows: Vec<Vec<String>> =
            stats.hours.iter().map(|h| vec![format!("{}:00", h.key), count_cell(&h.key, h.scans, lang)]).collect();
        section(
            &mut out,
            "hours",
            word(lang, "hours"),
            &svg,
            &table("hours", &[word(lang, "hour"), word(lang, "scans")], &rows, open, table_word),
        );
    }
    // Placards gone quiet: shown even for a period without scans (that is when it matters most).
    if stats.quiet_days > 0 {
        let _ = write!(
            out,
            "<section class=\"card quiet\" aria-labelledby=\"quiet-h\"><h2 id=\"quiet-h\">{}</h2><p>{}</p>",
            w("quiet"),
            escape(&words::fill(word(lang, "quiet_text"), "n", &stats.quiet_days.to_string()))
        );
        if stats.quiet.is_empty() {
            let _ = write!(out, "<p class=\"ok\">{}</p>", w("quiet_none"));
        } else {
            let _ = write!(
                out,
                "<div class=\"scroll\"><table id=\"quiet\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
                 <th scope=\"col\">{}</th></tr></thead><tbody>",
                w("placard"),
                w("last_scan"),
                w("scans_before")
            );
            for q in &stats.quiet {
                let c = Count { key: q.code.clone(), site: Some(q.site.clone()), scans: q.scans };
                let _ = write!(
                    out,
                    "<tr data-code=\"{}\"><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                    escape(&q.code),
                    escape(&placard_name(&c, labels, lang)),
                    escape(&words::date(lang, &q.last_scan)),
                    words::number(lang, q.scans)
                );
            }
            out.push_str("</tbody></table></div>");
        }
        out.push_str("</section>");
    }
    out
}

fn section(out: &mut String, id: &str, heading: &str, chart: &str, table: &str) {
    let _ = write!(
        out,
        "<section class=\"card\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{}</h2>{chart}{table}</section>",
        escape(heading)
    );
}
