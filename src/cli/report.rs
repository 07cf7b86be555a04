//! Rendering diagnostics for a person at a terminal.
//!
//! Owns how a [`Diagnostic`] looks: the severity and stable code, the
//! `--> file:line:col` arrow, the user's own line quoted with a caret under
//! the offending token (in the manner of rustc and just), the field, and the
//! hints. It never decides what is wrong; it only shows it. Control
//! characters in a quoted line are shown escaped, so a stray ESC byte in a
//! YAML file cannot drive the user's terminal.

use std::fmt::Write as _;

use crate::diag::{cell_width, token_chars, Diagnostic};

/// How a character of a quoted line is shown: control characters (C0, DEL,
/// C1) and the bidi controls that reorder what a terminal shows as
/// `\u{1b}`-style escapes, everything else as itself.
fn shown(c: char) -> String {
    let bidi = matches!(c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069);
    if (c.is_control() && c != '\t') || bidi {
        format!("\\u{{{:x}}}", c as u32)
    } else {
        c.to_string()
    }
}

/// Text of the user's that a message, field or file name carries, shown as
/// [`shown`] shows it; line breaks of a message are kept.
fn shown_text(text: &str) -> String {
    text.split('\n')
        .map(|line| line.chars().map(shown).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostic as a person reads it, ending with a newline.
pub fn render(d: &Diagnostic) -> String {
    let mut f = String::new();
    let message = shown_text(&d.message);
    let _ = writeln!(f, "{}[{}]：{message}", d.severity.label(), d.code.as_str());
    let file = shown_text(&d.file);
    match d.pos {
        Some(p) => {
            let _ = writeln!(f, "  --> {file}:{}:{}", p.line, p.col);
        }
        None => {
            let _ = writeln!(f, "  --> {file}");
        }
    }
    if let (Some(p), Some(line)) = (d.pos, &d.source_line) {
        quote(&mut f, p.line, p.col, line);
    }
    if let Some(field) = &d.field {
        let _ = writeln!(f, "  = 字段：{}", shown_text(field));
    }
    for hint in &d.hints {
        let _ = writeln!(f, "  = 提示：{}", shown_text(hint));
    }
    f
}

/// Quotes at most a window of the line around the column, so a 40 KB line
/// does not flood the terminal, with a caret under the token.
fn quote(f: &mut String, line_no: usize, col: usize, line: &str) {
    let num = line_no.to_string();
    let pad = " ".repeat(num.len());
    let chars: Vec<char> = line.chars().collect();
    let col = col.saturating_sub(1).min(chars.len());
    let start = col.saturating_sub(30);
    let end = (col + 40).min(chars.len());
    let width = |c: &char| shown(*c).chars().map(cell_width).sum::<usize>();
    let mut text: String = chars[start..end].iter().map(|&c| shown(c)).collect();
    let mut before: usize = chars[start..col].iter().map(width).sum();
    if start > 0 {
        text.insert(0, '…');
        before += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    let token_len = token_chars(line, col).min(end.saturating_sub(col)).max(1);
    let token: usize = chars[col..(col + token_len).min(chars.len())]
        .iter()
        .map(width)
        .sum::<usize>()
        .clamp(1, 60);
    let _ = writeln!(f, "{pad} |");
    let _ = writeln!(f, "{num} | {text}");
    let _ = writeln!(f, "{pad} | {}{}", " ".repeat(before), "^".repeat(token));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Pos};

    fn at(line: &str, col: usize) -> Diagnostic {
        let mut d = Diagnostic::whole_file("a.yaml", Code::UnknownField, "m");
        d.pos = Some(Pos { line: 3, col });
        d.field = Some("x".into());
        d.source_line = Some(line.into());
        d
    }

    #[test]
    fn caret_counts_wide_cells() {
        let text = render(&at("  整该措施: 1", 3));
        assert!(text.contains("  |   ^^^^^^^^\n"), "{text}");
        assert!(
            text.starts_with("错误[unknown-field]：m\n  --> a.yaml:3:3\n"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_are_escaped_not_sent_to_the_terminal() {
        let text = render(&at("a: \u{1b}[31mred", 4));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("\\u{1b}[31mred"), "{text}");
    }

    #[test]
    fn the_users_text_in_a_message_field_or_file_name_is_escaped_too() {
        let mut d = at("a: \u{202e}x", 4);
        d.file = "\u{1b}]0;t\u{7}.yaml".into();
        d.message = "没有字段「\u{1b}[2J」\n第二行".into();
        d.field = Some("\u{9b}x".into());
        d.hints = vec!["\u{1b}c".into()];
        let text = render(&d);
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("「\\u{1b}[2J」\n第二行"), "{text}");
        assert!(text.contains("3 | a: \\u{202e}x\n"), "{text}");
    }
}
