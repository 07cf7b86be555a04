//! Typed field readers over located YAML trees, collecting every error.
//!
//! Each paper kind describes its schema with these readers. A reader that
//! meets a wrong value records a located diagnostic and returns `None`, so
//! decoding continues and the user sees every problem of a file at once.
//! Unknown keys are reported when a mapping is closed, with the nearest known
//! key as a suggestion.

use serde::Serialize;

use crate::diag::{suggest, Code, Diagnostic, Pos};
use crate::input::{Node, Source, Value};

/// A value that still holds the starter template's placeholder.
const PLACEHOLDER: &str = "【请填写";

/// Collects the diagnostics of one file.
pub struct Ctx<'s> {
    pub src: &'s Source,
    pub errors: Vec<Diagnostic>,
}

impl<'s> Ctx<'s> {
    pub fn new(src: &'s Source) -> Self {
        Ctx {
            src,
            errors: Vec::new(),
        }
    }

    /// An invalid value at `pos`.
    pub fn error(&mut self, pos: Pos, field: &str, message: impl Into<String>) {
        self.report(Code::InvalidValue, pos, field, message);
    }

    /// An input error of a given kind at `pos`.
    pub fn report(&mut self, code: Code, pos: Pos, field: &str, message: impl Into<String>) {
        self.errors
            .push(self.src.error(pos, Some(field), message).with_code(code));
    }
}

/// Joins a parent path and a key: `整改事项[2]` + `完成时限`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A calendar date, printed the GB/T 9704 way (2026年1月5日).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Reads `2026-01-05`, `2026/1/5`, `2026.1.5`, `2026年1月5日` and, as a
    /// 成文日期 is often typed, `二〇二六年一月五日`.
    pub fn parse(s: &str) -> Option<Date> {
        Date::read(s).ok()
    }

    /// As [`Date::parse`], saying what is wrong with a date that is not one:
    /// a form it cannot read, or a month or day the calendar has not.
    pub fn read(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        if let Some(arabic) = from_chinese_numerals(s) {
            return Date::read(&arabic);
        }
        let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
            rest.split(['年', '月']).collect()
        } else {
            s.split(['-', '/', '.']).collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return Err(DateError::Form);
        };
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d))
            || y.len() != 4
            || m.len() > 2
            || d.len() > 2
        {
            return Err(DateError::Form);
        }
        let number = |t: &str| t.parse::<u16>().map_err(|_| DateError::Form);
        let (year, month, day) = (number(y)?, number(m)?, number(d)?);
        if year < 1900 || month == 0 || day == 0 {
            return Err(DateError::Form);
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(DateError::NoMonth(month)),
        };
        if !(1..=days).contains(&day) {
            return Err(DateError::NoDay { year, month, days });
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

/// Why a text is not a date.
#[derive(Debug, PartialEq)]
pub enum DateError {
    /// Not a form of date wenshu reads.
    Form,
    /// A month outside 1–12.
    NoMonth(u16),
    /// A day the month has not: the month has `days`.
    NoDay { year: u16, month: u16, days: u16 },
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::Form => write!(f, "应写作 2026年1月5日、2026-01-05 或 二〇二六年一月五日"),
            DateError::NoMonth(m) => write!(f, "没有{m}月"),
            DateError::NoDay { year, month, days } => {
                write!(f, "{year}年{month}月只有{days}天")
            }
        }
    }
}

/// `二〇二六年三月五日` → `2026年3月5日`: the year digit by digit (〇 or 零
/// for zero), month and day as numbers up to 三十一. `None` for anything else.
fn from_chinese_numerals(s: &str) -> Option<String> {
    const DIGITS: &str = "〇一二三四五六七八九";
    let digit = |c: char| match c {
        '〇' | '零' | '○' | 'Ｏ' | 'O' | '0' => Some(0),
        _ => DIGITS.chars().position(|d| d == c).map(|n| n as u32),
    };
    let number = |t: &str| -> Option<u32> {
        let chars: Vec<char> = t.chars().collect();
        match chars.as_slice() {
            ['十'] => Some(10),
            ['十', u] => Some(10 + digit(*u)?),
            [t, '十'] => Some(digit(*t)? * 10),
            [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
            [u] => digit(*u),
            _ => None,
        }
    };
    let rest = s.strip_suffix('日')?;
    let (year, rest) = rest.split_once('年')?;
    let (month, day) = rest.split_once('月')?;
    if !year.chars().any(|c| DIGITS.contains(c) || c == '零') {
        return None;
    }
    let year: String = year
        .chars()
        .map(|c| digit(c).and_then(|d| char::from_digit(d, 10)))
        .collect::<Option<String>>()?;
    Some(format!("{year}年{}月{}日", number(month)?, number(day)?))
}

impl Date {
    /// Days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
    pub fn days(self) -> i64 {
        let (m, day) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `z` days after 1970-01-01.
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: month as u8,
            day: day as u8,
        }
    }

    /// This date plus `days` calendar days.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.days() + days)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Text of one or more paragraphs. From YAML either one string whose
/// paragraphs are separated by blank lines, or a list of strings.
pub type Paragraphs = Vec<String>;

/// Splits a block of text into paragraphs: blank lines separate them; single
/// line breaks inside a paragraph are joined (with nothing between CJK, with a
/// space between Latin words).
pub fn paragraphs_of(text: &str) -> Paragraphs {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        join_line(&mut cur, line);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Appends `line` to `cur` as a continuation of the same paragraph.
pub fn join_line(cur: &mut String, line: &str) {
    let needs_space = matches!((cur.chars().last(), line.chars().next()),
        (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
            || a.is_ascii_punctuation() && a != '(' && b.is_ascii_alphanumeric());
    if needs_space {
        cur.push(' ');
    }
    cur.push_str(line);
}

/// A mapping being read. Keys read through it are "known"; the rest are
/// reported by [`Obj::finish`].
pub struct Obj<'n> {
    pub path: String,
    pub pos: Pos,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
    known: Vec<&'static str>,
    /// Required keys found missing, with the index of their diagnostic: a
    /// misspelt key that suggests one of them replaces that diagnostic.
    missing: Vec<(&'static str, usize)>,
    /// Values another key implies (`文种: 党性分析材料-单位` implies
    /// `类型: 单位`): used when the key is absent, an error when it differs.
    implied: Vec<(&'static str, &'static str, &'static str)>,
    /// Keys taken as known without being read (see [`Obj::accept_rest`]).
    accepted: Vec<&'n str>,
}

impl<'n> Obj<'n> {
    /// Opens `node` as a mapping, or records a type error.
    pub fn open(ctx: &mut Ctx, node: &'n Node, path: &str) -> Option<Obj<'n>> {
        let Value::Map(map) = &node.value else {
            match &node.value {
                // 「姓名：李明」 under a list item parses as text.
                Value::Str(t) if t.contains('：') => {
                    let col = t.chars().position(|c| c == '：').unwrap_or(0);
                    let pos = Pos {
                        line: node.pos.line,
                        col: node.pos.col + col,
                    };
                    ctx.report(
                        Code::Syntax,
                        pos,
                        path_or_root(path),
                        "用了全角冒号「：」，键后应为半角冒号加空格",
                    );
                }
                _ => ctx.report(
                    Code::WrongType,
                    node.pos,
                    path_or_root(path),
                    format!("应为键值表（字段: 值），实为{}", node.type_name()),
                ),
            }
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node, &'n Node)> = Vec::new();
        for (k, v) in map {
            let Value::Str(key) = &k.value else {
                ctx.report(Code::WrongType, k.pos, path_or_root(path), "字段名应为文字");
                continue;
            };
            let key = key.as_str();
            if entries.iter().any(|(seen, _, _)| *seen == key) {
                ctx.report(
                    Code::Inconsistent,
                    k.pos,
                    &join(path, key),
                    format!("字段「{key}」重复出现"),
                );
                continue;
            }
            entries.push((key, k, v));
        }
        // Point at the first key rather than at YAML's mapping marker.
        let pos = entries.first().map_or(node.pos, |(_, k, _)| k.pos);
        Some(Obj {
            path: path.to_string(),
            pos,
            entries,
            known: Vec::new(),
            missing: Vec::new(),
            implied: Vec::new(),
            accepted: Vec::new(),
        })
    }

    pub fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value of `key`, if present and not null; marks `key` as known.
    pub fn get(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
            .filter(|v| v.value != Value::Null)
    }

    /// Like [`Obj::get`] but records "missing" with a reason.
    pub fn require(&mut self, ctx: &mut Ctx, key: &'static str, why: &str) -> Option<&'n Node> {
        let v = self.get(key);
        if v.is_none() {
            let at = self
                .entries
                .iter()
                .find(|(k, _, _)| *k == key)
                .map_or(self.pos, |(_, k, _)| k.pos);
            self.missing.push((key, ctx.errors.len()));
            ctx.report(
                Code::MissingField,
                at,
                &self.field(key),
                format!("缺少必填字段「{key}」{why}"),
            );
        }
        v
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, _, v)| *k == key && v.value != Value::Null)
    }

    /// Position of a key, for errors that concern the key itself.
    pub fn key_pos(&self, key: &str) -> Pos {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(self.pos, |(_, k, _)| k.pos)
    }

    /// Declares keys that are allowed even if not read (e.g. `文种`).
    pub fn allow(&mut self, keys: &[&'static str]) {
        self.known.extend_from_slice(keys);
    }

    /// Reports every key that no reader asked for.
    pub fn finish(self, ctx: &mut Ctx) {
        let mut superseded = Vec::new();
        for (key, k, _) in &self.entries {
            if self.known.contains(key) || self.accepted.contains(key) {
                continue;
            }
            let message = match suggest(key, &self.known) {
                Some(near) => {
                    // "整该措施" both misses 整改措施 and is unknown: say it once.
                    if let Some((_, i)) = self.missing.iter().find(|(m, _)| *m == near) {
                        superseded.push(*i);
                    }
                    format!("未知字段「{key}」，是否应为「{near}」？")
                }
                None => {
                    let mut known: Vec<&str> = Vec::new();
                    for k in &self.known {
                        if !known.contains(k) {
                            known.push(k);
                        }
                    }
                    match indentation_mistake(key) {
                        Some(why) => why.to_string(),
                        None => format!("未知字段「{key}」；此处可用的字段：{}", known.join("、")),
                    }
                }
            };
            ctx.report(Code::UnknownField, k.pos, &join(&self.path, key), message);
        }
        superseded.sort_unstable();
        for i in superseded.into_iter().rev() {
            ctx.errors.remove(i);
        }
    }

    // ---- typed readers: each returns None after recording an error ----

    /// Required single-line text of at most `max` characters.
    pub fn text(&mut self, ctx: &mut Ctx, key: &'static str, max: usize) -> Option<String> {
        let node = self.require(ctx, key, "")?;
        line_text(ctx, node, &self.field(key), max)
    }

    pub fn opt_text(&mut self, ctx: &mut Ctx, key: &'static str, max: usize) -> Option<String> {
        let node = self.get(key)?;
        line_text(ctx, node, &self.field(key), max)
    }

    /// Required paragraphs; each paragraph at most `max` characters.
    pub fn paragraphs(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        max: usize,
    ) -> Option<Paragraphs> {
        let node = self.require(ctx, key, "")?;
        paragraphs(ctx, node, &self.field(key), max)
    }

    pub fn opt_paragraphs(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        max: usize,
    ) -> Option<Paragraphs> {
        let node = self.get(key)?;
        paragraphs(ctx, node, &self.field(key), max)
    }

    pub fn date(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Date> {
        let node = self.require(ctx, key, "")?;
        date(ctx, node, &self.field(key))
    }

    pub fn opt_date(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Date> {
        let node = self.get(key)?;
        date(ctx, node, &self.field(key))
    }

    /// 是/否; absent means `default`.
    pub fn yes_no(&mut self, ctx: &mut Ctx, key: &'static str, default: bool) -> Option<bool> {
        let Some(node) = self.get(key) else {
            return Some(default);
        };
        let s = scalar(ctx, node, &self.field(key))?;
        match s.trim() {
            "是" | "true" | "True" | "yes" => Some(true),
            "否" | "false" | "False" | "no" => Some(false),
            other => {
                ctx.error(
                    node.pos,
                    &self.field(key),
                    format!("应为「是」或「否」，实为「{other}」"),
                );
                None
            }
        }
    }

    /// Records that `by` (e.g. the 文种 name 党性分析材料-单位) implies
    /// `key: value`.
    pub fn imply(&mut self, key: &'static str, value: &'static str, by: &'static str) {
        self.implied.push((key, value, by));
    }

    /// The value implied for `key`, and by what.
    pub fn implied(&self, key: &str) -> Option<(&'static str, &'static str)> {
        self.implied
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, by)| (*v, *by))
    }

    /// Takes every key of the mapping as known: a decoder that stops early
    /// (the 类型 that decides the other keys is wrong) must not have every
    /// other key reported as unknown, hiding the one real error.
    pub fn accept_rest(&mut self) {
        let keys: Vec<&'n str> = self.entries.iter().map(|(k, _, _)| *k).collect();
        self.accepted.extend(keys);
    }

    /// One of `choices`; absent means the implied value, else `default` if
    /// given, else an error.
    pub fn choice(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        choices: &[&'static str],
        default: Option<&'static str>,
    ) -> Option<&'static str> {
        let implied = self.implied(key);
        let node = match (self.get(key), implied.map(|(v, _)| v).or(default)) {
            (Some(n), _) => n,
            (None, Some(d)) => return Some(d),
            (None, None) => {
                self.require(ctx, key, &format!("（可选值：{}）", choices.join("、")));
                return None;
            }
        };
        let s = scalar(ctx, node, &self.field(key))?;
        let s = s.trim();
        if let Some(c) = choices.iter().find(|c| **c == s) {
            if let Some((v, by)) = implied.filter(|(v, _)| v != c) {
                ctx.report(
                    Code::Inconsistent,
                    node.pos,
                    &self.field(key),
                    format!("「{s}」与文种「{by}」不一致（按文种应为「{v}」）"),
                );
                return None;
            }
            return Some(c);
        }
        let near = suggest(s, choices)
            .map(|n| format!("是否应为「{n}」？"))
            .unwrap_or_default();
        ctx.error(
            node.pos,
            &self.field(key),
            format!(
                "「{s}」不是可选值；可选值为：{}。{near}",
                choices.join("、")
            ),
        );
        None
    }

    /// Required non-empty list, each item read by `item` with its path.
    pub fn list<T>(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        max_items: usize,
        mut item: impl FnMut(&mut Ctx, &'n Node, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let node = self.require(ctx, key, "")?;
        let field = self.field(key);
        let Value::Seq(items) = &node.value else {
            ctx.report(
                Code::WrongType,
                node.pos,
                &field,
                format!("应为列表（每项以“- ”开头），实为{}", node.type_name()),
            );
            return None;
        };
        if items.is_empty() {
            ctx.error(node.pos, &field, "列表不能为空");
            return None;
        }
        if items.len() > max_items {
            ctx.report(
                Code::TooLong,
                node.pos,
                &field,
                format!("列表最多 {max_items} 项，实有 {} 项", items.len()),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, n) in items.iter().enumerate() {
            match item(ctx, n, &format!("{field}[{}]", i + 1)) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A nested mapping read by `inner`.
    pub fn object<T>(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        why: &str,
        inner: impl FnOnce(&mut Ctx, &mut Obj<'n>) -> Option<T>,
    ) -> Option<T> {
        let node = self.require(ctx, key, why)?;
        let field = self.field(key);
        let mut obj = Obj::open(ctx, node, &field)?;
        let v = inner(ctx, &mut obj);
        obj.finish(ctx);
        v
    }
}

/// A key that begins with a full-width space or a tab: the user indented
/// with them, and YAML took them for part of the key.
fn indentation_mistake(key: &str) -> Option<&'static str> {
    match key.chars().next()? {
        '\u{3000}' => Some("行首用了全角空格「　」缩进；YAML 只能用半角空格缩进"),
        '\t' => Some("行首用了制表符（TAB 键）缩进；YAML 只能用半角空格缩进"),
        _ => None,
    }
}

fn path_or_root(path: &str) -> &str {
    if path.is_empty() {
        "（文档顶层）"
    } else {
        path
    }
}

/// A scalar as text; lists and mappings are type errors.
pub fn scalar<'n>(ctx: &mut Ctx, node: &'n Node, field: &str) -> Option<&'n str> {
    match &node.value {
        Value::Str(s) => {
            if s.contains(PLACEHOLDER) {
                placeholders(ctx, node, field, s);
                return None;
            }
            Some(s)
        }
        _ => {
            ctx.report(
                Code::WrongType,
                node.pos,
                field,
                format!("应为文字，实为{}", node.type_name()),
            );
            None
        }
    }
}

/// Reports every starter placeholder left in a value, each at its own place
/// in the file (found after the value's start), quoting what it asked for.
fn placeholders(ctx: &mut Ctx, node: &Node, field: &str, value: &str) {
    let text = &ctx.src.text;
    let mut from = ctx.src.offset(node.pos).unwrap_or(0);
    for (i, _) in value.match_indices(PLACEHOLDER) {
        let asked: String = value[i..].chars().take_while(|&c| c != '】').collect();
        let at = text[from..].find(PLACEHOLDER).map(|j| from + j);
        let pos = at.map_or(node.pos, |o| ctx.src.pos_of(o));
        if let Some(o) = at {
            from = o + PLACEHOLDER.len();
        }
        ctx.report(
            Code::Placeholder,
            pos,
            field,
            format!("占位符「{asked}】」尚未填写，请换成实际内容"),
        );
    }
}

/// One line of text: trimmed, not empty, no line break, at most `max` chars.
pub fn line_text(ctx: &mut Ctx, node: &Node, field: &str, max: usize) -> Option<String> {
    let s = scalar(ctx, node, field)?.trim();
    if s.is_empty() {
        ctx.error(node.pos, field, "不能为空");
        return None;
    }
    if s.contains('\n') {
        ctx.error(node.pos, field, "应为一行文字，不能换行");
        return None;
    }
    check_len(ctx, node, field, s, max)?;
    Some(s.to_string())
}

fn check_len(ctx: &mut Ctx, node: &Node, field: &str, s: &str, max: usize) -> Option<()> {
    let n = s.chars().count();
    if n > max {
        ctx.report(
            Code::TooLong,
            node.pos,
            field,
            format!("过长：{n} 字，上限 {max} 字"),
        );
        return None;
    }
    Some(())
}

/// Paragraphs from a string or a list of strings.
pub fn paragraphs(ctx: &mut Ctx, node: &Node, field: &str, max: usize) -> Option<Paragraphs> {
    let paras = match &node.value {
        Value::Str(_) => paragraphs_of(scalar(ctx, node, field)?),
        Value::Seq(items) => {
            let mut out = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                let f = format!("{field}[{}]", i + 1);
                match scalar(ctx, item, &f) {
                    Some(s) => {
                        let p = paragraphs_of(s);
                        if p.is_empty() {
                            ctx.error(item.pos, &f, "不能为空");
                            ok = false;
                        }
                        for para in &p {
                            ok &= check_len(ctx, item, &f, para, max).is_some();
                        }
                        out.extend(p);
                    }
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            out
        }
        _ => {
            ctx.report(
                Code::WrongType,
                node.pos,
                field,
                format!("应为文字或文字列表，实为{}", node.type_name()),
            );
            return None;
        }
    };
    if paras.is_empty() {
        ctx.error(node.pos, field, "不能为空");
        return None;
    }
    if matches!(node.value, Value::Str(_)) {
        for p in &paras {
            check_len(ctx, node, field, p, max)?;
        }
    }
    Some(paras)
}

pub fn date(ctx: &mut Ctx, node: &Node, field: &str) -> Option<Date> {
    let s = scalar(ctx, node, field)?;
    match Date::read(s) {
        Ok(d) => Some(d),
        Err(why) => {
            ctx.report(
                Code::BadDate,
                node.pos,
                field,
                format!("「{}」不是有效日期：{why}", s.trim()),
            );
            None
        }
    }
}

impl Obj<'_> {
    /// Drops the object without reporting unknown keys: used when the kind is
    /// unknown, so that every key would be "unknown" and the noise would hide
    /// the one real error.
    pub fn finish_silently(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_chinese_numerals_are_read_and_normalised() {
        let d = |s: &str| Date::parse(s).map(|d| d.to_string());
        assert_eq!(d("二〇二六年三月五日").as_deref(), Some("2026年3月5日"));
        assert_eq!(
            d("二零二六年十二月三十一日").as_deref(),
            Some("2026年12月31日")
        );
        assert_eq!(d("二〇二六年十月二十日").as_deref(), Some("2026年10月20日"));
        assert_eq!(d("二〇二六年二月三十日"), None);
        assert_eq!(d("二〇二六年十三月一日"), None);
        assert_eq!(d("二〇二六年三月五"), None);
    }

    #[test]
    fn dates_in_both_forms() {
        let d = Date::parse("2026-01-05").unwrap();
        assert_eq!(d.to_string(), "2026年1月5日");
        assert_eq!(Date::parse("2026年1月5日"), Some(d));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("2028-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("26-1-5"), None);
        assert_eq!(Date::parse("二〇二六年一月五日"), Some(d));
    }

    #[test]
    fn a_date_that_is_not_one_says_why() {
        let why = |s: &str| Date::read(s).unwrap_err().to_string();
        assert_eq!(why("2026-04-31"), "2026年4月只有30天");
        assert_eq!(why("二〇二六年四月三十一日"), "2026年4月只有30天");
        assert_eq!(why("2026-02-29"), "2026年2月只有28天");
        assert_eq!(why("2026-13-01"), "没有13月");
        assert!(why("2026-04-00").starts_with("应写作"));
        assert!(why("明天").starts_with("应写作"));
        assert_eq!(Date::read("2028-02-29").map(|d| d.day), Ok(29));
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_join_lines() {
        let p = paragraphs_of("第一段\n续写\n\n第二段 uses OA\nsystem\n");
        assert_eq!(
            p,
            vec![
                "第一段续写".to_string(),
                "第二段 uses OA system".to_string()
            ]
        );
    }
}
