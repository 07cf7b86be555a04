//! Evaluating a template part with minijinja, and printing values as
//! WordprocessingML text.
//!
//! Owns the environment every part is compiled in: undefined values fail
//! when printed or looped over but are false in an `if` (docxtpl users write
//! `{% if 备注 %}`), values are XML-escaped as they are printed (so `<`, `&`
//! and `]]>` print as typed), a line break in a value becomes `<w:br/>` and
//! a tab `<w:tab/>`, and a list or a table printed where text belongs is an
//! error instead of Python's `['a', 'b']`. It never finds tags:
//! [`super::tags`] does.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, Output, State, UndefinedBehavior};

/// The detail of the error a list or table printed as text raises, so that
/// [`explain`] can recognise it.
const NOT_TEXT: &str = "not text";

/// Leaves the text element for a break or a tab and opens a new one in the
/// same run (and so with the same formatting).
const BREAK: &str = "</w:t><w:br/><w:t xml:space=\"preserve\">";
const TAB: &str = "</w:t><w:tab/><w:t xml:space=\"preserve\">";

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // The XML's own last newline stays.
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters"),
    );
    env.set_formatter(format);
    add_filters(&mut env);
    env
}

/// The filters that print data the way wenshu's own papers do, so that a
/// template exported from a built-in kind (`wenshu export`) prints what
/// `wenshu render` prints: `日期` (2026-01-05 → 2026年1月5日), `分段` (a
/// block of text → its paragraphs, lines joined as wenshu joins them) and
/// `中文数字` (3 → 三). They share their rules with the paper readers.
fn add_filters(env: &mut Environment<'static>) {
    env.add_filter("日期", |v: Value| -> Result<String, Error> {
        if v.is_none() || v.is_undefined() {
            return Err(Error::new(ErrorKind::InvalidOperation, "日期没有填写"));
        }
        let text = v
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string());
        crate::input::typed::Date::parse(&text)
            .map(|d| d.to_string())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("「{text}」不是日期；应写作 2026-01-05 或 2026年1月5日"),
                )
            })
    });
    env.add_filter("分段", |v: Value| -> Result<Vec<String>, Error> {
        if let Some(s) = v.as_str() {
            return Ok(crate::input::typed::paragraphs_of(s));
        }
        match v.kind() {
            ValueKind::Seq => {
                let mut out = Vec::new();
                for item in v.try_iter()? {
                    let text = item
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| item.to_string());
                    out.extend(crate::input::typed::paragraphs_of(&text));
                }
                Ok(out)
            }
            ValueKind::Undefined | ValueKind::None => Ok(Vec::new()),
            _ => Ok(crate::input::typed::paragraphs_of(&v.to_string())),
        }
    });
    env.add_filter("中文数字", |n: usize| {
        crate::document::chinese_numeral(n)
    });
}

fn format(out: &mut Output, _state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Ok(()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => {
            Err(Error::new(ErrorKind::InvalidOperation, NOT_TEXT))
        }
        _ => {
            let mut xml = String::new();
            match value.as_str() {
                Some(s) => write_text(&mut xml, s),
                None => write_text(&mut xml, &value.to_string()),
            }
            out.write_str(&xml).map_err(Error::from)
        }
    }
}

/// Text as the content of a `w:t`: escaped, breaks and tabs as elements,
/// characters XML 1.0 forbids left out.
pub fn write_text(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str(BREAK);
                }
            }
            '\n' | '\u{2028}' | '\u{0b}' => out.push_str(BREAK),
            '\t' => out.push_str(TAB),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// What went wrong, in Chinese, for an error raised while rendering.
pub fn explain(e: &Error) -> String {
    match e.kind() {
        ErrorKind::UndefinedError => "用到的字段在数据中没有".into(),
        ErrorKind::InvalidOperation if e.detail() == Some(NOT_TEXT) => {
            "的值是列表或键值表，不能直接填在文字处：请用 {% for %} 逐项填写，或写出其中的字段（如 {{ 单位.名称 }}）".into()
        }
        ErrorKind::SyntaxError => format!("写法有误（{}）", e.detail().unwrap_or("")),
        ErrorKind::UnknownFilter => format!("用了不存在的过滤器（{}）", e.detail().unwrap_or("")),
        ErrorKind::UnknownFunction => format!("用了不存在的函数（{}）", e.detail().unwrap_or("")),
        ErrorKind::UnknownTest => format!("用了不存在的测试（{}）", e.detail().unwrap_or("")),
        _ => format!(
            "无法计算（{}）",
            e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, ctx: Value) -> Result<String, Error> {
        environment().render_str(src, ctx)
    }

    #[test]
    fn values_are_escaped_and_broken_into_lines() {
        let ctx = Value::from_pairs([("a", "x < y & ]]> z\n第二行\tb")]);
        assert_eq!(
            render("{{ a }}", ctx).unwrap(),
            "x &lt; y &amp; ]]&gt; z</w:t><w:br/><w:t xml:space=\"preserve\">第二行</w:t><w:tab/><w:t xml:space=\"preserve\">b"
        );
    }

    #[test]
    fn lists_in_text_and_undefined_values_are_errors() {
        let ctx = Value::from_pairs([("a", Value::from(vec!["x", "y"]))]);
        let e = render("{{ a }}", ctx.clone()).unwrap_err();
        assert!(explain(&e).contains("列表"), "{e}");
        let e = render("{{ b }}", ctx.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UndefinedError);
        assert_eq!(render("{% if b %}x{% endif %}", ctx.clone()).unwrap(), "");
        assert_eq!(render("{{ none }}", ctx).unwrap(), "");
    }

    #[test]
    fn filters_print_as_wenshu_does() {
        let ctx = Value::from_pairs([
            ("d", Value::from("2026-01-05")),
            ("z", Value::from("二〇二六年三月五日")),
            ("t", Value::from("第一段\n接着\n\n第二段 ")),
            ("n", Value::from(12)),
        ]);
        let out = render(
            "{{ d|日期 }} {{ z|日期 }} {% for p in t|分段 %}[{{ p }}]{% endfor %} {{ n|中文数字 }}",
            ctx.clone(),
        )
        .unwrap();
        assert_eq!(out, "2026年1月5日 2026年3月5日 [第一段接着][第二段] 十二");
        let e = render("{{ t|日期 }}", ctx).unwrap_err();
        assert!(explain(&e).contains("不是日期"), "{}", explain(&e));
    }

    #[test]
    fn trailing_newline_is_kept() {
        assert_eq!(render("<a/>\n", Value::from(())).unwrap(), "<a/>\n");
    }
}
