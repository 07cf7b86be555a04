//! 版头 and 版记: the letterhead at the top of page 1 (7.2) and the imprint
//! at the foot of the last page (7.4), with their rules.
//!
//! The heights are `typeset`'s, the same the DOCX writer uses
//! (`docx::letterhead`, `docx::imprint`).

use super::{Align, Box_, ParaShape, Rule, Span, Typesetter, BLACK, CELL, LINE, RED, WIDTH};
use crate::document::{Imprint, Letterhead, Printed};
use crate::fonts::Face;
use crate::typeset::{self as ts, Kind};

impl Typesetter<'_> {
    /// 版头: 份号, 密级 and 紧急程度 lines, the red 发文机关标志 35 mm into
    /// the text block, two lines, the 发文字号 (with 签发人) over the red
    /// rule, two lines.
    pub(super) fn letterhead(&self, l: &Letterhead, out: &mut Vec<Box_>) {
        let lines = self.letterhead_marks(l, out);
        out.push(Box_::new(ts::issuer_space_before(lines) as f32 / 20.0));
        self.issuer(&l.issuer, out);
        out.push(Box_::new(LINE));
        out.push(Box_::new(LINE));
        let n = out.len();
        self.doc_number(l, out);
        let gap = ts::RULE_GAP_PT as f32;
        let line = &mut out[n];
        line.rules
            .push(Rule::across(LINE + gap, ts::THICK_RULE_PT as f32, RED));
        line.height = LINE + gap + ts::THICK_RULE_PT as f32;
        out.push(Box_::new(LINE));
        out.push(Box_::new(LINE));
    }

    /// 份号 (仿宋), 密级 and 紧急程度 (黑体), flush left; how many lines.
    fn letterhead_marks(&self, l: &Letterhead, out: &mut Vec<Box_>) -> u32 {
        let style = ts::style(Kind::Addressee);
        let flush = ParaShape::of(&style);
        let size = style.size as f32 / 2.0;
        let marks = l.copy_no.iter().map(|c| (c, Face::Body));
        let marks = marks.chain(
            [&l.secrecy, &l.urgency]
                .into_iter()
                .flatten()
                .map(|t| (t, Face::Hei)),
        );
        let mut lines = 0;
        for (text, role) in marks {
            self.paragraph(&[Span { text, role, size }], &flush, out);
            lines += 1;
        }
        lines
    }

    /// The 发文机关标志: red, centred, as large as fits (7.2.4).
    fn issuer(&self, issuer: &str, out: &mut Vec<Box_>) {
        let style = ts::style(Kind::Issuer);
        let shape = ParaShape {
            line: ts::issuer_line(issuer) as f32 / 20.0,
            ..ParaShape::of(&style)
        };
        let n = out.len();
        let span = Span {
            text: issuer,
            role: style.face,
            size: ts::issuer_size(issuer) as f32 / 2.0,
        };
        self.paragraph(&[span], &shape, out);
        for b in &mut out[n..] {
            for t in &mut b.texts {
                t.color = RED;
            }
        }
    }

    /// The 发文字号: centred, or one cell in from the left with 签发人 one cell
    /// in from the right on the same line (7.2.5, 7.2.6).
    fn doc_number(&self, l: &Letterhead, out: &mut Vec<Box_>) {
        let style = ts::style(Kind::DocNumber);
        let size = style.size as f32 / 2.0;
        let number = Span {
            text: &l.number,
            role: style.face,
            size,
        };
        let flush = ParaShape::of(&style);
        let Some(signer) = &l.signer else {
            let shape = ParaShape {
                align: Align::Center,
                ..flush
            };
            self.paragraph(&[number], &shape, out);
            return;
        };
        let n = out.len();
        let left = ParaShape {
            first_indent: CELL,
            align: Align::Start,
            ..flush
        };
        self.paragraph(&[number], &left, out);
        let mut right = Vec::new();
        let spans = [
            Span {
                text: "签发人：",
                role: style.face,
                size,
            },
            Span {
                text: signer,
                role: Face::Kai,
                size,
            },
        ];
        let shape = ParaShape {
            align: Align::Right(CELL),
            ..flush
        };
        self.paragraph(&spans, &shape, &mut right);
        let line = &mut out[n];
        line.texts.extend(right.remove(0).texts);
        line.text.push_str("签发人：");
        line.text.push_str(signer);
    }

    /// 版记: the 抄送 line and the 印发 line (either may be absent), 14 pt,
    /// between rules; placed by the paginator at the foot of the last page.
    pub(super) fn imprint(&self, i: &Imprint) -> Box_ {
        let style = ts::style(Kind::Imprint);
        let size = style.size as f32 / 2.0;
        let role = style.face;
        let mut lines: Vec<Box_> = Vec::new();
        let inset = ParaShape {
            first_indent: CELL,
            indent: CELL,
            width: WIDTH - CELL,
            align: Align::Start,
            ..ParaShape::of(&style)
        };
        if let Some(cc) = &i.cc {
            let text = format!("抄送：{cc}。");
            let span = Span {
                text: &text,
                role,
                size,
            };
            self.paragraph(&[span], &inset, &mut lines);
        }
        if let Some(p) = &i.printed {
            lines.push(self.printed_line(p, &inset));
        }
        stack_between_rules(&lines)
    }
}

impl Typesetter<'_> {
    /// The 印发 line: 印发机关 one cell in from the left, 印发日期 with
    /// "印发" one cell in from the right (7.4.3).
    fn printed_line(&self, p: &Printed, inset: &ParaShape) -> Box_ {
        let style = ts::style(Kind::Imprint);
        let size = style.size as f32 / 2.0;
        let role = style.face;
        let mut left = Vec::new();
        let span = Span {
            text: &p.issuer,
            role,
            size,
        };
        self.paragraph(&[span], inset, &mut left);
        let date = format!("{}印发", p.date);
        let mut right = Vec::new();
        let span = Span {
            text: &date,
            role,
            size,
        };
        let shape = ParaShape {
            first_indent: 0.0,
            align: Align::Right(CELL),
            ..*inset
        };
        self.paragraph(&[span], &shape, &mut right);
        let mut line = left.remove(0);
        line.texts.extend(right.remove(0).texts);
        line.text.push_str(&date);
        line
    }
}

/// The 版记's lines stacked into one box: a thick rule above the first and
/// below the last, thin rules between them (7.4.1).
fn stack_between_rules(lines: &[Box_]) -> Box_ {
    let thick = ts::THICK_RULE_PT as f32;
    let thin = ts::THIN_RULE_PT as f32;
    let mut b = Box_::new(0.0);
    let mut y = 0.0;
    b.rules.push(Rule::across(y, thick, BLACK));
    for (k, line) in lines.iter().enumerate() {
        for t in &line.texts {
            let mut t = t.clone();
            t.y += y;
            b.texts.push(t);
        }
        b.text.push_str(&line.text);
        y += LINE;
        let last = k + 1 == lines.len();
        b.rules
            .push(Rule::across(y, if last { thick } else { thin }, BLACK));
    }
    b.height = y;
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imprint_lines_sit_between_thick_and_thin_rules() {
        let lines = [Box_::new(LINE), Box_::new(LINE)];
        let b = stack_between_rules(&lines);
        let widths: Vec<f32> = b.rules.iter().map(|r| r.width).collect();
        assert_eq!(widths, vec![1.0, 0.75, 1.0]);
        assert_eq!(b.height, 2.0 * LINE);
        assert_eq!(b.rules[2].y1, 2.0 * LINE);
    }
}
