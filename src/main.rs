//! The `disan` command: parses the command line once and hands each subcommand to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use disan::report::InvalidCollection;

/// Turns YAML descriptions of heritage sites into a 360° tour website, and hosts it.
#[derive(Parser)]
#[command(name = "disan", version, about)]
struct Cli {
    /// The collection folder (holding `sites/` and `content/`).
    #[arg(long, short = 'C', global = true, default_value = ".", env = "DISAN_ROOT")]
    root: PathBuf,
    /// Language of error explanations: `vi` adds Vietnamese under each English message (default: from
    /// the locale, e.g. LANG=vi_VN.UTF-8).
    #[arg(long, global = true, value_enum, env = "DISAN_LANG")]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks every site file and media file, and reports every problem found.
    Check,
    /// Compiles the collection into a static website.
    Build {
        /// Output folder (replaced whole only when the build succeeds).
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
    /// Writes the JSON Schemas of the YAML files (for completion and checking in text editors).
    Schema {
        /// Folder to write them into (default: `schema/` in the collection).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Starts something new from a commented template.
    #[command(subcommand)]
    New(New),
    /// Cuts one equirectangular panorama into a cube-face tile pyramid (Pannellum's multires layout).
    Tile {
        /// The equirectangular image (2:1 JPEG or PNG).
        input: PathBuf,
        /// Folder to write `{level}/{face}{row}_{col}.{jpg,webp}`, `fallback/` and `config.json` into.
        out: PathBuf,
        /// Quality of the tiles, 1–100 (on the format's own scale).
        #[arg(long, default_value_t = 75, value_parser = clap::value_parser!(u8).range(1..=100))]
        quality: u8,
        /// Image format of the tiles: jpeg (every browser, fastest) or webp (smaller files).
        #[arg(long, value_enum, default_value_t = disan::tiles::Format::Jpeg)]
        format: disan::tiles::Format,
    },
    /// Builds (when needed) and serves the website.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "DISAN_ADDR")]
        addr: String,
        /// Output folder to build into and serve from.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Scan store: a SQLite file (default: `scans.sqlite3` beside the output folder) or a
        /// `postgres://user@host/db` URL for several hosts counting into one database.
        #[arg(long, env = "DISAN_DB", value_parser = disan::store::Db::parse)]
        db: Option<disan::store::Db>,
        /// Do not record placard scans.
        #[arg(long)]
        no_scans: bool,
        /// Token that `/api/stats` requires (the endpoint is off without one).
        #[arg(long, env = "DISAN_STATS_TOKEN", hide_env_values = true)]
        stats_token: Option<String>,
        /// Editors' live preview: rebuild on every change to `sites/` or `content/`, reload open pages,
        /// show errors over the page, and pick hotspot positions by clicking (scans are not recorded).
        #[arg(long)]
        watch: bool,
        /// With `--watch`: look for changes every 0.7 s instead of relying on change notifications
        /// (for network drives and some virtual machines).
        #[arg(long, requires = "watch")]
        poll: bool,
        /// PEM certificate chain: serve HTTPS (needs --tls-key too).
        #[arg(long, env = "DISAN_TLS_CERT", value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// PEM private key of the certificate.
        #[arg(long, env = "DISAN_TLS_KEY", value_name = "FILE")]
        tls_key: Option<PathBuf>,
        /// Over TLS, offer HTTP/1.1 only (no HTTP/2), for comparison or a client that mishandles HTTP/2.
        #[arg(long, env = "DISAN_NO_HTTP2", value_parser = clap::builder::BoolishValueParser::new())]
        no_http2: bool,
        /// Request log on standard output: text (logfmt), json, or off.
        #[arg(long, env = "DISAN_LOG", default_value = "text", value_parser = parse_log)]
        log: disan::serve::access_log::Format,
        /// Seconds a client may go without sending a request's headers (also between requests) or
        /// without reading the response being sent; then its connection is closed.
        #[arg(long, env = "DISAN_CLIENT_TIMEOUT", default_value_t = 20, value_name = "SECONDS",
              value_parser = clap::value_parser!(u64).range(1..=3600))]
        client_timeout: u64,
        /// Open connections at most (more wait in the kernel's queue).
        #[arg(long, env = "DISAN_MAX_CONNECTIONS", default_value_t = 10_000, value_name = "N",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        max_connections: u64,
        /// Open connections one client address may hold at once (more are closed at once).
        #[arg(long, env = "DISAN_MAX_PER_CLIENT", default_value_t = 64, value_name = "N",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        max_per_client: u64,
        /// Requests a second one client may make, after a burst of four times as many (0: no limit).
        #[arg(long, env = "DISAN_CLIENT_RATE", default_value_t = disan::serve::DEFAULT_CLIENT_RATE, value_name = "N")]
        client_rate: u32,
        /// Scans written to the database a second at most, host-wide (0: no ceiling); visitors are
        /// redirected either way.
        #[arg(long, env = "DISAN_MAX_SCANS_PER_SECOND", value_name = "N",
              default_value_t = disan::serve::DEFAULT_MAX_SCANS_PER_SECOND)]
        max_scans_per_second: u32,
        /// A proxy or CDN in front of the host (an address or block, e.g. 10.0.0.0/8; repeatable): on its
        /// connections the client's address is read from X-Forwarded-For / Forwarded, which are ignored
        /// from anyone else.
        #[arg(long, env = "DISAN_TRUSTED_PROXY", value_name = "CIDR", value_delimiter = ',')]
        trusted_proxy: Vec<disan::serve::client::Cidr>,
        /// Let the worker threads move between cores instead of keeping one on each core (for a machine
        /// whose cores other heavy work shares).
        #[arg(long, env = "DISAN_NO_PIN", value_parser = clap::builder::BoolishValueParser::new())]
        no_pin: bool,
    },
    /// Writes print-ready QR placards (PDF, plus SVG and PNG codes) and records their codes.
    Placards {
        /// Output folder.
        #[arg(long, default_value = "placards")]
        out: PathBuf,
        /// Only this site's placards.
        #[arg(long)]
        site: Option<String>,
        /// Placard size (a sticker is 60 × 80 mm).
        #[arg(long, default_value = "a6", ignore_case = true, value_parser = size_parser())]
        size: disan::placard::Format,
        /// Also impose stickers on sheets of this paper size, each sticker with its own bleed.
        #[arg(long, ignore_case = true, value_parser = sheet_parser())]
        sheet: Option<disan::placard::Sheet>,
        /// Outline each trim in the `CutContour` spot colour, for print-and-cut plotters.
        #[arg(long)]
        cut_contour: bool,
        /// Crop marks around each placard (most print shops add their own).
        #[arg(long)]
        marks: bool,
        /// Farthest distance, in metres, people will scan from (checks the printed QR size).
        #[arg(long)]
        distance: Option<f32>,
        /// PNG logo for the centre of the QR codes.
        #[arg(long)]
        logo: Option<PathBuf>,
    },
    /// Prints placard scan counts per site, placard, day, language, device and hour, and the placards
    /// gone quiet; or writes the monthly report (`--report 2026-11 --out report.pdf`).
    Stats {
        /// Scan store: a SQLite file (default: `scans.sqlite3` beside `dist`) or a `postgres://` URL.
        #[arg(long, env = "DISAN_DB", value_parser = disan::store::Db::parse)]
        db: Option<disan::store::Db>,
        /// First day to count (YYYY-MM-DD, the collection's local time).
        #[arg(long)]
        from: Option<String>,
        /// Last day to count (YYYY-MM-DD, the collection's local time).
        #[arg(long)]
        to: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Writes the report of this month (YYYY-MM) to --out, as PDF or HTML by the file's extension,
        /// in the collection's first language.
        #[arg(long, value_name = "YYYY-MM", requires = "out", conflicts_with_all = ["from", "to"])]
        report: Option<String>,
        /// The report file (`report.pdf` or `report.html`).
        #[arg(long, requires = "report")]
        out: Option<PathBuf>,
        /// The built website, whose names (sites, placards, organisation) and placard codes reports use.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// Days without a scan after which a printed placard is listed as gone quiet.
        #[arg(long, default_value_t = disan::store::stats::DEFAULT_QUIET_DAYS,
              value_parser = clap::value_parser!(u32).range(1..=3650))]
        quiet_days: u32,
    },
}

#[derive(Subcommand)]
enum New {
    /// A site file `sites/<SLUG>.yaml` with its media folders and a placeholder panorama.
    Site {
        /// Short name used in addresses: lowercase letters, digits and hyphens, e.g. `den-doc-cuoc`.
        slug: String,
    },
    /// A fresh collection in DIR: collection file, one example site, schemas and a guide for editors.
    Collection {
        /// Folder to create (must be empty or missing).
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Lang {
    Vi,
    En,
}

/// Fails at once when nothing can listen on `addr` (another server has the port), before a build that
/// can take minutes. The probe is closed again; the host binds for real once the build is done.
fn port_is_free(addr: &str) -> anyhow::Result<()> {
    // A malformed address is reported by the host itself, in its own words.
    let Ok(socket) = addr.parse::<std::net::SocketAddr>() else { return Ok(()) };
    match std::net::TcpListener::bind(socket) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => anyhow::bail!(
            "cannot listen on {addr}: the port is already in use (is another `disan serve` running?); \
             stop it or choose another port with --addr"
        ),
        Err(e) => Err(e).with_context(|| format!("cannot listen on {addr}")),
    }
}

/// `--size` values, listed in `--help`.
fn size_parser() -> impl clap::builder::TypedValueParser<Value = disan::placard::Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["sticker", "a6", "a5", "a4"])
        .try_map(|s| disan::placard::job::parse_format(&s))
}

/// `--sheet` values, listed in `--help`.
fn sheet_parser() -> impl clap::builder::TypedValueParser<Value = disan::placard::Sheet> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["a4", "a3"]).try_map(|s| disan::placard::job::parse_sheet(&s))
}

fn parse_log(s: &str) -> Result<disan::serve::access_log::Format, String> {
    s.parse()
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    disan::report::set_vietnamese(match cli.lang {
        Some(lang) => lang == Lang::Vi,
        None => disan::report::vietnamese_locale(),
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(invalid) = e.downcast_ref::<InvalidCollection>() {
                eprintln!("{}", invalid.report);
            } else {
                eprintln!("error: {e}");
                for cause in e.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let out_of = |out: PathBuf| {
        if out.is_absolute() { out } else { cli.root.join(out) }
    };
    match cli.command {
        Command::Check => {
            let collection = disan::site::load(&cli.root)?;
            for warning in &collection.warnings {
                eprintln!("{warning}");
            }
            let scenes: usize = collection.sites.iter().map(|s| s.scenes.len()).sum();
            let sites = collection.sites.len();
            let ok = disan::messages::Msg::CheckOk { sites, scenes };
            eprintln!("{}", ok.en());
            if disan::report::is_vietnamese() {
                eprintln!("    {}", ok.vi());
            }
            Ok(())
        }
        Command::Build { out } => {
            let out = out_of(out);
            let summary = disan::build::build(&cli.root, &out)?;
            eprintln!("{summary}");
            Ok(())
        }
        Command::Schema { out } => {
            let dir = out.map(out_of).unwrap_or_else(|| cli.root.join(disan::site::schema::DIR));
            for f in disan::site::schema::write(&dir)? {
                println!("{}", f.display());
            }
            Ok(())
        }
        Command::New(New::Site { slug }) => {
            for f in disan::scaffold::site(&cli.root, &slug)? {
                println!("{}", f.display());
            }
            eprintln!("next: fill in sites/{slug}.yaml, replace the placeholder panorama, then run `disan check`");
            Ok(())
        }
        Command::New(New::Collection { dir }) => {
            let dir = out_of(dir);
            for f in disan::scaffold::collection(&dir)? {
                println!("{}", f.display());
            }
            eprintln!("next: cd {} && disan serve --watch (read README.md there first)", dir.display());
            Ok(())
        }
        Command::Tile { input, out, quality, format } => {
            let started = std::time::Instant::now();
            let img = disan::site::media::open_image(&input)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("cannot read {}", input.display()))?;
            let (w, h) = (img.width(), img.height());
            anyhow::ensure!(
                w.abs_diff(2 * h) <= 2,
                "{} is {w}×{h}, not a 2:1 equirectangular panorama",
                input.display()
            );
            let decoded_ms = started.elapsed().as_millis();
            let rgb = img.into_rgb8();
            let params = disan::tiles::Params { quality, format, ..Default::default() };
            let progress = disan::progress::Progress::new();
            let plan = disan::tiles::Pyramid::plan(w, &params);
            let task = progress.task(format!("tiling {}", input.display()), plan.files(), "files");
            let pyramid = disan::tiles::write_pyramid_with_progress(&rgb, &out, params, &|e| match e {
                disan::tiles::Event::File => task.step(),
                disan::tiles::Event::FaceDone => task.face_done(),
            })?;
            drop(task);
            let config = serde_json::to_string_pretty(&disan::tiles::pannellum_config(&pyramid))?;
            std::fs::write(out.join("config.json"), config)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "tiled {w}×{h} into {} levels of {}-px faces in {} ms (decoding {decoded_ms} ms): {}",
                pyramid.levels,
                pyramid.size,
                started.elapsed().as_millis(),
                out.display()
            );
            Ok(())
        }
        Command::Serve { addr, out, watch: true, poll, .. } => {
            port_is_free(&addr)?;
            let watch = disan::preview::Watch { root: cli.root.clone(), out: out_of(out), poll };
            disan::preview::run(&addr, &watch)
        }
        Command::Serve {
            addr,
            out,
            db,
            no_scans,
            stats_token,
            tls_cert,
            tls_key,
            no_http2,
            log,
            client_timeout,
            max_connections,
            max_per_client,
            client_rate,
            max_scans_per_second,
            trusted_proxy,
            no_pin,
            ..
        } => {
            port_is_free(&addr)?;
            let tls = disan::serve::tls::Files::pair(tls_cert, tls_key)?
                .map(|f| disan::serve::tls::Files { http1_only: no_http2, ..f });
            if let Some(files) = &tls {
                // Checked before building: a mistyped key path should not wait for a long build.
                disan::serve::tls::acceptor(files)?;
            }
            let out = out_of(out);
            let summary = disan::build::build(&cli.root, &out)?;
            eprintln!("{summary}");
            let db =
                (!no_scans).then(|| db.unwrap_or_else(|| disan::store::Db::Sqlite(disan::store::default_path(&out))));
            let limits = disan::serve::listen::Limits {
                client_timeout: std::time::Duration::from_secs(client_timeout),
                max_connections: max_connections as usize,
                per_client: max_per_client as usize,
                ..Default::default()
            };
            let options = disan::serve::Options {
                db,
                stats_token,
                tls,
                log,
                limits,
                no_pin,
                trusted_proxies: trusted_proxy,
                client_rate: (client_rate, client_rate.saturating_mul(4)),
                max_scans_per_second,
            };
            disan::serve::run(&addr, &out, &options)
        }
        Command::Placards { out, site, size, sheet, cut_contour, marks, distance, logo } => {
            let collection = disan::site::load(&cli.root)?;
            let logo = logo.as_deref().map(disan::placard::job::read_logo).transpose()?;
            let options = disan::placard::Options {
                format: size,
                marks,
                viewing_distance_m: distance,
                logo,
                cut_contour,
                ..Default::default()
            };
            let job = disan::placard::job::Job { out: out_of(out), site, options, sheet };
            let written = disan::placard::job::run(&collection, &job)?;
            for f in &written.files {
                println!("{}", f.display());
            }
            if !written.new_codes.is_empty() {
                eprintln!(
                    "recorded {} new code(s) in sites/links.yaml: {} — commit that file; printed codes must keep working",
                    written.new_codes.len(),
                    written.new_codes.join(", ")
                );
            }
            Ok(())
        }
        Command::Stats { db, from, to, format, report, out, dist, quiet_days } => {
            let dist = out_of(dist);
            let db = db.unwrap_or_else(|| disan::store::Db::Sqlite(disan::store::default_path(&dist)));
            if let (Some(month), Some(out)) = (report, out) {
                let month = disan::stats::Month::parse(&month)?;
                let out = out_of(out);
                // Refused before reading anything: a mistyped name should not wait for the database.
                disan::stats::ReportFormat::of(&out)?;
                let labels = disan::stats::labels_for(&cli.root, &dist);
                let query = disan::stats::query(&labels, Some(month.first_day()), Some(month.last_day()), quiet_days);
                let stats = disan::store::stats::read_query(&db, &query)?;
                disan::stats::write_report(&stats, &labels, &month, &out)?;
                eprintln!("wrote {}: {} scans in {}", out.display(), stats.total, month.key());
                return Ok(());
            }
            let labels = disan::stats::labels_for(&cli.root, &dist);
            let query = disan::stats::query(&labels, from, to, quiet_days);
            let stats = disan::store::stats::read_query(&db, &query)?;
            match format {
                Format::Table => print!("{}", stats.table()),
                Format::Csv => print!("{}", stats.csv()),
                Format::Json => println!("{}", serde_json::to_string_pretty(&stats)?),
            }
            Ok(())
        }
    }
}
