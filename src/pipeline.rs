//! The pipeline for one input file: read → parse → papers → documents.
//!
//! Owns the order of the stages and the rule that a file is all-or-nothing:
//! if any document in it is wrong, no document of it is rendered. Shared by
//! `render`, `check` and the benchmark so that they exercise the same path.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::document::Document;
use crate::{input, paper, template};

/// One rendered paper of a file.
pub struct Rendered {
    pub stem: String,
    pub document: Document,
}

/// Runs every stage for one file; every problem found is returned at once.
pub fn render_file(
    engine: &template::Engine,
    path: &Path,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let src = input::read_source(path).map_err(|d| vec![d])?;
    render_source(engine, &src)
}

pub fn render_source(
    engine: &template::Engine,
    src: &input::Source,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let docs = input::parse_yaml(src).map_err(|d| vec![d])?;
    let papers = paper::decode_file(src, &docs)?;
    let mut out = Vec::with_capacity(papers.len());
    let mut errors = Vec::new();
    for p in papers {
        match engine.render(p.template, &p.context) {
            Ok(document) => out.push(Rendered {
                stem: p.stem,
                document,
            }),
            Err(e) => errors.push(Diagnostic::whole_file(
                &src.name,
                format!("第 {} 份文书无法套用模板：{e}", p.index),
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
