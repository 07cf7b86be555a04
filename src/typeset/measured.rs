//! Facts measured in LibreOffice and in the faces, each defined once.
//!
//! Our PDF must break lines where LibreOffice (and Word) break the DOCX, so
//! the layout imitates what LibreOffice does with the DOCX's grid. The
//! numbers below were measured in LibreOffice headless (7.4.7; the grid
//! findings with `scripts/grid_probe.py`, the rest while the native PDF was
//! built, commit d4a955d, by rendering the fixtures' DOCX and reading glyph
//! positions back with pdfplumber) and are pinned by the tests at the end,
//! so a change to one of them is a deliberate, visible edit. Nothing here is
//! taken from the standard: GB/T 9704's own numbers live in `typeset`.

/// The cell LibreOffice lays a 98 %-scaled 16 pt run on under the DOCX's
/// grid (`w:charSpace` −842, 28 characters a line): 15.735 pt, in
/// millipoints. Latin runs are rounded to whole cells of it, and indents are
/// rounded down to it (against its lower bound, less the tolerance).
pub const LO_CELL_MPT: u32 = 15_735;
/// The measurement's uncertainty: its last digit, in millipoints.
pub const LO_CELL_TOLERANCE_MPT: u32 = 5;
/// [`LO_CELL_MPT`] in points.
pub const LO_CELL: f32 = LO_CELL_MPT as f32 / 1000.0;

/// The DOCX scales every 16 pt run to 98 % (`w:w`): LibreOffice gives a
/// character two grid cells when its width exceeds the 15.7 pt cell, which
/// would halve the line; at 98 % it takes one. Word lays out 28 a line either
/// way. In percent, as `w:w` counts it.
pub const RUN_SCALE_PCT: u32 = 98;
/// [`RUN_SCALE_PCT`] as a factor.
pub const RUN_SCALE: f32 = RUN_SCALE_PCT as f32 / 100.0;

/// Text off the grid (title, tables, 版记) is set 2 % narrower than its
/// natural width: LibreOffice applies the section's negative character
/// spacing to it too (measured: 22 pt title characters advance 21.55 pt,
/// 12 pt table characters 11.75 pt, digits likewise).
pub const FREE_SCALE: f32 = 0.9795;

/// Space between a Han character and Latin letters or digits, off the grid
/// (`w:autoSpaceDE`/`DN` in the DOCX): 0.204 em.
pub const AUTO_SPACE_EM: f32 = 0.204;

/// A CJK face's baseline lies 0.88 em below the top of its em box (the
/// ideographic em box; `tests/support/check_pdf.py` measures the first
/// line's top with the same figure).
pub const EM_BOX_ASCENT: f32 = 0.88;

/// Where the em box sits in a grid line: its top a tenth of the line's spare
/// space below the line's top, so that the first line's characters start
/// where GB/T 9704 measures the text block from (37 mm; checked to ±1 mm by
/// `tests/support/check_pdf.py`). Our choice, not a measurement. Lines
/// tighter than the grid (table cells) centre the em box instead.
pub const GRID_LINE_LEAD: f32 = 0.1;

/// LibreOffice makes a table row taller than its lines by the width of the
/// row's horizontal border (the table style's `w:insideH w:sz="4"`, 0.5 pt):
/// measured on its rendering of our DOCX, rows of one and two 18 pt lines
/// stand 18.5 and 36.5 pt apart. A table's part on a page is one border
/// taller again (its closing rule): the text after a table stands 0.5 pt
/// lower in LibreOffice for each table above it on the page (measured on
/// the rules of our 阶段小结's two tables: 0.75 pt below ours at the first
/// table's top, 1.25 pt at the second's). In millipoints.
pub const LO_ROW_BORDER_MPT: u32 = 500;

/// The same, in points.
pub const LO_ROW_BORDER: f32 = LO_ROW_BORDER_MPT as f32 / 1000.0;

/// LibreOffice's page body under the DOCX's grid holds whole lines only:
/// 22 × 28.95 pt = 636.9 pt, 0.9 pt short of the 225 mm text block
/// (measured: the 版记's last rule, drawn on the body's foot, stands at
/// 741.7 pt where the text block ends at 742.7 pt). Our layout fills a page
/// to this height, no further, so that it breaks where LibreOffice breaks.
/// In twips.
pub const LO_BODY_TWIPS: u32 = super::LINES_PER_PAGE * super::LINE_PITCH;

/// LibreOffice sets the 版记's table (rows of exact grid lines) taller than
/// its rows by its rules' weight: measured on its rendering of our 转段申请
/// whose 版记 went to a page of its own, the rules 28.9 pt apart and the
/// table about 30.1 pt tall for one 28.95 pt row. The DOCX leaves this much
/// less space above the 版记 than our layout does (2 pt: the 1.15 pt
/// measured and a margin), or LibreOffice pushes the 版记 onto a page of its
/// own, an odd one (7.4 wants the last, even page). In millipoints.
pub const LO_IMPRINT_RULES_MPT: u32 = 2_000;

/// The fewest lines LibreOffice sets of a row that may split (no
/// `w:cantSplit`) at a page's foot before moving the rest on: where fewer
/// fit, the whole row moves to the next page. Measured on its rendering of
/// our DOCX (see the row-splitting test in `tests/pdf.rs`).
pub const LO_ROW_PART_MIN_LINES: usize = 1;

/// The advances of Times New Roman's printable ASCII characters (space to
/// `~`), in thousandths of an em: Adobe's Times-Roman metrics, which Times
/// New Roman and its metric twin Liberation Serif share (pinned against the
/// installed Latin face by `rows`' tests). Used to estimate a table row's
/// lines without the faces ([`super::rows`]), so the DOCX's `w:cantSplit`
/// does not depend on which fonts are installed.
pub const TIMES_ADVANCE_MILLI_EM: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250,
    278, // ' '..'/'
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564,
    444, // '0'..'?'
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722,
    722, // '@'..'O'
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469,
    500, // 'P'..'_'
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500,
    500, // '`'..'o'
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, // 'p'..'~'
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The measured values, pinned: changing one must be deliberate.
    #[test]
    fn measured_values_are_pinned() {
        assert_eq!(LO_CELL_MPT, 15_735);
        assert_eq!(LO_ROW_BORDER_MPT, 500);
        assert_eq!(LO_ROW_PART_MIN_LINES, 1);
        assert_eq!(LO_IMPRINT_RULES_MPT, 2_000);
        assert_eq!(LO_BODY_TWIPS, 12_738);
        assert_eq!(TIMES_ADVANCE_MILLI_EM[usize::from(b'0' - b' ')], 500);
        assert_eq!(TIMES_ADVANCE_MILLI_EM[usize::from(b'%' - b' ')], 833);
        assert_eq!(LO_CELL, 15.735);
        assert_eq!(LO_CELL_TOLERANCE_MPT, 5);
        assert_eq!(RUN_SCALE_PCT, 98);
        assert_eq!(RUN_SCALE, 0.98);
        assert_eq!(FREE_SCALE, 0.9795);
        assert_eq!(AUTO_SPACE_EM, 0.204);
        assert_eq!(EM_BOX_ASCENT, 0.88);
        assert_eq!(GRID_LINE_LEAD, 0.1);
    }

    /// They agree with what they were measured from.
    #[test]
    fn measured_values_agree_with_their_measurements() {
        // The 98 % run fits one LibreOffice cell; the full one would not.
        const { assert!(16.0 * RUN_SCALE < LO_CELL && 16.0 > LO_CELL) };
        // The LibreOffice cell is near the grid's own 15.79 pt.
        let grid = super::super::CHAR_PITCH as f32 / 20.0;
        assert!((grid - LO_CELL).abs() < 0.1, "{grid}");
        // 22 pt → 21.55 pt and 12 pt → 11.75 pt, to the measurement's 0.01.
        assert!((22.0 * FREE_SCALE - 21.55).abs() < 0.01);
        assert!((12.0 * FREE_SCALE - 11.75).abs() < 0.01);
    }
}
