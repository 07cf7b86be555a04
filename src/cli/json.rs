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

/// Checks every file as `check` does and prints one JSON document.
pub fn check(
    engine: &template::Engine,
    fonts: Option<&Fonts>,
    files: &[PathBuf],
    district: &pipeline::District,
) -> ExitCode {
    let results: Vec<(String, pipeline::FileResult)> = files
        .iter()
        .map(|f| (f.display().to_string(), pipeline::render_file(engine, f, fonts, district)))
        .collect();
    let errors = results.iter().filter(|(_, r)| !r.errors.is_empty()).count();
    let refused = results
        .iter()
        .filter(|(_, r)| r.errors.is_empty() && !r.refusals.is_empty())
        .count();
    let code = exit::code(errors, refused);
    let report = Report {
        exit_code: code,
        files: results
            .iter()
            .map(|(file, r)| FileReport {
                file: file.clone(),
                status: if !r.errors.is_empty() {
                    "error"
                } else if !r.refusals.is_empty() {
                    "refused"
                } else {
                    "ok"
                },
                papers: r.rendered.len(),
                diagnostics: r.errors.iter().chain(&r.refusals).map(Diag::from).collect(),
                rules: r.tables.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serialises");
    text.push('\n');
    super::emit(&text);
    ExitCode::from(code)
}
