//! Printed forms: ruled tables whose cells span columns, lines to fill in
//! by hand, QR codes drawn as filled squares, and the page break between
//! copies.
//!
//! Every size is `typeset`'s ([`ts::table_column_shares`], [`ts::TABLE_LINE`],
//! [`ts::CODE_MODULE`], [`ts::form_cell`]), the same the DOCX writer spells
//! (`docx::form`, `docx::code`), so a form has the same rows in both.

use super::{Box_, Mark, Metric, Rule, Span, Typesetter, BLACK, LEFT, WIDTH};
use crate::document::Form;
use crate::typeset::style::CodeMatrix;
use crate::typeset::{self as ts, Para};

/// The rules' weight, pt (the DOCX's `w:sz` 4, in eighths).
const RULE: f32 = 0.5;
/// The page break's own height: the DOCX's 1 pt paragraph that carries it.
pub(super) const PAGE_BREAK_HEIGHT: f32 = ts::PAGE_BREAK_LINE as f32 / 20.0;
/// How far under the baseline a blank's underline lies, pt.
const UNDERLINE_DROP: f32 = 3.0;

impl Typesetter<'_> {
    /// A form: one box per row, as tall as its tallest cell or its least
    /// height, cells spanning their columns, every cell boxed.
    pub(super) fn form(&self, f: &Form, out: &mut Vec<Box_>) {
        let cols = super::table::column_widths(&f.widths);
        let line = ts::TABLE_LINE as f32 / 20.0;
        for (r, row) in f.rows.iter().enumerate() {
            let first = r == 0;
            let mut col = 0usize;
            let mut cells: Vec<(f32, f32, Vec<Box_>)> = Vec::new();
            let mut x = 0.0;
            for cell in &row.cells {
                let span = (cell.span.max(1) as usize).min(cols.len().saturating_sub(col));
                let w: f32 = cols[col..col + span].iter().sum();
                col += span;
                let (kind, align) = ts::form_cell(cell);
                let style = ts::Style {
                    align,
                    ..ts::style(kind)
                };
                cells.push((x, w, self.cell_lines(&cell.text, &style, w)));
                x += w;
            }
            let n = cells
                .iter()
                .map(|c| c.2.len())
                .max()
                .unwrap_or(1)
                .max(row.lines as usize)
                .max(1);
            let height = n as f32 * line + crate::typeset::measured::LO_ROW_BORDER;
            let mut b = Box_::new(height);
            let mut edges = vec![LEFT];
            for (x, w, lines) in &cells {
                let offset = (height - lines.len() as f32 * line) / 2.0;
                super::table::place_cell(&mut b, lines, *x, offset, line);
                edges.push(LEFT + x + w);
            }
            b.rules.push(Rule::across(0.0, RULE, BLACK));
            b.rules.push(Rule::across(height, RULE, BLACK));
            for x in edges {
                b.rules.push(Rule::down(x, height, RULE, BLACK));
            }
            if first {
                // A table is a rule taller than its rows in LibreOffice.
                b.pad_top(crate::typeset::measured::LO_ROW_BORDER);
            }
            out.push(b);
        }
        out.push(Box_::table_gap());
    }

    /// A line to fill in: the paragraph flush right, each blank underlined
    /// from where its characters start to where they end.
    pub(super) fn fill_line(
        &self,
        p: &Para,
        blanks: &[std::ops::Range<usize>],
        out: &mut Vec<Box_>,
    ) {
        let n = out.len();
        self.para(p, out);
        let Some(b) = out.get_mut(n) else { return };
        let text: String = p.spans.iter().map(|(t, _)| t.as_str()).collect();
        let style = ts::style(p.kind);
        let size = style.size as f32 / 2.0;
        let width = |s: &str| -> f32 {
            let span = Span {
                text: s,
                role: style.face,
                size,
            };
            self.atoms(&[span], Metric::Grid)
                .iter()
                .map(|a| a.advance)
                .sum()
        };
        let right = match p.indent {
            ts::Indent::Right(cells) => cells as f32 * super::CELL,
            _ => 0.0,
        };
        let start = LEFT + WIDTH - right - width(&text);
        let baseline = b.texts.first().map_or(b.height * 0.8, |t| t.y);
        for r in blanks {
            let prefix: String = text.chars().take(r.start).collect();
            let upto: String = text.chars().take(r.end).collect();
            let y = baseline + UNDERLINE_DROP;
            b.rules.push(Rule {
                x1: start + width(&prefix),
                y1: y,
                x2: start + width(&upto),
                y2: y,
                width: RULE,
                color: BLACK,
            });
        }
    }
}

/// A QR code flush right: a filled rectangle per dark stretch of a row,
/// the quiet band under it included in the box.
pub(super) fn code(m: &CodeMatrix) -> Box_ {
    let module = ts::CODE_MODULE as f32 / 20.0;
    let mut b = Box_::new((m.size as u32 + ts::CODE_QUIET) as f32 * module);
    let left = LEFT + WIDTH - m.size as f32 * module;
    for row in 0..m.size {
        for (col, len, dark) in m.runs(row) {
            if dark {
                b.marks.push(Mark {
                    x: left + col as f32 * module,
                    y: row as f32 * module,
                    w: len as f32 * module,
                    h: module,
                });
            }
        }
    }
    b.text = "[QR]".to_string();
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_drawn_flush_right_one_rectangle_per_dark_stretch() {
        let m = ts::style::code_matrix("CP-0001");
        assert_eq!(m.size, 21);
        let b = code(&m);
        let module = ts::CODE_MODULE as f32 / 20.0;
        let right = b.marks.iter().map(|r| r.x + r.w).fold(0.0, f32::max);
        assert!((right - (LEFT + WIDTH)).abs() < 0.01, "{right}");
        // the finder pattern's top row: seven dark modules in one stretch
        assert!(b
            .marks
            .iter()
            .any(|r| r.y == 0.0 && (r.w - 7.0 * module).abs() < 0.01));
        let dark = m.dark.iter().filter(|d| **d).count() as f32;
        let area: f32 = b.marks.iter().map(|r| r.w * r.h).sum();
        assert!((area - dark * module * module).abs() < 0.1);
    }
}
