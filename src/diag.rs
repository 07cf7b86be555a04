//! Diagnostics: one located, Chinese-language problem report.
//!
//! Owns the *shape* of every message a user sees about their input: its
//! severity (an input error, a campaign rule refused, a warning), a stable
//! code that scripts and editors can rely on, where it stands (file, line and
//! column, and the byte range in the source), the field path, the user's own
//! line to quote, and hints. It never decides *what* is wrong (the `input`,
//! `kinds`, `paper`, `record` and `roster` modules do) and never renders a
//! message for a terminal: `cli::report` does that, as typst-cli renders
//! typst's diagnostics.

use std::ops::Range;

/// A position in a source file: 1-based line and column (columns count
/// characters, not bytes, because users count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// How bad a problem is, and so what it stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is wrong: nothing of the file is rendered.
    Error,
    /// The input is valid, but a campaign rule is not met: the paper that
    /// would close the phase is refused (its 补课清单 is written instead).
    Refusal,
    /// Worth saying, stops nothing.
    Warning,
}

impl Severity {
    /// The word that opens the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Refusal => "未达标",
            Severity::Warning => "警告",
        }
    }

    /// The name in machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Refusal => "refusal",
            Severity::Warning => "warning",
        }
    }
}

/// What kind of problem a diagnostic reports. The names are stable: scripts
/// and editors may match on them, so a code is never renamed or reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// The file cannot be read (missing, a directory, no permission).
    Unreadable,
    /// The file is over the size cap.
    TooLarge,
    /// The bytes are not text in an encoding we can trust.
    Encoding,
    /// The YAML does not parse.
    Syntax,
    /// Aliases or nesting expand beyond the budget.
    Budget,
    /// The file holds no document.
    Empty,
    /// `文种` names no kind.
    UnknownKind,
    /// A key the kind does not have.
    UnknownField,
    /// A required key is missing.
    MissingField,
    /// A list where text was expected, and the like.
    WrongType,
    /// A value outside what the field accepts.
    InvalidValue,
    /// Text over the field's length limit.
    TooLong,
    /// A date that is not a date.
    BadDate,
    /// A starter's 【请填写…】 placeholder left in.
    Placeholder,
    /// Facts of one input that contradict each other.
    Inconsistent,
    /// A character no installed face can draw.
    MissingGlyph,
    /// A template could not be applied.
    Template,
    /// A problem in a roster's table or its columns.
    Table,
    /// A kind used with the wrong command (a roster given to `render`).
    WrongCommand,
    /// A campaign rule not met: the closing paper is refused.
    RuleUnmet,
    /// What a refusal means for the phase (no transfer until 补课).
    Refused,
    /// Something wenshu should have said but did not: a bug.
    Internal,
    /// An exception the source does not allow: a compulsory rule, a rule of
    /// another phase, an exception dated after the paper.
    Exception,
    /// An approval or consent given by a body without the standing to give
    /// it: the unit itself, or a body not among the district's approvers.
    Approver,
    /// Dates out of order: a fact outside the phase or after the paper, a
    /// plan passed before its 公示期 ran, published before it was approved.
    DateOrder,
    /// A district's setting (本区规定) written in a unit's own record.
    DistrictSetting,
    /// A control character or noncharacter in text: invisible, or a box.
    Unprintable,
    /// An output file that is not wenshu's to replace, or cannot be written.
    Output,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "unreadable",
            Code::TooLarge => "too-large",
            Code::Encoding => "encoding",
            Code::Syntax => "syntax",
            Code::Budget => "budget",
            Code::Empty => "empty",
            Code::UnknownKind => "unknown-kind",
            Code::UnknownField => "unknown-field",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::InvalidValue => "invalid-value",
            Code::TooLong => "too-long",
            Code::BadDate => "bad-date",
            Code::Placeholder => "placeholder",
            Code::Inconsistent => "inconsistent",
            Code::MissingGlyph => "missing-glyph",
            Code::Template => "template",
            Code::Table => "table",
            Code::WrongCommand => "wrong-command",
            Code::RuleUnmet => "rule-unmet",
            Code::Refused => "refused",
            Code::Internal => "internal",
            Code::Exception => "exception",
            Code::Approver => "approver",
            Code::DateOrder => "date-order",
            Code::DistrictSetting => "district-setting",
            Code::Unprintable => "unprintable",
            Code::Output => "output",
        }
    }
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// The file as the user named it.
    pub file: String,
    /// Where; `None` for whole-file problems (unreadable, too large).
    pub pos: Option<Pos>,
    /// The byte range of the offending token in the file's text, for
    /// editors; `None` where the file has no text to point into.
    pub span: Option<Range<usize>>,
    /// The field path, e.g. `整改事项[2].完成时限`.
    pub field: Option<String>,
    pub message: String,
    /// The user's own line, quoted under the message.
    pub source_line: Option<String>,
    /// Advice, printed last, one line each.
    pub hints: Vec<String>,
    /// The problem lies in fields many papers share (a roster's 共同字段):
    /// a batch says it once, not once per paper.
    pub shared: bool,
}

impl Diagnostic {
    /// An input error about a whole file.
    pub fn whole_file(file: &str, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_string(),
            pos: None,
            span: None,
            field: None,
            message: message.into(),
            source_line: None,
            hints: Vec::new(),
            shared: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.hints.push(help.into());
        self
    }

    pub fn with_code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The one-line form `file:line:col: 「字段」message`, used in tests,
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
/// two cells. The caret under a quoted line and the columns of the check
/// table both count with it.
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

/// The length in characters of the token starting at 0-based character
/// `col` of `line`: up to the next key colon or comma (a CSV cell or a flow
/// item is one token), at least one character. The caret under a quoted
/// line and a diagnostic's byte range both use it.
pub fn token_chars(line: &str, col: usize) -> usize {
    line.chars()
        .skip(col)
        .take_while(|&c| c != ':' && c != '：' && c != ',')
        .count()
        .max(1)
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
    fn a_token_ends_at_a_colon_or_comma() {
        assert_eq!(token_chars("  整该措施: 1", 2), 4);
        assert_eq!(token_chars("a,b", 2), 1);
        assert_eq!(token_chars("x", 5), 1);
    }

    #[test]
    fn codes_are_distinct_and_stable() {
        let all = [
            Code::Unreadable,
            Code::TooLarge,
            Code::Encoding,
            Code::Syntax,
            Code::Budget,
            Code::Empty,
            Code::UnknownKind,
            Code::UnknownField,
            Code::MissingField,
            Code::WrongType,
            Code::InvalidValue,
            Code::TooLong,
            Code::BadDate,
            Code::Placeholder,
            Code::Inconsistent,
            Code::MissingGlyph,
            Code::Template,
            Code::Table,
            Code::WrongCommand,
            Code::RuleUnmet,
            Code::Refused,
            Code::Internal,
            Code::Exception,
            Code::Approver,
            Code::DateOrder,
            Code::DistrictSetting,
            Code::Unprintable,
            Code::Output,
        ];
        let names: std::collections::HashSet<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(Code::UnknownField.as_str(), "unknown-field");
    }
}
