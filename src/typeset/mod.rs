//! Typesetting: the one place that knows the GB/T 9704 grid.
//!
//! Owns the page geometry (A4, 37/28 mm margins, 22 lines × 28 characters),
//! the faces and sizes of each element, the GB/T 15834 line-breaking
//! character classes, the balanced wrapping of long titles and the position of
//! the signature block (7.3.5.2). The DOCX writer derives every number it
//! writes from here, so Word, LibreOffice and our own PDF agree. It never
//! writes a file and never reads YAML.

pub mod layout;

/// Twips (1/20 pt) per millimetre.
pub const TWIPS_PER_MM: f64 = 1440.0 / 25.4;

/// A4 in twips.
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins in twips: 37 mm top, 28 mm left (binding side); the rest follows
/// from the 156 × 225 mm text block.
pub const MARGIN_TOP: u32 = 2098;
pub const MARGIN_LEFT: u32 = 1587;
pub const MARGIN_RIGHT: u32 = 1474;
pub const MARGIN_BOTTOM: u32 = 1984;
pub const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
pub const TEXT_HEIGHT: u32 = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;

pub const LINES_PER_PAGE: u32 = 22;
pub const CHARS_PER_LINE: u32 = 28;
/// 225 mm / 22 lines = 28.95 pt; Word stores it as 579 twips.
pub const LINE_PITCH: u32 = TEXT_HEIGHT / LINES_PER_PAGE;
/// 156 mm / 28 = 15.79 pt a character, in twips (rounded down so 28 fit).
pub const CHAR_PITCH: f64 = TEXT_WIDTH as f64 / CHARS_PER_LINE as f64;

/// An indent of `chars` grid cells in twips. Rounded down to LibreOffice's
/// grid cell (15.73 pt, measured): it rounds an indent a hair over two cells
/// up to three, which would cost the first line a character.
pub fn indent_twips(chars: f64) -> i64 {
    (chars * 314.6).floor() as i64
}

/// Sizes in half-points, as OOXML counts them.
pub const BODY_SIZE: u32 = 32; // 3号, 16 pt
pub const TITLE_SIZE: u32 = 44; // 2号, 22 pt
pub const PAGE_NUMBER_SIZE: u32 = 28; // 4号, 14 pt
pub const TABLE_SIZE: u32 = 24; // 小四, 12 pt: a table of seven columns needs it
pub const TABLE_LINE: u32 = 360; // 18 pt line in tables, off the grid

/// 发文机关标志: its top sits 35 mm below the top of the text block (7.2.4).
pub const ISSUER_TOP_MM: f64 = 35.0;
/// The 发文字号 line's red rule lies this far under its line (4 mm, 7.2.5);
/// Word measures a border's space in whole points.
pub const RULE_GAP_PT: u32 = 11;
/// The red rule's and the 版记's outer rules' weight (0.35 mm ≈ 1 pt), and
/// the 版记's inner rule (0.25 mm ≈ 0.75 pt).
pub const THICK_RULE_PT: f64 = 1.0;
pub const THIN_RULE_PT: f64 = 0.75;
/// 版记 text: 4号 (14 pt) 仿宋.
pub const IMPRINT_SIZE: u32 = 28;

/// The 发文机关标志's size in half-points: large (up to 2 cm characters, the
/// custom), but never wider than the text block.
pub fn issuer_size(issuer: &str) -> u32 {
    let chars = text_width(issuer).max(1.0);
    let fit_pt = f64::from(TEXT_WIDTH) / 20.0 / chars * 0.95;
    (fit_pt.min(56.0) * 2.0).floor() as u32
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

/// Word's `w:charSpace`: the grid's extra space per character relative to the
/// body size, in 1/4096 pt. Rounded down so that 28 characters always fit.
pub fn doc_grid_char_space() -> i32 {
    let pitch_pt = CHAR_PITCH / 20.0;
    ((pitch_pt - f64::from(BODY_SIZE) / 2.0) * 4096.0).floor() as i32
}

/// The page number's top edge sits 7 mm below the text block; the footer
/// distance is measured from the paper's bottom edge to the footer's bottom.
pub fn footer_distance() -> u32 {
    let below_block_mm = 7.0;
    let number_height_twips = f64::from(PAGE_NUMBER_SIZE) * 10.0; // one 14 pt line
    let top_edge = f64::from(MARGIN_BOTTOM) - below_block_mm * TWIPS_PER_MM;
    (top_edge - number_height_twips).round() as u32
}

pub use crate::fonts::Face;

/// Whether a blank line precedes `block` (after `prev`): one after the title
/// group (7.3.1), one before the signature (7.3.5) and the 附件说明 (7.3.4).
/// Both writers call this, so the DOCX and the PDF have the same lines.
pub fn blank_line_before(
    prev: Option<&crate::document::Block>,
    block: &crate::document::Block,
) -> bool {
    use crate::document::Block;
    let after_title = matches!(prev, Some(Block::Title(_) | Block::Byline(_)))
        && !matches!(block, Block::Title(_) | Block::Byline(_));
    after_title || matches!(block, Block::Signature { .. } | Block::AttachmentNote(_))
}

/// Latin letters and digits are set in this face everywhere.
pub const LATIN_FACE: &str = "Times New Roman";

/// GB/T 15834: characters that never start a line (closing punctuation).
pub const NO_LINE_START: &str =
    "!%),.:;>?]}¢°·’\"”…‰′″℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｝～￠";
/// GB/T 15834: characters that never end a line (opening punctuation).
pub const NO_LINE_END: &str = "([{‘“〈《「『【〔〖（［｛￡￥$";

/// Width of a character in grid cells: CJK and full-width forms take one
/// cell; Latin letters, digits and ASCII punctuation take half a cell (their
/// advance in Times New Roman is close to half an em).
pub fn cell_width(c: char) -> f64 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

pub fn text_width(s: &str) -> f64 {
    s.chars().map(cell_width).sum()
}

/// Characters of the 22 pt title that fit on one line of the text block.
pub fn title_chars_per_line() -> usize {
    let pitch = f64::from(TITLE_SIZE) * 10.0 + f64::from(doc_grid_char_space()) / 4096.0 * 20.0;
    (f64::from(TEXT_WIDTH) / pitch).floor() as usize
}

/// Wraps a title into balanced lines (7.3.1: a trapezoid or diamond, never a
/// long line over a stub). Explicit `\n` breaks are kept; each part that is
/// too long is cut into the fewest lines, at the places that best balance
/// them, never before closing or after opening punctuation, preferring to cut
/// after a function word (的、和、与、及、关于…) so words stay whole.
pub fn balance_title(title: &str) -> Vec<String> {
    let max = title_chars_per_line();
    let mut out = Vec::new();
    for part in title.split('\n') {
        let chars: Vec<char> = part.chars().collect();
        let width = text_width(part);
        if width <= max as f64 {
            out.push(part.to_string());
            continue;
        }
        let n = (width / max as f64).ceil() as usize;
        let mut start = 0;
        for line in 1..n {
            let remaining = text_width(&chars[start..].iter().collect::<String>());
            let target = remaining / (n - line + 1) as f64;
            let mut best: Option<(f64, usize)> = None;
            let mut w = 0.0;
            for i in start + 1..chars.len() {
                w += cell_width(chars[i - 1]);
                if w > max as f64 {
                    break;
                }
                if !can_break_between(chars[i - 1], chars[i]) {
                    continue;
                }
                // Cutting after a conjunction or before 关于 keeps phrases
                // whole; after 的 is next best. Worth a few characters of
                // imbalance, not more.
                let bonus = if "和与及并".contains(chars[i - 1])
                    || chars[i..].starts_with(&['关', '于'])
                {
                    3.5
                } else if "的于".contains(chars[i - 1]) {
                    2.0
                } else {
                    0.0
                };
                let score = (w - target).abs() - bonus;
                if best.is_none_or(|(b, _)| score < b) {
                    best = Some((score, i));
                }
            }
            let cut = best.map_or_else(|| (start + max).min(chars.len()), |(_, i)| i);
            out.push(chars[start..cut].iter().collect());
            start = cut;
        }
        out.push(chars[start..].iter().collect());
    }
    out
}

/// Whether a line may break between `a` and `b` (GB/T 15834 and whole Latin
/// words and numbers; dashes and ellipses are never split).
pub fn can_break_between(a: char, b: char) -> bool {
    if NO_LINE_START.contains(b) || NO_LINE_END.contains(a) {
        return false;
    }
    if (a == '—' && b == '—') || (a == '…' && b == '…') {
        return false;
    }
    !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
}

/// Right indents, in character cells, of the signature and date lines
/// (7.3.5.2, no seal): the name ends two cells from the right; the date starts
/// two cells right of the name's start; a date longer than that ends two
/// cells from the right and pushes the name left instead.
pub fn signature_indents(name: &str, date: &str) -> (f64, f64) {
    let line = f64::from(CHARS_PER_LINE);
    let (name_w, date_w) = (text_width(name), text_width(date));
    if date_w > name_w {
        // 如成文日期长于发文机关署名，应当使成文日期右空二字编排，
        // 并相应增加发文机关署名右空字数。
        let date_start = line - 2.0 - date_w;
        let name_start = date_start - 2.0;
        ((line - name_start - name_w).max(0.0), 2.0)
    } else {
        let name_start = line - 2.0 - name_w;
        (2.0, (line - (name_start + 2.0) - date_w).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_matches_the_standard() {
        assert_eq!(TEXT_WIDTH, 8845);
        assert_eq!(LINE_PITCH, 579);
        assert_eq!(doc_grid_char_space(), -842);
        assert_eq!(title_chars_per_line(), 20);
        // footer: 7 mm below a 35 mm bottom margin leaves ≈ 23 mm
        let mm = f64::from(footer_distance()) / TWIPS_PER_MM;
        assert!((22.0..24.0).contains(&mm), "{mm}");
    }

    #[test]
    fn titles_balance_and_keep_explicit_breaks() {
        let lines = balance_title("江滨区财政局机关党委关于转入分析评议阶段的请示");
        assert_eq!(lines.len(), 2);
        let (a, b) = (
            lines[0].chars().count() as i32,
            lines[1].chars().count() as i32,
        );
        assert!((a - b).abs() <= 4, "{lines:?}");
        assert_eq!(balance_title("甲\n乙"), vec!["甲", "乙"]);
        let lines = balance_title("保持共产党员先进性的具体要求和不合格党员的具体表现");
        assert_eq!(
            lines,
            vec!["保持共产党员先进性的具体要求和", "不合格党员的具体表现"]
        );
    }

    #[test]
    fn signature_follows_7_3_5_2() {
        // short name: name 2 from the right, date 2 cells right of its start
        let (n, d) = signature_indents("江滨区财政局", "2026年3月5日");
        assert_eq!(n, 2.0);
        let name_start = 28.0 - 2.0 - 6.0;
        assert_eq!(d, 28.0 - (name_start + 2.0) - 6.0);
        // a name shorter than the date: the date ends 2 from the right
        let (n, d) = signature_indents("张三", "2026年12月25日");
        assert_eq!(d, 2.0);
        assert_eq!(n, 28.0 - (28.0 - 2.0 - 7.0 - 2.0) - 2.0);
    }

    #[test]
    fn punctuation_rules() {
        assert!(!can_break_between('字', '。'));
        assert!(!can_break_between('《', '字'));
        assert!(!can_break_between('—', '—'));
        assert!(!can_break_between('O', 'A'));
        assert!(can_break_between('字', '字'));
    }
}
