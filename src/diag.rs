//! Diagnostics: one located, Chinese-language problem report.
//!
//! Owns the shape and the rendering of every message a user sees about their
//! input. A diagnostic quotes the user's own line with a caret under the
//! offending token, in the manner of rustc and just, so a secretary can find the
//! mistake without counting lines. It never decides *what* is wrong; the
//! `input` and `paper` modules do that.

use std::fmt;

/// A position in a source file: 1-based line and column (columns count
/// characters, not bytes, because users count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// Where; `None` for whole-file problems (unreadable, too large).
    pub pos: Option<Pos>,
    /// The field path, e.g. `整改事项[2].完成时限`.
    pub field: Option<String>,
    pub message: String,
    /// The user's own line, quoted under the message.
    pub source_line: Option<String>,
    /// Optional extra advice, printed last.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            pos: None,
            field: None,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The one-line form `file:line:col: 字段 x: message`, used in tests,
    /// batch manifests and logs.
    pub fn short(&self) -> String {
        let mut s = self.file.clone();
        if let Some(p) = self.pos {
            s.push_str(&format!(":{}:{}", p.line, p.col));
        }
        s.push_str(": ");
        if let Some(f) = &self.field {
            s.push_str(&format!("「{f}」"));
        }
        s.push_str(&self.message);
        s
    }
}

/// Display width of a character on a terminal: CJK and full-width forms take
/// two cells, so the caret must move two cells for them.
pub fn cell_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "错误：{}", self.message)?;
        match self.pos {
            Some(p) => writeln!(f, "  --> {}:{}:{}", self.file, p.line, p.col)?,
            None => writeln!(f, "  --> {}", self.file)?,
        }
        if let (Some(p), Some(line)) = (self.pos, &self.source_line) {
            let num = p.line.to_string();
            let pad = " ".repeat(num.len());
            // Quote at most a window of the line around the column, so a
            // 40 KB line does not flood the terminal.
            let chars: Vec<char> = line.chars().collect();
            let col = p.col.saturating_sub(1).min(chars.len());
            let start = col.saturating_sub(30);
            let end = (col + 40).min(chars.len());
            let mut shown: String = chars[start..end].iter().collect();
            let mut before: usize = chars[start..col].iter().map(|&c| cell_width(c)).sum();
            if start > 0 {
                shown.insert(0, '…');
                before += 1;
            }
            if end < chars.len() {
                shown.push('…');
            }
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {shown}")?;
            // Underline the token: up to the next ':' or the end of line.
            let token: usize = chars[col..end]
                .iter()
                .take_while(|&&c| c != ':' && c != '：' && c != ',')
                .map(|&c| cell_width(c))
                .sum::<usize>()
                .clamp(1, 60);
            writeln!(f, "{pad} | {}{}", " ".repeat(before), "^".repeat(token))?;
        }
        if let Some(field) = &self.field {
            writeln!(f, "  = 字段：{field}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = 提示：{help}")?;
        }
        Ok(())
    }
}

/// The edit distance between two strings, by characters; used to suggest the
/// nearest known key for a misspelt one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The known name nearest to `unknown`, if it is near enough to be a typo.
pub fn suggest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let len = unknown.chars().count();
    known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, k)| *d <= (len.max(k.chars().count()) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        assert_eq!(
            suggest("整该措施", &["整改措施", "努力方向"]),
            Some("整改措施")
        );
        assert_eq!(suggest("完全无关", &["整改措施"]), None);
    }

    #[test]
    fn caret_counts_wide_cells() {
        let d = Diagnostic {
            file: "a.yaml".into(),
            pos: Some(Pos { line: 3, col: 3 }),
            field: Some("x".into()),
            message: "m".into(),
            source_line: Some("  整该措施: 1".into()),
            help: None,
        };
        let text = d.to_string();
        assert!(text.contains("  |   ^^^^^^^^\n"), "{text}");
    }
}
