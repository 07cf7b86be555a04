//! Which table rows may break across pages.
//!
//! Owns the one decision both writers carry out: a row no taller than a
//! third of the text block ([`SPLIT_ABOVE`]) is kept whole (the DOCX's
//! `w:cantSplit`, a single box in our layout); a taller one may break
//! between its cells' lines at a page's foot, the header row repeated above
//! its rest (no `w:cantSplit`, so Word and LibreOffice break it too), so a
//! 整改方案 of long measures does not leave pages half empty while a row
//! moves on whole.
//!
//! The height is estimated from the cells' text in their columns
//! ([`super::content_columns`]), without the faces, so the DOCX says the
//! same whether or not fonts are installed: a CJK character is an em of the
//! table text, a Latin character its Times New Roman advance
//! ([`measured::TIMES_ADVANCE_MILLI_EM`]), the Han–Latin space counted,
//! lines broken greedily where GB/T 15834 allows. The estimate may be a line
//! off the layout's own count near the threshold; that moves the threshold,
//! never the agreement, since both writers read [`may_split`]. It never lays
//! text out and never writes markup.

use super::columns::auto_space_ems;
use super::{can_break, measured, TABLE_CELL_PAD, TABLE_LINE, TABLE_SIZE, TEXT_HEIGHT};
use crate::document::{Cell, Table};

/// A row taller than this (twips) may break across pages: a third of the
/// text block (issue 10: a row that would leave a third of a page empty if
/// it moved on whole). Our choice, not the standard's.
pub const SPLIT_ABOVE: u32 = TEXT_HEIGHT / 3;

/// For each of `t`'s body rows (not the header), whether it may break
/// across pages: its estimated height ([`row_height`]) exceeds
/// [`SPLIT_ABOVE`]. `cols` are the table's columns in twips.
pub fn may_split(t: &Table, cols: &[u32]) -> Vec<bool> {
    t.rows
        .iter()
        .map(|row| row_height(row, cols) > SPLIT_ABOVE)
        .collect()
}

/// A row's estimated height in twips: its tallest cell's lines of
/// [`TABLE_LINE`], and the row's border LibreOffice adds
/// ([`measured::LO_ROW_BORDER_MPT`]).
pub fn row_height(row: &[Cell], cols: &[u32]) -> u32 {
    let lines = row
        .iter()
        .zip(cols)
        .map(|(cell, &w)| cell_lines(cell, w))
        .max()
        .unwrap_or(1)
        .max(1);
    lines as u32 * TABLE_LINE + measured::LO_ROW_BORDER_MPT / 50
}

/// Lines a cell's paragraphs take in a column `width` twips wide (an empty
/// paragraph, or an empty cell, one line).
fn cell_lines(cell: &Cell, width: u32) -> usize {
    let em = f64::from(TABLE_SIZE) * 10.0 * f64::from(measured::FREE_SCALE);
    let room = (f64::from(width) - f64::from(2 * TABLE_CELL_PAD)) / em;
    cell.iter()
        .map(|p| para_lines(p, room))
        .sum::<usize>()
        .max(1)
}

/// Lines of `para` in `room` ems, broken greedily before the piece that
/// overflows, pulled back to the last place GB/T 15834 allows (a stop never
/// starts a line: in a cell nothing hangs). A Latin letter or digit run is
/// one piece.
fn para_lines(para: &str, room: f64) -> usize {
    let pieces = pieces(para);
    let mut lines = 1;
    let mut start = 0;
    let mut end = 0;
    while end < pieces.len() {
        let width = ems(&pieces[start..=end].concat());
        if width <= room + 1e-6 || end == start {
            end += 1;
            continue;
        }
        let mut cut = end;
        while cut > start && !breakable(&pieces[cut - 1], &pieces[cut]) {
            cut -= 1;
        }
        if cut == start {
            cut = end;
        }
        lines += 1;
        start = cut;
        end = cut;
    }
    lines
}

/// `para` as unbreakable pieces: a run of ASCII letters and digits, or one
/// other character.
fn pieces(para: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut latin = false;
    for c in para.chars() {
        let alnum = c.is_ascii_alphanumeric();
        match out.last_mut() {
            Some(last) if alnum && latin => last.push(c),
            _ => out.push(c.to_string()),
        }
        latin = alnum;
    }
    out
}

/// Width of `text` in ems of the table text: CJK characters an em, ASCII
/// their Times New Roman advance, and the Han–Latin space.
fn ems(text: &str) -> f64 {
    let advances: f64 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => f64::from(measured::TIMES_ADVANCE_MILLI_EM[c as usize - 0x20]) / 1000.0,
            _ => 1.0,
        })
        .sum();
    advances + auto_space_ems(text)
}

/// Whether a cell's line may break between two pieces (off the grid).
fn breakable(a: &str, b: &str) -> bool {
    match (a.chars().last(), b.chars().next()) {
        (Some(x), Some(y)) => can_break(x, y, false),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Times advances the estimate uses are the installed Latin face's.
    #[test]
    fn latin_advances_are_the_latin_face_s() {
        let fonts = crate::fonts::Fonts::discover(&[]).expect("fonts: run scripts/setup.sh");
        for c in ' '..='~' {
            let face = fonts
                .glyph(crate::fonts::FontRole::Latin, c)
                .expect("the Latin face covers ASCII")
                .advance_em;
            let ours = ems(&c.to_string());
            assert!(
                (f64::from(face) - ours).abs() < 0.002,
                "{c:?}: {face} vs {ours}"
            );
        }
        assert!((ems("1.委托") - 2.75).abs() < 1e-9);
    }

    #[test]
    fn a_third_of_the_text_block() {
        assert_eq!(SPLIT_ABOVE, 4252);
        // 11 lines of 18 pt and the border stay whole, 12 may split.
        const { assert!(11 * TABLE_LINE + 10 <= SPLIT_ABOVE) };
        const { assert!(12 * TABLE_LINE + 10 > SPLIT_ABOVE) };
    }

    #[test]
    fn lines_break_greedily_and_stops_never_start_a_line() {
        // 5 ems a line: 10 Han characters are 2 lines, 11 are 3.
        assert_eq!(para_lines("一二三四五六七八九十", 5.0), 2);
        assert_eq!(para_lines("一二三四五六七八九十甲", 5.0), 3);
        // "，" cannot start line 2: 五 moves down with it.
        assert_eq!(para_lines("一二三四五，六七八", 5.0), 2);
        assert_eq!(para_lines("一二三四五，六七八九", 5.0), 3);
        // A number is one piece: "2026" does not break.
        assert_eq!(pieces("于2026年"), vec!["于", "2026", "年"]);
        assert_eq!(para_lines("", 5.0), 1);
    }

    #[test]
    fn only_rows_taller_than_a_third_of_a_page_may_split() {
        let cell = |s: &str| vec![s.to_string()];
        let long = "对照党章规定的党员标准逐条查找差距".repeat(3);
        let t = Table {
            widths: vec![1, 3],
            header: vec![cell("序号"), cell("措施")],
            rows: vec![vec![cell("1"), cell("短")], vec![cell("2"), cell(&long)]],
        };
        // A narrow second column (4.5 ems): 51 characters at 4 a line are 13 lines.
        let cols = [4000, 1172];
        assert_eq!(row_height(&t.rows[0], &cols), 370);
        assert_eq!(row_height(&t.rows[1], &cols), 13 * 360 + 10);
        assert_eq!(may_split(&t, &cols), vec![false, true]);
    }
}
