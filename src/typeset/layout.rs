//! Layout: [`Document`] → positioned glyphs on A4 pages.
//!
//! Owns line breaking (UAX #14 opportunities refined by GB/T 15834), the
//! character grid (28 cells of 15.79 pt; Latin runs rounded to whole cells as
//! Word and LibreOffice do in grid mode, drawn at their real width and centred
//! in their cells), justification, GB/T 15834 at line ends (a stop squeezed
//! in at half width, other punctuation by pulling a character back),
//! pagination (22 lines of 28.95 pt; headings kept with the next line, table
//! rows never split and the header row repeated, signature and date kept
//! together, 附件 on a new page) and page numbers. The PDF writer only
//! serialises what this produces.

use crate::document::{Block, Document, Table};
use crate::fonts::{FontRole, Fonts};
use crate::typeset::{self as ts, Face};

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = ts::PAGE_WIDTH as f32 / 20.0;
pub const PAGE_H: f32 = ts::PAGE_HEIGHT as f32 / 20.0;
pub const LEFT: f32 = ts::MARGIN_LEFT as f32 / 20.0;
pub const TOP: f32 = ts::MARGIN_TOP as f32 / 20.0;
pub const WIDTH: f32 = ts::TEXT_WIDTH as f32 / 20.0;
pub const HEIGHT: f32 = ts::TEXT_HEIGHT as f32 / 20.0;
/// One grid line: 28.95 pt.
pub const LINE: f32 = ts::LINE_PITCH as f32 / 20.0;
/// One grid cell: 15.79 pt.
pub const CELL: f32 = WIDTH / ts::CHARS_PER_LINE as f32;
const BODY: f32 = ts::BODY_SIZE as f32 / 2.0;
const TITLE: f32 = ts::TITLE_SIZE as f32 / 2.0;
const TABLE: f32 = ts::TABLE_SIZE as f32 / 2.0;
const TABLE_LINE: f32 = ts::TABLE_LINE as f32 / 20.0;
const PAGE_NUMBER: f32 = ts::PAGE_NUMBER_SIZE as f32 / 2.0;
/// Cell padding left and right in tables (57 twips, as in the DOCX).
const CELL_PAD: f32 = 57.0 / 20.0;
/// The gap after a table (the DOCX's 12 pt spacer paragraph).
const AFTER_TABLE: f32 = 12.0;

/// The grid cell LibreOffice lays a 98 %-scaled run on (measured: 15.735 pt
/// for charSpace -842 at 16 pt); Latin runs are rounded to it so that the
/// PDF breaks where the DOCX does.
const LO_CELL: f32 = 15.735;
/// Text off the grid (title, tables) is set 2 % narrower than its natural
/// width: LibreOffice applies the section's negative character spacing to it
/// too (measured: 22 pt title characters advance 21.55 pt, 12 pt table
/// characters 11.75 pt, digits likewise).
const FREE_SCALE: f32 = 0.9795;
/// Space between a Han character and Latin letters or digits, off the grid
/// (`w:autoSpaceDE`/`DN` in the DOCX): 0.204 em, measured in LibreOffice.
const AUTO_SPACE_EM: f32 = 0.204;

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

#[derive(Debug, Default)]
pub struct Page {
    /// The printed page number ("— N —"), or none (blank page).
    pub number: Option<usize>,
    pub texts: Vec<TextRun>,
    pub rules: Vec<Rule>,
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

/// The 版记's place: its last rule is always on the bottom of the text block
/// of an even page (7.4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ImprintPlace {
    /// On the last page of the text, this much space (pt) above it.
    LastPage { gap: f32 },
    /// After `blank` empty pages, at the foot of a page of its own.
    OwnPage { blank: usize },
}

/// A vertical box: one line of text or one table row.
struct Box_ {
    height: f32,
    texts: Vec<TextRun>,
    rules: Vec<Rule>,
    keep_with_next: bool,
    page_break_before: bool,
    /// For table rows: the header row to repeat after a page break.
    repeat_header: Option<usize>,
    /// The 版记: placed at the foot of the last page, not in the flow.
    imprint: bool,
    text: String,
}

impl Box_ {
    fn new(height: f32) -> Self {
        Box_ {
            height,
            texts: Vec::new(),
            rules: Vec::new(),
            keep_with_next: false,
            page_break_before: false,
            repeat_header: None,
            imprint: false,
            text: String::new(),
        }
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

/// An unbreakable piece of a line: one CJK character or one Latin run.
#[derive(Clone, Debug)]
struct Atom {
    chars: Vec<char>,
    role: FontRole,
    size: f32,
    /// Natural width of the glyphs, pt.
    ink: f32,
    /// Width it takes on the line, pt (whole cells on the grid).
    advance: f32,
    latin: bool,
    /// Space before the glyphs within `advance` (Han–Latin spacing).
    lead: f32,
    /// Space after the glyphs within `advance`; neither counts at a line's
    /// start or end (measured: LibreOffice fits "2026年6" in 47.7 pt).
    trail: f32,
}

/// A styled stretch of text: text, its CJK role, its size.
struct Span<'a> {
    text: &'a str,
    role: Face,
    size: f32,
}

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
struct ParaShape {
    first_indent: f32,
    indent: f32,
    width: f32,
    align: Align,
    metric: Metric,
    line: f32,
}

impl ParaShape {
    fn body() -> Self {
        ParaShape {
            first_indent: 2.0 * CELL,
            indent: 0.0,
            width: WIDTH,
            align: Align::Justify,
            metric: Metric::Grid,
            line: LINE,
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

    /// Lays out a whole paper.
    pub fn layout(&self, doc: &Document) -> Layout {
        let mut boxes: Vec<Box_> = Vec::new();
        let mut prev: Option<&Block> = None;
        for block in &doc.blocks {
            if ts::blank_line_before(prev, block) {
                boxes.push(Box_::new(LINE));
            }
            self.block(block, &mut boxes);
            prev = Some(block);
        }
        let mut layout = paginate(boxes);
        self.page_numbers(&mut layout);
        layout
    }

    fn block(&self, block: &Block, out: &mut Vec<Box_>) {
        match block {
            Block::Title(t) => {
                for line in ts::balance_title(t) {
                    let shape = ParaShape {
                        first_indent: 0.0,
                        indent: 0.0,
                        width: WIDTH,
                        align: Align::Center,
                        metric: Metric::Free,
                        line: LINE,
                    };
                    let n = out.len();
                    self.paragraph(
                        &[Span {
                            text: &line,
                            role: Face::Title,
                            size: TITLE,
                        }],
                        &shape,
                        out,
                    );
                    for b in &mut out[n..] {
                        b.keep_with_next = true;
                    }
                }
            }
            Block::Byline(t) => {
                let shape = ParaShape {
                    first_indent: 0.0,
                    align: Align::Center,
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: t,
                        role: Face::Kai,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
            }
            Block::Addressee(t) | Block::CopyTo(t) => {
                let shape = ParaShape {
                    first_indent: 0.0,
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: t,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
            }
            Block::Paragraph(t) => self.paragraph(
                &[Span {
                    text: t,
                    role: Face::Body,
                    size: BODY,
                }],
                &ParaShape::body(),
                out,
            ),
            Block::Note(t) => {
                let text = format!("（{t}）");
                self.paragraph(
                    &[Span {
                        text: &text,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &ParaShape::body(),
                    out,
                );
            }
            Block::Heading {
                level,
                number,
                text,
                lead,
            } => {
                let head = format!("{number}{text}");
                let mut spans = vec![Span {
                    text: &head,
                    role: Face::of_heading(*level),
                    size: BODY,
                }];
                if let Some(l) = lead {
                    spans.push(Span {
                        text: l,
                        role: Face::Body,
                        size: BODY,
                    });
                }
                let n = out.len();
                self.paragraph(&spans, &ParaShape::body(), out);
                if lead.is_none() {
                    // A heading is never the last line of a page.
                    if let Some(last) = out[n..].last_mut() {
                        last.keep_with_next = true;
                    }
                }
            }
            Block::Signature { name, date } => {
                let (name_right, date_right) = ts::signature_indents(name, date);
                let n = out.len();
                let shape = ParaShape {
                    first_indent: 0.0,
                    align: Align::Right(name_right as f32 * CELL),
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: name,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
                let shape = ParaShape {
                    first_indent: 0.0,
                    align: Align::Right(date_right as f32 * CELL),
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: date,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
                // The signature and the date stay together.
                let end = out.len() - 1;
                for b in &mut out[n..end] {
                    b.keep_with_next = true;
                }
            }
            Block::AttachmentNote(names) => {
                let many = names.len() > 1;
                let label_w = ts::text_width(if many { "附件：1." } else { "附件：" }) as f32;
                for (i, name) in names.iter().enumerate() {
                    let label = match (i, many) {
                        (0, true) => "附件：1.".to_string(),
                        (0, false) => "附件：".to_string(),
                        _ => format!("{}.", i + 1),
                    };
                    let text = format!("{label}{name}");
                    let indent = (2.0 + label_w) * CELL;
                    let first = indent - ts::text_width(&label) as f32 * CELL;
                    let shape = ParaShape {
                        first_indent: first,
                        indent,
                        ..ParaShape::body()
                    };
                    self.paragraph(
                        &[Span {
                            text: &text,
                            role: Face::Body,
                            size: BODY,
                        }],
                        &shape,
                        out,
                    );
                }
            }
            Block::Table(t) => self.table(t, out),
            Block::Letterhead(l) => self.letterhead(l, out),
            Block::Attachment { label, title } => {
                let n = out.len();
                let shape = ParaShape {
                    first_indent: 0.0,
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: label,
                        role: Face::Hei,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
                out[n].page_break_before = true;
                out.push(Box_::new(LINE));
                self.block(&Block::Title(title.clone()), out);
                out.push(Box_::new(LINE));
            }
            Block::Imprint(i) => {
                let mut b = self.imprint(i);
                b.imprint = true;
                out.push(b);
            }
        }
    }

    /// 版头: see `docx::letterhead`; the same heights, from `typeset`.
    fn letterhead(&self, l: &crate::document::Letterhead, out: &mut Vec<Box_>) {
        let flush = ParaShape {
            first_indent: 0.0,
            ..ParaShape::body()
        };
        let mut lines = 0;
        if let Some(c) = &l.copy_no {
            self.paragraph(
                &[Span {
                    text: c,
                    role: Face::Body,
                    size: BODY,
                }],
                &flush,
                out,
            );
            lines += 1;
        }
        for t in [&l.secrecy, &l.urgency].into_iter().flatten() {
            self.paragraph(
                &[Span {
                    text: t,
                    role: Face::Hei,
                    size: BODY,
                }],
                &flush,
                out,
            );
            lines += 1;
        }
        out.push(Box_::new(ts::issuer_space_before(lines) as f32 / 20.0));
        let size = ts::issuer_size(&l.issuer) as f32 / 2.0;
        let shape = ParaShape {
            first_indent: 0.0,
            indent: 0.0,
            width: WIDTH,
            align: Align::Center,
            metric: Metric::Free,
            line: ts::issuer_line(&l.issuer) as f32 / 20.0,
        };
        let n = out.len();
        self.paragraph(
            &[Span {
                text: &l.issuer,
                role: Face::Title,
                size,
            }],
            &shape,
            out,
        );
        for b in &mut out[n..] {
            for t in &mut b.texts {
                t.color = RED;
            }
        }
        out.push(Box_::new(LINE));
        out.push(Box_::new(LINE));
        let n = out.len();
        match &l.signer {
            None => {
                let shape = ParaShape {
                    align: Align::Center,
                    ..ParaShape {
                        first_indent: 0.0,
                        ..ParaShape::body()
                    }
                };
                self.paragraph(
                    &[Span {
                        text: &l.number,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &shape,
                    out,
                );
            }
            Some(signer) => {
                // 发文字号 one character in from the left, 签发人 one in from the right.
                let shape = ParaShape {
                    first_indent: CELL,
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[Span {
                        text: &l.number,
                        role: Face::Body,
                        size: BODY,
                    }],
                    &ParaShape {
                        align: Align::Start,
                        ..shape
                    },
                    out,
                );
                let mut right = Vec::new();
                let shape = ParaShape {
                    first_indent: 0.0,
                    align: Align::Right(CELL),
                    ..ParaShape::body()
                };
                self.paragraph(
                    &[
                        Span {
                            text: "签发人：",
                            role: Face::Body,
                            size: BODY,
                        },
                        Span {
                            text: signer,
                            role: Face::Kai,
                            size: BODY,
                        },
                    ],
                    &shape,
                    &mut right,
                );
                let line = &mut out[n];
                line.texts.extend(right.remove(0).texts);
                line.text.push_str("签发人：");
                line.text.push_str(signer);
            }
        }
        let gap = ts::RULE_GAP_PT as f32;
        let line = &mut out[n];
        line.rules.push(Rule {
            x1: LEFT,
            y1: LINE + gap,
            x2: LEFT + WIDTH,
            y2: LINE + gap,
            width: ts::THICK_RULE_PT as f32,
            color: RED,
        });
        line.height = LINE + gap + ts::THICK_RULE_PT as f32;
        out.push(Box_::new(LINE));
        out.push(Box_::new(LINE));
    }

    /// 版记: the 抄送 line and the 印发 line, 14 pt, between rules; placed by
    /// the paginator at the foot of the last page.
    fn imprint(&self, i: &crate::document::Imprint) -> Box_ {
        let size = ts::IMPRINT_SIZE as f32 / 2.0;
        let thick = ts::THICK_RULE_PT as f32;
        let thin = ts::THIN_RULE_PT as f32;
        let mut lines: Vec<Box_> = Vec::new();
        let inset = ParaShape {
            first_indent: CELL,
            indent: CELL,
            width: WIDTH - CELL,
            align: Align::Start,
            metric: Metric::Free,
            line: LINE,
        };
        if let Some(cc) = &i.cc {
            let text = format!("抄送：{cc}。");
            self.paragraph(
                &[Span {
                    text: &text,
                    role: Face::Body,
                    size,
                }],
                &inset,
                &mut lines,
            );
        }
        let n = lines.len();
        self.paragraph(
            &[Span {
                text: &i.issuer,
                role: Face::Body,
                size,
            }],
            &ParaShape {
                indent: CELL,
                ..inset
            },
            &mut lines,
        );
        let date = format!("{}印发", i.date);
        let mut right = Vec::new();
        self.paragraph(
            &[Span {
                text: &date,
                role: Face::Body,
                size,
            }],
            &ParaShape {
                first_indent: 0.0,
                align: Align::Right(CELL),
                ..inset
            },
            &mut right,
        );
        lines.truncate(n + 1);
        lines[n].texts.extend(right.remove(0).texts);
        lines[n].text.push_str(&date);
        // Stack the lines into one box with its rules.
        let mut b = Box_::new(0.0);
        let mut y = 0.0;
        b.rules.push(Rule {
            x1: LEFT,
            y1: y,
            x2: LEFT + WIDTH,
            y2: y,
            width: thick,
            color: BLACK,
        });
        for (k, line) in lines.iter().enumerate() {
            for t in &line.texts {
                let mut t = t.clone();
                t.y += y;
                b.texts.push(t);
            }
            b.text.push_str(&line.text);
            y += LINE;
            let last = k + 1 == lines.len();
            b.rules.push(Rule {
                x1: LEFT,
                y1: y,
                x2: LEFT + WIDTH,
                y2: y,
                width: if last { thick } else { thin },
                color: BLACK,
            });
        }
        b.height = y;
        b
    }

    /// Splits spans into atoms, measured per the metric.
    fn atoms(&self, spans: &[Span], metric: Metric) -> Vec<Atom> {
        let mut atoms = Vec::new();
        for span in spans {
            let role = FontRole::Cjk(span.role);
            let mut latin: Vec<char> = Vec::new();
            let flush = |latin: &mut Vec<char>, atoms: &mut Vec<Atom>| {
                if latin.is_empty() {
                    return;
                }
                let chars = std::mem::take(latin);
                // Break long Latin runs at spaces (UAX #14); short ones stay whole.
                for word in split_latin(&chars) {
                    let ink: f32 = word
                        .iter()
                        .map(|&c| self.advance(FontRole::Latin, c, span.size))
                        .sum();
                    let advance = match metric {
                        // A Latin run takes whole grid cells: its width at
                        // the DOCX's 98 % run scale, rounded up, at least one
                        // (measured in LibreOffice: "12" one cell, "1.2" and
                        // "2008" two, "R&D" three).
                        Metric::Grid => ((ink * 0.98 / LO_CELL - 0.005).ceil()).max(1.0) * CELL,
                        Metric::Free => ink * FREE_SCALE,
                    };
                    let ink = if metric == Metric::Free { advance } else { ink };
                    atoms.push(Atom {
                        chars: word,
                        role: FontRole::Latin,
                        size: span.size,
                        ink,
                        advance,
                        latin: true,
                        lead: 0.0,
                        trail: 0.0,
                    });
                }
            };
            for c in span.text.chars() {
                if c.is_ascii() {
                    latin.push(c);
                    continue;
                }
                flush(&mut latin, &mut atoms);
                if c == '\u{2028}' {
                    continue;
                }
                let ink = self.advance(role, c, span.size);
                let advance = match metric {
                    Metric::Grid => CELL * span.size / BODY,
                    Metric::Free => ink * FREE_SCALE,
                };
                atoms.push(Atom {
                    chars: vec![c],
                    role,
                    size: span.size,
                    ink,
                    advance,
                    latin: false,
                    lead: 0.0,
                    trail: 0.0,
                });
            }
            flush(&mut latin, &mut atoms);
        }
        if metric == Metric::Free {
            add_auto_space(&mut atoms);
        }
        atoms
    }

    fn advance(&self, role: FontRole, c: char, size: f32) -> f32 {
        self.fonts
            .glyph(role, c)
            .map_or(size, |g| g.advance_em * size)
    }

    /// Breaks spans into lines and appends one box per line.
    fn paragraph(&self, spans: &[Span], shape: &ParaShape, out: &mut Vec<Box_>) {
        let atoms = self.atoms(spans, shape.metric);
        let lines = break_lines(&atoms, shape);
        let count = lines.len();
        for (i, (range, squeezed)) in lines.into_iter().enumerate() {
            let indent = if i == 0 {
                shape.first_indent
            } else {
                shape.indent
            };
            let avail = shape.width - indent;
            let line_atoms = &atoms[range];
            let mut b = Box_::new(shape.line);
            let last = i + 1 == count;
            self.place_line(line_atoms, squeezed, indent, avail, shape, last, &mut b);
            out.push(b);
        }
        if count == 0 {
            out.push(Box_::new(shape.line));
        }
    }

    /// Places one line's atoms: justified (space spread between atoms, or
    /// taken from them when a squeezed stop overfills the line), centred or
    /// right-aligned.
    #[allow(clippy::too_many_arguments)]
    fn place_line(
        &self,
        atoms: &[Atom],
        squeezed: bool,
        indent: f32,
        avail: f32,
        shape: &ParaShape,
        last: bool,
        b: &mut Box_,
    ) {
        let mut advances: Vec<f32> = atoms.iter().map(|a| a.advance).collect();
        // No Han–Latin space at the line's ends.
        if let (Some(a), Some(first)) = (advances.first_mut(), atoms.first()) {
            *a -= first.lead;
        }
        if let (Some(a), Some(last)) = (advances.last_mut(), atoms.last()) {
            *a -= last.trail;
        }
        if squeezed {
            if let Some(a) = advances.last_mut() {
                *a *= 0.5;
            }
        }
        let used: f32 = advances.iter().sum();
        let gaps = atoms.len().saturating_sub(1) as f32;
        let (mut x, extra) = match shape.align {
            Align::Justify if !last || used > avail => (
                LEFT + indent,
                if gaps > 0.0 {
                    (avail - used) / gaps
                } else {
                    0.0
                },
            ),
            Align::Justify | Align::Start => (LEFT + indent, 0.0),
            Align::Center => (LEFT + indent + (avail - used) / 2.0, 0.0),
            Align::Right(r) => (LEFT + WIDTH - r - used, 0.0),
        };
        let size = atoms.first().map_or(BODY, |a| a.size);
        let max_size = atoms.iter().map(|a| a.size).fold(size, f32::max);
        // The em box sits near the top of the line: its top a tenth of the
        // spare space below the line's top (GB/T 9704 measures the text block
        // from 37 mm, so the first line's characters start there).
        // In table cells (lines tighter than the grid) the em box is
        // centred in its line instead, clear of the rules above and below.
        let spare = if shape.line < LINE { 0.5 } else { 0.1 };
        let baseline = spare * (shape.line - max_size) + 0.88 * max_size;
        let scale = if shape.metric == Metric::Free {
            FREE_SCALE
        } else {
            1.0
        };
        for (k, (atom, adv)) in atoms.iter().zip(&advances).enumerate() {
            // A Latin run is centred in its cells; CJK fills its cell.
            let mut gx = x + match (atom.latin, shape.metric) {
                (true, Metric::Grid) => (adv - atom.ink) / 2.0,
                _ if k == 0 => 0.0,
                _ => atom.lead,
            };
            for &c in &atom.chars {
                let role = if c.is_ascii() {
                    FontRole::Latin
                } else {
                    atom.role
                };
                let w = self.advance(role, c, atom.size) * scale;
                if !c.is_whitespace() {
                    if let Some(g) = self.fonts.glyph(role, c) {
                        push_glyph(
                            b,
                            g.face,
                            atom.size,
                            baseline,
                            Glyph {
                                gid: g.gid,
                                x: gx,
                                ch: c,
                            },
                        );
                    }
                }
                b.text.push(c);
                gx += w;
            }
            x += adv + extra;
        }
    }

    fn table(&self, t: &Table, out: &mut Vec<Box_>) {
        let total: u32 = t.widths.iter().sum();
        let mut cols: Vec<f32> = t
            .widths
            .iter()
            .map(|w| WIDTH * *w as f32 / total as f32)
            .collect();
        // Same integer twips as the DOCX, so columns match exactly.
        let twips: Vec<u32> = t
            .widths
            .iter()
            .map(|w| ts::TEXT_WIDTH * w / total)
            .collect();
        let used: u32 = twips.iter().sum();
        for (c, tw) in cols.iter_mut().zip(&twips) {
            *c = *tw as f32 / 20.0;
        }
        if let Some(last) = cols.last_mut() {
            *last += (ts::TEXT_WIDTH - used) as f32 / 20.0;
        }
        let header_index = out.len();
        for (r, row) in std::iter::once(&t.header).chain(&t.rows).enumerate() {
            let header = r == 0;
            let mut cells: Vec<Vec<Box_>> = Vec::new();
            for (cell, w) in row.iter().zip(&cols) {
                let mut lines = Vec::new();
                let shape = ParaShape {
                    first_indent: 0.0,
                    indent: 0.0,
                    width: w - 2.0 * CELL_PAD,
                    align: if header { Align::Center } else { Align::Start },
                    metric: Metric::Free,
                    line: TABLE_LINE,
                };
                for para in cell {
                    let role = if header { Face::Hei } else { Face::Body };
                    self.paragraph(
                        &[Span {
                            text: para,
                            role,
                            size: TABLE,
                        }],
                        &shape,
                        &mut lines,
                    );
                }
                cells.push(lines);
            }
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = n as f32 * TABLE_LINE;
            let mut b = Box_::new(height);
            let mut x = 0.0;
            for (lines, w) in cells.iter().zip(&cols) {
                // Vertically centred, as the DOCX cells (vAlign center).
                let offset = (n - lines.len()) as f32 * TABLE_LINE / 2.0;
                for (k, line) in lines.iter().enumerate() {
                    for run in &line.texts {
                        let mut run = run.clone();
                        for g in &mut run.glyphs {
                            g.x += x + CELL_PAD;
                        }
                        run.y += offset + k as f32 * TABLE_LINE;
                        b.texts.push(run);
                    }
                    b.text.push_str(&line.text);
                }
                b.text.push('\t');
                x += w;
            }
            // Borders: 0.5 pt, every cell boxed.
            let mut edge = LEFT;
            let mut xs = vec![edge];
            for w in &cols {
                edge += w;
                xs.push(edge);
            }
            b.rules.push(Rule {
                x1: LEFT,
                y1: 0.0,
                x2: LEFT + WIDTH,
                y2: 0.0,
                width: 0.5,
                color: BLACK,
            });
            b.rules.push(Rule {
                x1: LEFT,
                y1: height,
                x2: LEFT + WIDTH,
                y2: height,
                width: 0.5,
                color: BLACK,
            });
            for x in xs {
                b.rules.push(Rule {
                    x1: x,
                    y1: 0.0,
                    x2: x,
                    y2: height,
                    width: 0.5,
                    color: BLACK,
                });
            }
            if !header {
                b.repeat_header = Some(header_index);
            } else {
                b.keep_with_next = true;
            }
            out.push(b);
        }
        out.push(Box_::new(AFTER_TABLE));
    }

    /// "— N —", 4号宋体: odd pages right, even pages left, one character in;
    /// its top 7 mm below the text block.
    fn page_numbers(&self, layout: &mut Layout) {
        let song = FontRole::Cjk(Face::Song);
        for page in &mut layout.pages {
            let Some(n) = page.number else { continue };
            let text = format!("— {n} —");
            let widths: Vec<f32> = text
                .chars()
                .map(|c| self.advance(song, c, PAGE_NUMBER))
                .collect();
            let total: f32 = widths.iter().sum();
            let x0 = if n % 2 == 1 {
                LEFT + WIDTH - PAGE_NUMBER - total
            } else {
                LEFT + PAGE_NUMBER
            };
            let baseline = TOP + HEIGHT + 7.0 * PT_PER_MM + 0.88 * PAGE_NUMBER;
            let mut run = TextRun {
                face: 0,
                size: PAGE_NUMBER,
                y: baseline,
                glyphs: Vec::new(),
                color: BLACK,
            };
            let mut x = x0;
            for (c, w) in text.chars().zip(widths) {
                if !c.is_whitespace() {
                    if let Some(f) = self.fonts.face_for(song, c) {
                        if run.glyphs.is_empty() || run.face == f {
                            run.face = f;
                            run.glyphs.push(Glyph {
                                gid: self.fonts.faces[f].glyph(c).unwrap_or(0),
                                x,
                                ch: c,
                            });
                        } else {
                            page.texts.push(std::mem::replace(
                                &mut run,
                                TextRun {
                                    face: f,
                                    size: PAGE_NUMBER,
                                    y: baseline,
                                    glyphs: Vec::new(),
                                    color: BLACK,
                                },
                            ));
                            run.glyphs.push(Glyph {
                                gid: self.fonts.faces[f].glyph(c).unwrap_or(0),
                                x,
                                ch: c,
                            });
                        }
                    }
                }
                x += w;
            }
            if !run.glyphs.is_empty() {
                page.texts.push(run);
            }
        }
    }
}

/// Adds the Han–Latin space to the Latin atoms next to a Han character.
fn add_auto_space(atoms: &mut [Atom]) {
    let han = |c: Option<&char>| {
        c.is_some_and(
            |&c| matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF),
        )
    };
    let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    for i in 0..atoms.len() {
        if !atoms[i].latin {
            continue;
        }
        let space = AUTO_SPACE_EM * atoms[i].size;
        let before = i > 0
            && !atoms[i - 1].latin
            && han(atoms[i - 1].chars.last())
            && alnum(atoms[i].chars.first());
        let after = i + 1 < atoms.len()
            && !atoms[i + 1].latin
            && han(atoms[i + 1].chars.first())
            && alnum(atoms[i].chars.last());
        if before {
            atoms[i].advance += space;
            atoms[i].lead = space;
        }
        if after {
            atoms[i].advance += space;
            atoms[i].trail = space;
        }
    }
}

fn push_glyph(b: &mut Box_, face: usize, size: f32, y: f32, g: Glyph) {
    if let Some(run) = b.texts.last_mut() {
        if run.face == face && run.size == size && run.y == y {
            run.glyphs.push(g);
            return;
        }
    }
    b.texts.push(TextRun {
        face,
        size,
        y,
        glyphs: vec![g],
        color: BLACK,
    });
}

/// Splits a Latin run at UAX #14 opportunities only if it is long (over ten
/// characters); short words and numbers stay whole.
fn split_latin(chars: &[char]) -> Vec<Vec<char>> {
    if chars.len() <= 10 {
        return vec![chars.to_vec()];
    }
    let s: String = chars.iter().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, op) in unicode_linebreak::linebreaks(&s) {
        if op == unicode_linebreak::BreakOpportunity::Allowed || i == s.len() {
            if i > start {
                out.push(s[start..i].chars().collect());
            }
            start = i;
        }
    }
    if start < s.len() {
        out.push(s[start..].chars().collect());
    }
    out
}

/// Whether a line may break between two atoms.
fn breakable(a: &Atom, b: &Atom) -> bool {
    match (a.chars.last(), b.chars.first()) {
        (Some(&x), Some(&y)) => {
            if a.latin && b.latin {
                return x == ' ' || x == '-' || x == '/';
            }
            ts::can_break_between(x, y)
        }
        _ => true,
    }
}

/// Full-width stops that may end a full line squeezed to half width rather
/// than start the next one (GB/T 15834 推入). The DOCX turns hanging
/// punctuation off and punctuation compression on, so Word squeezes them in
/// too; LibreOffice (which reads `w:overflowPunct` inverted) hangs them in the
/// margin: either way the line breaks after the stop, as here. Inside table
/// cells nothing can hang, and LibreOffice pulls a character back instead;
/// so do we.
const SQUEEZABLE: &str = "。，、；：？！";

/// Greedy line breaking: the atom ranges of each line, and whether the last
/// atom of the line is a stop squeezed in at half width.
fn break_lines(atoms: &[Atom], shape: &ParaShape) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let eps = 0.01;
    while start < atoms.len() {
        let avail = shape.width
            - if lines.is_empty() {
                shape.first_indent
            } else {
                shape.indent
            };
        let mut used = 0.0;
        let mut end = start;
        while end < atoms.len() {
            let a = &atoms[end];
            let w = a.advance - if end == start { a.lead } else { 0.0 };
            if used + w - a.trail > avail + eps {
                break;
            }
            used += w;
            end += 1;
        }
        if end == atoms.len() {
            lines.push((start..end, false));
            break;
        }
        if end == start {
            // A single atom wider than the line: it goes on a line of its own.
            lines.push((start..start + 1, false));
            start += 1;
            continue;
        }
        let next = &atoms[end];
        // (Not after a Latin run: "1.4%。" moves down whole, as in LibreOffice.)
        let squeeze = shape.metric == Metric::Grid
            && !atoms[end - 1].latin
            && next.chars.len() == 1
            && SQUEEZABLE.contains(next.chars[0])
            && (end + 1 == atoms.len() || breakable(next, &atoms[end + 1]));
        if squeeze {
            lines.push((start..end + 1, true));
            start = end + 1;
            continue;
        }
        // Otherwise pull back to the last legal break, so that closing
        // punctuation never starts and opening punctuation never ends a line.
        let mut cut = end;
        while cut > start && !breakable(&atoms[cut - 1], &atoms[cut]) {
            cut -= 1;
        }
        if cut == start {
            cut = end; // no legal break at all: break at the measure
        }
        lines.push((start..cut, false));
        start = cut;
    }
    lines
}

/// Assigns boxes to pages: 22 lines each, keeping marked boxes with the next,
/// repeating table headers after a break.
fn paginate(boxes: Vec<Box_>) -> Layout {
    let mut layout = Layout::default();
    let mut page = Page::default();
    let mut y = 0.0_f32;
    let eps = 0.01;
    let mut i = 0;
    let mut pages: Vec<Page> = Vec::new();
    let mut imprint: Option<&Box_> = None;
    while i < boxes.len() {
        if boxes[i].imprint {
            imprint = Some(&boxes[i]);
            i += 1;
            continue;
        }
        // The group that must stay together: this box and every box it keeps with.
        let mut j = i;
        let mut group_h = boxes[i].height;
        while boxes[j].keep_with_next && j + 1 < boxes.len() {
            j += 1;
            group_h += boxes[j].height;
        }
        let fits = y + group_h <= HEIGHT + eps;
        let page_empty = page.texts.is_empty() && page.rules.is_empty();
        if (boxes[i].page_break_before || !fits) && !page_empty {
            // A group taller than a page is split where it must be.
            if !fits && group_h > HEIGHT {
                if y + boxes[i].height > HEIGHT + eps {
                    pages.push(std::mem::take(&mut page));
                    y = 0.0;
                }
            } else {
                pages.push(std::mem::take(&mut page));
                y = 0.0;
            }
            if y == 0.0 {
                // A table row opening a page brings its header row with it.
                if let Some(h) = boxes[i].repeat_header {
                    place(&mut page, &boxes[h], y);
                    y += boxes[h].height;
                }
            }
        }
        let b = &boxes[i];
        place(&mut page, b, y);
        if !b.text.is_empty() {
            layout.lines.push(b.text.clone());
        }
        y += b.height;
        i += 1;
    }
    if !page.texts.is_empty() || !page.rules.is_empty() || pages.is_empty() {
        pages.push(page);
    } else {
        y = HEIGHT;
    }
    for (n, p) in pages.iter_mut().enumerate() {
        p.number = Some(n + 1);
    }
    // 版记: its last rule on the bottom of the text block of the last page,
    // which must be an even page (printed on the back). If it does not fit
    // there, or that page is odd, it goes at the foot of the next even page;
    // a blank page needed before it and the 版记 page carry no number (7.5).
    if let Some(b) = imprint {
        let fits = y + b.height <= HEIGHT + eps;
        if fits && pages.len() % 2 == 0 {
            layout.imprint = Some(ImprintPlace::LastPage {
                gap: HEIGHT - b.height - y,
            });
        } else {
            let blank = if pages.len() % 2 == 0 { 1 } else { 0 };
            for _ in 0..blank + 1 {
                pages.push(Page::default());
            }
            if blank == 0 {
                // No blank page before it: the 版记 page keeps its number.
                let n = pages.len();
                pages[n - 1].number = Some(n);
            }
            layout.imprint = Some(ImprintPlace::OwnPage { blank });
        }
        let last = pages.last_mut().expect("at least one page");
        place(last, b, HEIGHT - b.height);
        layout.lines.push(b.text.clone());
    }
    layout.pages = pages;
    layout
}

fn place(page: &mut Page, b: &Box_, y: f32) {
    for t in &b.texts {
        let mut t = t.clone();
        t.y += TOP + y;
        page.texts.push(t);
    }
    for r in &b.rules {
        let mut r = r.clone();
        r.y1 += TOP + y;
        r.y2 += TOP + y;
        page.rules.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(c: char) -> Atom {
        Atom {
            chars: vec![c],
            role: FontRole::Cjk(Face::Body),
            size: BODY,
            ink: BODY,
            advance: CELL,
            latin: false,
            lead: 0.0,
            trail: 0.0,
        }
    }

    fn lines_of(text: &str, first_indent: f32) -> Vec<String> {
        let atoms: Vec<Atom> = text.chars().map(atom).collect();
        let shape = ParaShape {
            first_indent,
            ..ParaShape::body()
        };
        break_lines(&atoms, &shape)
            .into_iter()
            .map(|(r, _)| atoms[r].iter().map(|a| a.chars[0]).collect())
            .collect()
    }

    #[test]
    fn full_lines_hold_28_cells() {
        let text: String = "字".repeat(60);
        let lines = lines_of(&text, 2.0 * CELL);
        assert_eq!(
            lines.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            vec![26, 28, 6]
        );
    }

    #[test]
    fn a_stop_never_starts_a_line_it_is_squeezed_in() {
        let text = format!("{}。后文", "字".repeat(28));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 29);
        assert!(lines[0].ends_with('。') && lines[1] == "后文");
        // …unless a closing quote follows it: then a character comes down.
        let text = format!("{}样。”后文", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 27);
        assert!(lines[1].starts_with("样。”"));
    }

    #[test]
    fn closing_quote_pulls_a_character_back() {
        let text = format!("{}样”后文", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 27);
        assert!(lines[1].starts_with("样”"));
    }

    #[test]
    fn opening_quote_never_ends_a_line_and_dashes_stay_whole() {
        let text = format!("{}“引文”", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(!lines[0].ends_with('“') && lines[1].starts_with('“'));
        let text = format!("{}——破折", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(!lines[0].ends_with('—') || lines[0].ends_with("——"));
        assert!(!lines[1].starts_with('—') || lines[1].starts_with("——"));
        let text = format!("{}……省略", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(lines
            .iter()
            .all(|l| !l.starts_with('…') || l.starts_with("……")));
    }
}
