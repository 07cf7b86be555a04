//! One `wenshu fill` run: data files in, filled documents out.
//!
//! Owns the order of work for the command line: read the template once, read
//! every data file (a file may hold several documents separated by `---`),
//! fill each, name it after its data file, refuse to write over the template
//! or the data, write every document whole, and convert them to PDF in one
//! LibreOffice run when asked. Every error of every file is reported; a file
//! with any error produces nothing.

use std::path::{Path, PathBuf};

use super::Template;
use crate::diag::{Code, Diagnostic};
use crate::{convert, input, output};

pub struct Options<'a> {
    pub data: &'a [PathBuf],
    pub out: &'a Path,
    pub strict: bool,
    pub docx: bool,
    pub pdf: bool,
}

/// What a run did: files written and errors, for the exit code.
#[derive(Default)]
pub struct Outcome {
    pub written: Vec<PathBuf>,
    pub errors: Vec<Diagnostic>,
    pub failed_files: usize,
}

/// Fills the template with one data file: every document of it, or nothing.
pub fn fill_file(
    template: &Template,
    path: &Path,
    strict: bool,
) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let src = input::read_source(path).map_err(|d| vec![d])?;
    let docs = input::parse_yaml(&src)?;
    if docs.is_empty() {
        return Err(vec![Diagnostic::whole_file(
            &src.name,
            Code::Empty,
            "数据文件是空的",
        )]);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let several = docs.len() > 1;
    let mut filled = Vec::new();
    let mut errors = Vec::new();
    for doc in &docs {
        match template.fill(&src, &doc.root, strict) {
            Ok(bytes) => {
                let name = if several {
                    format!("{stem}-{}", doc.index)
                } else {
                    stem.clone()
                };
                filled.push((name, bytes));
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(filled)
    } else {
        Err(errors)
    }
}

/// Runs `wenshu fill`.
pub fn run(template: &Template, template_path: &Path, opts: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    if let Err(e) = std::fs::create_dir_all(opts.out) {
        outcome.errors.push(Diagnostic::whole_file(
            &opts.out.display().to_string(),
            Code::Unreadable,
            format!("无法创建输出目录：{e}"),
        ));
        outcome.failed_files += 1;
        return outcome;
    }
    let inputs: Vec<PathBuf> = std::iter::once(template_path)
        .chain(opts.data.iter().map(PathBuf::as_path))
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut names = output::Names::default();
    // With only a PDF asked for, the DOCX goes to a scratch directory first.
    let scratch = opts
        .out
        .join(format!(".wenshu-fill-{}", std::process::id()));
    let docx_dir = if opts.docx {
        opts.out
    } else {
        scratch.as_path()
    };
    if !opts.docx {
        let _ = std::fs::create_dir_all(&scratch);
    }
    let mut docx_files = Vec::new();
    for path in opts.data {
        match fill_file(template, path, opts.strict) {
            Ok(filled) => {
                for (stem, bytes) in filled {
                    let stem = names.unique(&stem);
                    let target = docx_dir.join(format!("{stem}.docx"));
                    let clash = [target.clone(), opts.out.join(format!("{stem}.pdf"))]
                        .iter()
                        .filter_map(|t| std::fs::canonicalize(t).ok())
                        .any(|t| inputs.contains(&t));
                    if clash {
                        outcome.errors.push(Diagnostic::whole_file(
                            &target.display().to_string(),
                            Code::WrongCommand,
                            "输出会覆盖模板或数据文件本身：请用 -o 另选输出目录",
                        ));
                        outcome.failed_files += 1;
                        continue;
                    }
                    match output::write_atomic(&target, &bytes) {
                        Ok(()) => docx_files.push(target),
                        Err(e) => {
                            outcome.errors.push(Diagnostic::whole_file(
                                &target.display().to_string(),
                                Code::Unreadable,
                                format!("无法写入：{e}"),
                            ));
                            outcome.failed_files += 1;
                        }
                    }
                }
            }
            Err(errors) => {
                outcome.errors.extend(errors);
                outcome.failed_files += 1;
            }
        }
    }
    if opts.docx {
        outcome.written.extend(docx_files.iter().cloned());
    }
    if opts.pdf && !docx_files.is_empty() {
        match convert::to_pdf(&docx_files, opts.out) {
            Ok(pdfs) => outcome.written.extend(pdfs),
            Err(m) => {
                outcome
                    .errors
                    .push(Diagnostic::whole_file(&template.name, Code::Internal, m));
                outcome.failed_files += 1;
            }
        }
    }
    if !opts.docx {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    outcome
}
