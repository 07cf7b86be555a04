//! Printed forms: the ballots, questionnaires, notices and commitments the
//! campaign makes offices print by the hundred (source-speech L41, L43,
//! L48, L56, L59–61, L65–66).
//!
//! Owns the YAML keys of the seven form kinds, the member lists that feed
//! them (typed in, or read from a roster table or a 阶段记录), how many
//! copies each form prints, and the serial numbers of the forms that are
//! counted back ([`Printed`]): a serial is the form's prefix and a
//! four-digit number, the same every time the same file is read, so the
//! 阶段记录 that counts the returned ballots knows exactly what was printed
//! by reading the form's own file. It never lays out a page (the templates
//! and `typeset` do) and never counts a ballot (`record` does).

pub(crate) mod ballot;
pub(crate) mod members;
pub(crate) mod notice;
pub(crate) mod opinion;
pub(crate) mod pledge;
pub(crate) mod survey;

use std::path::Path;

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::input::typed::{self as fields, Ctx, Obj};
use crate::paper::Decoded;

/// The `文种` of every form, in the order `wenshu kinds` lists them.
pub const NAMES: [&str; 7] = [
    "评议表",
    "征求意见表",
    "民主测评票",
    "满意度问卷",
    "问卷测评表",
    "公示",
    "承诺书",
];

/// The three grades of the members' democratic evaluation (L56) and of
/// the closing questionnaire (L66).
pub const SATISFACTION: &[&str] = &["满意", "基本满意", "不满意"];
/// The answers on a phase's work in the end-of-phase-2 survey (L59).
pub const PHASE_SURVEY: &[&str] = &["好", "较好", "一般化", "走了过场"];

/// Most copies one form file prints.
pub const MAX_COPIES: u32 = 5000;

/// Decodes a form of kind `kind` (one of [`NAMES`]).
pub fn decode(ctx: &mut Ctx, obj: &mut Obj, kind: &str) -> Option<Decoded> {
    match kind {
        "评议表" => opinion::decode_review(ctx, obj),
        "征求意见表" => opinion::decode_opinions(ctx, obj),
        "民主测评票" => ballot::decode(ctx, obj).map(|(d, _)| d),
        "满意度问卷" | "问卷测评表" => survey::decode(ctx, obj, kind).map(|(d, _)| d),
        "公示" => notice::decode(ctx, obj),
        _ => pledge::decode(ctx, obj),
    }
}

/// One printed copy of a counted form: its serial, and the member it rates
/// (a 民主测评票 printed one per member).
#[derive(Clone, Debug, Serialize)]
pub struct Copy {
    #[serde(rename = "编号")]
    pub serial: String,
    #[serde(rename = "党员")]
    pub member: Option<String>,
}

/// What a counted form printed, as the 阶段记录 needs it to count the
/// returned copies: every serial, and the grades a returned copy may tick.
#[derive(Debug)]
pub struct Printed {
    /// The form's file, for messages.
    pub file: String,
    pub kind: &'static str,
    pub copies: Vec<Copy>,
    /// The counted question's grades.
    pub grades: &'static [&'static str],
    /// A 民主测评票 sheet listing every member: the members, one column of
    /// the returned CSV each. Empty when each copy rates one member or
    /// counts one answer.
    pub sheet: Vec<String>,
}

/// Reads the counted form in file `path` (relative paths as given) and
/// returns what it printed; every problem in it, located in that file.
pub fn printed(path: &Path) -> Result<Printed, Vec<Diagnostic>> {
    let src = crate::input::read_source(path).map_err(|d| vec![d])?;
    let docs = crate::input::parse_yaml(&src)?;
    let mut ctx = Ctx::new(&src);
    let [doc] = docs.as_slice() else {
        return Err(vec![Diagnostic::whole_file(
            &src.name,
            Code::Inconsistent,
            "计票用的表单文件应只含一份表单",
        )]);
    };
    let printed = (|| {
        let mut obj = Obj::open(&mut ctx, &doc.root, "")?;
        let kind = obj.choice(
            &mut ctx,
            "文种",
            &["民主测评票", "满意度问卷", "问卷测评表"],
            None,
        )?;
        let _ = crate::paper::frame::read(&mut ctx, &mut obj);
        let p = match kind {
            "民主测评票" => ballot::decode(&mut ctx, &mut obj).map(|(_, p)| p),
            _ => survey::decode(&mut ctx, &mut obj, kind).map(|(_, p)| p),
        };
        obj.finish(&mut ctx);
        p
    })();
    match printed {
        Some(mut p) if ctx.errors.is_empty() => {
            p.file = src.name.clone();
            Ok(p)
        }
        _ => {
            if ctx.errors.is_empty() {
                ctx.errors.push(Diagnostic::whole_file(
                    &src.name,
                    Code::Internal,
                    "内部错误：表单未能解析",
                ));
            }
            Err(ctx.errors)
        }
    }
}

/// The serials of a counted form: `编号前缀` (the kind's own by default)
/// and `起始编号` (1 by default).
pub struct Serials {
    pub prefix: String,
    pub next: u32,
}

impl Serials {
    /// Reads the two keys. A prefix is 1–6 capital letters or digits: the
    /// QR code holds it in its compact alphanumeric mode and a clerk types
    /// it back without mistaking a letter.
    pub fn read(ctx: &mut Ctx, obj: &mut Obj, default: &str) -> Option<Serials> {
        let prefix = obj.opt_text(ctx, "编号前缀", 6);
        if let Some(p) = &prefix {
            if !p
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                let pos = obj.key_pos("编号前缀");
                ctx.error(
                    pos,
                    &obj.field("编号前缀"),
                    format!("编号前缀「{p}」只能由大写英文字母和数字组成（1至6位），如 CP 或 CP2"),
                );
                return None;
            }
        }
        let next = match obj.get("起始编号") {
            Some(n) => count(ctx, n, &obj.field("起始编号"), 1, 9000)?,
            None => 1,
        };
        Some(Serials {
            prefix: prefix.unwrap_or_else(|| default.to_string()),
            next,
        })
    }

    /// The next serial: `CP-0001`.
    pub fn take(&mut self) -> String {
        let s = format!("{}-{:04}", self.prefix, self.next);
        self.next += 1;
        s
    }
}

/// A whole number between `min` and `max`.
pub fn count(
    ctx: &mut Ctx,
    node: &crate::input::Node,
    field: &str,
    min: u32,
    max: u32,
) -> Option<u32> {
    let s = fields::scalar(ctx, node, field)?.trim();
    match s.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) && s.bytes().all(|b| b.is_ascii_digit()) => Some(n),
        _ => {
            ctx.error(
                node.pos,
                field,
                format!("应为 {min} 到 {max} 的整数，实为「{s}」"),
            );
            None
        }
    }
}

/// `份数`: copies to print (required).
pub fn copies(ctx: &mut Ctx, obj: &mut Obj, why: &str) -> Option<u32> {
    let node = obj.require(ctx, "份数", why)?;
    count(ctx, node, &obj.field("份数"), 1, MAX_COPIES)
}

/// Too many copies in total (members × copies): said at `份数`.
pub fn check_total(ctx: &mut Ctx, obj: &Obj, total: usize) -> Option<()> {
    if total > MAX_COPIES as usize {
        let pos = obj.key_pos("份数");
        ctx.error(
            pos,
            &obj.field("份数"),
            format!("共需印制 {total} 份，超过一个文件的上限 {MAX_COPIES} 份；请分成几个文件"),
        );
        return None;
    }
    Some(())
}
