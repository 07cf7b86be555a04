//! Layout: [`Document`] → positioned glyphs on A4 pages.
//!
//! Owns the stages that turn the styled paragraphs of [`super::style`] into
//! pages, one file each, as typst-layout splits inline layout:
//! [`atoms`] (text → unbreakable pieces measured on the character grid of 28
//! cells of 15.79 pt, Latin runs rounded to whole cells as Word and
//! LibreOffice do in grid mode, or at natural width off it), [`lines`]
//! (line breaking: UAX #14 opportunities refined by GB/T 15834, a stop
//! squeezed in at half width, justification and glyph placement), [`table`]
//! (rows and cells), [`letterhead`] (版头 and 版记), and [`paginate`]
//! (22 lines of 28.95 pt a page; headings kept with the next line, table
//! rows kept whole unless taller than a third of a page, the header row
//! repeated, signature and date kept
//! together, 附件 on a new page, the 版记 at the foot of an even page, page
//! numbers). This file holds the shared types and hands each styled item to
//! its stage. The PDF writer only serialises what this produces.

mod atoms;
mod form;
mod letterhead;
mod lines;
mod paginate;
mod table;

use crate::document::Document;
use crate::fonts::{Face, FontRole, Fonts};
use crate::typeset::{self as ts, Indent, Item, Line, Para, Style};

pub use paginate::ImprintPlace;

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = ts::PAGE_WIDTH as f32 / 20.0;
pub const PAGE_H: f32 = ts::PAGE_HEIGHT as f32 / 20.0;
pub const LEFT: f32 = ts::MARGIN_LEFT as f32 / 20.0;
pub const TOP: f32 = ts::MARGIN_TOP as f32 / 20.0;
pub const WIDTH: f32 = ts::TEXT_WIDTH as f32 / 20.0;
pub const HEIGHT: f32 = ts::TEXT_HEIGHT as f32 / 20.0;
/// The height a page's flow fills: LibreOffice's body of whole grid lines
/// ([`ts::measured::LO_BODY_TWIPS`]), a little less than [`HEIGHT`].
pub const FLOW_HEIGHT: f32 = ts::measured::LO_BODY_TWIPS as f32 / 20.0;
/// One grid line: 28.95 pt.
pub const LINE: f32 = ts::LINE_PITCH as f32 / 20.0;
/// One grid cell: 15.79 pt.
pub const CELL: f32 = WIDTH / ts::CHARS_PER_LINE as f32;
/// The body size in points: a grid cell holds one character of it.
const BODY: f32 = ts::BODY_SIZE as f32 / 2.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Color(pub f32, pub f32, pub f32);
pub const BLACK: Color = Color(0.0, 0.0, 0.0);
pub const RED: Color = Color(1.0, 0.0, 0.0);

/// One glyph at an absolute x (pt from the page's left edge).
#[derive(Clone, Debug)]
pub struct Glyph {
    pub gid: u16,
    pub x: f32,
    pub ch: char,
}

/// Glyphs of one face and size on one baseline.
#[derive(Clone, Debug)]
pub struct TextRun {
    pub face: usize,
    pub size: f32,
    /// Baseline, pt from the top of the box (while laying out) or of the page.
    pub y: f32,
    pub glyphs: Vec<Glyph>,
    pub color: Color,
}

/// A straight rule (table borders, red rule, 版记 lines).
#[derive(Clone, Debug)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub width: f32,
    pub color: Color,
}

impl Rule {
    /// A horizontal rule across the text block, `y` pt from the box's top.
    fn across(y: f32, width: f32, color: Color) -> Rule {
        Rule {
            x1: LEFT,
            y1: y,
            x2: LEFT + WIDTH,
            y2: y,
            width,
            color,
        }
    }

    /// A vertical rule at `x` down a box `height` pt tall (a table's
    /// column edge).
    fn down(x: f32, height: f32, width: f32, color: Color) -> Rule {
        Rule {
            x1: x,
            y1: 0.0,
            x2: x,
            y2: height,
            width,
            color,
        }
    }
}

/// A filled black rectangle (a QR code's modules), pt from the page's
/// top-left corner (from the box's top while laying out).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

#[derive(Debug, Default)]
pub struct Page {
    /// The printed page number ("— N —"), or none (blank page).
    pub number: Option<usize>,
    pub texts: Vec<TextRun>,
    pub rules: Vec<Rule>,
    pub marks: Vec<Mark>,
}

/// A laid-out paper.
#[derive(Debug, Default)]
pub struct Layout {
    pub pages: Vec<Page>,
    /// Every body line as text, in order (for tests and fidelity checks).
    pub lines: Vec<String>,
    /// Where the 版记 went, for the DOCX writer to put it in the same place.
    pub imprint: Option<ImprintPlace>,
}

/// A vertical box: one line of text or one table row.
struct Box_ {
    height: f32,
    texts: Vec<TextRun>,
    rules: Vec<Rule>,
    marks: Vec<Mark>,
    keep_with_next: bool,
    page_break_before: bool,
    /// For table rows: the header row to repeat after a page break.
    repeat_header: Option<usize>,
    /// For a table row that may break across pages: its cells' lines.
    split: Option<Box<table::RowCells>>,
    /// The 版记: placed at the foot of the last page, not in the flow.
    imprint: bool,
    /// What the box is if it is the gap after a table or form.
    gap: Gap,
    text: String,
}

/// The gap after a table or form, as the DOCX writes it
/// ([`ts::carries_table_gap`]).
#[derive(Clone, Copy, PartialEq)]
enum Gap {
    /// Not a gap.
    No,
    /// A spacer of its own: set where it falls, on the next page if it
    /// does not fit.
    Standing,
    /// The next paragraph's space before: kept with it, and gone when that
    /// paragraph opens a page.
    Carried,
}

impl Box_ {
    fn new(height: f32) -> Self {
        Box_ {
            height,
            texts: Vec::new(),
            rules: Vec::new(),
            marks: Vec::new(),
            keep_with_next: false,
            page_break_before: false,
            repeat_header: None,
            split: None,
            imprint: false,
            gap: Gap::No,
            text: String::new(),
        }
    }

    /// Moves the box's contents `dy` pt down inside it, the box that much
    /// taller.
    fn pad_top(&mut self, dy: f32) {
        for t in &mut self.texts {
            t.y += dy;
        }
        for r in &mut self.rules {
            r.y1 += dy;
            r.y2 += dy;
        }
        for m in &mut self.marks {
            m.y += dy;
        }
        self.height += dy;
    }

    /// The gap after a table or form ([`ts::TABLE_GAP`]), standing until
    /// the next item says otherwise ([`Typesetter::layout`]). LibreOffice
    /// sets the DOCX's gap at its height: the grid lines after a table stand
    /// 12 pt below its last rule, as ours do (measured on its rendering of
    /// our 阶段总结: every line's text the same 5.3 pt lower than ours, after
    /// a table as at the top of a page, LibreOffice centring the text in
    /// the grid line where we set it higher, [`ts::measured::GRID_LINE_LEAD`]).
    fn table_gap() -> Self {
        let mut b = Box_::new(ts::TABLE_GAP as f32 / 20.0);
        b.gap = Gap::Standing;
        b
    }
}

/// How a stretch of text is measured.
#[derive(Clone, Copy, PartialEq)]
enum Metric {
    /// On the character grid: a CJK character is one cell.
    Grid,
    /// Natural advances (title, tables, page numbers: off the grid).
    Free,
}

/// A styled stretch of text: text, its CJK role, its size.
struct Span<'a> {
    text: &'a str,
    role: Face,
    size: f32,
}

/// How a line's atoms are placed across it.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Justify,
    /// Flush left, ragged right (table cells, as the DOCX's `jc left`).
    Start,
    Center,
    /// Right-aligned, `f32` pt from the right edge.
    Right(f32),
}

/// Where a paragraph's lines start and end, and how they align.
#[derive(Clone, Copy)]
struct ParaShape {
    first_indent: f32,
    indent: f32,
    width: f32,
    align: Align,
    metric: Metric,
    line: f32,
}

impl ParaShape {
    /// The shape a style gives a paragraph across the text block.
    fn of(style: &Style) -> Self {
        ParaShape {
            first_indent: style.first_line.unwrap_or(0.0) as f32 * CELL,
            indent: 0.0,
            width: WIDTH,
            align: match style.align {
                ts::Align::Justify => Align::Justify,
                ts::Align::Left => Align::Start,
                ts::Align::Center => Align::Center,
                ts::Align::Right => Align::Right(0.0),
            },
            metric: if style.line == Line::Grid {
                Metric::Grid
            } else {
                Metric::Free
            },
            line: match style.line {
                Line::Grid | Line::Free | Line::Issuer => LINE,
                Line::Exact(twips) => twips as f32 / 20.0,
            },
        }
    }

    /// The shape of a paragraph with its own indents.
    fn with_indent(mut self, indent: Indent) -> Self {
        match indent {
            Indent::Style => {}
            Indent::Right(cells) => self.align = Align::Right(cells as f32 * CELL),
            Indent::Hanging { left, hanging } => {
                self.indent = left as f32 * CELL;
                self.first_indent = self.indent - hanging as f32 * CELL;
            }
        }
        self
    }
}

/// Makes the gap after a table, the last box so far, the space before
/// `next` when the DOCX writes it so ([`ts::carries_table_gap`]).
fn carry_gap(boxes: &mut [Box_], next: &Item) {
    if let Some(b) = boxes.last_mut() {
        if b.gap == Gap::Standing && ts::carries_table_gap(next) {
            b.gap = Gap::Carried;
            b.keep_with_next = true;
        }
    }
}

pub struct Typesetter<'f> {
    fonts: &'f Fonts,
}

impl<'f> Typesetter<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Typesetter { fonts }
    }

    /// Lays out a whole paper: its styled items into boxes, the boxes onto
    /// pages, then the page numbers.
    pub fn layout(&self, doc: &Document) -> Layout {
        let mut boxes: Vec<Box_> = Vec::new();
        for i in 0..doc.blocks.len() {
            for item in ts::styled(&doc.blocks, i) {
                carry_gap(&mut boxes, &item);
                self.item(&item, &mut boxes);
            }
        }
        let mut layout = paginate::paginate(boxes);
        self.page_numbers(&mut layout);
        layout
    }

    fn item(&self, item: &Item, out: &mut Vec<Box_>) {
        match item {
            Item::Blank { keep_with_next } => {
                let mut b = Box_::new(LINE);
                b.keep_with_next = *keep_with_next;
                out.push(b);
            }
            Item::Para(p) => self.para(p, out),
            Item::Table(t) => self.table(t, out),
            Item::Letterhead(l) => self.letterhead(l, out),
            Item::Imprint(i) => {
                let mut b = self.imprint(i);
                b.imprint = true;
                out.push(b);
            }
            Item::Form(f) => self.form(f, out),
            Item::FillLine(p, blanks) => self.fill_line(p, blanks, out),
            Item::Code(m) => out.push(form::code(m)),
            Item::PageBreak => {
                let mut b = Box_::new(form::PAGE_BREAK_HEIGHT);
                b.page_break_before = true;
                out.push(b);
            }
        }
    }

    /// A styled paragraph: one box per line. An explicit line break starts
    /// a new line at the paragraph's indent; a paragraph kept with the next
    /// keeps all its lines with what follows, as LibreOffice does with the
    /// DOCX's `w:keepNext` (measured on its rendering of our fixtures: the
    /// body's last paragraph before the signature moves to the next page
    /// whole, never split to leave one line with the signature).
    fn para(&self, p: &Para, out: &mut Vec<Box_>) {
        let style = ts::style(p.kind);
        let shape = ParaShape::of(&style).with_indent(p.indent);
        let size = style.size as f32 / 2.0;
        let first_box = out.len();
        let lines = split_at_breaks(&p.spans);
        for (k, spans) in lines.iter().enumerate() {
            let spans: Vec<Span> = spans
                .iter()
                .map(|&(text, role)| Span { text, role, size })
                .collect();
            let shape = if k == 0 {
                shape
            } else {
                ParaShape {
                    first_indent: shape.indent,
                    ..shape
                }
            };
            let n = out.len();
            self.paragraph(&spans, &shape, out);
            if p.keep_with_next {
                for b in &mut out[n..] {
                    b.keep_with_next = true;
                }
            }
        }
        if p.page_break_before {
            out[first_box].page_break_before = true;
        }
    }

    /// Breaks spans into lines and appends one box per line.
    fn paragraph(&self, spans: &[Span], shape: &ParaShape, out: &mut Vec<Box_>) {
        let atoms = self.atoms(spans, shape.metric);
        let lines = lines::break_lines(&atoms, shape);
        let count = lines.len();
        for (i, (range, squeezed)) in lines.into_iter().enumerate() {
            let indent = if i == 0 {
                shape.first_indent
            } else {
                shape.indent
            };
            let mut b = Box_::new(shape.line);
            let line = lines::LineSpec {
                indent,
                avail: shape.width - indent,
                squeezed,
                last: i + 1 == count,
            };
            self.place_line(&atoms[range], &line, shape, &mut b);
            out.push(b);
        }
        if count == 0 {
            out.push(Box_::new(shape.line));
        }
    }

    /// A character's advance in its role's face, pt.
    fn advance(&self, role: FontRole, c: char, size: f32) -> f32 {
        self.fonts
            .glyph(role, c)
            .map_or(size, |g| g.advance_em * size)
    }
}

/// Spans split at explicit line breaks (U+2028): the spans of each line.
fn split_at_breaks(spans: &[(String, Face)]) -> Vec<Vec<(&str, Face)>> {
    let mut lines = vec![Vec::new()];
    for (text, face) in spans {
        for (i, piece) in text.split('\u{2028}').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            lines
                .last_mut()
                .expect("one line at least")
                .push((piece, *face));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_breaks_split_spans_into_lines() {
        let spans = vec![
            ("甲\u{2028}乙".to_string(), Face::Hei),
            ("丙".to_string(), Face::Body),
        ];
        let lines = split_at_breaks(&spans);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], vec![("甲", Face::Hei)]);
        assert_eq!(lines[1], vec![("乙", Face::Hei), ("丙", Face::Body)]);
    }

    /// A paragraph kept with the next keeps every line with it (LibreOffice
    /// moves a `w:keepNext` paragraph whole), one not kept none.
    #[test]
    fn a_paragraph_kept_with_the_next_is_kept_whole() {
        let fonts = Fonts::discover(&[]).expect("fonts: run scripts/setup.sh");
        let t = Typesetter::new(&fonts);
        let text = "对照党章规定的党员标准逐条查找差距，形成问题清单。".repeat(4);
        let mut p = Para {
            kind: ts::Kind::Body,
            spans: vec![(text, Face::Body)],
            indent: Indent::Style,
            keep_with_next: false,
            page_break_before: false,
        };
        let mut kept = Vec::new();
        t.para(&p, &mut kept);
        assert!(kept.len() >= 3, "{} lines", kept.len());
        assert!(kept.iter().all(|b| !b.keep_with_next));
        p.keep_with_next = true;
        kept.clear();
        t.para(&p, &mut kept);
        assert!(kept.iter().all(|b| b.keep_with_next));
    }

    #[test]
    fn styles_shape_paragraphs() {
        let body = ParaShape::of(&ts::style(ts::Kind::Body));
        assert_eq!(body.first_indent, 2.0 * CELL);
        assert!(body.metric == Metric::Grid && body.line == LINE);
        let cell = ParaShape::of(&ts::style(ts::Kind::TableText));
        assert!(cell.metric == Metric::Free && cell.line == 18.0);
        assert!(cell.align == Align::Start);
        let hang = body.with_indent(Indent::Hanging {
            left: 6.0,
            hanging: 4.0,
        });
        assert_eq!(hang.indent, 6.0 * CELL);
        assert!((hang.first_indent - 2.0 * CELL).abs() < 1e-4);
    }
}
