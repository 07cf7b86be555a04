//! The format-neutral document: what a paper says, in reading order.
//!
//! Owns the element kinds a paper is made of (title, headings, paragraphs,
//! tables, signature, …) and the automatic heading numbers. Knows nothing of
//! fonts, grids or file formats: the DOCX and PDF writers read this model and
//! decide how each element looks, so they cannot disagree on content.

/// One paper, ready for a writer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The title (2号小标宋, centred). `\n` forces a line break.
    Title(String),
    /// A centred line under the title naming the author (楷体).
    Byline(String),
    /// 主送机关, flush left, ends with "：".
    Addressee(String),
    /// A numbered heading. `lead` is body text run in after it in the same
    /// paragraph (common for （一） and 1. levels).
    Heading {
        level: u8,
        number: String,
        text: String,
        lead: Option<String>,
    },
    /// A body paragraph, first line indented two characters.
    Paragraph(String),
    Table(Table),
    /// 附件说明: the names of the attachments.
    AttachmentNote(Vec<String>),
    /// 署名 and 成文日期 (7.3.5.2, no seal).
    Signature {
        name: String,
        date: String,
    },
    /// 附注, printed in round brackets.
    Note(String),
    /// 抄送 line from a template; [`Document::frame`] moves it into the 版记.
    CopyTo(String),
    /// 版头: the letterhead block at the top of page 1 (7.2).
    Letterhead(Letterhead),
    /// An attachment's first page: "附件N" top left, its title centred on
    /// line 3 (7.3.4); its paragraphs follow as ordinary blocks.
    Attachment {
        label: String,
        title: String,
    },
    /// 版记 at the foot of the last page (7.4).
    Imprint(Imprint),
    /// A printed form's ruled table: cells spanning columns, rows of a
    /// least height left blank to write in, check boxes (□) as text.
    Form(Form),
    /// A line to fill in by hand: text, and blanks underlined to write on
    /// (签名, 日期), set flush right.
    FillLine(Vec<Fill>),
    /// A machine-readable code (QR) of `payload`, flush right, with its
    /// `caption` (the printed serial) under it.
    Code {
        payload: String,
        caption: String,
    },
    /// The next block starts a new page (one copy of a form per page).
    PageBreak,
}

/// A form's table: relative column widths and rows; no header row repeats,
/// and a row never splits across pages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    pub widths: Vec<u32>,
    pub rows: Vec<FormRow>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormRow {
    /// The row's least height in table lines (room to write in).
    pub lines: u32,
    pub cells: Vec<FormCell>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormCell {
    /// Paragraphs of the cell.
    pub text: Vec<String>,
    /// Columns the cell spans (at least 1).
    pub span: u32,
    /// A label cell: 黑体, centred, as a table header.
    pub head: bool,
    /// Centred (check boxes, short values) rather than flush left.
    pub center: bool,
}

/// A piece of a [`Block::FillLine`].
#[derive(Clone, Debug, PartialEq)]
pub enum Fill {
    Text(String),
    /// An underlined blank `cells` characters wide, with `text` (a name
    /// printed in advance) in it, if any.
    Blank {
        cells: u32,
        text: String,
    },
}

/// 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人.
#[derive(Clone, Debug, PartialEq)]
pub struct Letterhead {
    pub copy_no: Option<String>,
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub issuer: String,
    pub number: String,
    pub signer: Option<String>,
}

/// 版记 (7.4): 抄送机关, and the 印发 line when the paper gives one.
#[derive(Clone, Debug, PartialEq)]
pub struct Imprint {
    pub cc: Option<String>,
    pub printed: Option<Printed>,
}

/// 印发机关 and 印发日期.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    pub issuer: String,
    pub date: String,
}

/// A table: a header row that repeats on every page, and body rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Relative column widths; as many as columns.
    pub widths: Vec<u32>,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell: one or more paragraphs.
pub type Cell = Vec<String>;

impl Document {
    /// Puts a paper's frame around the template's blocks: the letterhead
    /// first, the 附件说明 before the signature, the attachments after the
    /// note, the 版记 last. Done here rather than in every template so that
    /// a user's own template gets the frame too.
    pub fn frame(
        &mut self,
        letterhead: Option<Letterhead>,
        attachments: &[(String, Vec<String>)],
        imprint: Option<Imprint>,
    ) {
        if let Some(l) = letterhead {
            self.blocks.insert(0, Block::Letterhead(l));
        }
        if !attachments.is_empty() {
            let names: Vec<String> = attachments.iter().map(|(t, _)| t.clone()).collect();
            let at = self
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Signature { .. }))
                .unwrap_or(self.blocks.len());
            self.blocks.insert(at, Block::AttachmentNote(names));
            let many = attachments.len() > 1;
            for (i, (title, body)) in attachments.iter().enumerate() {
                let label = if many {
                    format!("附件{}", i + 1)
                } else {
                    "附件".to_string()
                };
                self.blocks.push(Block::Attachment {
                    label,
                    title: title.clone(),
                });
                self.blocks
                    .extend(body.iter().map(|p| Block::Paragraph(p.clone())));
            }
        }
        // The 抄送 always belongs in the 版记 (7.4.2): it moves there from
        // the body, into a 版记 of its own when the paper has none.
        let copy_to = self.blocks.iter().find_map(|b| match b {
            Block::CopyTo(t) => Some(
                t.trim_start_matches("抄送：")
                    .trim_end_matches('。')
                    .to_string(),
            ),
            _ => None,
        });
        self.blocks.retain(|b| !matches!(b, Block::CopyTo(_)));
        let imprint = match (imprint, copy_to) {
            (Some(mut i), cc) => {
                i.cc = i.cc.or(cc);
                Some(i)
            }
            (None, Some(cc)) => Some(Imprint {
                cc: Some(cc),
                printed: None,
            }),
            (None, None) => None,
        };
        if let Some(i) = imprint {
            self.blocks.push(Block::Imprint(i));
        }
    }

    /// The paper's title on one line, for file metadata.
    pub fn title(&self) -> String {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Title(t) => Some(t.replace('\n', "")),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// All text in reading order, one element a line: what a reader of the
    /// printed paper sees, used by tests and by font coverage checks.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Title(t) | Block::Byline(t) | Block::Addressee(t) | Block::Paragraph(t) => {
                    out.push_str(t);
                }
                Block::Heading {
                    number, text, lead, ..
                } => {
                    out.push_str(number);
                    out.push_str(text);
                    if let Some(l) = lead {
                        out.push_str(l);
                    }
                }
                Block::Table(t) => {
                    for row in std::iter::once(&t.header).chain(&t.rows) {
                        for cell in row {
                            out.push_str(&cell.join("\n"));
                            out.push('\t');
                        }
                        out.push('\n');
                    }
                }
                Block::AttachmentNote(names) => out.push_str(&names.join("\n")),
                Block::Signature { name, date } => {
                    out.push_str(name);
                    out.push('\n');
                    out.push_str(date);
                }
                Block::Note(t) => out.push_str(t),
                Block::CopyTo(t) => out.push_str(t),
                Block::Letterhead(l) => {
                    for part in [&l.copy_no, &l.secrecy, &l.urgency].into_iter().flatten() {
                        out.push_str(part);
                        out.push('\n');
                    }
                    out.push_str(&l.issuer);
                    out.push('\n');
                    out.push_str(&l.number);
                    if let Some(s) = &l.signer {
                        out.push_str("签发人：");
                        out.push_str(s);
                    }
                }
                Block::Attachment { label, title } => {
                    out.push_str(label);
                    out.push('\n');
                    out.push_str(title);
                }
                Block::Form(f) => {
                    for row in &f.rows {
                        for cell in &row.cells {
                            out.push_str(&cell.text.join("\n"));
                            out.push('\t');
                        }
                        out.push('\n');
                    }
                }
                Block::FillLine(parts) => {
                    for p in parts {
                        match p {
                            Fill::Text(t) | Fill::Blank { text: t, .. } => out.push_str(t),
                        }
                    }
                }
                Block::Code { payload, caption } => {
                    out.push_str(payload);
                    out.push('\n');
                    out.push_str(caption);
                }
                Block::PageBreak => {}
                Block::Imprint(i) => {
                    if let Some(cc) = &i.cc {
                        out.push_str("抄送：");
                        out.push_str(cc);
                        out.push('\n');
                    }
                    if let Some(p) = &i.printed {
                        out.push_str(&p.issuer);
                        out.push_str(&p.date);
                        out.push_str("印发");
                    }
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Heading numbers of GB/T 9704 7.3.3: 一、（一）1.（1）.
pub fn heading_number(level: u8, n: usize) -> String {
    match level {
        1 => format!("{}、", chinese_numeral(n)),
        2 => format!("（{}）", chinese_numeral(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers in digits.
pub fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 if n % 10 == 0 => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// Counts headings per level as sections open, resetting deeper levels.
#[derive(Debug, Default)]
pub struct HeadingCounter {
    counts: [usize; 4],
}

impl HeadingCounter {
    /// The number for a new heading at `level` (1–4).
    pub fn next(&mut self, level: u8) -> String {
        let i = usize::from(level - 1);
        self.counts[i] += 1;
        for c in &mut self.counts[i + 1..] {
            *c = 0;
        }
        heading_number(level, self.counts[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 99]
            .iter()
            .map(|&n| chinese_numeral(n))
            .collect();
        assert_eq!(
            got,
            ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]
        );
    }

    #[test]
    fn numbers_reset_below_and_never_skip() {
        let mut c = HeadingCounter::default();
        assert_eq!(c.next(1), "一、");
        assert_eq!(c.next(2), "（一）");
        assert_eq!(c.next(3), "1.");
        assert_eq!(c.next(4), "（1）");
        assert_eq!(c.next(2), "（二）");
        assert_eq!(c.next(3), "1.");
        assert_eq!(c.next(1), "二、");
        assert_eq!(c.next(2), "（一）");
    }
}
