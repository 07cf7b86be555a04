//! Table columns sized from their content.
//!
//! Owns how wide each column of a [`Table`] is, in integer twips summing to
//! the text width, the same for the DOCX's `w:gridCol` and our layout. A
//! short paragraph (序号, 类别, a name, a 时限, every header) is never wrapped
//! (at most [`SHORT_CHARS`] characters: the column is made wide enough for
//! it); a header breaks between words of the segmenter
//! ([`super::word_boundaries`]) when whole headers would squeeze the text
//! columns. The template's relative widths
//! give the rest; what raising the short columns costs comes from the
//! columns with room to spare. It never lays text out: widths are estimated from cells
//! ([`super::text_width`]), with a margin for the faces' real advances.

use super::{measured, text_width, word_boundaries, TABLE_CELL_PAD, TABLE_SIZE, TEXT_WIDTH};
use crate::document::{Cell, Table};

/// A paragraph of at most this many characters is never wrapped in a cell
/// (issue 10's measure: "no table cell of ≤ 6 characters wraps").
pub const SHORT_CHARS: usize = 6;

/// Extra width allowed for every unbreakable piece, in ems of the table
/// text: the faces' advances and LibreOffice's rounding differ a little from
/// the cell estimate (our margin, not a measurement).
const SAFETY_EM: f64 = 0.4;

/// Headers are kept whole only while the columns' needs leave at least this
/// share of the text block to the columns' template weights; past it, a
/// header breaks between its words (完成/时限) so the long text columns are
/// not squeezed to their headers' width (our choice, from the 8-column
/// 整改方案: whole headers left its three text columns 4 characters wide).
const WHOLE_HEADERS_UP_TO: f64 = 0.6;

/// The advance of one em of table text in twips: 12 pt set at
/// [`measured::FREE_SCALE`].
fn em_twips() -> f64 {
    f64::from(TABLE_SIZE) * 10.0 * f64::from(measured::FREE_SCALE)
}

/// Width of `text` in ems of the table text: [`text_width`] plus the space
/// LibreOffice puts between Han characters and Latin letters or digits
/// ([`measured::AUTO_SPACE_EM`]).
fn ems(text: &str) -> f64 {
    text_width(text) + auto_space_ems(text)
}

/// The Han–Latin space inside `text` ([`measured::AUTO_SPACE_EM`] at each
/// switch between letters or digits and other characters), in ems.
pub(super) fn auto_space_ems(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let switches = chars
        .windows(2)
        .filter(|w| w[0].is_ascii_alphanumeric() != w[1].is_ascii_alphanumeric())
        .filter(|w| !w[0].is_ascii_punctuation() && !w[1].is_ascii_punctuation())
        .filter(|w| !w[0].is_whitespace() && !w[1].is_whitespace())
        .count();
    switches as f64 * f64::from(measured::AUTO_SPACE_EM)
}

/// The widest piece of `para` that must stay on one line, in ems: the whole
/// paragraph if short. A longer one sets no minimum: LibreOffice and Word
/// break CJK text between any two characters, so only a column wide enough
/// for the whole paragraph could keep a word of it whole.
fn unbreakable_ems(para: &str) -> f64 {
    if para.chars().count() <= SHORT_CHARS {
        return ems(para);
    }
    0.0
}

/// The widest word of the segmenter in `para`, in ems.
fn longest_word_ems(para: &str) -> f64 {
    let chars: Vec<char> = para.chars().collect();
    let starts = word_boundaries(para);
    let mut widest: f64 = 0.0;
    let mut from = 0;
    for i in 1..=chars.len() {
        if starts[i] {
            let word: String = chars[from..i].iter().collect();
            widest = widest.max(ems(&word));
            from = i;
        }
    }
    widest
}

/// The columns of `t` in twips, summing to the text width: the template's
/// widths (`t.widths`, relative), each raised to what its content needs
/// ([`unbreakable_ems`]; the header whole if all headers fit so, else
/// between words), the difference taken from the columns with room to
/// spare, in proportion to that room.
pub fn content_columns(t: &Table) -> Vec<u32> {
    let total = f64::from(TEXT_WIDTH);
    let whole_headers = needs(t, true);
    let need = if whole_headers.iter().sum::<f64>() <= total * WHOLE_HEADERS_UP_TO {
        whole_headers
    } else {
        needs(t, false)
    };
    let weights: Vec<f64> = (0..need.len())
        .map(|c| f64::from(t.widths.get(c).copied().unwrap_or(1).max(1)))
        .collect();
    whole_twips(&raise_to_needs(total, &need, &weights))
}

/// The header's cells as both writers set them: a paragraph wider than its
/// column is cut into lines between words of the segmenter (完成 / 时限),
/// packed greedily, so Word, LibreOffice and our layout never cut inside a
/// word of a header (which they would at any character).
pub fn header_cells(t: &Table, cols: &[u32]) -> Vec<Cell> {
    let em = em_twips();
    t.header
        .iter()
        .zip(cols)
        .map(|(cell, &w)| {
            let room = (f64::from(w) - f64::from(2 * TABLE_CELL_PAD)) / em - SAFETY_EM / 2.0;
            cell.iter()
                .flat_map(|p| lines_between_words(p, room))
                .collect()
        })
        .collect()
}

/// `para` cut between words into lines of at most `room` ems (a word wider
/// than that stands alone on its line).
fn lines_between_words(para: &str, room: f64) -> Vec<String> {
    if ems(para) <= room {
        return vec![para.to_string()];
    }
    let chars: Vec<char> = para.chars().collect();
    let starts = word_boundaries(para);
    let mut lines = vec![String::new()];
    let mut from = 0;
    for i in 1..=chars.len() {
        if !starts[i] {
            continue;
        }
        let word: String = chars[from..i].iter().collect();
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && ems(&format!("{line}{word}")) > room {
            lines.push(word);
        } else {
            line.push_str(&word);
        }
        from = i;
    }
    lines
}

/// Each column's need in twips: its widest unbreakable piece plus the
/// margin and the cell's padding. `whole_headers`: the header's text kept
/// on one line, else only its words.
fn needs(t: &Table, whole_headers: bool) -> Vec<f64> {
    let pad = f64::from(2 * TABLE_CELL_PAD);
    let em = em_twips();
    (0..t.header.len())
        .map(|c| {
            let header = t.header[c].iter().map(|p| {
                if whole_headers {
                    ems(p)
                } else {
                    longest_word_ems(p)
                }
            });
            let body = t
                .rows
                .iter()
                .flat_map(|r| r[c].iter())
                .map(|p| unbreakable_ems(p));
            let widest = header.chain(body).fold(0.0, f64::max);
            (widest + SAFETY_EM) * em + pad
        })
        .collect()
}

/// Widths by `weights`, every column raised to its `need`, what that costs
/// taken from the others in proportion to their room above their need
/// (their need is never given up). If the needs alone overflow, every
/// column gets the text width in proportion to its need.
fn raise_to_needs(total: f64, need: &[f64], weights: &[f64]) -> Vec<f64> {
    let needed: f64 = need.iter().sum();
    if needed >= total {
        return need.iter().map(|w| w / needed * total).collect();
    }
    let weight: f64 = weights.iter().sum();
    let weighted: Vec<f64> = weights.iter().map(|w| total * w / weight).collect();
    let deficit: f64 = weighted
        .iter()
        .zip(need)
        .map(|(w, n)| (n - w).max(0.0))
        .sum();
    let room: f64 = weighted
        .iter()
        .zip(need)
        .map(|(w, n)| (w - n).max(0.0))
        .sum();
    weighted
        .iter()
        .zip(need)
        .map(|(&w, &n)| {
            if w <= n {
                n
            } else {
                w - (w - n) / room * deficit
            }
        })
        .collect()
}

/// Widths rounded down to whole twips, the last column taking what the
/// rounding left, so they sum to the text width exactly.
fn whole_twips(widths: &[f64]) -> Vec<u32> {
    let mut cols: Vec<u32> = widths.iter().map(|w| w.floor() as u32).collect();
    let used: u32 = cols.iter().sum();
    if let Some(last) = cols.last_mut() {
        *last += TEXT_WIDTH.saturating_sub(used);
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(widths: &[u32], header: &[&str], rows: &[&[&str]]) -> Table {
        let cell = |s: &&str| vec![s.to_string()];
        Table {
            widths: widths.to_vec(),
            header: header.iter().map(cell).collect(),
            rows: rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
        }
    }

    #[test]
    fn short_columns_fit_their_content_and_long_ones_share_the_rest() {
        let long =
            "对照党章规定的党员标准和八项基本义务逐条查找差距，形成问题清单并逐项明确整改责任人";
        let t = table(
            &[4, 11, 9, 13, 6, 6, 5, 6],
            &[
                "序号",
                "存在问题",
                "整改目标",
                "整改措施",
                "类别",
                "完成时限",
                "责任领导",
                "责任部门",
            ],
            &[&[
                "10",
                long,
                long,
                long,
                "限期整改",
                "2026年12月25日",
                "林晓雯",
                "办公室",
            ]],
        );
        let cols = content_columns(&t);
        assert_eq!(cols.iter().sum::<u32>(), TEXT_WIDTH);
        let em = em_twips();
        let pad = f64::from(2 * TABLE_CELL_PAD);
        // 序号 and 类别 hold their text on one line, and no more.
        assert!(f64::from(cols[0]) >= 2.0 * em + pad, "{cols:?}");
        assert!(f64::from(cols[0]) < 3.0 * em + pad, "{cols:?}");
        assert!(f64::from(cols[4]) >= 4.0 * em + pad, "{cols:?}");
        // A name whole; its header 责任领导 may break between its words.
        assert!(f64::from(cols[6]) >= 3.0 * em + pad, "{cols:?}");
        // The long columns are the widest, in the template's order of weight.
        assert!(cols[3] > cols[1] && cols[1] > cols[2], "{cols:?}");
        assert!(cols[2] > cols[4], "{cols:?}");
    }

    #[test]
    fn a_narrow_header_is_cut_between_its_words() {
        assert_eq!(lines_between_words("完成时限", 3.0), vec!["完成", "时限"]);
        assert_eq!(lines_between_words("责任领导", 4.5), vec!["责任领导"]);
        let t = table(&[1, 1], &["序号", "完成时限"], &[]);
        let cells = header_cells(&t, &[600, 700]);
        assert_eq!(cells[1], vec!["完成", "时限"]);
        assert_eq!(cells[0], vec!["序号"]);
    }

    #[test]
    fn raising_a_column_takes_from_the_roomy_ones_only() {
        let w = raise_to_needs(100.0, &[30.0, 10.0, 10.0], &[1.0, 1.0, 2.0]);
        assert!((w.iter().sum::<f64>() - 100.0).abs() < 1e-9);
        assert_eq!(w[0], 30.0);
        assert!(w[1] >= 10.0 && w[2] > w[1], "{w:?}");
        let w = raise_to_needs(10.0, &[10.0, 10.0], &[1.0, 3.0]);
        assert_eq!(w, vec![5.0, 5.0]);
    }

    #[test]
    fn widths_count_the_space_between_han_and_digits() {
        assert!((ems("2026年3月5日") - (6.0 + 5.0 * 0.204)).abs() < 1e-6);
        assert_eq!(ems("林晓雯"), 3.0);
        assert_eq!(unbreakable_ems("林晓雯"), 3.0);
        assert_eq!(unbreakable_ems("按照区委的统一部署"), 0.0);
    }
}
