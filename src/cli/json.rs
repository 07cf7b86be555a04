//! `wenshu check --format json`: the diagnostics and rule tables as data.
//!
//! Owns the JSON a script or an editor reads: one object per input file with
//! its diagnostics (file, line, column, byte range, field, severity, stable
//! code, message, hints) and, for each 阶段记录, its rule table. The field
//! names are a contract, like the diagnostic codes: they are added to, never
//! renamed. It decides nothing about the input; it only writes down what the
//! pipeline found.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::exit;
use crate::diag::Diagnostic;
use crate::fonts::Fonts;
use crate::record::RuleTable;
use crate::{pipeline, template};

#[derive(Serialize)]
struct Report<'a> {
    /// The exit code the run ends with (see `wenshu --help`).
    exit_code: u8,
    files: Vec<FileReport<'a>>,
}

#[derive(Serialize)]
struct FileReport<'a> {
    file: String,
    /// ok, error (input errors: nothing would be written) or refused (a rule
    /// unmet: only the 补课清单 would be written).
    status: &'static str,
    /// The papers the file would yield.
    papers: usize,
    diagnostics: Vec<Diag<'a>>,
    rules: Vec<RuleTable>,
}

#[derive(Serialize)]
struct Diag<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    /// Byte offsets into the file's text, end exclusive.
    start: Option<usize>,
    end: Option<usize>,
    field: Option<&'a str>,
    hints: &'a [String],
}

impl<'a> From<&'a Diagnostic> for Diag<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Diag {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            message: &d.message,
            file: &d.file,
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.col),
            start: d.span.as_ref().map(|s| s.start),
            end: d.span.as_ref().map(|s| s.end),
            field: d.field.as_deref(),
            hints: &d.hints,
        }
    }
}

/// One file's outcome, whatever the file was: a paper's YAML or a roster.
struct Checked {
    file: String,
    errors: bool,
    refused: bool,
    papers: usize,
    diagnostics: Vec<Diagnostic>,
    rules: Vec<RuleTable>,
}

impl Checked {
    fn of_file(file: String, r: pipeline::FileResult) -> Self {
        Checked {
            file,
            errors: !r.errors.is_empty(),
            refused: !r.refusals.is_empty(),
            papers: r.rendered.len(),
            diagnostics: r.errors.into_iter().chain(r.refusals).collect(),
            rules: r.tables,
        }
    }

    /// A roster: every row's diagnostics (a mistake the rows share, once),
    /// its warnings, and as many papers as rows that would print.
    fn of_roster(file: String, check: pipeline::RosterCheck) -> Self {
        let papers = check.rows - check.failed.len();
        let errors = !check.errors.is_empty() || !check.failed.is_empty();
        let mut diagnostics = check.warnings;
        diagnostics.extend(check.errors);
        diagnostics.extend(check.failed.into_iter().flat_map(|r| r.diagnostics));
        Checked {
            file,
            errors,
            refused: false,
            papers,
            diagnostics,
            rules: Vec::new(),
        }
    }
}

/// Checks every file as `check` does and prints one JSON document.
pub fn check(
    engine: &template::Engine,
    fonts: Option<&Fonts>,
    files: &[PathBuf],
    district: &pipeline::District,
) -> ExitCode {
    let results: Vec<Checked> = files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            if super::is_roster_file(f) {
                Checked::of_roster(name, pipeline::check_roster(engine, f, fonts, district))
            } else {
                Checked::of_file(name, pipeline::render_file(engine, f, fonts, district))
            }
        })
        .collect();
    let errors = results.iter().filter(|r| r.errors).count();
    let refused = results.iter().filter(|r| !r.errors && r.refused).count();
    let code = exit::code(errors, refused);
    let report = Report {
        exit_code: code,
        files: results
            .iter()
            .map(|r| FileReport {
                file: r.file.clone(),
                status: if r.errors {
                    "error"
                } else if r.refused {
                    "refused"
                } else {
                    "ok"
                },
                papers: r.papers,
                diagnostics: r.diagnostics.iter().map(Diag::from).collect(),
                rules: r.rules.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serialises");
    text.push('\n');
    super::emit(&text);
    ExitCode::from(code)
}
