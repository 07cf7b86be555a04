//! Input: bytes on disk → located YAML trees.
//!
//! Owns everything between a path and a tree of [`Node`]s that remembers where
//! each value stood: the size cap, the text encoding (UTF-8 with or without BOM,
//! CRLF, and GBK/GB18030 from Notepad), the YAML syntax, and the alias budget.
//! It never interprets a value: what a key means is the `paper` module's job.
//!
//! Why not serde_norway here: serde deserialisers stop at the first error and
//! carry no position for a value that parsed but is wrong (a deadline missing on
//! a 限期整改 item), and the libyaml family expands aliases before anyone can
//! count them. We read events from yaml-rust2 (with their markers) and build
//! the tree ourselves, charging every node an alias produces to a budget.

mod mistakes;
pub mod typed;

use std::path::Path;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

use crate::diag::{token_chars, Code, Diagnostic, Pos, Severity};

/// Largest input file accepted. A paper is a few KB; a multi-document file of
/// a thousand papers stays well under this.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most nodes one file may expand to, aliases included. Ten times a large
/// legitimate file; a quadratic alias fan-out hits it after a few ms.
pub const NODE_BUDGET: usize = 2_000_000;
/// Most nodes that aliases alone may add. Papers have no use for large
/// anchors; this stops a 42 KB fan-out before it allocates anything big.
pub const ALIAS_BUDGET: usize = 100_000;

/// A file's text, decoded, with the information needed to quote its lines.
#[derive(Debug)]
pub struct Source {
    /// The path as the user wrote it, used in every message.
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// The byte offset of `pos` in the text.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let line = self.line(pos.line)?;
        let start = *self.line_starts.get(pos.line - 1)?;
        let within = line
            .char_indices()
            .nth(pos.col.checked_sub(1)?)
            .map_or(line.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The position of byte offset `offset` in the text.
    pub fn pos_of(&self, offset: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self.text.get(start..offset).map_or(1, |t| t.chars().count() + 1);
        Pos { line, col }
    }

    /// The byte range of the token at `pos`: from its first character up
    /// to the next key colon or comma on its line (see [`token_chars`]).
    pub fn span(&self, pos: Pos) -> Option<std::ops::Range<usize>> {
        let line = self.line(pos.line)?;
        let line_start = *self.line_starts.get(pos.line - 1)?;
        let col = pos.col.checked_sub(1)?;
        let mut chars = line.char_indices().skip(col);
        let (first, _) = chars.next()?;
        let token = token_chars(line, col);
        let end = line[first..]
            .char_indices()
            .nth(token)
            .map_or(line.len(), |(i, _)| first + i);
        Some(line_start + first..line_start + end)
    }

    /// An input error at `pos` in this file, quoting the line.
    pub fn error(&self, pos: Pos, field: Option<&str>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Code::InvalidValue,
            file: self.name.clone(),
            pos: Some(pos),
            span: self.span(pos),
            field: field.map(str::to_string),
            message: message.into(),
            source_line: self.line(pos.line).map(str::to_string),
            hints: Vec::new(),
            shared: false,
        }
    }
}

/// A user's config file of wenshu: the file the environment variable `env`
/// names (whether or not it exists: naming a missing file is an error for
/// the reader to report), else `wenshu/{name}` in the user's config folder
/// (`$XDG_CONFIG_HOME`, or `~/.config`) if it is there.
pub fn config_file(env: &str, name: &str) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(std::path::PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("wenshu").join(name)).filter(|p| p.is_file())
}

/// Reads and decodes a file. Refuses files over the cap before reading them.
pub fn read_source(path: &Path) -> Result<Source, Diagnostic> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::whole_file(&name, Code::Unreadable, format!("无法读取文件：{}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(Diagnostic::whole_file(
            &name,
            Code::Unreadable,
            "这是一个目录，不是 YAML 文件",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::whole_file(
            &name,
            Code::TooLarge,
            format!(
                "文件过大（{} 字节），超过上限 {} 字节",
                meta.len(),
                MAX_FILE_BYTES
            ),
        )
        .with_help("请把文件拆分成几个较小的文件"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::whole_file(&name, Code::Unreadable, format!("无法读取文件：{}", io_reason(&e))))?;
    let text = decode(&name, &bytes)?;
    Ok(Source::new(name, text))
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        _ => e.to_string(),
    }
}

/// UTF-8 (BOM optional) is taken as is. Anything else is tried as GB18030,
/// which is what Notepad on Chinese Windows saves as "ANSI"; it is accepted
/// only if it decodes without a single replacement *and* then reads as a
/// paper (it names the key 文种), so mojibake cannot reach a paper.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::whole_file(name, Code::Encoding, "文件是 UTF-16 编码，无法读取")
            .with_help("请在记事本中“另存为”，编码选择 UTF-8"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map_or((String::new(), true), |t| (t.into_owned(), false));
            if had_errors || !text.contains("文种") {
                return Err(Diagnostic::whole_file(
                    name,
                    Code::Encoding,
                    "文件不是 UTF-8 编码，也不能确认是 GBK/GB18030 编码",
                )
                .with_help("请在记事本中“另存为”，编码选择 UTF-8"));
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(Diagnostic::whole_file(
            name,
            Code::Encoding,
            "文件含有空字符（NUL），不是文本文件",
        ));
    }
    // CRLF and lone CR become LF so line numbers and block scalars agree.
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// A YAML value and where it stood.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An empty value, `~` or `null`.
    Null,
    /// Every scalar stays text: `2026-01-05`, `1` and `是` are the paper's to
    /// interpret, never YAML's.
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order; duplicates are kept so that they can be reported.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A short Chinese name for the node's type, for "expected … found …".
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "空值",
            Value::Str(_) => "文字",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值表",
        }
    }
}

/// The field path and position of the value that holds the first occurrence
/// of `c` in the file: the scalar that starts last before it. Used to locate
/// problems found after templating (a character no font has).
pub fn locate_char(src: &Source, docs: &[YamlDoc], c: char) -> Option<(Pos, String)> {
    let offset = src.text.find(c)?;
    let line = src.text[..offset].matches('\n').count() + 1;
    let line_start = src.text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let col = src.text[line_start..offset].chars().count() + 1;
    let at = Pos { line, col };
    let mut best: Option<(Pos, String)> = None;
    fn walk(n: &Node, path: &str, at: Pos, best: &mut Option<(Pos, String)>) {
        match &n.value {
            Value::Str(_) if n.pos <= at && best.as_ref().is_none_or(|(p, _)| n.pos >= *p) => {
                *best = Some((n.pos, path.to_string()));
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{}]", i + 1), at, best);
                }
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    let key = match &k.value {
                        Value::Str(s) => s.as_str(),
                        _ => "?",
                    };
                    let p = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(v, &p, at, best);
                }
            }
            _ => {}
        }
    }
    for d in docs {
        walk(&d.root, "", at, &mut best);
    }
    best.map(|(_, path)| (at, path))
}

/// One YAML document of a stream, i.e. one paper.
#[derive(Debug)]
pub struct YamlDoc {
    pub root: Node,
    /// 1-based index in the file, for messages about multi-document files.
    pub index: usize,
}

/// Parses every document of a file. A syntax error, or a blown budget, ends
/// the reading: past it, nothing can be trusted. A syntax error is said
/// through the Chinese users' usual mistakes when any is found (a
/// full-width colon, full-width spaces or tabs in indentation), each at its
/// own line, else as the parser's message in Chinese.
pub fn parse_yaml(src: &Source) -> Result<Vec<YamlDoc>, Vec<Diagnostic>> {
    let mut parser = Parser::new_from_str(&src.text);
    let mut b = Builder::default();
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => return Err(syntax_error(src, &e)),
        };
        let pos = Pos {
            line: mark.line().max(1),
            col: mark.col() + 1,
        };
        let event = match event {
            Event::Scalar(text, TScalarStyle::Plain, anchor, tag) if text.contains(' ') => {
                let text = unfold_wide(src, pos, &text).unwrap_or(text);
                Event::Scalar(text, TScalarStyle::Plain, anchor, tag)
            }
            other => other,
        };
        match b.event(event, pos) {
            Ok(true) => break,
            Ok(false) => {}
            Err(msg) => {
                return Err(vec![src
                    .error(pos, None, msg)
                    .with_code(Code::Budget)
                    .with_help("文书用不到大型锚点与别名（& 与 *）；请直接写出内容")])
            }
        }
    }
    Ok(b.docs)
}

fn syntax_error(src: &Source, e: &yaml_rust2::ScanError) -> Vec<Diagnostic> {
    let mistakes = mistakes::scan(src);
    if !mistakes.is_empty() {
        return mistakes;
    }
    let m = e.marker();
    let pos = Pos {
        line: m.line().max(1),
        col: m.col() + 1,
    };
    vec![src
        .error(pos, None, format!("YAML 语法错误：{}", mistakes::translate(e.info())))
        .with_code(Code::Syntax)]
}

/// YAML folds a plain scalar that spans lines, putting a space at each line
/// break. Between two Chinese characters (or full-width punctuation) that
/// space is not the user's: "认真学习了党章，⏎  撰写心得" means "…党章，撰写心得".
/// Rebuilds the folds from the source lines and drops those spaces; `None`
/// when the scalar sits on one line or the source cannot be matched.
fn unfold_wide(src: &Source, pos: Pos, value: &str) -> Option<String> {
    let wide = |c: Option<char>| c.is_some_and(|c| crate::diag::cell_width(c) == 2);
    let wide_punct = |c: Option<char>| {
        c.is_some_and(|c| matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF65 | 0x2014 | 0x2026 | 0x201C..=0x201D | 0x2018..=0x2019))
    };
    let first: String = src.line(pos.line)?.chars().skip(pos.col - 1).collect();
    let first = first.trim_end();
    let mut rest = value.strip_prefix(first)?;
    if rest.is_empty() {
        return None;
    }
    let mut out = first.to_string();
    for line in (pos.line + 1..).map_while(|l| src.line(l)) {
        let seg = line.trim();
        if seg.is_empty() {
            rest = rest.strip_prefix('\n')?;
            out.push('\n');
            continue;
        }
        if !out.ends_with('\n') {
            rest = rest.strip_prefix(' ')?;
            let (before, after) = (out.chars().last(), seg.chars().next());
            let chinese = wide(before) && wide(after);
            if !(chinese || wide_punct(before) || wide_punct(after)) {
                out.push(' ');
            }
        }
        rest = rest.strip_prefix(seg)?;
        out.push_str(seg);
        if rest.is_empty() {
            return Some(out);
        }
    }
    None
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Builds trees from events, materialising aliases by copy and charging each
/// copied node to the budget *before* copying.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    docs: Vec<YamlDoc>,
    /// anchor id → (node, its node count)
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    nodes: usize,
    alias_nodes: usize,
}

fn count_nodes(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
        _ => 0,
    }
}

impl Builder {
    /// Returns `Ok(true)` at the end of the stream.
    fn event(&mut self, event: Event, pos: Pos) -> Result<bool, String> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar_value(text, style, tag.as_ref());
                self.finish(Node { pos, value }, anchor, 1)?;
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                pos,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                pos,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { pos, anchor, items }) => (
                        Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    }) => (
                        Node {
                            pos,
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Ok(false),
                };
                let size = if anchor > 0 { count_nodes(&node) } else { 0 };
                self.finish(node, anchor, size)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err("引用了未定义的锚点".into());
                };
                let size = *size;
                self.alias_nodes += size;
                if self.alias_nodes > ALIAS_BUDGET || self.nodes + size > NODE_BUDGET {
                    return Err(format!(
                        "别名展开超出预算：别名共展开 {} 个以上节点（上限 {}），已停止读取",
                        self.alias_nodes, ALIAS_BUDGET
                    ));
                }
                let mut copy = node.clone();
                copy.pos = pos;
                self.nodes += size;
                self.push(copy);
                return Ok(false);
            }
        }
        Ok(false)
    }

    fn finish(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return Err(format!("文件节点过多（超过 {NODE_BUDGET} 个）"));
        }
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.push(node);
        Ok(())
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => {
                let index = self.docs.len() + 1;
                self.docs.push(YamlDoc { root: node, index });
            }
        }
    }
}

fn scalar_value(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    let plain = style == TScalarStyle::Plain && tag.is_none();
    if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        Value::Null
    } else {
        Value::Str(text)
    }
}

/// The SHA-256 of some bytes as lowercase hex: how resume recognises an
/// input and an output it already wrote.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<YamlDoc>, Diagnostic> {
        parse_yaml(&Source::new("t.yaml", text.to_string())).map_err(|mut d| d.remove(0))
    }

    #[test]
    fn positions_are_one_based_characters() {
        let docs = parse("文种: 两个具体\n单位: 某单位\n").unwrap();
        let Value::Map(entries) = &docs[0].root.value else {
            panic!()
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, col: 1 });
        assert_eq!(entries[1].1.pos, Pos { line: 2, col: 5 });
    }

    #[test]
    fn multi_document_streams() {
        let docs = parse("a: 1\n---\na: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].index, 2);
    }

    #[test]
    fn quadratic_alias_fan_out_is_refused_quickly() {
        let n = 1000;
        let mut y = String::from("a: &a [");
        y.push_str(&vec!["x"; n].join(","));
        y.push_str("]\nb: [");
        y.push_str(&vec!["*a"; n].join(","));
        y.push_str("]\n");
        let start = std::time::Instant::now();
        let err = parse(&y).unwrap_err();
        assert!(err.message.contains("别名展开超出预算"), "{}", err.message);
        assert!(start.elapsed().as_millis() < 1000);
    }

    #[test]
    fn gbk_is_decoded_only_when_it_is_a_paper() {
        let (bytes, _, _) = encoding_rs::GBK.encode("文种: 两个具体\n单位: 某单位\n");
        assert!(decode("x", &bytes).unwrap().contains("某单位"));
        let (bytes, _, _) = encoding_rs::GBK.encode("随便什么内容");
        assert!(decode("x", &bytes).is_err());
    }

    #[test]
    fn bom_and_crlf() {
        let t = decode("x", b"\xEF\xBB\xBFa: 1\r\nb: 2\r\n").unwrap();
        assert_eq!(t, "a: 1\nb: 2\n");
    }
}
