//! Tables: rows of boxed cells, 小四 off the grid, the header repeated.
//!
//! Column widths are the DOCX's own integer twips, sized from the content
//! ([`ts::content_columns`]), so the columns match exactly. A row is one box
//! as tall as its tallest cell, its cells centred vertically; a row that
//! [`ts::may_split`] lets break (taller than a third of the text block)
//! also carries its cells' lines ([`RowCells`]), so pagination can cut it
//! between lines where LibreOffice cuts the DOCX's row: the part at a page's
//! foot holds as many lines of each cell as fit, top-aligned, the part that
//! ends the row has its cells centred (LibreOffice centres only a cell that
//! does not continue). The header row is repeated after a page break.

use super::{Box_, ParaShape, Rule, Span, Typesetter, BLACK, LEFT};
use crate::document::{Cell, Table};
use crate::typeset::measured::LO_ROW_BORDER;
use crate::typeset::{self as ts, Kind};

/// Cell padding left and right, pt.
const CELL_PAD: f32 = ts::TABLE_CELL_PAD as f32 / 20.0;
/// The rules' weight, pt (the DOCX's `w:sz` 4, in eighths).
const RULE: f32 = 0.5;

/// A row's cells broken into lines, kept so that pagination can set the row
/// in parts.
pub(super) struct RowCells {
    /// The columns' widths, pt.
    cols: Vec<f32>,
    /// One line of the row's style, pt.
    pub(super) line: f32,
    /// Each cell's lines, one box each.
    cells: Vec<Vec<Box_>>,
}

impl RowCells {
    /// A row of `cells` (each a list of line boxes) in columns `cols` pt
    /// wide, its lines `line` pt apart.
    pub(super) fn new(cols: Vec<f32>, line: f32, cells: Vec<Vec<Box_>>) -> Self {
        RowCells { cols, line, cells }
    }

    /// How many cells the row has.
    pub(super) fn cells_count(&self) -> usize {
        self.cells.len()
    }

    /// Lines the row still needs after each cell's first `from[c]`.
    pub(super) fn rest(&self, from: &[usize]) -> usize {
        self.cells
            .iter()
            .zip(from)
            .map(|(lines, &f)| lines.len().saturating_sub(f))
            .max()
            .unwrap_or(0)
    }

    /// The height of a part of `lines` lines: at least one, and the border
    /// LibreOffice adds to a row ([`LO_ROW_BORDER`]).
    pub(super) fn height(&self, lines: usize) -> f32 {
        lines.max(1) as f32 * self.line + LO_ROW_BORDER
    }

    /// A part of the row `lines` lines tall: each cell's lines from
    /// `from[c]`, as many as fit (`from` advances past them). `last`: the
    /// part ends the row and its cells are centred vertically; otherwise
    /// they continue on the next page and stand at the part's top.
    pub(super) fn part(&self, from: &mut [usize], lines: usize, last: bool) -> Box_ {
        let height = self.height(lines);
        let mut b = Box_::new(height);
        let mut x = 0.0;
        for ((cell, w), f) in self.cells.iter().zip(&self.cols).zip(from.iter_mut()) {
            let start = (*f).min(cell.len());
            let end = (start + lines).min(cell.len());
            let these = &cell[start..end];
            let offset = if last {
                (height - these.len() as f32 * self.line) / 2.0
            } else {
                (height - lines as f32 * self.line) / 2.0
            };
            place_cell(&mut b, these, x, offset, self.line);
            *f = end;
            x += w;
        }
        b.rules = borders(&self.cols, height);
        b
    }
}

impl Typesetter<'_> {
    pub(super) fn table(&self, t: &Table, out: &mut Vec<Box_>) {
        let twips = ts::content_columns(t);
        let header = ts::columns::header_cells(t, &twips);
        let may_split = ts::may_split(t, &twips);
        let cols: Vec<f32> = twips.iter().map(|&tw| tw as f32 / 20.0).collect();
        let header_index = out.len();
        for (r, row) in std::iter::once(&header).chain(&t.rows).enumerate() {
            let header = r == 0;
            let cells = self.row(row, &cols, header);
            let mut from = vec![0; row.len()];
            let lines = cells.rest(&from);
            let mut b = cells.part(&mut from, lines, true);
            if header {
                b.keep_with_next = true;
                // A table's part on a page is a rule taller than its rows
                // in LibreOffice: it counts with the header, which every
                // part of the table opens with.
                b.pad_top(LO_ROW_BORDER);
            } else {
                b.repeat_header = Some(header_index);
                if may_split[r - 1] {
                    b.split = Some(Box::new(cells));
                }
            }
            out.push(b);
        }
        out.push(Box_::table_gap());
    }

    /// One row: its cells laid out in their columns (set whole by
    /// [`RowCells::part`]: vertically centred, as the DOCX's `vAlign
    /// center`, every cell boxed).
    fn row(&self, row: &[Cell], cols: &[f32], header: bool) -> RowCells {
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
        RowCells::new(cols.to_vec(), line, cells)
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
/// left, the first `offset` pt below the box's top.
pub(super) fn place_cell(b: &mut Box_, lines: &[Box_], x: f32, offset: f32, line: f32) {
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
        rules.push(Rule::down(x, height, RULE, BLACK));
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

    /// A table is as tall as LibreOffice sets it: each row its lines and a
    /// rule, and one rule more — its header's, which every part of the
    /// table on a page opens with — then the 12 pt gap.
    #[test]
    fn a_table_is_a_rule_taller_than_its_rows() {
        let fonts = crate::fonts::Fonts::discover(&[]).expect("fonts: run scripts/setup.sh");
        let t = Typesetter::new(&fonts);
        let table = Table {
            widths: vec![1, 3],
            header: vec![vec!["序号".into()], vec!["内容".into()]],
            rows: vec![
                vec![vec!["1".into()], vec!["短".into()]],
                vec![vec!["2".into()], vec!["短".into()]],
            ],
        };
        let mut boxes = Vec::new();
        t.table(&table, &mut boxes);
        let heights: Vec<f32> = boxes.iter().map(|b| b.height).collect();
        assert_eq!(heights, [18.0 + 2.0 * LO_ROW_BORDER, 18.5, 18.5, 12.0]);
        // The header's rules and text sit below the extra rule's room.
        let top = boxes[0].rules.iter().map(|r| r.y1).fold(f32::MAX, f32::min);
        assert_eq!(top, LO_ROW_BORDER);
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
