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
/// C1) as `\u{1b}`-style escapes, everything else as itself.
fn shown(c: char) -> String {
    if c.is_control() && c != '\t' {
        format!("\\u{{{:x}}}", c as u32)
    } else {
        c.to_string()
    }
}

/// The diagnostic as a person reads it, ending with a newline.
pub fn render(d: &Diagnostic) -> String {
    let mut f = String::new();
    let _ = writeln!(f, "{}[{}]：{}", d.severity.label(), d.code.as_str(), d.message);
    match d.pos {
        Some(p) => {
            let _ = writeln!(f, "  --> {}:{}:{}", d.file, p.line, p.col);
        }
        None => {
            let _ = writeln!(f, "  --> {}", d.file);
        }
    }
    if let (Some(p), Some(line)) = (d.pos, &d.source_line) {
        quote(&mut f, p.line, p.col, line);
    }
    if let Some(field) = &d.field {
        let _ = writeln!(f, "  = 字段：{field}");
    }
    for hint in &d.hints {
        let _ = writeln!(f, "  = 提示：{hint}");
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
        assert!(text.starts_with("错误[unknown-field]：m\n  --> a.yaml:3:3\n"), "{text}");
    }

    #[test]
    fn control_characters_are_escaped_not_sent_to_the_terminal() {
        let text = render(&at("a: \u{1b}[31mred", 4));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("\\u{1b}[31mred"), "{text}");
    }
}
