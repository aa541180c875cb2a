//! Placard benchmark: 1000 generated A6 placards (long Vietnamese names, every QR decoded back before
//! writing) set into one PDF, plus the same as a sticker sheet. Run with `cargo bench --bench placards`.

use std::time::Instant;

use disan::placard::{Format, Options, PlacardSpec, Sheet, job::shipped_fonts, placards_pdf, sheet_pdf};

fn main() {
    let names = [
        ("Đền thờ An Dương Vương và công chúa Mỵ Châu", "Temple of King An Dương Vương and Princess Mỵ Châu"),
        ("Đền Độc Cước", "Độc Cước Temple"),
        ("Khu di tích lịch sử và thắng cảnh Rừng Thông", "Rừng Thông Historical Site and Scenic Area"),
        ("Chùa Khải Nam", "Khải Nam Pagoda"),
    ];
    let specs: Vec<PlacardSpec> = (0..1000)
        .map(|i| {
            let (vi, en) = names[i % names.len()];
            let code = format!("tt-{i:04}");
            PlacardSpec {
                url: format!("https://disan.thanhhoa.example.vn/q/{code}"),
                short_url: format!("disan.thanhhoa.example.vn/q/{code}"),
                code,
                languages: ("vi".into(), "en".into()),
                name: vi.to_string(),
                name_2: en.to_string(),
                label: format!("Điểm số {}", i + 1),
                label_2: format!("Point {}", i + 1),
                organisation: "Đoàn Thanh niên tỉnh Thanh Hóa".to_string(),
                credit: String::new(),
            }
        })
        .collect();
    let fonts = shipped_fonts().expect("fonts");
    let started = Instant::now();
    let pdf = placards_pdf(&specs, &Options::default(), &fonts).expect("placards");
    let a6 = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let sheet = sheet_pdf(&specs, Sheet::A4, &Options { format: Format::Sticker, ..Default::default() }, &fonts)
        .expect("sheet");
    let stickers = started.elapsed().as_secs_f64();
    let per = |seconds: f64| seconds * 1000.0 / specs.len() as f64;
    println!("| job | placards | seconds | per placard | PDF size |");
    println!("|---|---|---|---|---|");
    println!("| A6, one page each | 1000 | {a6:.2} | {:.1} ms | {:.1} MB |", per(a6), pdf.len() as f64 / 1e6);
    println!(
        "| stickers on A4 sheets | 1000 | {stickers:.2} | {:.1} ms | {:.1} MB |",
        per(stickers),
        sheet.len() as f64 / 1e6
    );
}
