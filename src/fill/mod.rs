//! Filling an office's own Word template (`wenshu fill`).
//!
//! Offices already have their forms as .docx files: a 评议表 with the
//! district's letterhead, a unit's 整改方案 layout. This module fills such a
//! file from YAML with the tags docxtpl users know (`{{ 字段 }}`,
//! `{% if %}`, `{% for %}`, `{%tr for … %}` for table rows, `{%p … %}` for
//! whole paragraphs), evaluated by minijinja with Chinese names.
//!
//! The stages: [`package`] (the zip: text parts in, filled parts out, every
//! other entry copied raw) → [`scan`] (where a part's text is) → [`tags`]
//! (tags found across Word's runs, checked, turned into a minijinja source)
//! → [`uses`] (which fields the tags need) → [`render`] (evaluation and
//! escaping) with [`data`] (the YAML side). This file ties them together and
//! locates every problem in both files: the template's paragraph or table
//! cell with its text, and the YAML file and line.
//!
//! It never lays anything out: the document's layout is the office's, so a
//! PDF of it comes from LibreOffice ([`crate::convert`]), not from wenshu's
//! typesetter.

pub mod data;
pub mod files;
pub mod package;
pub mod render;
pub mod scan;
pub mod tags;
pub mod uses;

use std::path::Path;

use minijinja::Environment;

use crate::diag::{self, Code, Diagnostic};
use crate::input::{Node, Source, Value as Yaml};
use package::Package;
use scan::Para;
use tags::{Kind, Tag};
use uses::{Seg, Use};

/// A template read, checked and compiled; fills any number of documents.
pub struct Template {
    /// The file as the user named it.
    pub name: String,
    /// SHA-256 of the template file: a batch redoes its rows when it changes.
    pub digest: String,
    package: Package,
    parts: Vec<Part>,
    env: Environment<'static>,
    uses: Vec<Use>,
}

/// A text part that holds tags.
pub struct Part {
    /// Index of its zip entry.
    index: usize,
    /// Its zip entry name, e.g. `word/header1.xml`; also its template name.
    pub name: String,
    paras: Vec<Para>,
    source: tags::Source,
}

impl Part {
    /// 正文, 页眉（header1.xml）, …
    pub fn label(&self) -> String {
        let file = self.name.trim_start_matches("word/");
        if file == "document.xml" {
            "正文".into()
        } else if file.starts_with("header") {
            format!("页眉（{file}）")
        } else if file.starts_with("footer") {
            format!("页脚（{file}）")
        } else if file == "footnotes.xml" {
            "脚注".into()
        } else {
            "尾注".into()
        }
    }

    /// The part's tags in document order.
    pub fn tags(&self) -> &[Tag] {
        &self.source.tags
    }

    /// Where paragraph `para` stands, with its text: 正文第 3 段「姓名：{{ 姓名 }}」.
    pub fn place(&self, para: usize) -> String {
        let text: String = self.paras[para].text.trim().chars().take(40).collect();
        let more = if self.paras[para].text.trim().chars().count() > 40 {
            "…"
        } else {
            ""
        };
        format!(
            "{}{}「{text}{more}」",
            self.label(),
            tags::describe_place(&self.paras, para)
        )
    }
}

impl Template {
    /// Reads and compiles a template file. Every problem in it is reported.
    pub fn open(path: &Path) -> Result<Template, Vec<Diagnostic>> {
        let name = path.display().to_string();
        let whole = |m: String| vec![Diagnostic::whole_file(&name, Code::Unreadable, m)];
        // A regular file only (a FIFO named 模板.docx must not block), capped.
        let bytes =
            crate::input::read_limited(path, package::MAX_TEMPLATE_BYTES).map_err(|e| match e {
                crate::input::ReadError::TooLarge(n, max) => {
                    whole(format!("模板过大（{n} 字节），超过上限 {max} 字节"))
                }
                e => whole(format!("无法读取模板：{e}")),
            })?;
        Template::from_bytes(&name, bytes)
    }

    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Template, Vec<Diagnostic>> {
        let digest = crate::input::sha256_hex(&bytes);
        let (package, text_parts) = Package::read(bytes)
            .map_err(|m| vec![Diagnostic::whole_file(name, Code::Encoding, m)])?;
        let mut env = render::environment();
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        for tp in text_parts {
            let scanned = match scan::scan(&tp.xml) {
                Ok(s) => s,
                Err((why, at)) => {
                    errors.push(Diagnostic::whole_file(
                        name,
                        Code::Syntax,
                        format!("其中的 {} 不是完好的 XML（第 {at} 字节：{why}）", tp.name),
                    ));
                    continue;
                }
            };
            let paras_of = |s: &scan::Scan| {
                s.paras
                    .iter()
                    .map(|p| Para {
                        place: p.place.clone(),
                        text: p.text.clone(),
                    })
                    .collect::<Vec<_>>()
            };
            match tags::build(&tp.xml, &scanned) {
                Ok(source) if source.tags.is_empty() => {}
                Ok(source) => parts.push(Part {
                    index: tp.index,
                    name: tp.name,
                    paras: paras_of(&scanned),
                    source,
                }),
                Err(problems) => {
                    let part = Part {
                        index: tp.index,
                        name: tp.name,
                        paras: paras_of(&scanned),
                        source: tags::Source::default(),
                    };
                    for p in problems {
                        let at = match p.para {
                            Some(i) => part.place(i),
                            None => part.label(),
                        };
                        errors.push(Diagnostic::whole_file(
                            name,
                            Code::Template,
                            format!("{at}：{}", p.message),
                        ));
                    }
                }
            }
        }
        for part in &parts {
            if let Err(e) = env.add_template_owned(part.name.clone(), part.source.source.clone()) {
                errors.push(template_error(name, part, &e));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut uses = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            uses.extend(uses::collect(&env, i, part.tags()));
        }
        Ok(Template {
            name: name.to_string(),
            digest,
            package,
            parts,
            env,
            uses,
        })
    }

    /// The parts that hold tags.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Every field path the tags use, in document order.
    pub fn uses(&self) -> &[Use] {
        &self.uses
    }

    /// Fills the template with one YAML document. `strict` also refuses
    /// fields the template never uses. Nothing is produced on any error.
    pub fn fill(
        &self,
        src: &Source,
        root: &Node,
        strict: bool,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let mut errors = self.data_errors(src, root, strict);
        if !errors.is_empty() {
            return Err(errors);
        }
        let ctx = data::to_value(root);
        let mut filled = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let t = self.env.get_template(&part.name).expect("compiled in open");
            match t.render(&ctx) {
                Ok(xml) => filled.push((part.index, xml)),
                Err(e) => {
                    errors = self.missing(src, root);
                    if errors.is_empty() {
                        errors.push(self.render_error(part, &e, src, root));
                    }
                    return Err(errors);
                }
            }
        }
        let refs: Vec<(usize, &str)> = filled.iter().map(|(i, x)| (*i, x.as_str())).collect();
        self.package
            .write(&refs)
            .map_err(|m| vec![Diagnostic::whole_file(&self.name, Code::Internal, m)])
    }

    /// Problems with the data alone: not a mapping, a key given twice, and
    /// with `strict` the fields no tag uses.
    fn data_errors(&self, src: &Source, root: &Node, strict: bool) -> Vec<Diagnostic> {
        if !matches!(root.value, Yaml::Map(_)) {
            return vec![src
                .error(
                    root.pos,
                    None,
                    format!(
                        "数据应为键值表（每行「字段: 值」），实为{}",
                        root.type_name()
                    ),
                )
                .with_code(Code::WrongType)];
        }
        let mut errors = Vec::new();
        let mut dups = Vec::new();
        data::duplicates(root, "", &mut dups);
        for (pos, field) in dups {
            errors.push(
                src.error(pos, Some(&field), "字段重复：同一层中已经有这个字段")
                    .with_code(Code::InvalidValue),
            );
        }
        if strict {
            let paths: Vec<&[Seg]> = self.uses.iter().map(|u| u.path.as_slice()).collect();
            for (pos, field) in data::unused(root, &paths) {
                errors.push(
                    src.error(
                        pos,
                        Some(&field),
                        format!("模板 {} 没有用到这个字段（--strict）", self.name),
                    )
                    .with_code(Code::UnknownField)
                    .with_help(
                        "是否写错了字段名？用 wenshu fill --inspect 模板.docx 查看模板用到的字段",
                    ),
                );
            }
        }
        errors
    }

    /// Every field a tag needs and the data lacks, each located in both files.
    fn missing(&self, src: &Source, root: &Node) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let mut said = std::collections::HashSet::new();
        for u in self.uses.iter().filter(|u| u.required) {
            let part = &self.parts[u.part];
            let tag = &part.tags()[u.tag];
            for m in data::missing(root, &u.path) {
                if !said.insert((m.field.clone(), u.part, u.tag)) {
                    continue;
                }
                let keys: Vec<&str> = m.keys.iter().map(String::as_str).collect();
                let last = m.field.rsplit(['.', ']']).next().unwrap_or("");
                let mut d = src
                    .error(
                        m.at,
                        Some(&m.field),
                        format!(
                            "模板 {} {}中的标签「{}」要用「{}」，但{}",
                            self.name,
                            part.place(tag.para),
                            tag.typed,
                            m.field,
                            m.what
                        ),
                    )
                    .with_code(Code::MissingField);
                if let Some(near) = diag::suggest(last, &keys) {
                    d = d.with_help(format!("数据中有「{near}」，是否写错了字段名？"));
                }
                errors.push(d);
            }
        }
        errors
    }

    /// An error raised while rendering, named by its tag.
    fn render_error(
        &self,
        part: &Part,
        e: &minijinja::Error,
        src: &Source,
        root: &Node,
    ) -> Diagnostic {
        let tag = e.line().and_then(|l| part.source.tag_at_line(l));
        let what = render::explain(e);
        let message = match tag {
            Some(t) => format!(
                "模板 {} {}中的标签「{}」{what}",
                self.name,
                part.place(t.para),
                t.typed
            ),
            None => format!("模板 {} {}：{what}", self.name, part.label()),
        };
        let code = match e.kind() {
            minijinja::ErrorKind::UndefinedError => Code::MissingField,
            minijinja::ErrorKind::InvalidOperation => Code::WrongType,
            _ => Code::Template,
        };
        src.error(root.pos, None, message).with_code(code)
    }

    /// `wenshu fill --inspect`: every tag with its place, then the fields.
    pub fn inspect(&self) -> String {
        let mut s = format!("模板 {} 的标签：\n", self.name);
        for part in &self.parts {
            for t in part.tags() {
                if t.kind == Kind::Comment {
                    continue;
                }
                let what = match (t.kind, t.keyword()) {
                    (Kind::Expr, _) => "填写",
                    (_, "for") => "循环",
                    (_, "endfor") => "循环结束",
                    (_, "if" | "elif" | "else") => "条件",
                    (_, "endif") => "条件结束",
                    _ => "语句",
                };
                let level = t
                    .level
                    .map(|l| format!("（整个{}）", l.label()))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "  {what}{level}\t{}\t{}\n",
                    t.typed,
                    part.place(t.para)
                ));
            }
        }
        s.push_str("\n用到的字段（[] 表示列表中的每一项）：\n");
        let mut seen = Vec::new();
        for u in &self.uses {
            let p = uses::show(&u.path);
            if !seen.contains(&p) {
                s.push_str(&format!(
                    "  {p}{}\n",
                    if u.required { "" } else { "（可不填）" }
                ));
                seen.push(p);
            }
        }
        s
    }

    /// `wenshu new --from 模板.docx`: a YAML with every field the template
    /// uses, lists with one item, each field saying where it is used.
    pub fn starter(&self) -> String {
        let mut tree = StarterNode::default();
        for u in &self.uses {
            let part = &self.parts[u.part];
            let place = part.place(part.tags()[u.tag].para);
            tree.insert(&u.path, &place);
        }
        let mut s = format!(
            "# 模板 {} 的数据。填好后运行：wenshu fill {} 本文件.yaml -o 输出\n",
            self.name, self.name
        );
        tree.write(&mut s, 0, false);
        s
    }
}

/// An output name from a pattern such as `{{ 姓名 }}-评议表` and one
/// document's data. `Err` is a Chinese reason.
pub fn evaluate_name(pattern: &str, root: &Node) -> Result<String, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.render_str(pattern, data::to_value(root))
        .map(|s| s.trim().to_string())
        .map_err(|e| format!("「{pattern}」{}", render::explain(&e)))
}

/// The starter YAML's tree of fields.
#[derive(Default)]
struct StarterNode {
    children: Vec<(String, StarterNode)>,
    list: bool,
    used_at: Option<String>,
}

impl StarterNode {
    fn insert(&mut self, path: &[Seg], place: &str) {
        let Some((first, rest)) = path.split_first() else {
            self.used_at.get_or_insert_with(|| place.to_string());
            return;
        };
        match first {
            Seg::Each => {
                self.list = true;
                self.insert(rest, place);
            }
            Seg::Key(k) => {
                let i = match self.children.iter().position(|(n, _)| n == k) {
                    Some(i) => i,
                    None => {
                        self.children.push((k.clone(), StarterNode::default()));
                        self.children.len() - 1
                    }
                };
                self.children[i].1.insert(rest, place);
            }
        }
    }

    fn write(&self, s: &mut String, indent: usize, _in_list: bool) {
        for (name, child) in &self.children {
            let pad = " ".repeat(indent);
            let note = child
                .used_at
                .as_ref()
                .map(|p| format!("  # {}", p.replace('\n', " ")))
                .unwrap_or_default();
            if child.children.is_empty() && !child.list {
                s.push_str(&format!("{pad}{name}: {}\n", note.trim_start()));
                let _ = s.pop();
                s.push('\n');
            } else if child.list {
                s.push_str(&format!("{pad}{name}:{note}\n"));
                if child.children.is_empty() {
                    s.push_str(&format!("{pad}  - \n"));
                } else {
                    let mut item = String::new();
                    child.write(&mut item, indent + 4, true);
                    // The first field of the item carries the dash.
                    let item = item.replacen(&" ".repeat(indent + 4), &format!("{pad}  - "), 1);
                    s.push_str(&item);
                }
            } else {
                s.push_str(&format!("{pad}{name}:{note}\n"));
                child.write(s, indent + 2, false);
            }
        }
    }
}

/// A problem found while compiling a part, named by its tag.
fn template_error(name: &str, part: &Part, e: &minijinja::Error) -> Diagnostic {
    let at = match e.line().and_then(|l| part.source.tag_at_line(l)) {
        Some(t) => format!("{}中的标签「{}」", part.place(t.para), t.typed),
        None => part.label(),
    };
    Diagnostic::whole_file(name, Code::Template, format!("{at}{}", render::explain(e)))
}
