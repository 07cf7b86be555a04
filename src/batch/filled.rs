//! Rows of a roster that fill an office's own Word template: their DOCX made
//! in memory like any paper, their PDFs made by one LibreOffice run at the
//! end of the batch ([`crate::convert`]), and the print file of those PDFs.
//!
//! Owns naming a filled paper (the roster's `文件名` pattern, or the
//! template's name and the row's first cell) and putting LibreOffice's PDFs
//! in place through the output directory's record: converted in a temporary
//! directory of wenshu's, each PDF checked (never over a file that is not
//! wenshu's own) and renamed into place.

use std::path::{Path, PathBuf};

use super::{Entry, OutputFile, PaperOut, Produced};
use crate::diag::{Code, Diagnostic};
use crate::output::{OutDir, WriteError};
use crate::{convert, fill, roster};

/// Fills a roster row into the office's Word template (the DOCX always: a
/// PDF is made from it at the end).
pub(super) fn produce(
    r: &roster::Roster,
    t: &fill::Template,
    i: usize,
    input_sha256: String,
) -> Produced {
    let root = r.row_doc(i).root;
    let result = stem(r, t, i)
        .map_err(|why| {
            vec![Diagnostic::whole_file(
                &r.spec.name,
                Code::Template,
                format!("「文件名」{why}"),
            )]
        })
        .and_then(|stem| t.fill(&r.spec, &root, false).map(|b| (stem, b)));
    match result {
        Ok((stem, docx)) => Produced {
            input_sha256,
            reads: Vec::new(),
            papers: vec![PaperOut {
                stem,
                docx: Some(docx),
                pdf: None,
                layout: None,
                word: true,
            }],
            errors: Vec::new(),
            refused: false,
        },
        Err(errors) => Produced {
            input_sha256,
            reads: Vec::new(),
            papers: Vec::new(),
            errors: r.relocate(i, errors),
            refused: false,
        },
    }
}

/// A filled paper's file stem: the roster's `文件名` pattern, else
/// 评议表-张三 (the template's name and the row's first cell, or its line).
pub(super) fn stem(r: &roster::Roster, t: &fill::Template, i: usize) -> Result<String, String> {
    if let Some(pattern) = &r.file_name {
        return fill::evaluate_name(pattern, &r.row_doc(i).root);
    }
    let base = Path::new(&t.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let row = &r.rows[i];
    Ok(
        match row
            .cells
            .first()
            .map(|(c, _)| c.trim())
            .filter(|c| !c.is_empty())
        {
            Some(first) => format!("{base}-{first}"),
            None => format!("{base}-{}", row.line),
        },
    )
}

/// A filled paper's DOCX waiting for its PDF: its entry and file name.
pub(super) struct Pending {
    pub entry: usize,
    pub docx: String,
}

/// Converts the pending DOCX to PDF in one LibreOffice run and puts each PDF
/// in place; without DOCX in the formats asked, the DOCX are removed again.
/// Returns the problems, each with the entry it fails.
pub(super) fn pdfs(
    out: &OutDir,
    pending: &[Pending],
    entries: &mut [Entry],
    keep_docx: bool,
) -> Vec<(usize, Diagnostic)> {
    let mut failed = Vec::new();
    let pdf_name = |docx: &str| format!("{}.pdf", docx.strip_suffix(".docx").unwrap_or(docx));
    // Never over a file that is not wenshu's: checked before any work.
    let todo: Vec<&Pending> = pending
        .iter()
        .filter(|p| match out.check(&pdf_name(&p.docx)) {
            Ok(()) => true,
            Err(e) => {
                failed.push((p.entry, e.diagnostic()));
                false
            }
        })
        .collect();
    let work = match crate::output::create_temp_dir(out.dir(), "pdf") {
        Ok(w) => w,
        Err(e) => {
            let d = WriteError::Io(out.dir().to_path_buf(), e).diagnostic();
            failed.extend(todo.iter().map(|p| (p.entry, d.clone())));
            return failed;
        }
    };
    let docx: Vec<PathBuf> = todo.iter().map(|p| out.path(&p.docx)).collect();
    match convert::to_pdf(&docx, &work) {
        Ok(made) => {
            for (p, from) in todo.iter().zip(&made) {
                let name = pdf_name(&p.docx);
                match out.adopt(&name, from, None) {
                    Ok(sha256) => entries[p.entry].outputs.push(OutputFile {
                        bytes: std::fs::metadata(out.path(&name)).map_or(0, |m| m.len()),
                        path: name,
                        sha256,
                    }),
                    Err(e) => failed.push((p.entry, e.diagnostic())),
                }
                if !keep_docx {
                    entries[p.entry].outputs.retain(|o| o.path != p.docx);
                    let _ = std::fs::remove_file(out.path(&p.docx));
                }
            }
        }
        Err(why) => {
            let d = Diagnostic::whole_file(&out.dir().display().to_string(), Code::Output, why);
            failed.extend(todo.iter().map(|p| (p.entry, d.clone())));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    failed
}

/// The PDFs of the papers that succeeded, in output order, each with its
/// name as the bookmark.
pub(super) fn pdfs_of(entries: &[Entry], out: &OutDir) -> Vec<(String, PathBuf)> {
    entries
        .iter()
        .filter(|e| e.status == "成功")
        .flat_map(|e| &e.outputs)
        .filter_map(|o| {
            let stem = o.path.strip_suffix(".pdf")?;
            Some((stem.to_string(), out.path(&o.path)))
        })
        .collect()
}
