//! Line breaking and placing a line's glyphs.
//!
//! Greedy breaking at the last legal opportunity (GB/T 15834: closing
//! punctuation never starts a line, opening punctuation never ends one; a
//! full-width stop that would start a line is squeezed in at half width),
//! then justification, centring or right alignment of each line.

use super::atoms::Atom;
use super::{
    Align, Box_, Glyph, Metric, ParaShape, TextRun, Typesetter, BLACK, BODY, LEFT, LINE, WIDTH,
};
use crate::fonts::FontRole;
use crate::typeset::measured::{EM_BOX_ASCENT, FREE_SCALE, GRID_LINE_LEAD};
use crate::typeset::{self as ts};

/// Where one line of a paragraph goes and how it ends.
pub(super) struct LineSpec {
    /// Indent from the text block's left edge, pt.
    pub(super) indent: f32,
    /// Width available after the indent, pt.
    pub(super) avail: f32,
    /// Its last atom is a stop squeezed in at half width.
    pub(super) squeezed: bool,
    /// The paragraph's last line (not justified).
    pub(super) last: bool,
}

/// Whether a line may break between two atoms, on the grid or off it.
fn breakable(a: &Atom, b: &Atom, metric: Metric) -> bool {
    match (a.chars.last(), b.chars.first()) {
        (Some(&x), Some(&y)) => {
            if a.latin && b.latin {
                return x == ' ' || x == '-' || x == '/';
            }
            ts::can_break(x, y, metric == Metric::Grid)
        }
        _ => true,
    }
}

/// Full-width stops that may end a full line squeezed to half width rather
/// than start the next one (GB/T 15834 推入). The DOCX turns hanging
/// punctuation off and punctuation compression on, so Word squeezes them in
/// too; LibreOffice (which reads `w:overflowPunct` inverted) hangs them in the
/// margin: either way the line breaks after the stop, as here. Inside table
/// cells nothing can hang, and LibreOffice pulls a character back instead;
/// so do we.
const SQUEEZABLE: &str = ts::STOPS;

/// Greedy line breaking: the atom ranges of each line, and whether the last
/// atom of the line is a stop squeezed in at half width.
pub(super) fn break_lines(
    atoms: &[Atom],
    shape: &ParaShape,
) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let eps = 0.01;
    while start < atoms.len() {
        let avail = shape.width
            - if lines.is_empty() {
                shape.first_indent
            } else {
                shape.indent
            };
        let mut used = 0.0;
        let mut end = start;
        while end < atoms.len() {
            let a = &atoms[end];
            let w = a.advance - if end == start { a.lead } else { 0.0 };
            if used + w - a.trail > avail + eps {
                break;
            }
            used += w;
            end += 1;
        }
        if end == atoms.len() {
            lines.push((start..end, false));
            break;
        }
        if end == start {
            // A single atom wider than the line: it goes on a line of its own.
            lines.push((start..start + 1, false));
            start += 1;
            continue;
        }
        let next = &atoms[end];
        // (Not after a Latin run: "1.4%。" moves down whole, as in LibreOffice.)
        let squeeze = shape.metric == Metric::Grid
            && !atoms[end - 1].latin
            && next.chars.len() == 1
            && SQUEEZABLE.contains(next.chars[0])
            && (end + 1 == atoms.len() || breakable(next, &atoms[end + 1], shape.metric));
        if squeeze {
            lines.push((start..end + 1, true));
            start = end + 1;
            continue;
        }
        // Otherwise pull back to the last legal break, so that closing
        // punctuation never starts and opening punctuation never ends a line.
        let mut cut = end;
        while cut > start && !breakable(&atoms[cut - 1], &atoms[cut], shape.metric) {
            cut -= 1;
        }
        if cut == start {
            cut = end; // no legal break at all: break at the measure
        }
        lines.push((start..cut, false));
        start = cut;
    }
    lines
}

impl Typesetter<'_> {
    /// Places one line's atoms: justified (space spread between atoms, or
    /// taken from them when a squeezed stop overfills the line), centred or
    /// right-aligned.
    pub(super) fn place_line(
        &self,
        atoms: &[Atom],
        line: &LineSpec,
        shape: &ParaShape,
        b: &mut Box_,
    ) {
        let advances = line_advances(atoms, line.squeezed);
        let used: f32 = advances.iter().sum();
        let gaps = atoms.len().saturating_sub(1) as f32;
        let (mut x, extra) = match shape.align {
            Align::Justify if !line.last || used > line.avail => (
                LEFT + line.indent,
                if gaps > 0.0 {
                    (line.avail - used) / gaps
                } else {
                    0.0
                },
            ),
            Align::Justify | Align::Start => (LEFT + line.indent, 0.0),
            Align::Center => (LEFT + line.indent + (line.avail - used) / 2.0, 0.0),
            Align::Right(r) => (LEFT + WIDTH - r - used, 0.0),
        };
        let baseline = baseline(atoms, shape.line);
        let scale = if shape.metric == Metric::Free {
            FREE_SCALE
        } else {
            1.0
        };
        for (k, (atom, adv)) in atoms.iter().zip(&advances).enumerate() {
            // A Latin run is centred in its cells; CJK fills its cell.
            let mut gx = x + match (atom.latin, shape.metric) {
                (true, Metric::Grid) => (adv - atom.ink) / 2.0,
                _ if k == 0 => 0.0,
                _ => atom.lead,
            };
            for &c in &atom.chars {
                let role = if c.is_ascii() {
                    FontRole::Latin
                } else {
                    atom.role
                };
                let w = self.advance(role, c, atom.size) * scale;
                if !c.is_whitespace() {
                    if let Some(g) = self.fonts.glyph(role, c) {
                        push_glyph(
                            b,
                            g.face,
                            atom.size,
                            baseline,
                            Glyph {
                                gid: g.gid,
                                x: gx,
                                ch: c,
                            },
                        );
                    }
                }
                b.text.push(c);
                gx += w;
            }
            x += adv + extra;
        }
    }
}

/// The atoms' advances on this line: no Han–Latin space at the line's ends,
/// a squeezed stop at half width.
fn line_advances(atoms: &[Atom], squeezed: bool) -> Vec<f32> {
    let mut advances: Vec<f32> = atoms.iter().map(|a| a.advance).collect();
    if let (Some(a), Some(first)) = (advances.first_mut(), atoms.first()) {
        *a -= first.lead;
    }
    if let (Some(a), Some(last)) = (advances.last_mut(), atoms.last()) {
        *a -= last.trail;
    }
    if squeezed {
        if let Some(a) = advances.last_mut() {
            *a *= 0.5;
        }
    }
    advances
}

/// The baseline of a line `height` pt tall holding `atoms`, from its top:
/// the em box of the largest size near the top on the grid
/// ([`GRID_LINE_LEAD`]), centred in lines tighter than the grid (table
/// cells, clear of the rules above and below).
fn baseline(atoms: &[Atom], height: f32) -> f32 {
    let size = atoms.first().map_or(BODY, |a| a.size);
    let max_size = atoms.iter().map(|a| a.size).fold(size, f32::max);
    let spare = if height < LINE { 0.5 } else { GRID_LINE_LEAD };
    spare * (height - max_size) + EM_BOX_ASCENT * max_size
}

fn push_glyph(b: &mut Box_, face: usize, size: f32, y: f32, g: Glyph) {
    if let Some(run) = b.texts.last_mut() {
        if run.face == face && run.size == size && run.y == y {
            run.glyphs.push(g);
            return;
        }
    }
    b.texts.push(TextRun {
        face,
        size,
        y,
        glyphs: vec![g],
        color: BLACK,
    });
}

#[cfg(test)]
mod tests {
    use super::super::CELL;
    use super::*;
    use crate::fonts::Face;

    fn atom(c: char) -> Atom {
        Atom {
            chars: vec![c],
            role: FontRole::Cjk(Face::Body),
            size: BODY,
            ink: BODY,
            advance: CELL,
            latin: false,
            lead: 0.0,
            trail: 0.0,
        }
    }

    fn lines_of(text: &str, first_indent: f32) -> Vec<String> {
        let atoms: Vec<Atom> = text.chars().map(atom).collect();
        let shape = ParaShape {
            first_indent,
            ..ParaShape::of(&ts::style(ts::Kind::Body))
        };
        break_lines(&atoms, &shape)
            .into_iter()
            .map(|(r, _)| atoms[r].iter().map(|a| a.chars[0]).collect())
            .collect()
    }

    #[test]
    fn full_lines_hold_28_cells() {
        let text: String = "字".repeat(60);
        let lines = lines_of(&text, 2.0 * CELL);
        assert_eq!(
            lines.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            vec![26, 28, 6]
        );
    }

    #[test]
    fn a_stop_never_starts_a_line_it_is_squeezed_in() {
        let text = format!("{}。后文", "字".repeat(28));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 29);
        assert!(lines[0].ends_with('。') && lines[1] == "后文");
        // …unless a closing quote follows it: then a character comes down.
        let text = format!("{}样。”后文", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 27);
        assert!(lines[1].starts_with("样。”"));
    }

    #[test]
    fn closing_quote_pulls_a_character_back() {
        let text = format!("{}样”后文", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert_eq!(lines[0].chars().count(), 27);
        assert!(lines[1].starts_with("样”"));
    }

    #[test]
    fn opening_quote_never_ends_a_line_and_dashes_stay_whole() {
        let text = format!("{}“引文”", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(!lines[0].ends_with('“') && lines[1].starts_with('“'));
        let text = format!("{}——破折", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(!lines[0].ends_with('—') || lines[0].ends_with("——"));
        assert!(!lines[1].starts_with('—') || lines[1].starts_with("——"));
        let text = format!("{}……省略", "字".repeat(27));
        let lines = lines_of(&text, 0.0);
        assert!(lines
            .iter()
            .all(|l| !l.starts_with('…') || l.starts_with("……")));
    }
}
