//! The two questionnaires counted back by serial: 满意度问卷, the
//! end-of-phase-2 survey among all members and mass representatives on
//! whether the problems were found and whether the work was 一般化 or 走了过场
//! (L59), and 问卷测评表, the closing 万人问卷测评 of phase 3 on the
//! rectification (L60, L66).
//!
//! Each asks three questions; one is counted, the one the 阶段记录's rule
//! judges: the phase-2 survey's answer on the phase's work (≥ 30 % 一般化 or
//! 走了过场 → 补课, L59), the closing questionnaire's satisfaction with the
//! rectification (L66). The others are printed for the unit's own use.

use serde::Serialize;

use super::{copies, Copy, Printed, Serials, PHASE_SURVEY, SATISFACTION};
use crate::input::typed::{Ctx, Date, Obj};
use crate::paper::{context, limits, Decoded};

#[derive(Serialize)]
struct Question {
    #[serde(rename = "题目")]
    text: &'static str,
    #[serde(rename = "选项")]
    choices: &'static [&'static str],
    #[serde(rename = "计票")]
    counted: bool,
}

/// The questions of a kind, the counted one marked; the serial prefix.
fn questions(kind: &str) -> (Vec<Question>, &'static [&'static str], &'static str) {
    let q = |text, choices, counted| Question {
        text,
        choices,
        counted,
    };
    if kind == "满意度问卷" {
        (
            vec![
                q(
                    "您认为本单位查找的突出问题是否找准了？",
                    &["找准了", "基本找准", "没有找准"],
                    false,
                ),
                q(
                    "您对本单位分析评议阶段的工作是否满意？",
                    SATISFACTION,
                    false,
                ),
                q("您认为本单位分析评议阶段的工作：", PHASE_SURVEY, true),
            ],
            PHASE_SURVEY,
            "MY",
        )
    } else {
        (
            vec![
                q(
                    "您对本单位整改提高阶段的整改情况是否满意？",
                    SATISFACTION,
                    true,
                ),
                q(
                    "您认为本单位查找的问题是否整改到位？",
                    &["整改到位", "基本到位", "没有到位"],
                    false,
                ),
                q("您认为本单位整改提高阶段的工作：", PHASE_SURVEY, false),
            ],
            SATISFACTION,
            "WJ",
        )
    }
}

#[derive(Serialize)]
struct Survey {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "标题")]
    title: Option<String>,
    #[serde(rename = "对象")]
    audience: String,
    #[serde(rename = "日期")]
    date: Option<Date>,
    #[serde(rename = "问题")]
    questions: Vec<Question>,
    #[serde(rename = "票")]
    copies: Vec<Copy>,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj, kind: &str) -> Option<(Decoded, Printed)> {
    let (questions, grades, prefix) = questions(kind);
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let title = obj.opt_text(ctx, "标题", limits::LINE);
    let audience = obj.opt_text(ctx, "对象", limits::LINE);
    let date = obj.opt_date(ctx, "日期");
    let n = copies(ctx, obj, "（印制份数：每名被调查者一份）");
    let serials = Serials::read(ctx, obj, prefix);
    let (unit, n, mut serials) = (unit?, n?, serials?);
    let copies: Vec<Copy> = (0..n)
        .map(|_| Copy {
            serial: serials.take(),
            member: None,
        })
        .collect();
    let kind = if kind == "满意度问卷" {
        "满意度问卷"
    } else {
        "问卷测评表"
    };
    let printed = Printed {
        file: String::new(),
        kind,
        copies: copies.clone(),
        grades,
        sheet: Vec::new(),
    };
    let paper = Survey {
        title,
        audience: audience.unwrap_or_else(|| "本单位全体党员和群众代表".to_string()),
        unit,
        date,
        questions,
        copies,
    };
    let stem = format!("{kind}-{}", paper.unit);
    Some(((kind, stem, context(&paper)), printed))
}
