//! Papers: one module per mandated kind, each with its typed fields, its
//! validation and the campaign rules that concern a single paper.
//!
//! Owns the meaning of every YAML key. Produces, for each valid document, a
//! [`Paper`]: the typed data plus what the template layer needs (template
//! name, context, output file stem). A 阶段记录 is handed to
//! [`crate::record`], which checks the campaign's rules and returns its
//! papers, its rule table and any refusal. It never formats a page and never
//! writes a file.

mod analysis;
pub mod fields;
pub mod frame;
mod rectification;
mod summary;
mod transfer;
mod two_specifics;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::input::{Source, YamlDoc};
use fields::{Ctx, Obj};
pub use summary::Summary;
pub use transfer::{phone as transfer_phone, single_addressee, Transfer};

/// Length limits shared by every kind, in characters.
pub mod limits {
    pub const NAME: usize = 20;
    pub const POST: usize = 40;
    pub const UNIT: usize = 60;
    pub const HEADING: usize = 30;
    pub const PARAGRAPH: usize = 2000;
    pub const LINE: usize = 200;
    pub const PHONE: usize = 30;
    pub const ITEMS: usize = 100;
}

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
];

pub struct KindInfo {
    pub name: &'static str,
    pub doc: &'static str,
}

/// Values of `文种`. 总结 is phase 3's 阶段小结.
const KIND_NAMES: &[&str] = &[
    "两个具体",
    "党性分析材料",
    "整改方案",
    "转段申请",
    "阶段小结",
    "总结",
    crate::record::KIND,
    crate::batch::roster::KIND,
];

/// One valid paper, ready for its template.
pub struct Paper {
    /// Template name (without extension), e.g. `党性分析材料-个人`.
    pub template: &'static str,
    /// Output file stem, e.g. `党性分析材料-张三`; sanitised by the writer.
    pub stem: String,
    /// The template context.
    pub context: minijinja::Value,
    /// Which document of the file it came from (1-based).
    pub index: usize,
    /// 版头, 附件 and 版记, if the paper has them.
    pub frame: frame::Frame,
}

/// The campaign phases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Phase(pub u8);

impl Phase {
    pub const NAMES: [&'static str; 3] = ["学习动员", "分析评议", "整改提高"];

    pub fn name(self) -> &'static str {
        Self::NAMES[usize::from(self.0 - 1)]
    }

    /// The report that closes the phase: 小结, or 总结 for the last phase.
    pub fn report_kind(self) -> &'static str {
        if self.0 == 3 {
            "总结"
        } else {
            "小结"
        }
    }

    /// Reads `阶段`: 1–3 or the phase's name. `allowed` limits the numbers.
    pub fn read(ctx: &mut Ctx, obj: &mut Obj, allowed: &[u8]) -> Option<Phase> {
        let node = obj.require(ctx, "阶段", "（1、2 或 3）")?;
        let field = obj.field("阶段");
        let s = fields::scalar(ctx, node, &field)?.trim();
        let n = match s {
            "1" | "一" | "学习动员" => 1,
            "2" | "二" | "分析评议" => 2,
            "3" | "三" | "整改提高" => 3,
            _ => {
                ctx.error(
                    node.pos,
                    &field,
                    format!("「{s}」不是阶段；应为 1、2、3 或 学习动员、分析评议、整改提高"),
                );
                return None;
            }
        };
        if !allowed.contains(&n) {
            let list: Vec<String> = allowed
                .iter()
                .map(|a| format!("{a}（{}）", Phase(*a).name()))
                .collect();
            ctx.error(
                node.pos,
                &field,
                format!("此文种的阶段只能是 {}", list.join("、")),
            );
            return None;
        }
        Some(Phase(n))
    }
}

/// A numbered item with an optional short heading, as in 两个具体 and the
/// work sections of reports.
#[derive(Serialize)]
pub struct Section {
    #[serde(rename = "标题")]
    pub heading: Option<String>,
    #[serde(rename = "内容")]
    pub body: fields::Paragraphs,
}

impl Section {
    pub fn read(
        ctx: &mut Ctx,
        node: &crate::input::Node,
        path: &str,
        heading_required: bool,
    ) -> Option<Section> {
        let mut obj = Obj::open(ctx, node, path)?;
        let heading = if heading_required {
            obj.text(ctx, "标题", limits::HEADING)
        } else {
            obj.opt_text(ctx, "标题", limits::HEADING)
        };
        let body = obj.paragraphs(ctx, "内容", limits::PARAGRAPH);
        obj.finish(ctx);
        let heading = if heading_required {
            Some(heading?)
        } else {
            heading
        };
        Some(Section {
            heading,
            body: body?,
        })
    }
}

/// What a valid file yields.
#[derive(Default)]
pub struct FileContent {
    /// Every paper to render, in file order.
    pub papers: Vec<Paper>,
    /// For each 阶段记录: the rule table `check` prints.
    pub reports: Vec<String>,
    /// For each 阶段记录 that misses a rule: why its closing paper was
    /// refused (its 补课清单 is among `papers`).
    pub refusals: Vec<Diagnostic>,
}

/// Decodes every document of a parsed file. Returns its content only if the
/// whole file is valid, else every diagnostic found.
pub fn decode_file(src: &Source, docs: &[YamlDoc]) -> Result<FileContent, Vec<Diagnostic>> {
    let mut ctx = Ctx::new(src);
    let mut content = FileContent::default();
    if docs.is_empty() {
        ctx.errors.push(
            Diagnostic::whole_file(&src.name, "文件是空的：没有任何文书")
                .with_help("用 `wenshu new 文种` 生成一份带说明的样板"),
        );
    }
    for doc in docs {
        let before = ctx.errors.len();
        decode_doc(&mut ctx, doc, &mut content);
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

fn decode_doc(ctx: &mut Ctx, doc: &YamlDoc, out: &mut FileContent) -> Option<()> {
    let errors_before = ctx.errors.len();
    let mut obj = Obj::open(ctx, &doc.root, "")?;
    let kind = obj.choice(ctx, "文种", KIND_NAMES, None);
    let Some(kind) = kind else {
        obj.finish_silently();
        return None;
    };
    if kind == crate::batch::roster::KIND {
        // A roster makes many papers: that is the batch command's work.
        let pos = obj.key_pos("文种");
        ctx.error(
            pos,
            "文种",
            "花名册要用 `wenshu batch 花名册.yaml -o 输出目录` 生成，每行一份文书",
        );
        obj.finish_silently();
        return None;
    }
    if kind == crate::record::KIND {
        let outcome = crate::record::decode(ctx, &mut obj, doc.index);
        obj.finish(ctx);
        let Some(outcome) = outcome else {
            return gave_up(ctx, doc, kind, errors_before);
        };
        out.papers.extend(outcome.papers);
        out.reports.push(outcome.report);
        out.refusals.extend(outcome.refusals);
        return Some(());
    }
    let frame = frame::read(ctx, &mut obj);
    let paper = match kind {
        "两个具体" => two_specifics::decode(ctx, &mut obj),
        "党性分析材料" => analysis::decode(ctx, &mut obj),
        "整改方案" => rectification::decode(ctx, &mut obj),
        "转段申请" => transfer::decode(ctx, &mut obj),
        _ => summary::decode(ctx, &mut obj, kind),
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

/// What a kind's decoder returns: template, file stem, context.
pub type Decoded = (&'static str, String, minijinja::Value);

/// Builds the context from a serialisable paper.
pub fn context<T: Serialize>(paper: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(paper))
}

impl Obj<'_> {
    /// Drops the object without reporting unknown keys: used when the kind is
    /// unknown, so that every key would be "unknown" and the noise would hide
    /// the one real error.
    pub fn finish_silently(self) {}
}
