//! How each element of a paper looks: the one style truth for both writers.
//!
//! [`style`] decides, for every kind of paragraph, its face, size, first-line
//! indent, alignment and whether it sits on the character grid (GB/T 9704
//! 7.3); [`styled`] turns a [`Block`] into the paragraphs the writers set —
//! with their text, per-span faces, indents, keep-with-next and page breaks,
//! and the blank lines between blocks. The DOCX writer turns these into
//! styles and paragraph properties, the layout into lines on pages: a change
//! to how a heading or a table looks is made here, once. Tables, the 版头 and
//! the 版记 are handed over whole (their inner paragraphs still take their
//! kind's style), because their geometry is more than a paragraph's.

use crate::document::{Block, Fill, Form, FormCell, Imprint, Letterhead, Table};
use crate::fonts::Face;

use super::{
    grid_width, text_width, BODY_SIZE, CHARS_PER_LINE, IMPRINT_SIZE, LINE_PITCH, PAGE_NUMBER_LINE,
};
use super::{PAGE_NUMBER_SIZE, TABLE_LINE, TABLE_SIZE, TITLE_SIZE};

/// The kinds of paragraph a paper is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Body text, first line indented two cells.
    Body,
    /// 标题 (7.3.1).
    Title,
    /// The author's line under the title.
    Byline,
    /// 主送机关 (7.3.2), and the 版头's 份号/密级/紧急程度 lines.
    Addressee,
    /// 一、（一）1.（1）headings (7.3.3).
    Heading(u8),
    /// 发文机关署名 (7.3.5).
    Signature,
    /// 成文日期 (7.3.5).
    Date,
    /// 附注 (7.3.6).
    Note,
    /// 抄送 outside a 版记.
    CopyTo,
    /// 附件说明 (7.3.4).
    AttachmentNote,
    /// "附件N" on an attachment's first page (7.3.4).
    AttachmentLabel,
    /// 发文机关标志 (7.2.4).
    Issuer,
    /// 发文字号 (7.2.5).
    DocNumber,
    /// 版记 lines (7.4).
    Imprint,
    /// Table cells.
    TableText,
    /// Table header cells.
    TableHeader,
    /// 页码 (7.5).
    PageNumber,
}

impl Kind {
    /// Every kind, in the order the DOCX lists its styles.
    pub fn all() -> Vec<Kind> {
        let mut all = vec![Kind::Body, Kind::Title, Kind::Byline, Kind::Addressee];
        all.extend((1..=4).map(Kind::Heading));
        all.extend([
            Kind::Signature,
            Kind::Date,
            Kind::Note,
            Kind::CopyTo,
            Kind::AttachmentNote,
            Kind::AttachmentLabel,
            Kind::Issuer,
            Kind::DocNumber,
            Kind::Imprint,
            Kind::TableText,
            Kind::TableHeader,
            Kind::PageNumber,
        ]);
        all
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    /// Justified, the last line flush left (the default).
    Justify,
    /// Flush left, ragged right.
    Left,
    Center,
    Right,
}

/// How a paragraph's lines are measured and spaced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Line {
    /// On the character grid, 22 lines a page.
    Grid,
    /// Off the character grid (natural advances), grid-pitch lines.
    Free,
    /// Off the grid, lines of this many twips.
    Exact(u32),
    /// Off the grid, lines sized to the 发文机关标志 ([`super::issuer_line`]),
    /// which depends on its text: each paragraph says its own.
    Issuer,
}

/// The look of a kind of paragraph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub face: Face,
    /// Half-points.
    pub size: u32,
    /// First-line indent in cells; `None` where each paragraph sets its own
    /// indents (or has none).
    pub first_line: Option<f64>,
    pub align: Align,
    pub line: Line,
    /// Outline level (headings), for the navigation pane.
    pub outline: Option<u8>,
}

/// The face of a heading level (7.3.3): 黑体, 楷体, then 仿宋.
pub fn heading_face(level: u8) -> Face {
    match level {
        1 => Face::Hei,
        2 => Face::Kai,
        _ => Face::Body,
    }
}

/// The look of each kind (GB/T 9704 7.2–7.5).
pub fn style(kind: Kind) -> Style {
    let body = Style {
        face: Face::Body,
        size: BODY_SIZE,
        first_line: Some(2.0),
        align: Align::Justify,
        line: Line::Grid,
        outline: None,
    };
    let flush = Style {
        first_line: Some(0.0),
        ..body
    };
    let own_indent = Style {
        first_line: None,
        ..body
    };
    match kind {
        Kind::Body | Kind::Note => body,
        Kind::Title => Style {
            face: Face::Title,
            size: TITLE_SIZE,
            align: Align::Center,
            line: Line::Free,
            ..flush
        },
        Kind::Byline => Style {
            face: Face::Kai,
            align: Align::Center,
            ..flush
        },
        Kind::Addressee | Kind::CopyTo | Kind::DocNumber => flush,
        Kind::Heading(level) => Style {
            face: heading_face(level),
            outline: Some(level.saturating_sub(1)),
            ..body
        },
        Kind::Signature | Kind::Date => Style {
            align: Align::Right,
            ..own_indent
        },
        Kind::AttachmentNote => own_indent,
        Kind::AttachmentLabel => Style {
            face: Face::Hei,
            ..flush
        },
        Kind::Issuer => Style {
            face: Face::Title,
            size: TITLE_SIZE,
            align: Align::Center,
            line: Line::Issuer,
            ..flush
        },
        Kind::Imprint => Style {
            size: IMPRINT_SIZE,
            line: Line::Exact(LINE_PITCH),
            ..own_indent
        },
        Kind::TableText => Style {
            size: TABLE_SIZE,
            align: Align::Left,
            line: Line::Exact(TABLE_LINE),
            ..own_indent
        },
        Kind::TableHeader => Style {
            face: Face::Hei,
            size: TABLE_SIZE,
            align: Align::Center,
            line: Line::Exact(TABLE_LINE),
            ..own_indent
        },
        // Each footer sets its own side (odd pages right, even left).
        Kind::PageNumber => Style {
            face: Face::Song,
            size: PAGE_NUMBER_SIZE,
            line: Line::Exact(PAGE_NUMBER_LINE),
            ..own_indent
        },
    }
}

/// A paragraph's own indents, beside its style's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Indent {
    /// As the style says.
    Style,
    /// Right-aligned, this many cells from the right edge.
    Right(f64),
    /// Every line `left` cells in, the first `hanging` cells less.
    Hanging { left: f64, hanging: f64 },
}

/// One paragraph as both writers set it.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    pub kind: Kind,
    /// The text in stretches of one face each; U+2028 is an explicit line
    /// break (a balanced title's, or the template's).
    pub spans: Vec<(String, Face)>,
    pub indent: Indent,
    /// The paragraph stays whole on the page of the next paragraph.
    pub keep_with_next: bool,
    pub page_break_before: bool,
}

impl Para {
    fn new(kind: Kind, text: impl Into<String>) -> Self {
        Para {
            kind,
            spans: vec![(text.into(), style(kind).face)],
            indent: Indent::Style,
            keep_with_next: false,
            page_break_before: false,
        }
    }

    fn keep(mut self) -> Self {
        self.keep_with_next = true;
        self
    }
}

/// What a block becomes: blank grid lines, paragraphs, or an element the
/// writers set whole.
#[derive(Clone, Debug, PartialEq)]
pub enum Item<'a> {
    /// An empty grid line; kept with the next paragraph when it opens the
    /// signature block.
    Blank {
        keep_with_next: bool,
    },
    Para(Para),
    Table(&'a Table),
    Letterhead(&'a Letterhead),
    Imprint(&'a Imprint),
    /// A form's ruled table; each cell's look from [`form_cell`].
    Form(&'a Form),
    /// A line to fill in: the paragraph as set, and the blanks to underline
    /// as ranges of its characters.
    FillLine(Para, Vec<std::ops::Range<usize>>),
    /// A QR code's dark modules, set flush right ([`CODE_MODULE`] a module).
    Code(CodeMatrix),
    /// The next item starts a new page.
    PageBreak,
}

/// A QR code's modules, row by row (`true`: dark), without a quiet zone.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeMatrix {
    pub size: usize,
    pub dark: Vec<bool>,
}

impl CodeMatrix {
    pub fn is_dark(&self, row: usize, col: usize) -> bool {
        self.dark[row * self.size + col]
    }

    /// Each row's dark stretches, as (first column, length): both writers
    /// draw a stretch as one rectangle or one merged cell.
    pub fn runs(&self, row: usize) -> Vec<(usize, usize, bool)> {
        let mut out: Vec<(usize, usize, bool)> = Vec::new();
        for col in 0..self.size {
            let dark = self.is_dark(row, col);
            match out.last_mut() {
                Some((_, len, d)) if *d == dark => *len += 1,
                _ => out.push((col, 1, dark)),
            }
        }
        out
    }
}

/// A module's side in twips: 51 twips (0.9 mm), so a version-1 code of 21
/// modules is 19 mm wide; at 300 dpi a module is 10 pixels, which zbarimg
/// reads from our PDF and from LibreOffice's alike.
pub const CODE_MODULE: u32 = 51;
/// The white band under a code before its caption, in modules (ISO/IEC
/// 18004 asks a quiet zone of 4; above and beside it the page is white).
pub const CODE_QUIET: u32 = 4;

/// The QR code of `payload` (error correction M). A payload the code cannot
/// hold gives an empty matrix; payloads are serials of a few characters.
pub fn code_matrix(payload: &str) -> CodeMatrix {
    match qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => CodeMatrix {
            size: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        },
        Err(_) => CodeMatrix {
            size: 0,
            dark: Vec::new(),
        },
    }
}

/// The kind and alignment of a form's cell: a label as a table header
/// (黑体, centred), check boxes and short values centred, text flush left.
pub fn form_cell(cell: &FormCell) -> (Kind, Align) {
    match (cell.head, cell.center) {
        (true, _) => (Kind::TableHeader, Align::Center),
        (false, true) => (Kind::TableText, Align::Center),
        (false, false) => (Kind::TableText, Align::Left),
    }
}

/// Right indent of a fill-in line, in cells: the 署名's two (7.3.5.2).
pub const FILL_RIGHT: f64 = 2.0;

/// A fill-in line as a 署名-styled paragraph flush right, each blank
/// padded with ideographic spaces to its width (after any printed text),
/// and the blanks' extents for the underline.
fn fill_line(parts: &[Fill]) -> Item<'static> {
    let mut text = String::new();
    let mut blanks = Vec::new();
    for part in parts {
        match part {
            Fill::Text(t) => text.push_str(t),
            Fill::Blank { cells, text: t } => {
                let from = text.chars().count();
                text.push_str(t);
                text.extend(std::iter::repeat_n('\u{3000}', *cells as usize));
                blanks.push(from..text.chars().count());
            }
        }
    }
    let mut p = Para::new(Kind::Signature, text);
    p.indent = Indent::Right(FILL_RIGHT);
    Item::FillLine(p, blanks)
}

/// An empty grid line, free to end a page.
pub const BLANK: Item<'static> = Item::Blank {
    keep_with_next: false,
};

/// Whether the 12 pt gap after a table or form ([`super::TABLE_GAP`]) rides
/// on `next` as its space before, rather than standing as a paragraph of
/// its own. It rides on the next paragraph or blank line unless that one
/// opens a page by itself; before a table, a 版记 or the end it stands.
///
/// Measured in LibreOffice on the 机关第一党支部's 请示: with the gap as a
/// paragraph of its own, it will not leave the first line of a paragraph
/// (after a heading) alone at the foot of a page below a table, and moves the
/// paragraph on whole — three pages where our layout has two, its 版记 on an
/// odd page; with the gap as the heading's space before, every line stands
/// where it stood and the first line stays. At the top of a page it falls
/// away, as a paragraph's space before does there.
pub fn carries_table_gap(next: &Item) -> bool {
    match next {
        Item::Para(p) => !p.page_break_before,
        Item::Blank { .. } => true,
        _ => false,
    }
}

/// The items of `blocks[i]`: the blank line before it if one is due, then
/// its paragraphs, with what its neighbours ask of them (7.3.5: the
/// signature block never stands alone on a page — it takes the last
/// paragraph of the text before it along — and the 附注 stays on the
/// 成文日期's page).
pub fn styled(blocks: &[Block], i: usize) -> Vec<Item<'_>> {
    let block = &blocks[i];
    let prev = i.checked_sub(1).map(|p| &blocks[p]);
    let next = blocks.get(i + 1);
    let mut items = Vec::new();
    if blank_line_before(prev, block) {
        items.push(Item::Blank {
            keep_with_next: matches!(block, Block::Signature { .. }),
        });
    }
    items.extend(block_items(block));
    if matches!(next, Some(Block::Signature { .. })) {
        keep_last_paragraph_with_next(&mut items);
    }
    if matches!(next, Some(Block::Note(_))) && matches!(block, Block::Signature { .. }) {
        keep_last_paragraph_with_next(&mut items);
    }
    items
}

/// Marks the last paragraph of `items` to stay with what follows.
fn keep_last_paragraph_with_next(items: &mut [Item]) {
    if let Some(Item::Para(p)) = items.last_mut() {
        p.keep_with_next = true;
    }
}

/// A block's own items, whatever its neighbours.
fn block_items(block: &Block) -> Vec<Item<'_>> {
    let para = |p: Para| Item::Para(p);
    match block {
        Block::Title(t) => vec![para(title(t))],
        Block::Byline(t) => vec![para(Para::new(Kind::Byline, t))],
        Block::Addressee(t) => vec![para(Para::new(Kind::Addressee, t))],
        Block::CopyTo(t) => vec![para(Para::new(Kind::CopyTo, t))],
        Block::Paragraph(t) => vec![para(Para::new(Kind::Body, t))],
        Block::Note(t) => vec![para(Para::new(Kind::Note, format!("（{t}）")))],
        Block::Heading {
            level,
            number,
            text,
            lead,
        } => vec![para(heading(*level, number, text, lead.as_deref()))],
        Block::Signature { name, date } => signature(name, date).into_iter().map(para).collect(),
        Block::AttachmentNote(names) => attachment_note(names).into_iter().map(para).collect(),
        Block::Attachment { label, title: t } => {
            let mut label = Para::new(Kind::AttachmentLabel, label);
            label.page_break_before = true;
            vec![para(label), BLANK, para(title(t)), BLANK]
        }
        Block::Table(t) => vec![Item::Table(t)],
        Block::Letterhead(l) => vec![Item::Letterhead(l)],
        Block::Imprint(i) => vec![Item::Imprint(i)],
        Block::Form(f) => vec![Item::Form(f)],
        Block::FillLine(parts) => vec![fill_line(parts)],
        Block::Code { payload, caption } => {
            let mut c = Para::new(Kind::Signature, caption);
            c.indent = Indent::Right(0.0);
            vec![Item::Code(code_matrix(payload)), para(c)]
        }
        Block::PageBreak => vec![Item::PageBreak],
    }
}

/// Whether a blank line precedes `block` (after `prev`): one after the title
/// group (7.3.1), one before the signature (7.3.5) and the 附件说明 (7.3.4).
pub fn blank_line_before(prev: Option<&Block>, block: &Block) -> bool {
    let after_title = matches!(prev, Some(Block::Title(_) | Block::Byline(_)))
        && !matches!(block, Block::Title(_) | Block::Byline(_));
    let fill_after_other =
        matches!(block, Block::FillLine(_)) && !matches!(prev, Some(Block::FillLine(_)) | None);
    after_title
        || fill_after_other
        || matches!(block, Block::Signature { .. } | Block::AttachmentNote(_))
}

/// The title in balanced lines (7.3.1), kept with what follows.
fn title(t: &str) -> Para {
    Para::new(Kind::Title, super::balance_title(t).join("\u{2028}")).keep()
}

/// A heading in its level's face, with the body text run in after it; a
/// heading without such text is never the last line of a page.
fn heading(level: u8, number: &str, text: &str, lead: Option<&str>) -> Para {
    let mut p = Para::new(Kind::Heading(level), format!("{number}{text}"));
    match lead {
        Some(l) => p.spans.push((l.to_string(), Face::Body)),
        None => p.keep_with_next = true,
    }
    p
}

/// 署名 and 成文日期, kept together, at the indents of 7.3.5.2.
fn signature(name: &str, date: &str) -> [Para; 2] {
    let (name_right, date_right) = signature_indents(name, date);
    let mut name = Para::new(Kind::Signature, name).keep();
    name.indent = Indent::Right(name_right);
    let mut date = Para::new(Kind::Date, date);
    date.indent = Indent::Right(date_right);
    [name, date]
}

/// 附件：1.×× with wrapped names aligned to the first character of the name.
fn attachment_note(names: &[String]) -> Vec<Para> {
    let many = names.len() > 1;
    let label_w = text_width(if many { "附件：1." } else { "附件：" });
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let label = match (i, many) {
                (0, true) => "附件：1.".to_string(),
                (0, false) => "附件：".to_string(),
                _ => format!("{}.", i + 1),
            };
            let mut p = Para::new(Kind::AttachmentNote, format!("{label}{name}"));
            p.indent = Indent::Hanging {
                left: 2.0 + label_w,
                hanging: text_width(&label),
            };
            p
        })
        .collect()
}

/// Right indents, in character cells, of the signature and date lines
/// (7.3.5.2, no seal): the name ends two cells from the right (右空二字); the
/// date's first character stands two cells right of the name's first; a
/// date longer than that ends two cells from the right (右空二字) and pushes
/// the name left instead. Widths are grid cells as set ([`grid_width`]:
/// "2026" two cells, "3" one), so the offset is two cells on paper.
pub fn signature_indents(name: &str, date: &str) -> (f64, f64) {
    let line = f64::from(CHARS_PER_LINE);
    let (name_w, date_w) = (grid_width(name), grid_width(date));
    if date_w > name_w {
        // 如成文日期长于发文机关署名，应当使成文日期右空二字编排，
        // 并相应增加发文机关署名右空字数。
        let date_start = line - 2.0 - date_w;
        let name_start = date_start - 2.0;
        ((line - name_start - name_w).max(0.0), 2.0)
    } else {
        let name_start = line - 2.0 - name_w;
        (2.0, (line - (name_start + 2.0) - date_w).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_follow_the_standard() {
        let s = style(Kind::Body);
        assert_eq!((s.face, s.size, s.first_line), (Face::Body, 32, Some(2.0)));
        assert_eq!(s.line, Line::Grid);
        let t = style(Kind::Title);
        assert_eq!((t.face, t.size, t.align), (Face::Title, 44, Align::Center));
        assert_eq!(t.line, Line::Free);
        assert_eq!(style(Kind::Heading(1)).face, Face::Hei);
        assert_eq!(style(Kind::Heading(2)).face, Face::Kai);
        assert_eq!(style(Kind::Heading(3)).face, Face::Body);
        assert_eq!(style(Kind::Heading(4)).outline, Some(3));
        assert_eq!(style(Kind::Imprint).size, 28);
        assert_eq!(style(Kind::PageNumber).face, Face::Song);
        assert_eq!(style(Kind::TableHeader).face, Face::Hei);
        assert_eq!(Kind::all().len(), 20);
    }

    #[test]
    fn signature_follows_7_3_5_2() {
        // a long name: name 2 from the right, date 2 cells right of its start
        let (n, d) = signature_indents("中共江滨区财政局机关委员会", "2026年3月5日");
        assert_eq!(n, 2.0);
        let name_start = 28.0 - 2.0 - 13.0;
        assert_eq!(d, 28.0 - (name_start + 2.0) - 7.0);
        // a name shorter than the date (7 cells: "2026" two, "3" and "5"
        // one each): the date ends 2 from the right, the name moves left
        let (n, d) = signature_indents("江滨区财政局", "2026年3月5日");
        assert_eq!((n, d), (5.0, 2.0));
        let (n, d) = signature_indents("张三", "2026年12月25日");
        assert_eq!(d, 2.0);
        assert_eq!(n, 28.0 - (28.0 - 2.0 - 7.0 - 2.0) - 2.0);
    }

    #[test]
    fn blocks_become_styled_paragraphs() {
        let title = Block::Title("关于开展先进性教育活动的通知".into());
        let body = Block::Paragraph("正文".into());
        let blocks = [title.clone(), body.clone()];
        let items = styled(&blocks, 0);
        let [Item::Para(p)] = &items[..] else {
            panic!("{items:?}")
        };
        assert!(p.keep_with_next && p.kind == Kind::Title);
        // a blank line after the title group, before the body
        assert_eq!(styled(&blocks, 1)[0], BLANK);
        let h = Block::Heading {
            level: 2,
            number: "（一）".into(),
            text: "学习".into(),
            lead: Some("正文".into()),
        };
        let hs = [h];
        let [Item::Para(p)] = &styled(&hs, 0)[..] else {
            panic!()
        };
        assert_eq!(p.spans[0], ("（一）学习".into(), Face::Kai));
        assert_eq!(p.spans[1], ("正文".into(), Face::Body));
        assert!(!p.keep_with_next);
        let sig = Block::Signature {
            name: "江滨区财政局".into(),
            date: "2026年3月5日".into(),
        };
        let blocks = [body, sig, Block::Note("联系人：张三".into())];
        // the text's last paragraph goes with the signature block
        let Item::Para(text) = &styled(&blocks, 0)[0] else {
            panic!()
        };
        assert!(text.keep_with_next);
        let items = styled(&blocks, 1);
        assert_eq!(
            items[0],
            Item::Blank {
                keep_with_next: true
            }
        );
        let Item::Para(name) = &items[1] else {
            panic!()
        };
        assert!(name.keep_with_next && name.indent == Indent::Right(5.0));
        // the 附注 stays on the date's page
        let Item::Para(date) = &items[2] else {
            panic!()
        };
        assert!(date.keep_with_next);
        let Item::Para(note) = &styled(&blocks, 2)[0] else {
            panic!()
        };
        assert!(!note.keep_with_next);
        let note = Block::AttachmentNote(vec!["甲".into(), "乙".into()]);
        let notes = styled(std::slice::from_ref(&note), 0);
        let Item::Para(second) = &notes[2] else {
            panic!()
        };
        assert_eq!(second.spans[0].0, "2.乙");
        assert_eq!(
            second.indent,
            Indent::Hanging {
                left: 6.0,
                hanging: 1.0
            }
        );
        let att = Block::Attachment {
            label: "附件1".into(),
            title: "名单".into(),
        };
        let items = styled(std::slice::from_ref(&att), 0);
        let Item::Para(label) = &items[0] else {
            panic!()
        };
        assert!(label.page_break_before && items[1] == BLANK && items[3] == BLANK);
    }
}
