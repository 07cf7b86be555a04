//! The YAML mistakes Chinese users make, said in Chinese at the right place.
//!
//! A Chinese keyboard types a full-width colon 「：」 and full-width spaces
//! 「　」 as easily as the half-width ones YAML needs, and editors put tabs in
//! indentation. The parser then fails later, on the wrong line, in English
//! ("simple key expect ':'"). When a file does not parse, this module reads its
//! lines again, outside block scalars (`|`, `>`), and names each such mistake
//! at its own line and column. It also translates every message the parser
//! can give, so no English reaches the user. It never decides what a key
//! means.

use crate::diag::{Code, Diagnostic, Pos};

use super::Source;

/// Every mistake found in the file's structure lines, in reading order.
pub fn scan(src: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None; // indentation of the line that opened a block scalar
    for (i, line) in src.text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let indent = leading_blank_chars(line);
        let content: String = line.chars().skip(indent).collect();
        if let Some(opener) = block {
            if content.is_empty() || indent > opener {
                continue;
            }
            block = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let pos = |col: usize| Pos {
            line: i + 1,
            col: col + 1,
        };
        if let Some((col, c)) = line
            .chars()
            .take(indent)
            .enumerate()
            .find(|(_, c)| *c != ' ')
        {
            let message = if c == '\t' {
                "行首用了制表符（TAB 键）缩进；YAML 只能用半角空格缩进"
            } else {
                "行首用了全角空格「　」缩进；YAML 只能用半角空格缩进"
            };
            out.push(
                src.error(pos(col), None, message)
                    .with_code(Code::Syntax)
                    .with_help("把这一行开头的空白全部删掉，再用半角空格对齐到同级字段"),
            );
        }
        let body = content.strip_prefix("- ").unwrap_or(&content);
        let body_col = indent + (content.chars().count() - body.chars().count());
        if let Some((col, message)) = key_mistake(body) {
            out.push(
                src.error(pos(body_col + col), None, message)
                    .with_code(Code::Syntax)
                    .with_help(
                        "正确的写法如「姓名: 李明」：字段名，半角冒号，一个半角空格，再写内容",
                    ),
            );
        }
        if opens_block_scalar(body) {
            block = Some(indent);
        }
    }
    out
}

/// Leading spaces, tabs and full-width spaces, in characters.
fn leading_blank_chars(line: &str) -> usize {
    line.chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}'))
        .count()
}

/// A key written with a full-width colon, or with no space after its colon:
/// the column (in characters, from `body`'s start) and what to say.
fn key_mistake(body: &str) -> Option<(usize, &'static str)> {
    if body.starts_with(['"', '\'', '{', '[', '|', '>', '&', '*', '!']) {
        return None;
    }
    for (col, c) in body.chars().enumerate() {
        match c {
            // A proper key ends here: whatever follows is the value's.
            ':' if body.chars().nth(col + 1).is_none_or(|n| n == ' ') => return None,
            ':' if col > 0 => return Some((col, "冒号后缺少空格：键后应为半角冒号加一个空格")),
            '：' if col > 0 && col <= 20 => {
                return Some((col, "用了全角冒号「：」，键后应为半角冒号加空格"))
            }
            ' ' | '，' | '。' | '、' | '；' => return None,
            _ => {}
        }
    }
    None
}

/// Whether a line's value is `|` or `>` (with its indicators), so the lines
/// below it, indented deeper, are text and not structure.
fn opens_block_scalar(body: &str) -> bool {
    let value = match body.find(": ") {
        Some(i) => &body[i + 2..],
        None => body,
    };
    let value = value.split(" #").next().unwrap_or("").trim();
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '+' | '-' | '1'..='9'))
}

/// The parser's message in Chinese. Every message yaml-rust2 can give is
/// here; anything new falls back to a plain Chinese sentence, never English.
pub fn translate(info: &str) -> &'static str {
    const TABLE: &[(&str, &str)] = &[
        (
            "mapping values are not allowed",
            "此处不能出现“键: 值”：冒号后是否缺少空格，或缩进不对？",
        ),
        (
            "simple key expect",
            "这一行应为“字段名: 内容”，但找不到半角冒号",
        ),
        (
            "simple key expected",
            "这一行应为“字段名: 内容”，但找不到半角冒号",
        ),
        (
            "did not find expected key",
            "缩进或层次不对：此处应是与上一行同级的字段",
        ),
        (
            "did not find expected '-' indicator",
            "列表的缩进不对：每一项应以同样缩进的“- ”开头",
        ),
        (
            "block sequence entries are not allowed",
            "此处不能开始列表“- ”：缩进不对，或上一行缺少冒号",
        ),
        ("mapping keys are not allowed", "此处不能出现字段：缩进不对"),
        ("illegal placement of ':'", "冒号的位置不对"),
        (
            "quoted scalar",
            "引号里的内容有误：引号没有闭合，或有无法识别的转义（\\ 后的字符）",
        ),
        ("tab", "用了制表符（TAB 键）；YAML 只能用半角空格缩进"),
        ("invalid indentation", "缩进不对：同一级的字段须对齐"),
        (
            "wrongly indented line in block scalar",
            "多行文字（| 之后）中有一行缩进比第一行少",
        ),
        (
            "found unknown anchor",
            "引用了未定义的锚点（别名 * 前没有对应的 &）",
        ),
        ("duplicated anchor", "同一个锚点名 & 用了两次"),
        ("anchor or alias", "& 或 * 后应是锚点名（字母或数字）"),
        ("double-quoted scalar", "右引号后还有多余的内容"),
        (
            "unexpected end of stream",
            "文件意外结束：引号或括号没有闭合",
        ),
        ("unexpected eof", "文件意外结束：引号或括号没有闭合"),
        (
            "flow mapping",
            "花括号 { } 里的内容有误：各项之间应以逗号分隔，最后以 } 结束",
        ),
        (
            "flow sequence",
            "方括号 [ ] 里的内容有误：各项之间应以逗号分隔，最后以 ] 结束",
        ),
        (
            "did not find expected node content",
            "此处缺少内容：冒号或“- ”之后应有值",
        ),
        (
            "plain scalar cannot start with '-'",
            "内容不能以“-”加逗号或括号开头；请给内容加引号",
        ),
        ("comments must be separated", "注释符号 # 前须有空格"),
        ("expected whitespace", "此处应有空格"),
        (
            "block scalar",
            "多行文字（| 或 > 之后）的写法有误：| 后只能换行",
        ),
        ("recursion limit exceeded", "层次嵌套过深"),
        ("document", "文档分隔符（--- 或 ...）的位置或写法有误"),
        (
            "directive",
            "以 % 开头的指令有误；文书用不到指令，请删除该行",
        ),
        ("tag", "以 ! 开头的标签有误；文书用不到标签，请删除"),
        ("handle", "以 ! 开头的标签有误；文书用不到标签，请删除"),
        ("unexpected character", "出现了不能出现在此处的字符"),
        (
            "did not find expected next token",
            "出现了不能出现在此处的字符",
        ),
        (
            "incompatible YAML document",
            "不支持的 YAML 版本声明；请删除以 %YAML 开头的行",
        ),
        ("version", "不支持的 YAML 版本声明；请删除以 %YAML 开头的行"),
    ];
    TABLE
        .iter()
        .find(|(en, _)| info.contains(en))
        .map_or("YAML 格式有误：此处的写法无法识别", |(_, zh)| zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        scan(&Source::new("t.yaml", text.into()))
            .iter()
            .map(Diagnostic::short)
            .collect()
    }

    #[test]
    fn a_full_width_colon_is_named_at_its_column() {
        let got = found("文种: 党性分析材料\n姓名：李明\n");
        assert_eq!(
            got,
            ["t.yaml:2:3: 用了全角冒号「：」，键后应为半角冒号加空格"]
        );
        assert_eq!(
            found("  - 日期：2026-03-20\n")[0],
            "t.yaml:1:7: 用了全角冒号「：」，键后应为半角冒号加空格"
        );
    }

    #[test]
    fn full_width_spaces_and_tabs_in_indentation() {
        let got = found("a:\n　　b: 1\n\tc: 2\n");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("t.yaml:2:1: 行首用了全角空格"));
        assert!(got[1].starts_with("t.yaml:3:1: 行首用了制表符"));
    }

    #[test]
    fn block_scalars_and_values_are_text_not_structure() {
        assert!(
            found("内容: |\n  第一：学习党章\n　　第二：撰写心得\n下一项: 时间：上午\n").is_empty()
        );
        assert!(found("网址: http://example.org\n").is_empty());
        assert!(found("- 学习，认真：是\n").is_empty());
    }

    #[test]
    fn a_colon_without_a_space() {
        assert_eq!(
            found("姓名:李明\n")[0],
            "t.yaml:1:3: 冒号后缺少空格：键后应为半角冒号加一个空格"
        );
    }

    #[test]
    fn every_parser_message_is_said_in_chinese() {
        for en in [
            "simple key expect ':'",
            "tabs disallowed within this context (block indentation)",
            "while parsing a block mapping, did not find expected key",
            "something new",
        ] {
            let zh = translate(en);
            assert!(!zh.chars().any(|c| c.is_ascii_lowercase()), "{en} → {zh}");
            assert!(
                zh.chars().any(|c| crate::diag::cell_width(c) == 2),
                "{en} → {zh}"
            );
        }
    }
}
