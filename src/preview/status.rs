//! The state of the last preview build, as open pages and the terminal see it.

use serde::Serialize;

use crate::report::InvalidCollection;

/// The state of the last build, as pages see it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Counts builds that changed something (successful or failed); pages reload when it moves on and
    /// the build succeeded.
    pub generation: u64,
    /// Whether the last build succeeded.
    pub ok: bool,
    /// The report of a failed build, as the terminal shows it.
    pub report: String,
    /// The problems of a failed build, one by one.
    pub problems: Vec<Problem>,
    /// Counts settled bursts of changes the watcher saw, including those that needed no build (an
    /// editor's swap file), so a caller can tell that a change was looked at.
    pub changes: u64,
}

/// One problem of a failed build.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// File relative to the collection, when the problem is in one.
    pub file: String,
    /// Line, from 1.
    pub line: Option<usize>,
    /// Column, from 1.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Status {
    /// A successful build.
    pub fn good(generation: u64, changes: u64) -> Status {
        Status { generation, ok: true, report: String::new(), problems: Vec::new(), changes }
    }

    /// A failed build: the editors' problems one by one when the collection is invalid, else the error.
    pub fn failed(generation: u64, changes: u64, e: &anyhow::Error) -> Status {
        if let Some(invalid) = e.downcast_ref::<InvalidCollection>() {
            let problems = invalid
                .report
                .diagnostics()
                .into_iter()
                .map(|d| Problem {
                    file: d.file.display().to_string(),
                    line: d.pos.map(|p| p.line),
                    column: d.pos.map(|p| p.col),
                    message: d.message.en(),
                })
                .collect();
            return Status { generation, ok: false, report: invalid.report.to_string(), problems, changes };
        }
        let report = format!("error: {e:#}");
        let problem = Problem { file: String::new(), line: None, column: None, message: format!("{e:#}") };
        Status { generation, ok: false, report, problems: vec![problem], changes }
    }
}
