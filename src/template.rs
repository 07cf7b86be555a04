//! Templates: paper context → markup → [`Document`].
//!
//! Owns the minijinja environment (templates shipped in the binary, a user's
//! `--templates DIR` file of the same name winning), its strictness (an
//! undefined variable is an error, never a blank; every value is XML-escaped)
//! and the small markup the templates emit. Heading numbers are produced here
//! from `<sec>` nesting, so a template cannot skip or mistype one.
//!
//! The markup:
//! ```text
//! <doc>
//!   <title>…</title> <byline>…</byline> <to>…</to>
//!   <sec><h>heading</h><lead>run-in text</lead> …blocks… <sec>…</sec></sec>
//!   <p>…</p>
//!   <table widths="1,3,3"><thead><c>…</c></thead><tr><c>…<br/>…</c></tr></table>
//!   <attachments><a>…</a></attachments>
//!   <signature><name>…</name><date>…</date></signature>
//!   <note>…</note> <cc>…</cc>
//!   <form widths="1,3"><row lines="4"><c span="2" head="1" center="1">…<br/>…</c></row></form>
//!   <fill>测评人：<u w="6"/>日期：<u w="4">2026</u>年</fill>
//!   <code caption="编号：CP-0001">CP-0001</code> <page/>
//! </doc>
//! ```
//! Inside text, line breaks and indentation of the template are dropped (CJK
//! text has no spaces between lines); `<br/>` keeps a break where one is meant.

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::document::{Block, Document, Fill, Form, FormCell, FormRow, HeadingCounter, Table};
use crate::input::typed::join_line;

/// The shipped templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("两个具体", include_str!("../templates/两个具体.xml")),
    (
        "党性分析材料-个人",
        include_str!("../templates/党性分析材料-个人.xml"),
    ),
    (
        "党性分析材料-单位",
        include_str!("../templates/党性分析材料-单位.xml"),
    ),
    (
        "整改方案-个人",
        include_str!("../templates/整改方案-个人.xml"),
    ),
    (
        "整改方案-单位",
        include_str!("../templates/整改方案-单位.xml"),
    ),
    ("转段申请", include_str!("../templates/转段申请.xml")),
    ("阶段小结", include_str!("../templates/阶段小结.xml")),
    ("补课清单", include_str!("../templates/补课清单.xml")),
    ("评议表", include_str!("../templates/评议表.xml")),
    ("征求意见表", include_str!("../templates/征求意见表.xml")),
    ("民主测评票", include_str!("../templates/民主测评票.xml")),
    ("满意度问卷", include_str!("../templates/满意度问卷.xml")),
    ("问卷测评表", include_str!("../templates/问卷测评表.xml")),
    ("公示", include_str!("../templates/公示.xml")),
    ("承诺书", include_str!("../templates/承诺书.xml")),
];

/// File extension of template files in `templates/` and `--templates DIR`.
pub const EXTENSION: &str = "xml";

/// A template problem: which template, where, what.
#[derive(Debug)]
pub struct TemplateError {
    pub template: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "错误：模板「{}」", self.template)?;
        if let Some(l) = self.line {
            write!(f, "第 {l} 行")?;
        }
        write!(f, "：{}", self.message)
    }
}

/// The template engine, built once per process and shared by all papers.
pub struct Engine {
    env: Environment<'static>,
}

impl Engine {
    /// Builds the environment; templates in `overrides` replace shipped ones
    /// of the same name. Every template is compiled now, so a syntax error is
    /// reported before any paper is rendered.
    pub fn new(overrides: Option<&Path>) -> Result<Engine, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build();
        env.set_syntax(syntax.expect("static syntax config"));
        env.add_filter("中文数字", |n: usize| {
            crate::document::chinese_numeral(n)
        });
        for (name, source) in BUILTIN {
            let (source, origin) = match overrides.map(|d| d.join(format!("{name}.{EXTENSION}"))) {
                Some(p) if p.is_file() => {
                    let text = crate::input::read_capped(&p)
                        .map_err(|e| e.to_string())
                        .and_then(|b| String::from_utf8(b).map_err(|_| "不是 UTF-8 编码".into()))
                        .map_err(|e| TemplateError {
                            template: p.display().to_string(),
                            line: None,
                            message: format!("无法读取：{e}"),
                        })?;
                    (text, p)
                }
                _ => (source.to_string(), PathBuf::from(name)),
            };
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| TemplateError {
                    template: origin.display().to_string(),
                    line: e.line(),
                    message: format!("模板语法错误：{}", e.detail().unwrap_or(&e.to_string())),
                })?;
        }
        if let Some(dir) = overrides {
            check_override_names(dir)?;
        }
        Ok(Engine { env })
    }

    /// The expressions (`{{ … }}`, `{% … %}`) on line `line` of template
    /// `name`: where an undefined variable was used, for the message.
    fn expressions_on(&self, name: &str, line: Option<usize>) -> Option<String> {
        let tmpl = self.env.get_template(name).ok()?;
        let text = tmpl.source().lines().nth(line?.checked_sub(1)?)?;
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{']) {
            let after = &rest[i..];
            let close = match after.get(..2) {
                Some("{{") => "}}",
                Some("{%") => "%}",
                _ => {
                    rest = &after[1..];
                    continue;
                }
            };
            let Some(end) = after.find(close) else { break };
            found.push(after[..end + 2].to_string());
            rest = &after[end + 2..];
        }
        (!found.is_empty()).then(|| found.join(" "))
    }

    /// Renders `template` with `context` and parses the markup.
    pub fn render(
        &self,
        template: &str,
        context: &minijinja::Value,
    ) -> Result<Document, TemplateError> {
        let tmpl = self.env.get_template(template).map_err(|e| TemplateError {
            template: template.into(),
            line: None,
            message: e.to_string(),
        })?;
        let markup = tmpl.render(context).map_err(|e| TemplateError {
            template: template.into(),
            line: e.line(),
            message: match e.kind() {
                minijinja::ErrorKind::UndefinedError => {
                    match self.expressions_on(template, e.line()) {
                        Some(expr) => {
                            format!("使用了未定义的变量：「{expr}」中的字段在数据中不存在")
                        }
                        None => "使用了未定义的变量：模板要用的字段在数据中不存在".to_string(),
                    }
                }
                _ => e.to_string(),
            },
        })?;
        parse_markup(&markup).map_err(|(line, message)| TemplateError {
            template: template.into(),
            line: Some(line),
            message: format!("模板输出的标记有误：{message}"),
        })
    }
}

/// A user's template directory: every `.xml` in it must be named after a
/// built-in template, or it would be silently ignored.
fn check_override_names(dir: &Path) -> Result<(), TemplateError> {
    let error = |message: String| TemplateError {
        template: dir.display().to_string(),
        line: None,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|_| error("模板目录不存在或无法读取".into()))?;
    let expected: Vec<String> = BUILTIN
        .iter()
        .map(|(name, _)| format!("{name}.{EXTENSION}"))
        .collect();
    let mut stray: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(&format!(".{EXTENSION}")) && !expected.contains(n))
        .collect();
    stray.sort();
    if stray.is_empty() {
        return Ok(());
    }
    Err(error(format!(
        "模板目录中的 {} 不对应任何内置模板，不会被使用；模板文件名应为：{}",
        stray.join("、"),
        expected.join("、")
    )))
}

/// Parses the markup into a document. Errors carry the markup's line.
pub fn parse_markup(markup: &str) -> Result<Document, (usize, String)> {
    let mut p = MarkupParser {
        reader: Reader::from_str(markup),
        src: markup,
        counter: HeadingCounter::default(),
        depth: 0,
    };
    p.reader.config_mut().check_end_names = true;
    p.reader.config_mut().expand_empty_elements = true;
    let mut doc = Document::default();
    match p.next()? {
        Ev::Start(name, _) if name == "doc" => {}
        _ => return Err(p.err("标记应以 <doc> 开始")),
    }
    p.blocks(&mut doc.blocks, "doc")?;
    Ok(doc)
}

/// A simplified event: elements with their attributes, and text with all
/// references resolved.
enum Ev {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
    Eof,
}

struct MarkupParser<'a> {
    reader: Reader<&'a [u8]>,
    src: &'a str,
    counter: HeadingCounter,
    depth: u8,
}

impl MarkupParser<'_> {
    fn line(&self) -> usize {
        let at = (self.reader.buffer_position() as usize).min(self.src.len());
        self.src.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn err(&self, msg: impl Into<String>) -> (usize, String) {
        (self.line(), msg.into())
    }

    fn next(&mut self) -> Result<Ev, (usize, String)> {
        loop {
            let ev = self
                .reader
                .read_event()
                .map_err(|e| self.err(e.to_string()))?;
            return Ok(match ev {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let mut attrs = Vec::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| self.err(e.to_string()))?;
                        let key = a.key.as_ref().to_string();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|e| self.err(e.to_string()))?
                            .into_owned();
                        attrs.push((key, value));
                    }
                    Ev::Start(name, attrs)
                }
                Event::End(e) => Ev::End(e.name().as_ref().to_string()),
                Event::Text(t) => Ev::Text(t.into_inner().into_owned()),
                Event::CData(t) => Ev::Text(t.into_inner().into_owned()),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().map_err(|e| self.err(e.to_string()))? {
                        Some(c) => c,
                        None => match r.into_inner().as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => return Err(self.err(format!("未知的实体 &{other};"))),
                        },
                    };
                    Ev::Text(c.to_string())
                }
                Event::Eof => Ev::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                Event::Empty(_) => unreachable!("expand_empty_elements is on"),
            });
        }
    }

    /// Reads blocks until `</end>`.
    fn blocks(&mut self, out: &mut Vec<Block>, end: &str) -> Result<(), (usize, String)> {
        loop {
            match self.next()? {
                Ev::End(n) if n == end => return Ok(()),
                Ev::End(n) => return Err(self.err(format!("多余的 </{n}>"))),
                Ev::Eof => return Err(self.err(format!("缺少 </{end}>"))),
                Ev::Text(t) if t.trim().is_empty() => {}
                Ev::Text(t) => return Err(self.err(format!("文字「{}」不在任何元素中", t.trim()))),
                Ev::Start(name, attrs) => self.block(out, &name, &attrs)?,
            }
        }
    }

    fn block(
        &mut self,
        out: &mut Vec<Block>,
        name: &str,
        attrs: &[(String, String)],
    ) -> Result<(), (usize, String)> {
        let block = match name {
            "title" => Block::Title(self.text(name, true)?),
            "byline" => Block::Byline(self.text(name, false)?),
            "to" => Block::Addressee(self.text(name, false)?),
            "p" => Block::Paragraph(self.text(name, false)?),
            "note" => Block::Note(self.text(name, false)?),
            "cc" => Block::CopyTo(self.text(name, false)?),
            "sec" => return self.section(out, attrs),
            "table" => Block::Table(self.table(attrs)?),
            "form" => Block::Form(self.form(attrs)?),
            "fill" => Block::FillLine(self.fill()?),
            "code" => {
                let caption = attr(attrs, "caption").unwrap_or_default().to_string();
                Block::Code {
                    payload: self.text(name, false)?,
                    caption,
                }
            }
            "page" => {
                match self.next()? {
                    Ev::End(n) if n == "page" => {}
                    _ => return Err(self.err("<page/> 不能有内容")),
                }
                Block::PageBreak
            }
            "attachments" => {
                let names = self.list("attachments", "a")?;
                Block::AttachmentNote(names.into_iter().map(|mut c| c.remove(0)).collect())
            }
            "signature" => {
                let mut name_text = None;
                let mut date = None;
                loop {
                    match self.next()? {
                        Ev::Start(n, _) if n == "name" => {
                            name_text = Some(self.text("name", false)?)
                        }
                        Ev::Start(n, _) if n == "date" => date = Some(self.text("date", false)?),
                        Ev::End(n) if n == "signature" => break,
                        Ev::Text(t) if t.trim().is_empty() => {}
                        _ => return Err(self.err("<signature> 只能含 <name> 与 <date>")),
                    }
                }
                let (Some(name), Some(date)) = (name_text, date) else {
                    return Err(self.err("<signature> 须含 <name> 与 <date>"));
                };
                Block::Signature { name, date }
            }
            other => return Err(self.err(format!("未知元素 <{other}>"))),
        };
        if let Block::Paragraph(t) | Block::Note(t) | Block::CopyTo(t) = &block {
            if t.is_empty() {
                return Ok(()); // an empty optional paragraph prints nothing
            }
        }
        out.push(block);
        Ok(())
    }

    /// A `<sec>`: `<h>`, optional `<lead>`, then blocks; numbered by depth,
    /// unless `number="…"` gives the number's text (an exported template
    /// prints a number computed when it is filled, see `crate::export`).
    fn section(
        &mut self,
        out: &mut Vec<Block>,
        attrs: &[(String, String)],
    ) -> Result<(), (usize, String)> {
        if self.depth == 4 {
            return Err(self.err("<sec> 最多嵌套四层（一、（一）1.（1））"));
        }
        self.depth += 1;
        let level = self.depth;
        let text = loop {
            match self.next()? {
                Ev::Start(n, _) if n == "h" => break self.text("h", false)?,
                Ev::Text(t) if t.trim().is_empty() => {}
                _ => return Err(self.err("<sec> 须以 <h> 开始")),
            }
        };
        let counted = self.counter.next(level);
        let number = match attrs.iter().find(|(k, _)| k == "number") {
            Some((_, given)) => given.clone(),
            None => counted,
        };
        let idx = out.len();
        out.push(Block::Heading {
            level,
            number,
            text,
            lead: None,
        });
        loop {
            match self.next()? {
                Ev::Start(n, _) if n == "lead" => {
                    let lead = self.text("lead", false)?;
                    let at_heading = out.len() == idx + 1;
                    match &mut out[idx] {
                        Block::Heading {
                            lead: slot @ None, ..
                        } if at_heading => *slot = Some(lead),
                        _ => return Err(self.err("<lead> 须紧跟 <h>")),
                    }
                }
                Ev::Start(n, a) => self.block(out, &n, &a)?,
                Ev::End(n) if n == "sec" => break,
                Ev::Text(t) if t.trim().is_empty() => {}
                Ev::Text(t) => return Err(self.err(format!("文字「{}」应放在 <p> 中", t.trim()))),
                Ev::End(n) => return Err(self.err(format!("多余的 </{n}>"))),
                Ev::Eof => return Err(self.err("缺少 </sec>")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Text content of `<end>`, with `<br/>` as a line break where allowed.
    fn text(&mut self, end: &str, breaks_as_newline: bool) -> Result<String, (usize, String)> {
        let mut s = String::new();
        let mut pending_text = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => pending_text.push_str(&t),
                Ev::Start(n, _) if n == "br" => {
                    flush_text(&mut s, &mut pending_text);
                    match self.next()? {
                        Ev::End(n) if n == "br" => {}
                        _ => return Err(self.err("<br/> 不能有内容")),
                    }
                    s.push(if breaks_as_newline { '\n' } else { '\u{2028}' });
                }
                Ev::End(n) if n == end => break,
                Ev::Start(n, _) => return Err(self.err(format!("<{end}> 中不能有 <{n}>"))),
                Ev::End(n) => return Err(self.err(format!("多余的 </{n}>"))),
                Ev::Eof => return Err(self.err(format!("缺少 </{end}>"))),
            }
        }
        flush_text(&mut s, &mut pending_text);
        Ok(s.trim_matches('\u{2028}').to_string())
    }

    /// `<end><item>…</item>…</end>`, each item's text split at `<br/>`.
    fn list(&mut self, end: &str, item: &str) -> Result<Vec<Vec<String>>, (usize, String)> {
        let mut out = Vec::new();
        loop {
            match self.next()? {
                Ev::Start(n, _) if n == item => {
                    let t = self.text(item, false)?;
                    out.push(t.split('\u{2028}').map(str::to_string).collect());
                }
                Ev::End(n) if n == end => return Ok(out),
                Ev::Text(t) if t.trim().is_empty() => {}
                _ => return Err(self.err(format!("<{end}> 只能含 <{item}>"))),
            }
        }
    }

    fn table(&mut self, attrs: &[(String, String)]) -> Result<Table, (usize, String)> {
        let mut t = Table::default();
        loop {
            match self.next()? {
                Ev::Start(n, _) if n == "thead" => t.header = self.list("thead", "c")?,
                Ev::Start(n, _) if n == "tr" => t.rows.push(self.list("tr", "c")?),
                Ev::End(n) if n == "table" => break,
                Ev::Text(x) if x.trim().is_empty() => {}
                _ => return Err(self.err("<table> 只能含 <thead> 与 <tr>")),
            }
        }
        let cols = t.header.len();
        if cols == 0 {
            return Err(self.err("<table> 须有 <thead>"));
        }
        if let Some(r) = t.rows.iter().position(|r| r.len() != cols) {
            return Err(self.err(format!(
                "表格第 {} 行有 {} 格，表头有 {cols} 格",
                r + 1,
                t.rows[r].len()
            )));
        }
        t.widths = match attrs.iter().find(|(k, _)| k == "widths") {
            Some((_, w)) => w
                .split(',')
                .map(|x| x.trim().parse::<u32>().ok().filter(|&v| v > 0))
                .collect::<Option<Vec<u32>>>()
                .filter(|v| v.len() == cols)
                .ok_or_else(|| self.err(format!("widths 应为 {cols} 个正整数，以逗号分隔")))?,
            None => vec![1; cols],
        };
        Ok(t)
    }
}

/// The value of attribute `key`.
fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl MarkupParser<'_> {
    /// A positive whole number in attribute `key`, or `default`.
    fn number(
        &self,
        attrs: &[(String, String)],
        key: &str,
        default: u32,
    ) -> Result<u32, (usize, String)> {
        match attr(attrs, key) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|&n| (1..=200).contains(&n))
                .ok_or_else(|| self.err(format!("{key}=\"{v}\" 应为 1 到 200 的整数"))),
        }
    }

    /// `<form widths="…"><row lines="N"><c span="N" head="1" center="1">…</c></row></form>`.
    fn form(&mut self, attrs: &[(String, String)]) -> Result<Form, (usize, String)> {
        let mut f = Form::default();
        loop {
            match self.next()? {
                Ev::Start(n, a) if n == "row" => {
                    let mut row = FormRow {
                        lines: self.number(&a, "lines", 1)?,
                        cells: Vec::new(),
                    };
                    loop {
                        match self.next()? {
                            Ev::Start(n, a) if n == "c" => {
                                let span = self.number(&a, "span", 1)?;
                                let flag = |k: &str| attr(&a, k).is_some_and(|v| v == "1");
                                let (head, center) = (flag("head"), flag("center"));
                                let t = self.text("c", false)?;
                                let text = if t.is_empty() {
                                    Vec::new()
                                } else {
                                    t.split('\u{2028}').map(str::to_string).collect()
                                };
                                row.cells.push(FormCell {
                                    text,
                                    span,
                                    head,
                                    center,
                                });
                            }
                            Ev::End(n) if n == "row" => break,
                            Ev::Text(x) if x.trim().is_empty() => {}
                            _ => return Err(self.err("<row> 只能含 <c>")),
                        }
                    }
                    f.rows.push(row);
                }
                Ev::End(n) if n == "form" => break,
                Ev::Text(x) if x.trim().is_empty() => {}
                _ => return Err(self.err("<form> 只能含 <row>")),
            }
        }
        let widths = attr(attrs, "widths").ok_or_else(|| self.err("<form> 须有 widths"))?;
        f.widths = widths
            .split(',')
            .map(|x| x.trim().parse::<u32>().ok().filter(|&v| v > 0))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| self.err("widths 应为正整数，以逗号分隔"))?;
        let cols = f.widths.len() as u32;
        if let Some(r) = f
            .rows
            .iter()
            .position(|r| r.cells.iter().map(|c| c.span).sum::<u32>() != cols)
        {
            return Err(self.err(format!(
                "表格第 {} 行所占列数与 widths 的 {cols} 列不符",
                r + 1
            )));
        }
        if f.rows.is_empty() {
            return Err(self.err("<form> 须有 <row>"));
        }
        Ok(f)
    }

    /// `<fill>文字<u w="N">预填</u>…</fill>`: text and underlined blanks.
    fn fill(&mut self) -> Result<Vec<Fill>, (usize, String)> {
        let mut parts = Vec::new();
        let mut pending = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => pending.push_str(t.trim_matches(['\n', ' '])),
                Ev::Start(n, a) if n == "u" => {
                    if !pending.is_empty() {
                        parts.push(Fill::Text(std::mem::take(&mut pending)));
                    }
                    let cells = self.number(&a, "w", 4)?;
                    let text = self.text("u", false)?;
                    parts.push(Fill::Blank { cells, text });
                }
                Ev::End(n) if n == "fill" => break,
                _ => return Err(self.err("<fill> 只能含文字与 <u>")),
            }
        }
        if !pending.is_empty() {
            parts.push(Fill::Text(pending));
        }
        Ok(parts)
    }
}

/// Appends template text to `s`, dropping the template's own line breaks and
/// indentation.
fn flush_text(s: &mut String, pending: &mut String) {
    let mut lines = pending.split('\n');
    if let Some(first) = lines.next() {
        // Text before the first template line break keeps its spaces, except
        // at the very start of the element.
        if s.is_empty() || s.ends_with('\u{2028}') {
            s.push_str(first.trim_start());
        } else {
            s.push_str(first);
        }
    }
    for line in lines {
        let line = line.trim();
        if !line.is_empty() {
            let trimmed_len = s.trim_end_matches(' ').len();
            s.truncate(trimmed_len);
            join_line(s, line);
        }
    }
    let trimmed_len = s.trim_end_matches([' ', '\t']).len();
    if pending.ends_with('\n') || pending.ends_with(' ') && pending.contains('\n') {
        s.truncate(trimmed_len);
    }
    pending.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_from_nesting() {
        let d = parse_markup(
            "<doc><sec><h>甲</h><sec><h>乙</h><lead>正文</lead></sec><sec><h>丙</h></sec></sec><sec><h>丁</h></sec></doc>",
        )
        .unwrap();
        let nums: Vec<&str> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { number, .. } => Some(number.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(nums, ["一、", "（一）", "（二）", "二、"]);
        let d = parse_markup(r#"<doc><sec number="第{{ n }}、"><h>甲</h></sec></doc>"#).unwrap();
        assert!(matches!(&d.blocks[0], Block::Heading { number, .. } if number == "第{{ n }}、"));
    }

    #[test]
    fn escapes_print_literally_and_template_newlines_vanish() {
        let d = parse_markup("<doc><p>\n  R&amp;D &lt;5分钟&gt; &quot;甲&#x27;\n  乙\n</p></doc>")
            .unwrap();
        assert_eq!(
            d.blocks,
            vec![Block::Paragraph("R&D <5分钟> \"甲'乙".into())]
        );
    }

    #[test]
    fn bad_markup_names_the_line() {
        let e = parse_markup("<doc>\n<p>x</p>\n<bogus/>\n</doc>").unwrap_err();
        assert_eq!(e.0, 3);
        assert!(e.1.contains("bogus"));
    }

    #[test]
    fn an_undefined_variable_is_named_with_its_line() {
        let dir = std::env::temp_dir().join(format!("wenshu-tpl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("两个具体.xml"),
            "<doc>\n<p>{{ 没有这个 }}</p>\n</doc>\n",
        )
        .unwrap();
        let engine = Engine::new(Some(&dir)).unwrap();
        let e = engine
            .render("两个具体", &minijinja::context! {})
            .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("「{{ 没有这个 }}」"), "{}", e.message);
        std::fs::write(dir.join("两个具体-单位.xml"), "<doc/>").unwrap();
        let e = Engine::new(Some(&dir))
            .err()
            .expect("a stray template name is an error");
        assert!(
            e.message.contains("两个具体-单位.xml") && e.message.contains("党性分析材料-个人.xml"),
            "{}",
            e.message
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn undefined_variables_are_errors() {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template("t", "{{ 没有 }}").unwrap();
        assert!(env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! {})
            .is_err());
    }
}
