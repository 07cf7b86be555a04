//! `wenshu export 文种 -o 模板.docx`: a built-in paper as a Word template
//! that `wenshu fill` fills, so that an office can restyle wenshu's layout in
//! Word (a letterhead, a logo, its own wording) and still print from YAML.
//!
//! Owns, for each kind it can export, a markup template whose text is
//! `wenshu fill`'s tags (`templates/export/文种.xml`); it renders that markup
//! through the ordinary stages (markup → [`crate::document`] →
//! [`crate::docx`]), so the template has wenshu's own page, fonts, styles and
//! grid. It never fills anything: [`crate::fill`] does.
//!
//! Why a template of its own per kind rather than the built-in markup
//! template with its values swapped for tags: the built-in templates read
//! the *decoded* paper (dates already typed, 序号 and 挂牌事项 computed, a
//! missing 落款 replaced by the name, a map of 一找 put in the campaign's
//! order), while `wenshu fill` reads the YAML as typed. The exported
//! template has to say those steps in tags: dates through the `日期` filter,
//! text blocks through `分段`, numbers through `loop.index` and `中文数字`.
//! tests/export.rs holds each one to the text `wenshu render` prints for the
//! same YAML. A kind whose paper depends on what fill cannot say (the 阶段记录
//! rules, a 转段申请's phase-dependent wording, 版头 and 版记 frames) is
//! refused with the list of kinds that can be exported.
//!
//! What differs from `wenshu render`, by construction: the signature's right
//! indent and the title's balanced line breaks are computed from the tags'
//! text, not from the filled values, and fill checks no campaign rule
//! (`wenshu check` does).

use crate::{docx, template};

/// The kinds that can be exported, with their fill template markup.
pub const EXPORTABLE: &[(&str, &str)] = &[
    ("两个具体", include_str!("../templates/export/两个具体.xml")),
    (
        "党性分析材料-个人",
        include_str!("../templates/export/党性分析材料-个人.xml"),
    ),
    (
        "党性分析材料-单位",
        include_str!("../templates/export/党性分析材料-单位.xml"),
    ),
    (
        "整改方案-个人",
        include_str!("../templates/export/整改方案-个人.xml"),
    ),
    (
        "整改方案-单位",
        include_str!("../templates/export/整改方案-单位.xml"),
    ),
];

/// The names `export` accepts.
pub fn names() -> Vec<&'static str> {
    EXPORTABLE.iter().map(|(n, _)| *n).collect()
}

/// The template for `kind` as DOCX bytes, or why it cannot be exported.
pub fn export(kind: &str) -> Result<Vec<u8>, String> {
    let kind = kind.trim();
    let Some((_, markup)) = EXPORTABLE.iter().find(|(n, _)| *n == kind) else {
        let known = crate::kinds::KINDS.iter().any(|k| k.name == kind);
        let why = if known {
            format!("文种「{kind}」还不能导出为 Word 模板：它的内容取决于 wenshu fill 无法表达的规则或计算")
        } else {
            format!("没有文种「{kind}」")
        };
        return Err(format!("{why}。可以导出的文种：{}", names().join("、")));
    };
    // The file's note to maintainers stands before `<doc>`.
    let markup = markup.find("<doc>").map_or(*markup, |i| &markup[i..]);
    let doc = template::parse_markup(markup)
        .map_err(|(line, m)| format!("内部错误：导出模板「{kind}」第 {line} 行：{m}"))?;
    Ok(docx::write(&doc, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exportable_kind_is_a_kind_and_parses() {
        for (name, _) in EXPORTABLE {
            assert!(
                crate::kinds::KINDS.iter().any(|k| k.name == *name),
                "{name}"
            );
            let bytes = export(name).unwrap();
            assert!(bytes.starts_with(b"PK"));
        }
    }

    #[test]
    fn an_unsupported_kind_is_refused_with_the_list() {
        let e = export("阶段记录-1").unwrap_err();
        assert!(
            e.contains("还不能导出") && e.contains("整改方案-个人"),
            "{e}"
        );
        let e = export("没有的").unwrap_err();
        assert!(
            e.contains("没有文种「没有的」") && e.contains("两个具体"),
            "{e}"
        );
    }
}
