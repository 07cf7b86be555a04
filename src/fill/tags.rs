//! Tags: finding `{{ … }}`, `{% … %}` and `{# … #}` in a part's text, however
//! Word split it into runs, and turning the part into a minijinja source.
//!
//! Owns the tag grammar docxtpl users know: a tag may run across any number
//! of `w:t` elements of one paragraph (spell check, revision ids and format
//! changes split typed text); its output takes the place of its first
//! character, so it keeps the formatting of the run it starts in, and the
//! text around it keeps its own runs. `{%p …%}`, `{%r …%}`, `{%tr …%}` and
//! `{%tc …%}` stand for the whole paragraph, run, table row or cell they are
//! in. It checks that the blocks pair up and that the XML between two tags of
//! a block is whole, so the output is always well-formed. It never evaluates
//! anything: [`super::render`] does.
//!
//! Only the content of `w:t` elements that hold a tag is rewritten (and their
//! opening tag gains `xml:space="preserve"`); every other byte of the part is
//! carried into the source as it is.

use std::fmt::Write as _;

use super::scan::{Level, Para, Scan};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `{{ expr }}`: prints a value.
    Expr,
    /// `{% stmt %}`.
    Stmt,
    /// `{# … #}`: dropped.
    Comment,
}

#[derive(Clone, Debug)]
pub struct Tag {
    /// The tag as typed in the document, for messages.
    pub typed: String,
    pub kind: Kind,
    /// Set for `{%p …%}`, `{%tr …%}` and the like.
    pub level: Option<Level>,
    /// The code between the delimiters, whitespace control and level
    /// prefix removed, Word's curly quotes made straight.
    pub code: String,
    /// `-` or `+` right after the opening delimiter, if typed.
    pub control: &'static str,
    /// The paragraph it stands in (index into the scan's paragraphs).
    pub para: usize,
    /// Byte offset in the part where it stands, for document order.
    pub anchor: usize,
    /// The element path where its output goes (see [`super::scan::TextNode::path`]).
    pub path: String,
}

impl Tag {
    /// The first word of a statement: `if`, `endfor`, …
    pub fn keyword(&self) -> &str {
        self.code.split_whitespace().next().unwrap_or("")
    }
}

/// A problem with the template itself, located at a paragraph.
#[derive(Debug)]
pub struct Problem {
    pub para: Option<usize>,
    pub message: String,
}

/// A part turned into a minijinja source.
#[derive(Debug, Default)]
pub struct Source {
    pub source: String,
    pub tags: Vec<Tag>,
    /// (1-based source line where a tag's code starts, index into `tags`),
    /// in order: a minijinja error's line names its tag.
    pub lines: Vec<(usize, usize)>,
}

impl Source {
    /// The tag whose code holds source line `line`.
    pub fn tag_at_line(&self, line: usize) -> Option<&Tag> {
        let i = self.lines.partition_point(|(l, _)| *l <= line);
        i.checked_sub(1).map(|i| &self.tags[self.lines[i].1])
    }
}

/// Delimiters that open a tag, and the ones that close it.
const OPENERS: [(&str, &str, Kind); 3] = [
    ("{{", "}}", Kind::Expr),
    ("{%", "%}", Kind::Stmt),
    ("{#", "#}", Kind::Comment),
];

/// Full-width look-alikes a Chinese input method types instead.
const FULL_WIDTH_OPENERS: [&str; 3] = ["｛｛", "｛%", "｛％"];

/// A tag found in a paragraph's joined text: its byte range there.
struct Found {
    range: std::ops::Range<usize>,
    kind: Kind,
}

/// Finds the tags of one paragraph's text.
fn find_in_paragraph(text: &str) -> Result<Vec<Found>, String> {
    for fw in FULL_WIDTH_OPENERS {
        if let Some(i) = text.find(fw) {
            let near: String = text[i..].chars().take(20).collect();
            return Err(format!(
                "「{near}」用了全角括号「｛」：标签须用半角（英文）括号，如 {{{{ 姓名 }}}}"
            ));
        }
    }
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = text[i..].find('{') {
        let start = i + off;
        let Some((open, close, kind)) = OPENERS
            .iter()
            .find(|(o, _, _)| text[start..].starts_with(o))
        else {
            i = start + 1;
            continue;
        };
        let body = start + open.len();
        let Some(end) = text[body..].find(close) else {
            let shown: String = text[start..].chars().take(30).collect();
            return Err(format!(
                "标签「{shown}」没有结束的「{close}」（标签须写在同一段内）"
            ));
        };
        let end = body + end + close.len();
        found.push(Found {
            range: start..end,
            kind: *kind,
        });
        i = end;
    }
    Ok(found)
}

/// Word's typography inside code: curly quotes and wide spaces.
fn straighten(code: &str) -> String {
    code.chars()
        .map(|c| match c {
            '“' | '”' | '„' | '″' => '"',
            '‘' | '’' | '′' => '\'',
            '\u{3000}' | '\u{a0}' => ' ',
            c => c,
        })
        .collect()
}

/// Splits a tag's inner text into whitespace control, level and code.
fn classify(inner: &str, kind: Kind) -> Result<(&'static str, Option<Level>, String), String> {
    let (control, rest) = match inner.chars().next() {
        Some('-') => ("-", &inner[1..]),
        Some('+') => ("+", &inner[1..]),
        _ => ("", inner),
    };
    let mut level = None;
    for l in [Level::Tr, Level::Tc, Level::P, Level::R] {
        let p = l.prefix();
        if rest.starts_with(p) && rest[p.len()..].starts_with(char::is_whitespace) {
            level = Some(l);
        }
    }
    let code = match level {
        Some(l) => &rest[l.prefix().len()..],
        None => rest,
    };
    if level.is_some() && kind != Kind::Stmt {
        return Err(
            "不支持 docxtpl 的 {{p …}}、{{r …}}、{{tr …}} 这类富文本标签：请用 {{ 字段 }} 或 {%p …%}"
                .into(),
        );
    }
    let code = straighten(code.trim_start());
    if kind != Kind::Comment && code.trim().trim_end_matches('-').trim().is_empty() {
        return Err("标签是空的".into());
    }
    Ok((control, level, code))
}

/// One rewrite of the part: a byte range and what replaces it.
struct Edit {
    range: std::ops::Range<usize>,
    with: Replacement,
}

enum Replacement {
    /// A `w:t`'s content: literal text and tags in order.
    Content(Vec<Piece>),
    /// The attribute that keeps spaces, added to a `w:t` opening tag.
    Preserve,
    /// A whole element replaced by its level tag.
    Tag(usize),
}

enum Piece {
    Text(String),
    Tag(usize),
}

/// Finds every tag of the part and builds its minijinja source. Every
/// problem is returned at once.
pub fn build(xml: &str, scan: &Scan) -> Result<Source, Vec<Problem>> {
    let (tags, mut cuts, mut problems) = find_tags(scan);
    let order = document_order(&tags);
    check_blocks(&tags, &order, scan, &mut problems);
    let (replaced, mut edits) = replace_elements(&tags, scan, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    edits.extend(text_edits(&mut cuts, scan, &replaced));
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Ok(write_source(xml, &edits, &tags, &order))
}

/// A text node's cuts: a byte range of its text to drop, and the tag to put
/// there (none for the later pieces of a tag split over runs).
type Cuts = Vec<Vec<(std::ops::Range<usize>, Option<usize>)>>;

/// Every tag of every paragraph, found in its text joined across runs, and
/// for each text node the pieces of tags to cut out of it.
fn find_tags(scan: &Scan) -> (Vec<Tag>, Cuts, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut tags: Vec<Tag> = Vec::new();
    // For each text node: (byte range in its text to drop, tag to put there).
    let mut cuts: Cuts = (0..scan.texts.len()).map(|_| Vec::new()).collect();

    // Text nodes of each paragraph, in order.
    let mut by_para: Vec<Vec<usize>> = vec![Vec::new(); scan.paras.len()];
    for (i, t) in scan.texts.iter().enumerate() {
        by_para[t.para].push(i);
    }
    for (para, nodes) in by_para.iter().enumerate() {
        if nodes.is_empty() {
            continue;
        }
        let mut joined = String::new();
        let mut starts = Vec::with_capacity(nodes.len());
        for &n in nodes {
            starts.push(joined.len());
            joined.push_str(&scan.texts[n].text);
        }
        if !joined.contains(['{', '｛']) {
            continue;
        }
        let found = match find_in_paragraph(&joined) {
            Ok(f) => f,
            Err(message) => {
                problems.push(Problem {
                    para: Some(para),
                    message,
                });
                continue;
            }
        };
        for f in found {
            let typed = joined[f.range.clone()].to_string();
            let inner = &typed[2..typed.len() - 2];
            let (control, level, code) = match classify(inner, f.kind) {
                Ok(c) => c,
                Err(why) => {
                    problems.push(Problem {
                        para: Some(para),
                        message: format!("标签「{typed}」有误：{why}"),
                    });
                    continue;
                }
            };
            // The node holding the tag's first character owns its output.
            let first = starts.partition_point(|&s| s <= f.range.start) - 1;
            let owner = &scan.texts[nodes[first]];
            let (anchor, path) = match level {
                None => (
                    owner.content.start + (f.range.start - starts[first]),
                    owner.path.clone(),
                ),
                Some(l) => match scan.enclosing(l, owner.content.start) {
                    Some(e) => (e.range.start, e.parent_path.clone()),
                    None => {
                        problems.push(Problem {
                            para: Some(para),
                            message: format!("标签「{typed}」不在{}中", l.label()),
                        });
                        continue;
                    }
                },
            };
            let index = tags.len();
            tags.push(Tag {
                typed,
                kind: f.kind,
                level,
                code,
                control,
                para,
                anchor,
                path,
            });
            for (k, &n) in nodes.iter().enumerate().skip(first) {
                let (s, e) = (starts[k], starts[k] + scan.texts[n].text.len());
                if s >= f.range.end {
                    break;
                }
                let cut = f.range.start.max(s) - s..f.range.end.min(e) - s;
                let tag =
                    (k == first && level.is_none() && f.kind != Kind::Comment).then_some(index);
                cuts[n].push((cut, tag));
            }
        }
    }
    (tags, cuts, problems)
}

/// Elements a level tag replaces whole (its paragraph, row or cell), as
/// edits; a tag inside one would vanish, and is a problem.
fn replace_elements(
    tags: &[Tag],
    scan: &Scan,
    problems: &mut Vec<Problem>,
) -> (Vec<(std::ops::Range<usize>, usize)>, Vec<Edit>) {
    let mut edits: Vec<Edit> = Vec::new();
    let mut replaced: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let Some(l) = t.level else { continue };
        let range = scan
            .elems
            .iter()
            .find(|e| e.level == l && e.range.start == t.anchor)
            .map(|e| e.range.clone())
            .expect("the anchor is an element's start");
        replaced.push((range, i));
    }
    for (range, i) in &replaced {
        for (j, other) in tags.iter().enumerate() {
            let inside = match other.level {
                Some(_) => other.anchor > range.start && other.anchor < range.end,
                None => range.contains(&other.anchor),
            };
            if j != *i && other.kind != Kind::Comment && (inside || other.anchor == range.start) {
                problems.push(Problem {
                    para: Some(tags[*i].para),
                    message: format!(
                        "标签「{}」所在的{}会整个换成这个标签，其中的另一个标签「{}」会丢失：请把它移到别处",
                        tags[*i].typed,
                        tags[*i].level.expect("level tag").label(),
                        other.typed
                    ),
                });
            }
        }
        edits.push(Edit {
            range: range.clone(),
            with: Replacement::Tag(*i),
        });
    }
    (replaced, edits)
}

/// The text nodes' new content: their text with the tags cut out and each
/// tag's output put where it began (space kept), outside replaced elements.
fn text_edits(
    cuts: &mut Cuts,
    scan: &Scan,
    replaced: &[(std::ops::Range<usize>, usize)],
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (n, node_cuts) in cuts.iter_mut().enumerate() {
        if node_cuts.is_empty() {
            continue;
        }
        let node = &scan.texts[n];
        if replaced
            .iter()
            .any(|(r, _)| r.contains(&node.content.start))
        {
            continue;
        }
        node_cuts.sort_by_key(|(r, _)| r.start);
        let mut pieces = Vec::new();
        let mut at = 0;
        for (cut, tag) in node_cuts.iter() {
            if cut.start > at {
                pieces.push(Piece::Text(node.text[at..cut.start].to_string()));
            }
            if let Some(t) = tag {
                pieces.push(Piece::Tag(*t));
            }
            at = cut.end;
        }
        if at < node.text.len() {
            pieces.push(Piece::Text(node.text[at..].to_string()));
        }
        if !node.preserve {
            // Before the `>` of `<w:t>`.
            let gt = node.open.end - 1;
            edits.push(Edit {
                range: gt..gt,
                with: Replacement::Preserve,
            });
        }
        edits.push(Edit {
            range: node.content.clone(),
            with: Replacement::Content(pieces),
        });
    }
    edits
}

/// The part's XML with the edits applied, as minijinja source; its tags in
/// document order, the line map following them.
fn write_source(xml: &str, edits: &[Edit], tags: &[Tag], order: &[usize]) -> Source {
    let mut out = Source {
        source: String::with_capacity(xml.len() + 64 * tags.len()),
        tags: Vec::new(),
        lines: Vec::new(),
    };
    let mut line = 1;
    let mut at = 0;
    for e in edits {
        if e.range.start < at {
            continue; // inside an element already replaced
        }
        line += literal(&xml[at..e.range.start], &mut out.source);
        match &e.with {
            Replacement::Preserve => out.source.push_str(r#" xml:space="preserve""#),
            Replacement::Tag(t) => emit_tag(&tags[*t], *t, &mut out, &mut line),
            Replacement::Content(pieces) => {
                for p in pieces {
                    match p {
                        Piece::Text(s) => {
                            let escaped = quick_xml::escape::partial_escape(s.as_str());
                            line += literal(&escaped, &mut out.source);
                        }
                        Piece::Tag(t) => emit_tag(&tags[*t], *t, &mut out, &mut line),
                    }
                }
            }
        }
        at = e.range.end;
    }
    literal(&xml[at..], &mut out.source);
    // Tags listed in document order; the line map follows them.
    let mut remap = vec![0; tags.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    for l in &mut out.lines {
        l.1 = remap[l.1];
    }
    out.tags = order.iter().map(|&i| tags[i].clone()).collect();
    out
}

/// Tag indices in the order they stand in the part.
fn document_order(tags: &[Tag]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..tags.len()).collect();
    order.sort_by_key(|&i| tags[i].anchor);
    order
}

/// Literal XML into the source, with anything minijinja would read as a
/// delimiter printed instead; returns the newlines written.
fn literal(text: &str, out: &mut String) -> usize {
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        if rest[i + 1..].starts_with(['{', '%', '#']) {
            out.push_str("{{ \"{\" }}");
        } else {
            out.push('{');
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    text.bytes().filter(|&b| b == b'\n').count()
}

/// A tag's code, with its code starting on a line of its own so that an
/// error's line names it.
fn emit_tag(tag: &Tag, index: usize, out: &mut Source, line: &mut usize) {
    let (open, close) = match tag.kind {
        Kind::Expr => ("{{", "}}"),
        Kind::Stmt => ("{%", "%}"),
        Kind::Comment => return,
    };
    let _ = writeln!(out.source, "{open}{}", tag.control);
    *line += 1;
    out.lines.push((*line, index));
    out.source.push_str(&tag.code);
    out.source.push_str(close);
    *line += tag.code.bytes().filter(|&b| b == b'\n').count();
}

/// Statements that open a block, and the words that may stand inside one.
const BLOCKS: [&str; 8] = [
    "if",
    "for",
    "with",
    "macro",
    "call",
    "filter",
    "raw",
    "autoescape",
];

/// Pairs every block tag with its end and checks that both stand at the
/// same place in the XML, so that what lies between is whole.
fn check_blocks(tags: &[Tag], order: &[usize], scan: &Scan, problems: &mut Vec<Problem>) {
    let mut open: Vec<usize> = Vec::new();
    let at = |t: &Tag| describe_place(&scan.paras, t.para);
    for &i in order {
        let t = &tags[i];
        if t.kind != Kind::Stmt {
            continue;
        }
        let kw = t.keyword();
        if BLOCKS.contains(&kw) {
            open.push(i);
            continue;
        }
        let middle = matches!(kw, "elif" | "else");
        let Some(end_of) = kw.strip_prefix("end").filter(|_| !middle) else {
            if middle {
                match open.last() {
                    Some(&o) if matches!(tags[o].keyword(), "if" | "for") => {
                        same_place(&tags[o], t, scan, problems)
                    }
                    _ => problems.push(Problem {
                        para: Some(t.para),
                        message: format!("「{}」前面没有对应的「{{% if … %}}」", t.typed),
                    }),
                }
            }
            continue;
        };
        match open.pop() {
            Some(o) if tags[o].keyword() == end_of => same_place(&tags[o], t, scan, problems),
            Some(o) => {
                problems.push(Problem {
                    para: Some(t.para),
                    message: format!(
                        "「{}」与前面的「{}」（{}）不配对",
                        t.typed,
                        tags[o].typed,
                        at(&tags[o])
                    ),
                });
                open.push(o);
            }
            None => problems.push(Problem {
                para: Some(t.para),
                message: format!("「{}」前面没有对应的「{{% {end_of} … %}}」", t.typed),
            }),
        }
    }
    for o in open {
        let t = &tags[o];
        problems.push(Problem {
            para: Some(t.para),
            message: format!("「{}」没有对应的「{{% end{} %}}」", t.typed, t.keyword()),
        });
    }
}

fn same_place(a: &Tag, b: &Tag, scan: &Scan, problems: &mut Vec<Problem>) {
    if a.path == b.path {
        return;
    }
    let kind = |t: &Tag| match t.level {
        Some(l) => format!("整个{}", l.label()),
        None => "段落中的文字".to_string(),
    };
    problems.push(Problem {
        para: Some(b.para),
        message: format!(
            "「{}」（{}，代表{}）与「{}」（{}，代表{}）不在同一层：两者须同在一段之内，或都用 {{%p …%}} 各占一段，或都用 {{%tr …%}} 各占表格的一行",
            a.typed,
            describe_place(&scan.paras, a.para),
            kind(a),
            b.typed,
            describe_place(&scan.paras, b.para),
            kind(b)
        ),
    });
}

/// Where a paragraph stands, in words: 第 3 段, 第 1 个表格第 2 行第 3 列.
pub fn describe_place(paras: &[Para], para: usize) -> String {
    let p = &paras[para].place;
    let mut s = match p.cell {
        Some((t, r, c)) => format!("第 {t} 个表格第 {r} 行第 {c} 列"),
        None => format!("第 {} 段", p.ordinal),
    };
    if p.text_box {
        s = format!("第 {} 段的文本框中", p.ordinal.max(1));
        if let Some((t, r, c)) = p.cell {
            s.push_str(&format!("第 {t} 个表格第 {r} 行第 {c} 列"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;
    use super::*;

    fn build_str(xml: &str) -> Result<Source, Vec<Problem>> {
        build(xml, &scan(xml).unwrap())
    }

    #[test]
    fn a_tag_split_over_runs_goes_to_its_first_run() {
        let xml = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>姓名：{</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>{ 姓</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>名 }}（签字）</w:t></w:r></w:p>"#;
        let s = build_str(xml).unwrap();
        assert_eq!(
            s.source,
            "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">姓名：{{\n姓名 }}</w:t></w:r><w:proofErr w:type=\"spellStart\"/><w:r><w:t xml:space=\"preserve\"></w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">（签字）</w:t></w:r></w:p>"
        );
        assert_eq!(s.tags.len(), 1);
        assert_eq!(s.tags[0].code, "姓名 ");
        assert_eq!(s.lines, vec![(2, 0)]);
    }

    #[test]
    fn row_tags_replace_their_row() {
        let xml = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{%tr for 项 in 事项 %}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{{ 项 }}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
        let s = build_str(xml).unwrap();
        assert_eq!(
            s.source,
            "<w:tbl>{%\nfor 项 in 事项 %}<w:tr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">{{\n项 }}</w:t></w:r></w:p></w:tc></w:tr>{%\nendfor %}</w:tbl>"
        );
    }

    #[test]
    fn blocks_must_pair_and_stand_level() {
        let xml = "<w:body><w:p><w:r><w:t>{% if a %}</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{% endif %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>";
        let e = build_str(xml).unwrap_err();
        assert!(e[0].message.contains("不在同一层"), "{}", e[0].message);
        let e = build_str("<w:p><w:r><w:t>{% for x in y %}</w:t></w:r></w:p>").unwrap_err();
        assert!(
            e[0].message.contains("没有对应的「{% endfor %}」"),
            "{}",
            e[0].message
        );
        let e = build_str("<w:p><w:r><w:t>{{ 姓名 }</w:t></w:r></w:p>").unwrap_err();
        assert!(
            e[0].message.contains("没有结束的「}}」"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn literal_braces_are_printed() {
        let s = build_str("<w:p><w:r><w:t>{a} {{ x }}</w:t></w:r></w:p><x a=\"{%\"/>").unwrap();
        assert!(
            s.source.ends_with("<x a=\"{{ \"{\" }}%\"/>"),
            "{}",
            s.source
        );
        assert!(s.source.contains(">{a} {{\nx }}<"), "{}", s.source);
    }
}
