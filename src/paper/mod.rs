//! Papers: one module per mandated kind, each with its typed fields, its
//! validation and the campaign rules that concern a single paper.
//!
//! Owns the meaning of every YAML key. Produces, for each valid document, a
//! [`Paper`]: the typed data plus what the template layer needs (template
//! name, context, output file stem), and the pieces the phase record's
//! papers share with them ([`Phase`], [`Section`], [`limits`]). Which kind a
//! document is, is decided above it, in [`crate::kinds`]; it never sees a
//! 阶段记录 or a 花名册, never formats a page and never writes a file.

pub(crate) mod analysis;
pub mod frame;
pub(crate) mod rectification;
pub(crate) mod summary;
pub(crate) mod transfer;
pub(crate) mod two_specifics;

use serde::Serialize;

use crate::input::typed::{self as fields, Ctx, Obj};
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
        let implied = obj.implied("阶段");
        let field = obj.field("阶段");
        let (s, pos) = match (obj.get("阶段"), implied) {
            (None, Some((v, _))) => (v, obj.pos),
            _ => {
                let node = obj.require(ctx, "阶段", "（1、2 或 3）")?;
                (fields::scalar(ctx, node, &field)?.trim(), node.pos)
            }
        };
        let n = match s {
            "1" | "一" | "学习动员" => 1,
            "2" | "二" | "分析评议" => 2,
            "3" | "三" | "整改提高" => 3,
            _ => {
                ctx.error(
                    pos,
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
                pos,
                &field,
                format!("此文种的阶段只能是 {}", list.join("、")),
            );
            return None;
        }
        if let Some((v, by)) = implied.filter(|(v, _)| *v != n.to_string()) {
            ctx.report(
                crate::diag::Code::Inconsistent,
                pos,
                &field,
                format!("阶段 {n} 与文种「{by}」不一致（按文种应为 {v}）"),
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

/// What a kind's decoder returns: template, file stem, context.
pub type Decoded = (&'static str, String, minijinja::Value);

/// Builds the context from a serialisable paper.
pub fn context<T: Serialize>(paper: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(paper))
}
