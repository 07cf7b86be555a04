//! Text measured in grid cells, and where a line may break.
//!
//! Owns the cell widths of characters, the GB/T 15834 classes of characters
//! that never start or end a line, and the balanced wrapping of long titles
//! (7.3.1) at word boundaries found by a Chinese word segmenter (jieba, with
//! our dictionary of organ and campaign terms, `title_words.txt`). Pure
//! functions of the text: no fonts, no pages.

use std::sync::OnceLock;

use super::{grid_char_spacing_pt, TEXT_WIDTH, TITLE_SIZE};

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

/// Width of a line of body text in whole grid cells, as LibreOffice and our
/// layout set it: a CJK character takes a cell, a run of Latin letters or
/// digits whole cells, at least one (a Times New Roman digit is half an em:
/// "3" and "12" take one cell, "2026" two; see `measured::LO_CELL_MPT`).
/// Where characters must line up on the grid (the 成文日期 under the 署名),
/// this is the width that counts, not [`text_width`].
pub fn grid_width(s: &str) -> f64 {
    let mut cells = 0.0;
    let mut latin = 0usize;
    for c in s.chars().chain(std::iter::once('\u{3000}')) {
        if c.is_ascii() {
            latin += 1;
            continue;
        }
        if latin > 0 {
            cells += latin.div_ceil(2).max(1) as f64;
            latin = 0;
        }
        cells += 1.0;
    }
    cells - 1.0
}

/// Characters of the 22 pt title that fit on one line of the text block:
/// each advances its size plus the grid's character spacing, which
/// LibreOffice applies to off-grid text too.
pub fn title_chars_per_line() -> usize {
    let pitch = f64::from(TITLE_SIZE) * 10.0 + grid_char_spacing_pt() * 20.0;
    (f64::from(TEXT_WIDTH) / pitch).floor() as usize
}

/// Wraps a title into balanced lines (7.3.1: a trapezoid or diamond, never a
/// long line over a stub, never a word split). Explicit `\n` breaks are
/// kept; each part that is too long is cut into the fewest lines, at the
/// places that best balance them, only between words ([`word_boundaries`]),
/// never before closing or after opening punctuation, preferring to cut
/// around a function word (的、和、与、及、关于…) so phrases stay whole. Only
/// a part with no word boundary that fits a line is cut inside a word.
pub fn balance_title(title: &str) -> Vec<String> {
    let max = title_chars_per_line();
    let mut out = Vec::new();
    for part in title.split('\n') {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for cut in title_cuts(&chars, max) {
            out.push(chars[start..cut].iter().collect());
            start = cut;
        }
        out.push(chars[start..].iter().collect());
    }
    out
}

/// Where to cut one part of a title: the fewest lines that can be cut
/// between words (trying up to two more lines than the width needs), else
/// the fewest lines cut wherever the punctuation rules allow.
fn title_cuts(chars: &[char], max: usize) -> Vec<usize> {
    let width: f64 = chars.iter().copied().map(cell_width).sum();
    if width <= max as f64 {
        return Vec::new();
    }
    let text: String = chars.iter().collect();
    let words = word_boundaries(&text);
    let fewest = (width / max as f64).ceil() as usize;
    (fewest..fewest + 3)
        .find_map(|n| cuts_into(chars, n, max, |i| words[i]))
        .or_else(|| cuts_into(chars, fewest, max, |_| true))
        .unwrap_or_else(|| (1..fewest).map(|k| (k * max).min(chars.len())).collect())
}

/// Cuts `chars` into `n` balanced lines of at most `max` cells at places
/// `allowed` accepts, if it can.
fn cuts_into(
    chars: &[char],
    n: usize,
    max: usize,
    allowed: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    let mut cuts = Vec::new();
    let mut start = 0;
    for line in 1..n {
        start = best_cut_where(chars, start, n - line + 1, max, &allowed)?;
        cuts.push(start);
    }
    let last: f64 = chars[start..].iter().copied().map(cell_width).sum();
    (last <= max as f64).then_some(cuts)
}

/// Where words begin in `text`, as `true` at each character index (and at
/// its end) that starts a word of the segmenter: jieba's dictionary-guided
/// cut with its hidden Markov model for words it does not know (a place or
/// a person), over our dictionary of organ and campaign terms.
pub fn word_boundaries(text: &str) -> Vec<bool> {
    let n = text.chars().count();
    let mut starts = vec![false; n + 1];
    starts[0] = true;
    starts[n] = true;
    let mut at = 0;
    for token in segmenter().cut(text, true) {
        at += token.word.chars().count();
        starts[at] = true;
    }
    starts
}

/// The title words (`title_words.txt`: word and frequency a line, `#` for
/// comments), as jieba's dictionary format has them.
pub const TITLE_WORDS: &str = include_str!("title_words.txt");

/// The segmenter, built once: jieba without its bundled dictionary (see
/// docs/architecture.md for the cost of that) and with [`TITLE_WORDS`].
fn segmenter() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut j = jieba_rs::Jieba::empty();
        for line in TITLE_WORDS.lines() {
            let mut fields = line.split_whitespace();
            let (Some(word), Some(freq)) = (fields.next(), fields.next()) else {
                continue;
            };
            if word.starts_with('#') {
                continue;
            }
            j.add_word(word, freq.parse().ok(), None);
        }
        j
    })
}

/// The best-balanced end of the line that starts at `start`, when `lines`
/// lines remain for the rest and each holds at most `max` cells, among the
/// places `allowed` accepts that leave a rest the other lines can hold.
fn best_cut_where(
    chars: &[char],
    start: usize,
    lines: usize,
    max: usize,
    allowed: &impl Fn(usize) -> bool,
) -> Option<usize> {
    let remaining: f64 = chars[start..].iter().copied().map(cell_width).sum();
    let target = remaining / lines as f64;
    let mut best: Option<(f64, usize)> = None;
    let mut w = 0.0;
    for i in start + 1..chars.len() {
        w += cell_width(chars[i - 1]);
        if w > max as f64 {
            break;
        }
        let fits_after = remaining - w <= ((lines - 1) * max) as f64;
        if !fits_after || !allowed(i) || !can_break(chars[i - 1], chars[i], false) {
            continue;
        }
        let score = (w - target).abs() - title_break_bonus(&chars[..i], &chars[i..]);
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// How much imbalance (in cells) a cut between `before` and `after` is
/// worth: after a conjunction, or before or after 关于, keeps phrases whole;
/// after 的 is next best. Worth a few characters of imbalance, not more.
fn title_break_bonus(before: &[char], after: &[char]) -> f64 {
    let last = before[before.len() - 1];
    if "和与及并".contains(last)
        || after.starts_with(&['关', '于'])
        || before.ends_with(&['关', '于'])
    {
        3.5
    } else if "的于".contains(last) {
        2.0
    } else {
        0.0
    }
}

/// The full-width stops (GB/T 15834 点号 that close a clause): the ones a
/// full line may take squeezed to half width, and on the grid the only
/// closing marks LibreOffice breaks after before Latin text.
pub const STOPS: &str = "。，、；：？！";

/// Closing brackets and quotes: they keep Latin letters or digits right
/// after them on their line, on the grid and off it.
const CLOSING_BRACKETS: &str = "）》」』】〕〗〉］｝”’";

/// Closing stops that keep Latin letters or digits right after them on
/// their line off the grid only (UAX #14 class CL, as the brackets; the
/// colon, semicolon and marks of GB/T 15834's other classes do not).
const CLOSING_STOPS: &str = "、，。";

/// Whether a line may break between `a` and `b`, on the character grid or
/// off it (titles, tables): [`can_break_between`], and never between a
/// closing mark and the Latin letters or digits right after it, as
/// LibreOffice sets them. Measured on its rendering of our DOCX, eight
/// places in a line for each pair: off the grid "、12345", "，ABC",
/// "。2026", "、OA", "）2026", "》2026", "”2026" stay together and "：OA"
/// breaks; on the grid "）2026", "》2026", "”2026" stay together and
/// "、2026", "，ABC", "。2026" break.
pub fn can_break(a: char, b: char, grid: bool) -> bool {
    can_break_between(a, b) && !closing_holds_latin(a, b, grid)
}

/// A closing mark `a` keeps the Latin letter or digit `b` after it.
fn closing_holds_latin(a: char, b: char, grid: bool) -> bool {
    b.is_ascii_alphanumeric()
        && (CLOSING_BRACKETS.contains(a) || !grid && CLOSING_STOPS.contains(a))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_line_holds_20_characters() {
        assert_eq!(title_chars_per_line(), 20);
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
    fn titles_break_between_words_only() {
        let lines =
            balance_title("江滨区人力资源和社会保障局劳动保障监察大队关于转入分析评议阶段的请示");
        assert_eq!(
            lines,
            vec![
                "江滨区人力资源和社会保障局",
                "劳动保障监察大队关于",
                "转入分析评议阶段的请示"
            ]
        );
        let lines =
            balance_title("江滨区财政局机关党委关于保持共产党员先进性教育活动工作情况的报告");
        assert_eq!(
            lines,
            vec![
                "江滨区财政局机关党委关于",
                "保持共产党员先进性教育活动工作情况的报告"
            ]
        );
    }

    #[test]
    fn the_segmenter_knows_organs_and_guesses_places() {
        let text = "江滨区人力资源和社会保障局劳动保障监察大队";
        let starts = word_boundaries(text);
        let chars: Vec<char> = text.chars().collect();
        let words: Vec<String> = {
            let mut out = vec![String::new()];
            for (i, c) in chars.iter().enumerate() {
                if i > 0 && starts[i] {
                    out.push(String::new());
                }
                out.last_mut().unwrap().push(*c);
            }
            out
        };
        assert_eq!(
            words,
            vec!["江滨区", "人力资源和社会保障局", "劳动保障监察大队"]
        );
    }

    #[test]
    fn punctuation_rules() {
        assert!(!can_break_between('字', '。'));
        assert!(!can_break_between('《', '字'));
        assert!(!can_break_between('—', '—'));
        assert!(!can_break_between('O', 'A'));
        assert!(can_break_between('字', '字'));
        // Off the grid a closing mark keeps Latin text after it; on the
        // grid only a bracket or quote does, a stop lets it go.
        for (a, b) in [
            ('、', '1'),
            ('，', 'A'),
            ('。', '2'),
            ('）', '2'),
            ('》', '2'),
            ('”', '2'),
        ] {
            assert!(can_break_between(a, b));
            assert!(!can_break(a, b, false), "{a}{b}");
        }
        for (a, b) in [('）', '2'), ('》', '2'), ('”', '2')] {
            assert!(!can_break(a, b, true), "{a}{b}");
        }
        for (a, b) in [('、', '1'), ('，', 'A'), ('。', '2'), ('：', 'O')] {
            assert!(can_break(a, b, true), "{a}{b}");
        }
        assert!(can_break('：', 'O', false));
        assert!(can_break('字', '1', false) && can_break('字', '1', true));
        assert!(can_break('、', '字', false));
    }

    #[test]
    fn grid_widths_count_digits_in_whole_cells() {
        assert_eq!(grid_width("2026年3月5日"), 7.0);
        assert_eq!(grid_width("2026年12月25日"), 7.0);
        assert_eq!(grid_width("江滨区财政局"), 6.0);
        assert_eq!(grid_width(""), 0.0);
        assert_eq!(grid_width("R&D"), 2.0);
    }

    #[test]
    fn widths_in_cells() {
        assert_eq!(text_width("2026年12月25日"), 7.0);
        assert_eq!(text_width("附件：1."), 4.0);
    }
}
