//! The pipeline for one input file: read → parse → papers → documents.
//!
//! Owns the order of the stages and the rule that a file is all-or-nothing:
//! if any document in it is wrong, no document of it is rendered. Shared by
//! `render`, `check` and the benchmark so that they exercise the same path.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::document::Document;
use crate::fonts::Fonts;
use crate::{input, paper, template};

/// One rendered paper of a file.
pub struct Rendered {
    pub stem: String,
    pub document: Document,
}

/// Runs every stage for one file; every problem found is returned at once.
/// With `fonts`, every character must also be drawable by some face (a PDF
/// is going to be made): one that is not is a located error.
pub fn render_file(
    engine: &template::Engine,
    path: &Path,
    fonts: Option<&Fonts>,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let src = input::read_source(path).map_err(|d| vec![d])?;
    render_source(engine, &src, fonts)
}

pub fn render_source(
    engine: &template::Engine,
    src: &input::Source,
    fonts: Option<&Fonts>,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let docs = input::parse_yaml(src).map_err(|d| vec![d])?;
    let papers = paper::decode_file(src, &docs)?;
    let mut out = Vec::with_capacity(papers.len());
    let mut errors = Vec::new();
    for p in papers {
        match engine.render(p.template, &p.context) {
            Ok(mut document) => {
                let attachments: Vec<(String, Vec<String>)> = p
                    .frame
                    .attachments
                    .iter()
                    .map(|a| (a.title.clone(), a.body.clone()))
                    .collect();
                document.frame(p.frame.letterhead, &attachments, p.frame.imprint);
                out.push(Rendered {
                    stem: p.stem,
                    document,
                })
            }
            Err(e) => errors.push(Diagnostic::whole_file(
                &src.name,
                format!("第 {} 份文书无法套用模板：{e}", p.index),
            )),
        }
    }
    if let Some(fonts) = fonts {
        let mut reported = Vec::new();
        for r in &out {
            for c in fonts.missing(&r.document.plain_text()) {
                if reported.contains(&c) {
                    continue;
                }
                reported.push(c);
                let message = format!("字符「{c}」（U+{:04X}）没有任何可用字体能显示", c as u32);
                let help =
                    "请安装含有此字的字体（如 Noto Serif CJK SC），或用 --font 正文=字体文件 指定";
                errors.push(match input::locate_char(src, &docs, c) {
                    Some((pos, field)) => src.error(pos, Some(&field), message).with_help(help),
                    None => Diagnostic::whole_file(&src.name, message).with_help(help),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
