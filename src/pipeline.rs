//! The pipeline for one input file: read → parse → papers → documents.
//!
//! Owns the order of the stages and the rule that a file is all-or-nothing
//! for input errors: if any document in it is wrong, no document of it is
//! rendered. A valid 阶段记录 that misses a campaign rule is not an input
//! error: its closing papers are refused (the refusals are returned in their
//! own field) and its 补课清单 is rendered instead. Shared by `render`, `check`
//! and the benchmark so that they exercise the same path.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::document::Document;
use crate::fonts::Fonts;
pub use crate::record::District;
use crate::{input, kinds, roster, template};

/// One rendered paper of a file.
pub struct Rendered {
    pub stem: String,
    pub document: Document,
}

/// What one file yields: papers, errors, or both (a refused 阶段记录).
#[derive(Default)]
pub struct FileResult {
    pub rendered: Vec<Rendered>,
    /// Input errors: then nothing is rendered.
    pub errors: Vec<Diagnostic>,
    /// The refusals of a 阶段记录 that misses a rule: then its 补课清单 is
    /// rendered instead of the papers that would close the phase.
    pub refusals: Vec<Diagnostic>,
    /// For each 阶段记录: the rule table `check` prints.
    pub reports: Vec<String>,
    /// For each 阶段记录: the rule table as data (`check --format json`).
    pub tables: Vec<crate::record::RuleTable>,
}

impl FileResult {
    fn failed(errors: Vec<Diagnostic>) -> Self {
        FileResult {
            errors,
            ..FileResult::default()
        }
    }
}

/// Runs every stage for one file; every problem found is returned at once.
/// With `fonts`, every character must also be drawable by some face (a PDF
/// is going to be made): one that is not is a located input error.
pub fn render_file(
    engine: &template::Engine,
    path: &Path,
    fonts: Option<&Fonts>,
    district: &District,
) -> FileResult {
    if let Some(d) = a_table(path) {
        return FileResult::failed(vec![d]);
    }
    match input::read_source(path) {
        Ok(src) => render_source(engine, &src, fonts, district),
        Err(d) => FileResult::failed(vec![d]),
    }
}

/// A roster's table given where a YAML file is expected: the table holds
/// only the rows; the roster YAML that names it is what is checked or run.
fn a_table(path: &Path) -> Option<Diagnostic> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "xlsx" | "xls").then(|| {
        Diagnostic::whole_file(
            &path.display().to_string(),
            Code::WrongCommand,
            "这是表格文件，不是 YAML 文书：表格只存各行的数据，要由花名册 YAML（文种: 花名册）引用",
        )
        .with_help("请对引用它的花名册运行 wenshu check 花名册.yaml 或 wenshu batch 花名册.yaml；还没有花名册时用 wenshu new 花名册 生成")
    })
}

pub fn render_source(
    engine: &template::Engine,
    src: &input::Source,
    fonts: Option<&Fonts>,
    district: &District,
) -> FileResult {
    match input::parse_yaml(src) {
        Ok(docs) => render_docs(engine, src, &docs, fonts, district),
        Err(d) => FileResult::failed(d),
    }
}

/// The file stems of the papers `render_docs` would make of these trees,
/// found by decoding alone (no template, no layout); none if the input has
/// an error that decoding finds. A sharded batch names every shard's papers
/// with it, so that shards writing into one directory agree on the names.
pub fn stems(src: &input::Source, docs: &[input::YamlDoc], district: &District) -> Vec<String> {
    if !input::check_characters(src, docs).is_empty() {
        return Vec::new();
    }
    kinds::decode_file(src, docs, district)
        .map(|c| c.papers.into_iter().map(|p| p.stem).collect())
        .unwrap_or_default()
}

/// The stages after parsing, for YAML trees that did not come from parsing
/// one file (a roster row is the roster's shared fields plus its cells).
pub fn render_docs(
    engine: &template::Engine,
    src: &input::Source,
    docs: &[input::YamlDoc],
    fonts: Option<&Fonts>,
    district: &District,
) -> FileResult {
    let mut unprintable = input::check_characters(src, docs);
    let content = match kinds::decode_file(src, docs, district) {
        Ok(_) if !unprintable.is_empty() => return FileResult::failed(unprintable),
        Ok(c) => c,
        Err(diags) => {
            unprintable.extend(diags);
            return FileResult::failed(unprintable);
        }
    };
    let mut out = Vec::with_capacity(content.papers.len());
    let mut errors = Vec::new();
    for p in content.papers {
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
                Code::Template,
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
                let d = match input::locate_char(src, docs, c) {
                    Some((pos, field)) => src.error(pos, Some(&field), message),
                    None => Diagnostic::whole_file(&src.name, Code::MissingGlyph, message),
                };
                errors.push(d.with_code(Code::MissingGlyph).with_help(help));
            }
        }
    }
    if !errors.is_empty() {
        return FileResult::failed(errors);
    }
    FileResult {
        rendered: out,
        errors: Vec::new(),
        refusals: content.refusals,
        reports: content.reports,
        tables: content.tables,
    }
}

/// What `check` finds in a roster: its warnings, then for each row that
/// fails its 1-based table line, its person, and its problems (located at
/// their cells); or the roster's own errors, when it cannot be read.
pub struct RosterCheck {
    pub rows: usize,
    pub warnings: Vec<Diagnostic>,
    pub failed: Vec<FailedRow>,
    pub errors: Vec<Diagnostic>,
}

pub struct FailedRow {
    pub line: usize,
    pub name: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every row of a roster through every stage but the writers: the papers
/// it would print are decoded, templated and, with `fonts`, checked for
/// characters no face can draw. Nothing is written.
pub fn check_roster(
    engine: &template::Engine,
    path: &Path,
    fonts: Option<&Fonts>,
    district: &District,
) -> RosterCheck {
    let roster = match roster::read(path) {
        Ok(r) => r,
        Err(errors) => {
            return RosterCheck {
                rows: 0,
                warnings: Vec::new(),
                failed: Vec::new(),
                errors,
            }
        }
    };
    let mut failed = Vec::new();
    // A mistake every row shares (in the shared fields, or in 列) is said
    // with the first row it fails, not once per row.
    let mut said = std::collections::HashSet::new();
    for i in 0..roster.rows.len() {
        let docs = [roster.row_doc(i)];
        let result = render_docs(engine, &roster.spec, &docs, fonts, district);
        let problems: Vec<Diagnostic> = result.errors.into_iter().chain(result.refusals).collect();
        if !problems.is_empty() {
            let mut diagnostics = roster.relocate(i, problems);
            diagnostics.retain(|d| !d.shared || said.insert(d.short()));
            failed.push(FailedRow {
                line: roster.rows[i].line,
                name: roster.row_name(i).map(str::to_string),
                diagnostics,
            });
        }
    }
    RosterCheck {
        rows: roster.rows.len(),
        warnings: roster.warnings,
        failed,
        errors: Vec::new(),
    }
}

/// The files of one rendered paper, and its layout if asked for.
pub struct Outputs {
    pub docx: Option<Vec<u8>>,
    pub pdf: Option<Vec<u8>>,
    pub layout: Option<crate::typeset::layout::Layout>,
}

/// Writes a paper in the asked formats. One layout serves the PDF and tells
/// the DOCX where the 版记 goes; a DOCX without a 版记 needs none.
pub fn outputs(
    doc: &Document,
    fonts: Option<&Fonts>,
    docx: bool,
    pdf: bool,
    keep_layout: bool,
) -> Outputs {
    let has_imprint = doc
        .blocks
        .iter()
        .any(|b| matches!(b, crate::document::Block::Imprint(_)));
    let layout = fonts
        .filter(|_| pdf || keep_layout || (docx && has_imprint))
        .map(|f| crate::typeset::layout::Typesetter::new(f).layout(doc));
    // The two files at once (a single paper's DOCX is written while its
    // PDF's fonts are subset).
    let (docx, pdf) = rayon::join(
        || docx.then(|| crate::docx::write(doc, layout.as_ref().and_then(|l| l.imprint))),
        || match (pdf, fonts, &layout) {
            (true, Some(f), Some(l)) => Some(crate::pdf::write(l, f, &doc.title())),
            _ => None,
        },
    );
    Outputs {
        docx,
        pdf,
        layout: layout.filter(|_| keep_layout),
    }
}
