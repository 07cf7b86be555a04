//! Scanning one WordprocessingML part: where its text is and what holds it.
//!
//! Owns the byte offsets of every `w:t` (its opening tag and its raw
//! content), the paragraph each belongs to and where that paragraph stands
//! (a table cell, a text box, or the Nth paragraph), and the elements a
//! docxtpl-style `{%p …%}`, `{%r …%}`, `{%tr …%}` or `{%tc …%}` tag stands
//! for. It never changes the XML: [`super::tags`] decides what to rewrite.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

/// One `<w:t>` element.
#[derive(Debug)]
pub struct TextNode {
    /// The opening tag `<w:t …>`.
    pub open: Range<usize>,
    /// The raw (escaped) content between the tags.
    pub content: Range<usize>,
    /// The content unescaped: what the user typed.
    pub text: String,
    /// Whether the opening tag already keeps spaces (`xml:space="preserve"`).
    pub preserve: bool,
    /// The innermost paragraph holding it, an index into [`Scan::paras`].
    pub para: usize,
    /// The names of the open elements around the text (`w:body/w:p/w:r/w:t`):
    /// two tags of one block must stand at the same path, or the XML between
    /// them would not be whole.
    pub path: String,
}

/// Where a paragraph stands, for messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// 1-based among the paragraphs outside tables and text boxes; a
    /// paragraph in a table or text box has the ordinal of the last one
    /// before it.
    pub ordinal: usize,
    /// (table, row, column), 1-based, of the innermost table cell.
    pub cell: Option<(usize, usize, usize)>,
    pub text_box: bool,
}

#[derive(Debug)]
pub struct Para {
    pub place: Place,
    /// The paragraph's text as typed (its `w:t` contents joined).
    pub text: String,
}

/// The elements a paragraph-level tag can replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    P,
    R,
    Tr,
    Tc,
}

impl Level {
    fn of(name: &str) -> Option<Level> {
        match name {
            "w:p" => Some(Level::P),
            "w:r" => Some(Level::R),
            "w:tr" => Some(Level::Tr),
            "w:tc" => Some(Level::Tc),
            _ => None,
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Level::P => "p",
            Level::R => "r",
            Level::Tr => "tr",
            Level::Tc => "tc",
        }
    }

    /// The element's name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Level::P => "段落",
            Level::R => "文字块（run）",
            Level::Tr => "表格行",
            Level::Tc => "表格单元格",
        }
    }
}

#[derive(Debug)]
pub struct Elem {
    pub level: Level,
    /// From `<` of the start tag to `>` of the end tag.
    pub range: Range<usize>,
    /// The path of the element's parent, as in [`TextNode::path`].
    pub parent_path: String,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub texts: Vec<TextNode>,
    pub paras: Vec<Para>,
    pub elems: Vec<Elem>,
}

impl Scan {
    /// The innermost element of `level` that holds byte `at`.
    pub fn enclosing(&self, level: Level, at: usize) -> Option<&Elem> {
        self.elems
            .iter()
            .filter(|e| e.level == level && e.range.start < at && at < e.range.end)
            .max_by_key(|e| e.range.start)
    }
}

/// Table counters while scanning: (table ordinal, row, column).
struct TableAt {
    ordinal: usize,
    row: usize,
    col: usize,
}

/// Scans a part. `Err` carries quick-xml's reason and byte offset.
pub fn scan(xml: &str) -> Result<Scan, (String, usize)> {
    let mut reader = Reader::from_str(xml);
    let mut out = Scan::default();
    // (name, start offset, paragraph index for w:p, level)
    let mut stack: Vec<(String, usize, Option<usize>)> = Vec::new();
    let mut tables: Vec<TableAt> = Vec::new();
    let mut table_count = 0;
    let mut text_boxes = 0usize;
    let mut open_t: Option<(Range<usize>, bool)> = None;
    // Paragraphs of the body (not in a table or a text box), as Word users
    // count them.
    let mut body_paras = 0;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (e.to_string(), reader.error_position() as usize))?;
        let end = reader.buffer_position() as usize;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                let mut para = None;
                match name {
                    "w:tbl" => {
                        table_count += 1;
                        tables.push(TableAt {
                            ordinal: table_count,
                            row: 0,
                            col: 0,
                        });
                    }
                    "w:tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row += 1;
                            t.col = 0;
                        }
                    }
                    "w:tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.col += 1;
                        }
                    }
                    "w:txbxContent" => text_boxes += 1,
                    "w:p" => {
                        let place = place(&tables, text_boxes, &mut body_paras);
                        out.paras.push(Para {
                            place,
                            text: String::new(),
                        });
                        para = Some(out.paras.len() - 1);
                    }
                    "w:t" => {
                        let preserve = e.attributes().flatten().any(|a| {
                            a.key.as_ref() == "xml:space" && a.value.as_ref() == "preserve"
                        });
                        open_t = Some((start..end, preserve));
                    }
                    _ => {}
                }
                stack.push((name.to_string(), start, para));
            }
            Event::Empty(e) if e.name().as_ref() == "w:p" => {
                out.paras.push(Para {
                    place: place(&tables, text_boxes, &mut body_paras),
                    text: String::new(),
                });
            }
            Event::End(e) => {
                let name = e.name();
                let name = name.as_ref();
                let Some((_, elem_start, _)) = stack.pop() else {
                    continue;
                };
                match name {
                    "w:tbl" => {
                        tables.pop();
                    }
                    "w:txbxContent" => text_boxes = text_boxes.saturating_sub(1),
                    "w:t" => {
                        if let Some((open, preserve)) = open_t.take() {
                            let content = open.end..start;
                            let text = quick_xml::escape::unescape(&xml[content.clone()])
                                .map_err(|e| (e.to_string(), content.start))?
                                .into_owned();
                            let para = stack.iter().rev().find_map(|(_, _, p)| *p);
                            if let Some(p) = para {
                                out.paras[p].text.push_str(&text);
                                let mut path = path_of(&stack);
                                path.push_str("/w:t");
                                out.texts.push(TextNode {
                                    open,
                                    content,
                                    text,
                                    preserve,
                                    para: p,
                                    path,
                                });
                            }
                        }
                    }
                    _ => {}
                }
                if let Some(level) = Level::of(name) {
                    out.elems.push(Elem {
                        level,
                        range: elem_start..end,
                        parent_path: path_of(&stack),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The place of a paragraph that starts now; counts it if it is the body's.
fn place(tables: &[TableAt], text_boxes: usize, body_paras: &mut usize) -> Place {
    let cell = tables.last().map(|t| (t.ordinal, t.row, t.col));
    let text_box = text_boxes > 0;
    if cell.is_none() && !text_box {
        *body_paras += 1;
    }
    Place {
        ordinal: *body_paras,
        cell,
        text_box,
    }
}

fn path_of(stack: &[(String, usize, Option<usize>)]) -> String {
    let names: Vec<&str> = stack.iter().map(|(n, _, _)| n.as_str()).collect();
    names.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:document><w:body><w:p><w:r><w:t>姓名：</w:t></w:r><w:r><w:t xml:space="preserve">{{ </w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a&amp;b</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>"#;

    #[test]
    fn texts_know_their_paragraph_and_cell() {
        let s = scan(XML).unwrap();
        assert_eq!(s.texts.len(), 3);
        assert_eq!(s.texts[1].text, "{{ ");
        assert!(s.texts[1].preserve && !s.texts[0].preserve);
        assert_eq!(s.paras[0].text, "姓名：{{ ");
        assert_eq!(s.texts[2].text, "a&b");
        assert_eq!(&XML[s.texts[2].content.clone()], "a&amp;b");
        let cell = &s.paras[s.texts[2].para].place;
        assert_eq!(cell.cell, Some((1, 1, 1)));
        assert_eq!(s.paras.len(), 3);
        assert_eq!(s.texts[0].path, "w:document/w:body/w:p/w:r/w:t");
    }

    #[test]
    fn enclosing_row() {
        let s = scan(XML).unwrap();
        let at = s.texts[2].content.start;
        let tr = s.enclosing(Level::Tr, at).unwrap();
        assert!(XML[tr.range.clone()].starts_with("<w:tr>"));
        assert!(XML[tr.range.clone()].ends_with("</w:tr>"));
        assert_eq!(tr.parent_path, "w:document/w:body/w:tbl");
    }
}
