//! The `disan` command: parses the command line once and hands each subcommand to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use disan::report::InvalidCollection;

/// Turns YAML descriptions of heritage sites into a 360° tour website, and hosts it.
#[derive(Parser)]
#[command(name = "disan", version, about)]
struct Cli {
    /// The collection folder (holding `sites/` and `content/`).
    #[arg(long, short = 'C', global = true, default_value = ".", env = "DISAN_ROOT")]
    root: PathBuf,
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
    /// Builds (when needed) and serves the website.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "DISAN_ADDR")]
        addr: String,
        /// Output folder to build into and serve from.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            let scenes: usize = collection.sites.iter().map(|s| s.scenes.len()).sum();
            eprintln!("ok: {} sites, {scenes} scenes, no problems found", collection.sites.len());
            Ok(())
        }
        Command::Build { out } => {
            let out = out_of(out);
            let summary = disan::build::build(&cli.root, &out)?;
            eprintln!("{summary}");
            Ok(())
        }
        Command::Serve { addr, out } => {
            let out = out_of(out);
            let summary = disan::build::build(&cli.root, &out)?;
            eprintln!("{summary}");
            disan::serve::run(&addr, &out)
        }
    }
}
