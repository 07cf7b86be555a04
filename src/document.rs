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
    /// 抄送 line.
    CopyTo(String),
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
