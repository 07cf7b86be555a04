//! One `wenshu fill` run: data files in, filled documents out.
//!
//! Owns the order of work for the command line: read the template once, read
//! every data file (a file may hold several documents separated by `---`),
//! fill each, name it after its data file, refuse to write over the template,
//! the data or any file that is not wenshu's own, write every document
//! whole, and convert them to PDF in one LibreOffice run when asked. Every error of every file is reported; a file
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
    /// Replace files that are not wenshu's own.
    pub force: bool,
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

/// Runs `wenshu fill`. Like `render`, it never replaces a file that is not
/// wenshu's own (see [`output::OutDir`]) unless `opts.force`.
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
    let out = output::OutDir::open(opts.out, opts.force);
    let inputs: Vec<PathBuf> = std::iter::once(template_path)
        .chain(opts.data.iter().map(PathBuf::as_path))
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut names = output::Names::default();
    // The DOCX LibreOffice converts, and the PDFs it makes, wait in a
    // temporary directory of wenshu's.
    let scratch = match (opts.pdf)
        .then(|| output::create_temp_dir(opts.out, "fill"))
        .transpose()
    {
        Ok(s) => s,
        Err(e) => {
            outcome
                .errors
                .push(output::WriteError::Io(opts.out.to_path_buf(), e).diagnostic());
            outcome.failed_files += 1;
            return outcome;
        }
    };
    let mut for_pdf = Vec::new();
    for path in opts.data {
        match fill_file(template, path, opts.strict) {
            Ok(filled) => {
                for (stem, bytes) in filled {
                    let stem = names.unique(&stem);
                    let (docx, pdf) = (format!("{stem}.docx"), format!("{stem}.pdf"));
                    let clash = [out.path(&docx), out.path(&pdf)]
                        .iter()
                        .filter_map(|t| std::fs::canonicalize(t).ok())
                        .any(|t| inputs.contains(&t));
                    if clash {
                        outcome.errors.push(Diagnostic::whole_file(
                            &out.path(&docx).display().to_string(),
                            Code::WrongCommand,
                            "输出会覆盖模板或数据文件本身：请用 -o 另选输出目录",
                        ));
                        outcome.failed_files += 1;
                        continue;
                    }
                    let asked = [(&docx, opts.docx), (&pdf, opts.pdf)];
                    let refused: Vec<Diagnostic> = asked
                        .iter()
                        .filter(|(_, on)| *on)
                        .filter_map(|(name, _)| out.check(name).err())
                        .map(|e| e.diagnostic())
                        .collect();
                    if !refused.is_empty() {
                        outcome.errors.extend(refused);
                        outcome.failed_files += 1;
                        continue;
                    }
                    if opts.docx {
                        match out.put(&docx, &bytes) {
                            Ok(_) => outcome.written.push(out.path(&docx)),
                            Err(e) => {
                                outcome.errors.push(e.diagnostic());
                                outcome.failed_files += 1;
                                continue;
                            }
                        }
                    }
                    if let Some(dir) = &scratch {
                        let at = dir.join(&docx);
                        match std::fs::write(&at, &bytes) {
                            Ok(()) => for_pdf.push((at, pdf)),
                            Err(e) => {
                                outcome
                                    .errors
                                    .push(output::WriteError::Io(at, e).diagnostic());
                                outcome.failed_files += 1;
                            }
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
    if let (Some(dir), false) = (&scratch, for_pdf.is_empty()) {
        pdfs(&out, dir, &for_pdf, template, &mut outcome);
    }
    if let Some(dir) = &scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    outcome
}

/// Converts the DOCX waiting in `dir` in one LibreOffice run and puts each
/// PDF in place under its name.
fn pdfs(
    out: &output::OutDir,
    dir: &Path,
    pending: &[(PathBuf, String)],
    template: &Template,
    outcome: &mut Outcome,
) {
    let docx: Vec<PathBuf> = pending.iter().map(|(p, _)| p.clone()).collect();
    let made = dir.join("pdf");
    let converted = std::fs::create_dir_all(&made)
        .map_err(|e| e.to_string())
        .and_then(|()| convert::to_pdf(&docx, &made));
    match converted {
        Ok(pdfs) => {
            for ((_, name), from) in pending.iter().zip(&pdfs) {
                match out.adopt(name, from, None) {
                    Ok(_) => outcome.written.push(out.path(name)),
                    Err(e) => {
                        outcome.errors.push(e.diagnostic());
                        outcome.failed_files += 1;
                    }
                }
            }
        }
        Err(m) => {
            outcome
                .errors
                .push(Diagnostic::whole_file(&template.name, Code::Internal, m));
            outcome.failed_files += 1;
        }
    }
}
