//! Typesetting: the one place that knows the GB/T 9704 grid.
//!
//! Owns the page geometry (A4, 37/28 mm margins, 22 lines × 28 characters),
//! the look of each element ([`style`]: face, size, indent, alignment, grid
//! or free metrics, keep-with-next, page breaks), the facts measured in
//! LibreOffice that both writers rely on ([`measured`]), the GB/T 15834
//! line-breaking classes and the balanced wrapping of long titles ([`text`]),
//! and the layout of whole pages ([`layout`]). The DOCX writer and the PDF
//! layout read every number and every style decision from here, so Word,
//! LibreOffice and our own PDF agree. It never writes a file, never writes
//! OOXML markup (that is `docx`'s) and never reads YAML.
//!
//! Units: twips (1/20 pt) for geometry shared with the DOCX, half-points for
//! font sizes (as both OOXML and the standard's 号 sizes count them).

pub mod columns;
pub mod layout;
pub mod measured;
pub mod rows;
pub mod style;
pub mod text;

pub use columns::content_columns;
pub use rows::may_split;
pub use style::{
    blank_line_before, carries_table_gap, code_matrix, form_cell, heading_face, signature_indents,
    style, styled, Align, CodeMatrix, Indent, Item, Kind, Line, Para, Style, CODE_MODULE,
    CODE_QUIET,
};
pub use text::{
    balance_title, can_break, can_break_between, cell_width, grid_width, text_width,
    word_boundaries, NO_LINE_END, NO_LINE_START, STOPS,
};

/// Twips (1/20 pt) per millimetre.
pub const TWIPS_PER_MM: f64 = 1440.0 / 25.4;

/// A4 in twips.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins in twips: 37 mm top, 28 mm left (binding side); the rest follows
/// from the 156 × 225 mm text block (GB/T 9704 5.2.1).
pub const MARGIN_TOP: u32 = 2098;
pub const MARGIN_LEFT: u32 = 1587;
pub const MARGIN_RIGHT: u32 = 1474;
pub const MARGIN_BOTTOM: u32 = 1984;
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
pub const TEXT_HEIGHT: u32 = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;

/// 22 lines of 28 characters (GB/T 9704 5.2.2).
pub const LINES_PER_PAGE: u32 = 22;
pub const CHARS_PER_LINE: u32 = 28;
/// 225 mm / 22 lines = 28.95 pt; Word stores it as 579 twips.
pub const LINE_PITCH: u32 = TEXT_HEIGHT / LINES_PER_PAGE;
/// 156 mm / 28 = 15.79 pt a character, in twips.
pub const CHAR_PITCH: f64 = TEXT_WIDTH as f64 / CHARS_PER_LINE as f64;

/// An indent of `chars` grid cells in twips, rounded down against the lower
/// bound of LibreOffice's measured grid cell ([`measured::LO_CELL_MPT`] less
/// its tolerance): LibreOffice rounds an indent a hair over two cells up to
/// three, which would cost the first line a character. `chars` is a multiple
/// of half a cell (see [`text_width`]); the arithmetic is in integers so no
/// float noise moves an indent across a twip.
pub fn indent_twips(chars: f64) -> i64 {
    let half_cells = (chars * 2.0).round() as i64;
    // millipoints → twips is ×20/1000: a half cell is mpt / 100 twips.
    half_cells * i64::from(measured::LO_CELL_MPT - measured::LO_CELL_TOLERANCE_MPT) / 100
}

/// Sizes in half-points, as OOXML counts them.
pub const BODY_SIZE: u32 = 32; // 3号, 16 pt (7.3)
pub const TITLE_SIZE: u32 = 44; // 2号, 22 pt (7.3.1)
pub const PAGE_NUMBER_SIZE: u32 = 28; // 4号, 14 pt (7.5)
pub const TABLE_SIZE: u32 = 24; // 小四, 12 pt: a table of seven columns needs it
/// 版记 text: 4号 (14 pt) 仿宋 (7.4).
pub const IMPRINT_SIZE: u32 = 28;
/// 18 pt lines in tables, off the grid, in twips.
pub const TABLE_LINE: u32 = 360;
/// One 14 pt line for the page number, in twips.
pub const PAGE_NUMBER_LINE: u32 = PAGE_NUMBER_SIZE * 10;
/// Cell padding left and right in tables, in twips (0.1 cm, Word's default).
pub const TABLE_CELL_PAD: u32 = 57;
/// The gap after a table or form, 12 pt, in twips: the next paragraph's
/// space before, or a spacer line of its own ([`carries_table_gap`]).
pub const TABLE_GAP: u32 = 240;
/// The paragraph that starts a form's next copy on a new page: 1 pt tall.
pub const PAGE_BREAK_LINE: u32 = 20;

/// 发文机关标志: its top sits 35 mm below the top of the text block (7.2.4).
pub const ISSUER_TOP_MM: f64 = 35.0;
/// The 发文机关标志's largest size: 28 pt characters of 2 cm, the custom.
pub const ISSUER_MAX_PT: f64 = 56.0;
/// …and it fills at most 95 % of the text block's width, so a long organ
/// name keeps clear of the margins (our choice; 7.2.4 only says "醒目、美观").
pub const ISSUER_FILL: f64 = 0.95;
/// The 发文字号 line's red rule lies this far under its line (4 mm, 7.2.5);
/// Word measures a border's space in whole points.
pub const RULE_GAP_PT: u32 = 11;
/// The red rule's and the 版记's outer rules' weight (0.35 mm ≈ 1 pt), and
/// the 版记's inner rule (0.25 mm ≈ 0.75 pt) (7.2.5, 7.4.1).
pub const THICK_RULE_PT: f64 = 1.0;
pub const THIN_RULE_PT: f64 = 0.75;
/// The page number's top edge sits 7 mm below the text block (7.5).
pub const PAGE_NUMBER_GAP_MM: f64 = 7.0;

/// The 发文机关标志's size in half-points: large (up to 2 cm characters, the
/// custom), but never wider than the text block.
pub fn issuer_size(issuer: &str) -> u32 {
    let chars = text_width(issuer).max(1.0);
    let fit_pt = f64::from(TEXT_WIDTH) / 20.0 / chars * ISSUER_FILL;
    (fit_pt.min(ISSUER_MAX_PT) * 2.0).floor() as u32
}

/// Height of the 发文机关标志's line, in twips (exact line spacing).
pub fn issuer_line(issuer: &str) -> u32 {
    issuer_size(issuer) * 12 // 1.2 × the size, in twips (size is half-points)
}

/// Space before the 发文机关标志, in twips, after `lines_before` grid lines
/// of 份号, 密级 and 紧急程度.
pub fn issuer_space_before(lines_before: u32) -> u32 {
    let top = (ISSUER_TOP_MM * TWIPS_PER_MM).round() as u32;
    top.saturating_sub(lines_before * LINE_PITCH)
}

/// The grid's spacing per character relative to the body size, in points
/// (negative: the 15.79 pt cell is narrower than a 16 pt character). Word
/// stores it as the section's character spacing; LibreOffice applies it to
/// off-grid text as well (see [`text::title_chars_per_line`]).
pub fn grid_char_spacing_pt() -> f64 {
    CHAR_PITCH / 20.0 - f64::from(BODY_SIZE) / 2.0
}

/// The distance from the paper's bottom edge to the footer's bottom, in
/// twips, that puts the page number's top edge [`PAGE_NUMBER_GAP_MM`] below
/// the text block.
pub fn footer_distance() -> u32 {
    let number_height_twips = f64::from(PAGE_NUMBER_LINE);
    let top_edge = f64::from(MARGIN_BOTTOM) - PAGE_NUMBER_GAP_MM * TWIPS_PER_MM;
    (top_edge - number_height_twips).round() as u32
}

/// Relative column widths → integer twips summing to the text width (the
/// last column takes the rounding), the same for the DOCX and the PDF.
pub fn table_columns(widths: &[u32]) -> Vec<u32> {
    let (mut cols, rounding) = table_column_shares(widths);
    if let Some(last) = cols.last_mut() {
        *last += rounding;
    }
    cols
}

/// Each column's share of the text width in whole twips (rounded down), and
/// the twips the rounding left over (which [`table_columns`] gives the last
/// column).
pub fn table_column_shares(widths: &[u32]) -> (Vec<u32>, u32) {
    let total: u32 = widths.iter().sum::<u32>().max(1);
    let cols: Vec<u32> = widths.iter().map(|w| TEXT_WIDTH * w / total).collect();
    let used: u32 = cols.iter().sum();
    (cols, TEXT_WIDTH - used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_matches_the_standard() {
        assert_eq!(TEXT_WIDTH, 8845);
        assert_eq!(TEXT_HEIGHT, 12756);
        assert_eq!(LINE_PITCH, 579);
        assert!((grid_char_spacing_pt() + 0.2054).abs() < 0.0001);
        // 156 × 225 mm text block
        assert!((f64::from(TEXT_WIDTH) / TWIPS_PER_MM - 156.0).abs() < 0.05);
        assert!((f64::from(TEXT_HEIGHT) / TWIPS_PER_MM - 225.0).abs() < 0.05);
        // footer: 7 mm below a 35 mm bottom margin leaves ≈ 23 mm
        let mm = f64::from(footer_distance()) / TWIPS_PER_MM;
        assert!((22.0..24.0).contains(&mm), "{mm}");
        assert_eq!(footer_distance(), 1307);
    }

    #[test]
    fn indents_round_down_to_libreoffice_cells() {
        // two cells: 629 twips, not 630 (LibreOffice would make that three)
        assert_eq!(indent_twips(2.0), 629);
        assert_eq!(indent_twips(1.0), 314);
        assert_eq!(indent_twips(5.0), 1573);
        assert_eq!(indent_twips(6.0), 1887);
        assert_eq!(indent_twips(0.0), 0);
        for half in 1..=56 {
            let chars = f64::from(half) / 2.0;
            let twips = indent_twips(chars) as f64;
            assert!(
                twips <= chars * f64::from(measured::LO_CELL) * 20.0,
                "{chars}"
            );
            assert!(
                twips > chars * (f64::from(measured::LO_CELL) * 20.0 - 0.1) - 1.0,
                "{chars}"
            );
        }
    }

    #[test]
    fn issuer_mark_fits_the_block() {
        assert_eq!(issuer_size("中共江滨区委"), 112);
        let long = "中共江滨区人力资源和社会保障局劳动保障监察大队支部委员会";
        let pt = f64::from(issuer_size(long)) / 2.0;
        assert!(pt * text_width(long) <= f64::from(TEXT_WIDTH) / 20.0 * ISSUER_FILL + 0.5);
        assert_eq!(issuer_line("中共江滨区委"), 112 * 12);
        assert_eq!(issuer_space_before(0), 1984);
        assert_eq!(issuer_space_before(2), 1984 - 2 * 579);
    }

    #[test]
    fn table_columns_fill_the_block() {
        let cols = table_columns(&[1, 2, 3]);
        assert_eq!(cols.iter().sum::<u32>(), TEXT_WIDTH);
        assert_eq!(cols, vec![1474, 2948, 4423]);
    }
}
