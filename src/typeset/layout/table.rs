//! Tables: rows of boxed cells, 小四 off the grid, the header repeated.
//!
//! Column widths are the DOCX's own integer twips, sized from the content
//! ([`ts::content_columns`]), so the columns match exactly; a row is one box as tall as its tallest
//! cell, never split; the header row is repeated after a page break.

use super::{Box_, ParaShape, Rule, Span, Typesetter, BLACK, LEFT};
use crate::document::{Cell, Table};
use crate::typeset::{self as ts, Kind};

/// Cell padding left and right, pt.
const CELL_PAD: f32 = ts::TABLE_CELL_PAD as f32 / 20.0;
/// The rules' weight, pt (the DOCX's `w:sz` 4, in eighths).
const RULE: f32 = 0.5;

impl Typesetter<'_> {
    pub(super) fn table(&self, t: &Table, out: &mut Vec<Box_>) {
        let twips = ts::content_columns(t);
        let header = ts::columns::header_cells(t, &twips);
        let cols: Vec<f32> = twips.iter().map(|&tw| tw as f32 / 20.0).collect();
        let header_index = out.len();
        for (r, row) in std::iter::once(&header).chain(&t.rows).enumerate() {
            let header = r == 0;
            let mut b = self.row(row, &cols, header);
            if header {
                b.keep_with_next = true;
            } else {
                b.repeat_header = Some(header_index);
            }
            out.push(b);
        }
        out.push(Box_::new(crate::typeset::measured::LO_AFTER_TABLE));
    }

    /// One row: its cells laid out in their columns, vertically centred (as
    /// the DOCX's `vAlign center`), every cell boxed.
    fn row(&self, row: &[Cell], cols: &[f32], header: bool) -> Box_ {
        let style = ts::style(if header {
            Kind::TableHeader
        } else {
            Kind::TableText
        });
        let line = ParaShape::of(&style).line;
        let cells: Vec<Vec<Box_>> = row
            .iter()
            .zip(cols)
            .map(|(cell, w)| self.cell_lines(cell, &style, *w))
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = n as f32 * line + crate::typeset::measured::LO_ROW_BORDER;
        let mut b = Box_::new(height);
        let mut x = 0.0;
        for (lines, w) in cells.iter().zip(cols) {
            place_cell(&mut b, lines, x, height, line);
            x += w;
        }
        b.rules = borders(cols, height);
        b
    }
}

impl Typesetter<'_> {
    /// A cell's paragraphs in `style`, broken into lines `width` pt wide
    /// less the padding.
    pub(super) fn cell_lines(&self, paras: &[String], style: &ts::Style, width: f32) -> Vec<Box_> {
        let shape = ParaShape {
            width: width - 2.0 * CELL_PAD,
            ..ParaShape::of(style)
        };
        let mut lines = Vec::new();
        for para in paras {
            let span = Span {
                text: para,
                role: style.face,
                size: style.size as f32 / 2.0,
            };
            self.paragraph(&[span], &shape, &mut lines);
        }
        lines
    }
}

/// Puts a cell's lines (of `line` pt) into its row's box `x` pt from the
/// left, centred vertically in the row's `height`.
pub(super) fn place_cell(b: &mut Box_, lines: &[Box_], x: f32, height: f32, line: f32) {
    let offset = (height - lines.len() as f32 * line) / 2.0;
    for (k, cell_line) in lines.iter().enumerate() {
        for run in &cell_line.texts {
            let mut run = run.clone();
            for g in &mut run.glyphs {
                g.x += x + CELL_PAD;
            }
            run.y += offset + k as f32 * line;
            b.texts.push(run);
        }
        b.text.push_str(&cell_line.text);
    }
    b.text.push('\t');
}

/// The columns' widths in pt: the DOCX's twips ([`ts::table_columns`]),
/// the rounding added to the last column as a term of its own (so the
/// columns' edges fall on the same points however the twips split).
pub(super) fn column_widths(widths: &[u32]) -> Vec<f32> {
    let (shares, rounding) = ts::table_column_shares(widths);
    let mut cols: Vec<f32> = shares.iter().map(|&tw| tw as f32 / 20.0).collect();
    if let Some(last) = cols.last_mut() {
        *last += rounding as f32 / 20.0;
    }
    cols
}

/// A row's borders: above, below, and between and beside every cell.
fn borders(cols: &[f32], height: f32) -> Vec<Rule> {
    let mut rules = vec![
        Rule::across(0.0, RULE, BLACK),
        Rule::across(height, RULE, BLACK),
    ];
    let mut edge = LEFT;
    let mut xs = vec![edge];
    for w in cols {
        edge += w;
        xs.push(edge);
    }
    for x in xs {
        rules.push(Rule {
            x1: x,
            y1: 0.0,
            x2: x,
            y2: height,
            width: RULE,
            color: BLACK,
        });
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::super::WIDTH;
    use super::*;

    #[test]
    fn columns_span_the_text_block() {
        let cols = column_widths(&[1, 2, 3]);
        let total: f32 = cols.iter().sum();
        assert!((total - WIDTH).abs() < 0.001, "{total}");
        assert_eq!(cols[0], 1474.0 / 20.0);
    }

    #[test]
    fn every_cell_is_boxed() {
        let rules = borders(&[100.0, 200.0], 36.0);
        assert_eq!(rules.len(), 2 + 3);
        assert_eq!(rules[4].x1, LEFT + 300.0);
        assert_eq!(rules[1].y1, 36.0);
        assert!(rules.iter().all(|r| r.width == 0.5));
    }
}
