//! The dashboard's and report's own words in Vietnamese and English (other languages read English), and
//! how numbers and dates are written in each.

/// A word of the interface in `lang`.
pub fn word(lang: &str, key: &str) -> &'static str {
    let vi = lang == "vi";
    let table: &[(&str, &str, &str)] = &[
        // key, Vietnamese, English
        ("title", "Thống kê lượt quét mã QR", "QR code scan statistics"),
        ("report_title", "Báo cáo lượt quét mã QR", "QR code scan report"),
        ("sign_in", "Đăng nhập", "Sign in"),
        ("sign_out", "Đăng xuất", "Sign out"),
        ("token", "Mã truy cập thống kê", "Statistics token"),
        (
            "token_hint",
            "Mã do người quản trị máy chủ đặt (DISAN_STATS_TOKEN). Phiên đăng nhập kéo dài 30 phút.",
            "Set by whoever runs the host (DISAN_STATS_TOKEN). A sign-in lasts 30 minutes.",
        ),
        ("wrong_token", "Mã truy cập không đúng. Hãy thử lại.", "That token is not right. Try again."),
        ("signed_out", "Đã đăng xuất.", "Signed out."),
        ("period", "Khoảng thời gian", "Period"),
        ("show", "Xem", "Show"),
        ("last_7", "7 ngày qua", "Last 7 days"),
        ("last_30", "30 ngày qua", "Last 30 days"),
        ("last_365", "12 tháng qua", "Last 12 months"),
        ("total", "Tổng số lượt quét", "Scans in all"),
        ("per_day", "Lượt quét theo ngày", "Scans per day"),
        ("per_site", "Lượt quét theo di tích", "Scans by site"),
        ("per_placard", "Lượt quét theo biển QR", "Scans by placard"),
        ("per_language", "Theo ngôn ngữ", "By language"),
        ("per_device", "Theo loại thiết bị", "By device"),
        ("hours", "Giờ trong ngày", "Hour of the day"),
        ("busiest", "Đông nhất", "Busiest"),
        ("quiet", "Biển QR không còn được quét", "Placards gone quiet"),
        (
            "quiet_text",
            "Có lượt quét trước đây nhưng không có lượt nào trong {n} ngày gần nhất: biển có thể đã bị gỡ, \
             phai màu hoặc bị che. Nên đến kiểm tra và thay biển.",
            "Scanned before, but not once in the last {n} days: the placard may be torn off, faded or covered. \
             Go and check it, and replace it if needed.",
        ),
        ("quiet_none", "Không có biển nào ngừng được quét.", "No placard has gone quiet."),
        ("empty", "Không có lượt quét nào trong khoảng thời gian này.", "There were no scans in this period."),
        ("site", "Di tích", "Site"),
        ("placard", "Biển QR", "Placard"),
        ("scans", "Lượt quét", "Scans"),
        ("day", "Ngày", "Day"),
        ("hour", "Giờ", "Hour"),
        ("language", "Ngôn ngữ", "Language"),
        ("device", "Thiết bị", "Device"),
        ("last_scan", "Lần quét cuối", "Last scan"),
        ("scans_before", "Số lượt trước đó", "Scans before"),
        ("local_time", "Ngày giờ theo giờ địa phương (UTC{off}).", "Days and hours in local time (UTC{off})."),
        ("chart_table", "Số liệu của biểu đồ", "The chart's figures"),
        ("more_placards", "và {n} biển khác", "and {n} more placards"),
        ("phone", "Điện thoại", "Phone"),
        ("tablet", "Máy tính bảng", "Tablet"),
        ("desktop", "Máy tính", "Computer"),
        ("bot", "Máy tự động", "Automated (bot)"),
        ("other", "Khác", "Other"),
        ("period_of", "Kỳ báo cáo", "Period"),
        ("prepared_by", "Đơn vị", "Prepared by"),
        ("languages_nav", "Ngôn ngữ của trang", "Page language"),
        ("to", "đến", "to"),
        ("all_time", "Toàn bộ thời gian", "All time"),
    ];
    table.iter().find(|(k, _, _)| *k == key).map_or("", |(_, v, e)| if vi { v } else { e })
}

/// A device class in words.
pub fn device(lang: &str, class: &str) -> String {
    match class {
        "phone" | "tablet" | "desktop" | "bot" | "other" => word(lang, class).to_string(),
        other => other.to_string(),
    }
}

/// A language code as its own name (`vi` → Tiếng Việt).
pub fn language(code: &str) -> String {
    crate::words::native_name(code)
}

/// A whole number with thousands grouped as each language writes them (`1.234` / `1,234`).
pub fn number(lang: &str, n: u64) -> String {
    let sep = if lang == "vi" { '.' } else { ',' };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A `YYYY-MM-DD` day as people read it: `30/11/2026`, or `30 Nov 2026`.
pub fn date(lang: &str, iso: &str) -> String {
    let (y, m, d) = (iso.get(0..4).unwrap_or(""), iso.get(5..7).unwrap_or(""), iso.get(8..10).unwrap_or(""));
    if lang == "vi" {
        format!("{d}/{m}/{y}")
    } else {
        let month = m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).map_or("", |s| &s[..3]);
        format!("{} {month} {y}", d.trim_start_matches('0'))
    }
}

/// A day without its year, for chart axes: `30/11`, `30 Nov`.
pub fn short_date(lang: &str, iso: &str) -> String {
    let full = date(lang, iso);
    if lang == "vi" {
        full.get(..5).unwrap_or(&full).to_string()
    } else {
        full.rsplit_once(' ').map_or(full.clone(), |(a, _)| a.to_string())
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month as a heading: `tháng 11/2026`, `November 2026`.
pub fn month(lang: &str, year: i32, month: u32) -> String {
    if lang == "vi" {
        format!("tháng {month}/{year}")
    } else {
        format!("{} {year}", MONTHS.get(month as usize - 1).copied().unwrap_or(""))
    }
}

/// `word` with `{name}` replaced.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates() {
        assert_eq!(number("vi", 1_234_567), "1.234.567");
        assert_eq!(number("en", 1_234), "1,234");
        assert_eq!(number("en", 999), "999");
        assert_eq!(date("vi", "2026-11-05"), "05/11/2026");
        assert_eq!(date("en", "2026-11-05"), "5 Nov 2026");
        assert_eq!(short_date("vi", "2026-11-05"), "05/11");
        assert_eq!(short_date("en", "2026-11-05"), "5 Nov");
        assert_eq!(month("vi", 2026, 11), "tháng 11/2026");
        assert_eq!(month("en", 2026, 11), "November 2026");
    }
}
