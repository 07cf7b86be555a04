//! Atoms: text → unbreakable pieces, measured on the grid or off it.
//!
//! An atom is one CJK character or one Latin run (a long one split at UAX #14
//! opportunities). On the grid a CJK character takes one cell and a Latin
//! run whole LibreOffice cells; off the grid both take their natural advance
//! narrowed as LibreOffice narrows them, with the Han–Latin space added.

use super::{Metric, Span, Typesetter, BODY, CELL};
use crate::fonts::FontRole;
use crate::typeset::measured::{AUTO_SPACE_EM, FREE_SCALE, LO_CELL, RUN_SCALE};

/// An unbreakable piece of a line: one CJK character or one Latin run.
#[derive(Clone, Debug)]
pub(super) struct Atom {
    pub(super) chars: Vec<char>,
    pub(super) role: FontRole,
    pub(super) size: f32,
    /// Natural width of the glyphs, pt.
    pub(super) ink: f32,
    /// Width it takes on the line, pt (whole cells on the grid).
    pub(super) advance: f32,
    pub(super) latin: bool,
    /// Space before the glyphs within `advance` (Han–Latin spacing).
    pub(super) lead: f32,
    /// Space after the glyphs within `advance`; neither counts at a line's
    /// start or end (measured: LibreOffice fits "2026年6" in 47.7 pt).
    pub(super) trail: f32,
}

/// Cells a Latin run of natural width `ink` (pt) takes on the grid: its
/// width at the DOCX's run scale, rounded up to whole LibreOffice cells, at
/// least one (measured in LibreOffice: "12" one cell, "1.2" and "2008" two,
/// "R&D" three).
pub(super) fn latin_cells(ink: f32) -> f32 {
    ((ink * RUN_SCALE / LO_CELL - 0.005).ceil()).max(1.0)
}

impl Typesetter<'_> {
    /// Splits spans into atoms, measured per the metric.
    pub(super) fn atoms(&self, spans: &[Span], metric: Metric) -> Vec<Atom> {
        let mut atoms = Vec::new();
        for span in spans {
            let role = FontRole::Cjk(span.role);
            let mut latin: Vec<char> = Vec::new();
            for c in span.text.chars() {
                if c.is_ascii() {
                    latin.push(c);
                    continue;
                }
                self.latin_atoms(&mut latin, span.size, metric, &mut atoms);
                if c == '\u{2028}' {
                    continue;
                }
                let ink = self.advance(role, c, span.size);
                let advance = match metric {
                    Metric::Grid => CELL * span.size / BODY,
                    Metric::Free => ink * FREE_SCALE,
                };
                atoms.push(Atom {
                    chars: vec![c],
                    role,
                    size: span.size,
                    ink,
                    advance,
                    latin: false,
                    lead: 0.0,
                    trail: 0.0,
                });
            }
            self.latin_atoms(&mut latin, span.size, metric, &mut atoms);
        }
        if metric == Metric::Free {
            add_auto_space(&mut atoms);
        }
        atoms
    }

    /// Turns the pending Latin characters into atoms: long runs broken at
    /// spaces (UAX #14), short ones whole.
    fn latin_atoms(&self, latin: &mut Vec<char>, size: f32, metric: Metric, atoms: &mut Vec<Atom>) {
        if latin.is_empty() {
            return;
        }
        let chars = std::mem::take(latin);
        for word in split_latin(&chars) {
            let ink: f32 = word
                .iter()
                .map(|&c| self.advance(FontRole::Latin, c, size))
                .sum();
            let advance = match metric {
                Metric::Grid => latin_cells(ink) * CELL,
                Metric::Free => ink * FREE_SCALE,
            };
            let ink = if metric == Metric::Free { advance } else { ink };
            atoms.push(Atom {
                chars: word,
                role: FontRole::Latin,
                size,
                ink,
                advance,
                latin: true,
                lead: 0.0,
                trail: 0.0,
            });
        }
    }
}

/// Adds the Han–Latin space to the Latin atoms next to a Han character.
fn add_auto_space(atoms: &mut [Atom]) {
    let han = |c: Option<&char>| {
        c.is_some_and(
            |&c| matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF),
        )
    };
    let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    for i in 0..atoms.len() {
        if !atoms[i].latin {
            continue;
        }
        let space = AUTO_SPACE_EM * atoms[i].size;
        let before = i > 0
            && !atoms[i - 1].latin
            && han(atoms[i - 1].chars.last())
            && alnum(atoms[i].chars.first());
        let after = i + 1 < atoms.len()
            && !atoms[i + 1].latin
            && han(atoms[i + 1].chars.first())
            && alnum(atoms[i].chars.last());
        if before {
            atoms[i].advance += space;
            atoms[i].lead = space;
        }
        if after {
            atoms[i].advance += space;
            atoms[i].trail = space;
        }
    }
}

/// Splits a Latin run at UAX #14 opportunities only if it is long (over ten
/// characters); short words and numbers stay whole.
fn split_latin(chars: &[char]) -> Vec<Vec<char>> {
    if chars.len() <= 10 {
        return vec![chars.to_vec()];
    }
    let s: String = chars.iter().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, op) in unicode_linebreak::linebreaks(&s) {
        if op == unicode_linebreak::BreakOpportunity::Allowed || i == s.len() {
            if i > start {
                out.push(s[start..i].chars().collect());
            }
            start = i;
        }
    }
    if start < s.len() {
        out.push(s[start..].chars().collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_runs_take_whole_libreoffice_cells() {
        // Times New Roman at 16 pt: a digit is 8 pt, "." 4 pt, R 10.67 pt,
        // & 12.45 pt, D 11.55 pt.
        assert_eq!(latin_cells(16.0), 1.0); // "12"
        assert_eq!(latin_cells(20.0), 2.0); // "1.2"
        assert_eq!(latin_cells(32.0), 2.0); // "2008"
        assert_eq!(latin_cells(34.67), 3.0); // "R&D"
        assert_eq!(latin_cells(0.5), 1.0);
    }

    #[test]
    fn long_latin_runs_split_at_spaces_short_ones_stay_whole() {
        let chars: Vec<char> = "GB/T 9704".chars().collect();
        assert_eq!(split_latin(&chars).len(), 1);
        let chars: Vec<char> = "Times New Roman".chars().collect();
        let words: Vec<String> = split_latin(&chars)
            .iter()
            .map(|w| w.iter().collect())
            .collect();
        assert_eq!(words, vec!["Times ", "New ", "Roman"]);
    }
}
