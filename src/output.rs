//! Output files: safe names and whole-or-nothing writes.
//!
//! Owns how a paper's file is named and put on disk. Names come from content
//! but are made safe for Windows (the users' platform) and can never climb out
//! of the output directory. Every file is written to a temporary name in the
//! same directory and renamed, so an existing file is replaced whole or not at
//! all, and an interrupted run leaves no half-written paper.

use std::io::Write;
use std::path::Path;

/// Longest file stem, in characters: Windows paths are limited, and a
/// paper's name is a kind plus a person or unit.
const MAX_STEM_CHARS: usize = 80;

/// Makes `stem` a safe Windows file name: no reserved characters, no path
/// separators, no control characters, no trailing dot or space, not a
/// reserved device name, not empty.
pub fn safe_stem(stem: &str) -> String {
    let mut s: String = stem
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(MAX_STEM_CHARS)
        .collect();
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    let s2 = s.trim_start_matches(['.', ' ']).to_string();
    s = s2;
    let upper = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    if s.is_empty() {
        s.push_str("文书");
    }
    s
}

/// The file stems taken in one run: each paper gets a unique one, with
/// `-2`, `-3`, … added in order of arrival (comparison ignores case, as
/// Windows does), so the same inputs always give the same names.
#[derive(Default)]
pub struct Names {
    taken: std::collections::HashSet<String>,
}

impl Names {
    /// A safe stem for `stem` that no earlier paper of this run has; the
    /// DOCX and PDF of one paper share it.
    pub fn unique(&mut self, stem: &str) -> String {
        let base = safe_stem(stem);
        let mut name = base.clone();
        let mut n = 1;
        while !self.taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        name
    }

    /// Marks a stem as taken (a resumed batch keeps its earlier names).
    pub fn reserve(&mut self, stem: &str) {
        self.taken.insert(stem.to_lowercase());
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed,
/// then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_windows_safe_and_stay_in_dir() {
        assert_eq!(safe_stem("党性分析材料-张三"), "党性分析材料-张三");
        assert_eq!(safe_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_stem("a:b*c?"), "a_b_c_");
        assert_eq!(safe_stem("CON"), "_CON");
        assert_eq!(safe_stem("名字. "), "名字");
        assert_eq!(safe_stem(""), "文书");
        assert!(!safe_stem("x/y\\z").contains(['/', '\\']));
    }

    #[test]
    fn collisions_get_numbers() {
        let mut names = Names::default();
        assert_eq!(names.unique("a"), "a");
        assert_eq!(names.unique("A"), "A-2");
        names.reserve("b-2");
        assert_eq!(names.unique("b"), "b");
        assert_eq!(names.unique("b"), "b-3");
    }
}
