//! The registry of kinds: which `文种` values exist and who reads each.
//!
//! Owns the list `wenshu kinds` prints and the dispatch from a document's
//! `文种` to its reader: a single paper ([`crate::paper`]), a phase record
//! ([`crate::record`]) or a roster ([`crate::roster`], which only `batch`
//! expands). It sits above those three so none of them needs to know the
//! others; it never reads a field itself beyond `文种`.

use crate::diag::{Code, Diagnostic};
use crate::input::typed::{Ctx, Obj};
use crate::input::{Source, YamlDoc};
use crate::paper::{self, Paper};
use crate::{forms, record, roster};

/// The kinds and variants a user can ask for, with the template each uses.
/// Order is the order `wenshu kinds` prints.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        name: "两个具体",
        doc: "第一阶段：保持先进性的具体要求和不合格党员的具体表现（单位）",
    },
    KindInfo {
        name: "党性分析材料-个人",
        doc: "第二阶段：党员个人党性分析材料（领导干部另查权力观、地位观、利益观）",
    },
    KindInfo {
        name: "党性分析材料-单位",
        doc: "第二阶段：单位（领导班子）党性分析材料",
    },
    KindInfo {
        name: "整改方案-个人",
        doc: "第三阶段：党员个人整改方案（支部内公示、支部党员大会通过）",
    },
    KindInfo {
        name: "整改方案-单位",
        doc: "第三阶段：单位整改方案（本单位公示、上级党组织批准）",
    },
    KindInfo {
        name: "转段申请",
        doc: "第一、二阶段结束：转入下一阶段的请示",
    },
    KindInfo {
        name: "阶段小结",
        doc: "各阶段结束：阶段小结（第三阶段为总结），报告",
    },
    KindInfo {
        name: "阶段记录-1",
        doc: "学习动员阶段记录：核对规则，生成阶段小结和转段申请（未达标则生成补课清单）",
    },
    KindInfo {
        name: "阶段记录-2",
        doc:
            "分析评议阶段记录：核对规则、统计测评票，生成阶段小结和转段申请（未达标则生成补课清单）",
    },
    KindInfo {
        name: "阶段记录-3",
        doc: "整改提高阶段记录：核对规则、统计问卷，生成总结（未达标则生成补课清单）",
    },
    KindInfo {
        name: "评议表",
        doc: "第二阶段“万人评风”：发给各界代表的评议表（每名代表一份，带编号和二维码）",
    },
    KindInfo {
        name: "征求意见表",
        doc: "“百姓听音”：向群众征求意见的表格（按份数印制）",
    },
    KindInfo {
        name: "民主测评票",
        doc:
            "第二阶段：党员满意度测评票（每人一票或一表多人，带编号和二维码，收回后由阶段记录计票）",
    },
    KindInfo {
        name: "满意度问卷",
        doc: "第二阶段结束：全体党员和群众代表的满意度测评问卷（带编号和二维码，收回后计票）",
    },
    KindInfo {
        name: "问卷测评表",
        doc: "第三阶段：“万人问卷测评”表（带编号和二维码，收回后计票）",
    },
    KindInfo {
        name: "公示",
        doc: "党性分析材料或整改方案的公示（个人名单或单位），写明范围、公示期和意见反馈方式",
    },
    KindInfo {
        name: "承诺书",
        doc: "第三阶段：党员公开承诺书（每人一页，承诺事项可取自本人整改方案）",
    },
    KindInfo {
        name: "花名册",
        doc:
            "批量：表格（CSV 或 XLSX）每行生成一份文书，用 wenshu batch 生成、wenshu check 逐行检查",
    },
];

pub struct KindInfo {
    pub name: &'static str,
    pub doc: &'static str,
}

/// Values of `文种`. 总结 is phase 3's 阶段小结.
static KIND_NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let papers = [
        "两个具体",
        "党性分析材料",
        "整改方案",
        "转段申请",
        "阶段小结",
        "总结",
    ];
    papers
        .into_iter()
        .chain([record::KIND, roster::KIND])
        .chain(forms::NAMES)
        .collect()
});
/// The names `wenshu kinds` prints for a variant, accepted as `文种` too:
/// (name, 文种, the key it implies, its value).
const VARIANTS: &[(&str, &str, &str, &str)] = &[
    ("党性分析材料-个人", "党性分析材料", "类型", "个人"),
    ("党性分析材料-单位", "党性分析材料", "类型", "单位"),
    ("整改方案-个人", "整改方案", "类型", "个人"),
    ("整改方案-单位", "整改方案", "类型", "单位"),
    ("阶段记录-1", record::KIND, "阶段", "1"),
    ("阶段记录-2", record::KIND, "阶段", "2"),
    ("阶段记录-3", record::KIND, "阶段", "3"),
];

/// What a valid file yields.
#[derive(Default)]
pub struct FileContent {
    /// Every paper to render, in file order.
    pub papers: Vec<Paper>,
    /// For each 阶段记录: the rule table `check` prints.
    pub reports: Vec<String>,
    /// For each 阶段记录: its rule table as data.
    pub tables: Vec<record::RuleTable>,
    /// For each 阶段记录 that misses a rule: why its closing paper was
    /// refused (its 补课清单 is among `papers`).
    pub refusals: Vec<Diagnostic>,
}

/// Decodes every document of a parsed file. Returns its content only if the
/// whole file is valid, else every diagnostic found.
pub fn decode_file(
    src: &Source,
    docs: &[YamlDoc],
    district: &record::District,
) -> Result<FileContent, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(src);
    let mut content = FileContent::default();
    if docs.is_empty() {
        ctx.errors.push(
            Diagnostic::whole_file(&src.name, Code::Empty, "文件是空的：没有任何文书")
                .with_help("用 `wenshu new 文种` 生成一份带说明的样板"),
        );
    }
    for doc in docs {
        let before = ctx.errors.len();
        decode_doc(&mut ctx, doc, &mut content, district);
        if docs.len() > 1 {
            // In a multi-document file, say which paper a field belongs to.
            for d in &mut ctx.errors[before..] {
                let field = d.field.take().unwrap_or_default();
                d.field = Some(format!("第{}份文书 › {field}", doc.index));
            }
        }
    }
    if ctx.errors.is_empty() {
        Ok(content)
    } else {
        // The file's own errors in reading order, then those found in files
        // it refers to (a 阶段记录's ballot CSV).
        ctx.errors.sort_by_key(|d| (d.file != src.name, d.pos));
        Err(ctx.errors)
    }
}

fn decode_doc(
    ctx: &mut Ctx,
    doc: &YamlDoc,
    out: &mut FileContent,
    district: &record::District,
) -> Option<()> {
    let errors_before = ctx.errors.len();
    let mut obj = Obj::open(ctx, &doc.root, "")?;
    let before = ctx.errors.len();
    let named = obj.get("文种").and_then(|n| match &n.value {
        crate::input::Value::Str(s) => Some(s.trim()),
        _ => None,
    });
    let variant = VARIANTS.iter().find(|(name, ..)| Some(*name) == named);
    let kind = match variant {
        Some((name, ..)) => Some(*name),
        None => obj.choice(ctx, "文种", &KIND_NAMES, None),
    };
    let Some(kind) = kind else {
        for d in &mut ctx.errors[before..] {
            d.code = Code::UnknownKind;
        }
        obj.finish_silently();
        return None;
    };
    let kind = match VARIANTS.iter().find(|(name, ..)| *name == kind) {
        Some(&(name, kind, key, value)) => {
            obj.imply(key, value, name);
            kind
        }
        None => kind,
    };
    if kind == roster::KIND {
        // A roster makes many papers: that is the batch command's work.
        let pos = obj.key_pos("文种");
        ctx.report(
            Code::WrongCommand,
            pos,
            "文种",
            "花名册要用 `wenshu batch 花名册.yaml -o 输出目录` 生成，每行一份文书",
        );
        obj.finish_silently();
        return None;
    }
    if kind == record::KIND {
        let outcome = record::decode(ctx, &mut obj, doc.index, district);
        obj.finish(ctx);
        let Some(outcome) = outcome else {
            return gave_up(ctx, doc, kind, errors_before);
        };
        out.papers.extend(outcome.papers);
        out.reports.push(outcome.report);
        out.tables.push(outcome.table);
        out.refusals.extend(outcome.refusals);
        return Some(());
    }
    let frame = paper::frame::read(ctx, &mut obj);
    let paper = match kind {
        "两个具体" => paper::two_specifics::decode(ctx, &mut obj),
        "党性分析材料" => paper::analysis::decode(ctx, &mut obj),
        "整改方案" => paper::rectification::decode(ctx, &mut obj),
        "转段申请" => paper::transfer::decode(ctx, &mut obj),
        k if forms::NAMES.contains(&k) => forms::decode(ctx, &mut obj, k),
        _ => paper::summary::decode(ctx, &mut obj, kind),
    };
    obj.finish(ctx);
    let (Some((template, stem, context)), Some(frame)) = (paper, frame) else {
        return gave_up(ctx, doc, kind, errors_before);
    };
    out.papers.push(Paper {
        template,
        stem,
        context,
        index: doc.index,
        frame,
    });
    Some(())
}

/// A decoder gave up: if it did not say why, never pass that off as success.
fn gave_up(ctx: &mut Ctx, doc: &YamlDoc, kind: &str, errors_before: usize) -> Option<()> {
    if ctx.errors.len() == errors_before {
        ctx.errors.push(ctx.src.error(
            doc.root.pos,
            Some(kind),
            "内部错误：此文书未能解析，但没有给出原因；请报告此问题",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input;
    use crate::record::rule_tests::{with, PHASE1, PHASE3, TAIL};

    #[test]
    fn a_passing_record_yields_its_closing_papers_a_failing_one_its_remedial_list() {
        let decode_file = |yaml: &str| {
            let src = Source::new("t.yaml", format!("{yaml}{TAIL}"));
            let docs = input::parse_yaml(&src).unwrap();
            decode_file(&src, &docs, &record::District::default())
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let templates =
            |c: &FileContent| -> Vec<&str> { c.papers.iter().map(|p| p.template).collect() };
        let pass = decode_file(PHASE1);
        assert_eq!(templates(&pass), ["阶段小结", "转段申请"]);
        assert!(pass.refusals.is_empty());
        assert_eq!(templates(&decode_file(PHASE3)), ["阶段小结"]);

        let fail = decode_file(&with(PHASE1, "布标: 3", "布标: 2"));
        assert_eq!(templates(&fail), ["补课清单"]);
        assert_eq!(fail.papers[0].stem, "补课清单-测试单位-第1阶段");
        let msgs: Vec<String> = fail.refusals.iter().map(Diagnostic::short).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("t.yaml:33:5") && msgs[0].contains("未达到规则「布标」"));
        assert!(
            msgs[1].contains("不能转入分析评议阶段") && msgs[1].contains("补课期限 2026年3月20日")
        );
        assert!(fail.reports[0].contains("结论：1 条规则未达标（布标）"));
        // A deadline in the record replaces the default of 日期 + 15 days.
        let dated = decode_file(&with(PHASE1, "布标: 3", "布标: 2\n补课期限: 2026-03-31"));
        assert!(dated.refusals[1].message.contains("补课期限 2026年3月31日"));
    }
}
