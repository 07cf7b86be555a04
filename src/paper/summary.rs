//! 阶段小结 / 总结: the 报告 that closes a phase (总结 for phase 3).

use serde::Serialize;

use super::{context, limits, Decoded, Phase, Section};
use crate::input::typed::{Ctx, Date, Obj, Paragraphs};

/// The 报告's context; `W` is a work section (the record's carry tables).
#[derive(Serialize)]
pub struct Summary<W> {
    #[serde(rename = "文种")]
    pub kind: &'static str,
    #[serde(rename = "单位")]
    pub unit: String,
    #[serde(rename = "阶段")]
    pub phase: u8,
    #[serde(rename = "阶段名称")]
    pub phase_name: &'static str,
    /// With a 主送 the paper is a 报告: titled 关于……情况的报告, closing
    /// with 特此报告.
    #[serde(rename = "主送")]
    pub addressee: Option<String>,
    /// The paper covers the whole campaign (a hand-written 总结), not only
    /// its phase (a record's, which holds one phase's facts).
    #[serde(rename = "全程")]
    pub whole_campaign: bool,
    #[serde(rename = "日期")]
    pub date: Date,
    #[serde(rename = "主要工作")]
    pub work: Vec<W>,
    #[serde(rename = "主要成效")]
    pub results: Paragraphs,
    #[serde(rename = "存在问题")]
    pub problems: Paragraphs,
    #[serde(rename = "下步打算")]
    pub plans: Paragraphs,
    #[serde(rename = "落款")]
    pub signature: String,
}

impl<W> Summary<W> {
    /// The output file stem: 阶段小结-单位-第N阶段 (阶段总结 for phase 3).
    pub fn stem(&self) -> String {
        format!("阶段{}-{}-第{}阶段", self.kind, self.unit, self.phase)
    }

    /// The template's context: the fields and the title.
    pub fn context(&self) -> minijinja::Value
    where
        W: Serialize,
    {
        #[derive(Serialize)]
        struct Titled<'a, W> {
            #[serde(rename = "标题")]
            title: String,
            #[serde(flatten)]
            paper: &'a Summary<W>,
        }
        context(&Titled {
            title: self.title(),
            paper: self,
        })
    }

    /// The title, as the template prints it (a 请示 names it as its 附件).
    pub fn title(&self) -> String {
        let scope = if self.whole_campaign {
            "保持共产党员先进性教育活动".to_string()
        } else {
            format!("{}阶段", self.phase_name)
        };
        match &self.addressee {
            Some(_) => format!("{}关于{scope}工作情况的报告", self.unit),
            None => format!("{}关于{scope}工作的{}", self.unit, self.kind),
        }
    }
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj, kind: &'static str) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let allowed: &[u8] = if kind == "总结" { &[3] } else { &[1, 2, 3] };
    let phase = Phase::read(ctx, obj, allowed);
    let addressee = obj.opt_text(ctx, "主送", limits::UNIT);
    let date = obj.date(ctx, "日期");
    let work = obj.list(ctx, "主要工作", limits::ITEMS, |c, n, p| {
        Section::read(c, n, p, true)
    });
    let results = obj.paragraphs(ctx, "主要成效", limits::PARAGRAPH);
    let problems = obj.paragraphs(ctx, "存在问题", limits::PARAGRAPH);
    let plans = obj.paragraphs(ctx, "下步打算", limits::PARAGRAPH);
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let (unit, phase) = (unit?, phase?);
    let paper = Summary {
        kind: phase.report_kind(),
        whole_campaign: phase.0 == 3,
        signature: signature.unwrap_or_else(|| unit.clone()),
        phase: phase.0,
        phase_name: phase.name(),
        addressee: addressee.map(|a| a.trim_end_matches(['：', ':']).to_string()),
        date: date?,
        work: work?,
        results: results?,
        problems: problems?,
        plans: plans?,
        unit,
    };
    Some(("阶段小结", paper.stem(), paper.context()))
}
