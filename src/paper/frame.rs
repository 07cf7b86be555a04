//! The frame around any paper: 版头 (letterhead), 附件 (attachments) and
//! 版记 (closing block), optional for every kind (GB/T 9704 7.2, 7.3.4, 7.4).
//!
//! Owns their YAML fields and the format rules the standard sets for them
//! (发文字号 with hexagonal brackets, full year, no leading zeros, no 第;
//! 份号 of six digits; the grades of 密级 and 紧急程度). Which blocks they
//! become is [`crate::document`]'s affair; how they look is the writers'.

use super::limits;
use crate::diag::Code;
use crate::document::{Imprint, Letterhead, Printed};
use crate::input::typed::{Ctx, Obj, Paragraphs};
use crate::input::Value;

/// One attachment: its title and text; printed from a new page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Attachment {
    #[serde(rename = "标题")]
    pub title: String,
    #[serde(rename = "内容")]
    pub body: Paragraphs,
}

/// The frame read from a paper's top-level mapping.
#[derive(Clone, Default)]
pub struct Frame {
    pub letterhead: Option<Letterhead>,
    pub imprint: Option<Imprint>,
    pub attachments: Vec<Attachment>,
}

/// Reads 版头, 附件 and 版记 if present; every problem is recorded.
pub fn read(ctx: &mut Ctx, obj: &mut Obj) -> Option<Frame> {
    let mut ok = true;
    let letterhead = if obj.has("版头") {
        let v = obj.object(ctx, "版头", "", read_letterhead);
        ok &= v.is_some();
        v
    } else {
        obj.allow(&["版头"]);
        None
    };
    let imprint = if obj.has("版记") {
        let v = obj.object(ctx, "版记", "", |ctx, o| {
            let cc = o.opt_text(ctx, "抄送", limits::LINE);
            let issuer = o.text(ctx, "印发机关", limits::UNIT);
            let date = o.date(ctx, "印发日期");
            Some(Imprint {
                cc,
                printed: Some(Printed {
                    issuer: issuer?,
                    date: date?.to_string(),
                }),
            })
        });
        ok &= v.is_some();
        v
    } else {
        obj.allow(&["版记"]);
        None
    };
    let attachments = if obj.has("附件") {
        let v = obj.list(ctx, "附件", 20, |ctx, node, path| {
            let mut o = Obj::open(ctx, node, path)?;
            let title = o.text(ctx, "标题", limits::LINE);
            let body = o.paragraphs(ctx, "内容", limits::PARAGRAPH);
            let title_pos = o.key_pos("标题");
            o.finish(ctx);
            if let Some(t) = &title {
                if t.ends_with(['。', '，', '；', '：', '.', ',']) {
                    ctx.error(
                        title_pos,
                        &format!("{path}.标题"),
                        "附件名称后不加标点符号（GB/T 9704 7.3.4）",
                    );
                    return None;
                }
            }
            Some(Attachment {
                title: title?,
                body: body?,
            })
        });
        ok &= v.is_some();
        v.unwrap_or_default()
    } else {
        obj.allow(&["附件"]);
        Vec::new()
    };
    ok.then_some(Frame {
        letterhead,
        imprint,
        attachments,
    })
}

/// An upward paper (上行文: a 请示, a 报告 sent up) printed under a 版头 must
/// name its 签发人 (GB/T 9704 7.2.6): a 版头 without one is an error at the
/// 版头's key. `why` says which paper is sent up.
pub fn require_signer(ctx: &mut Ctx, obj: &mut Obj, why: &str) {
    let Some(node) = obj.get("版头") else {
        return;
    };
    let Value::Map(entries) = &node.value else {
        return; // `read` reports a 版头 that is not a mapping
    };
    let signed = entries
        .iter()
        .any(|(k, v)| k.value == Value::Str("签发人".into()) && !matches!(&v.value, Value::Null));
    if !signed {
        ctx.report(
            Code::MissingField,
            obj.key_pos("版头"),
            &format!("{}.签发人", obj.field("版头")),
            format!("{why}，带版头时须写「签发人」（GB/T 9704 7.2.6），如 签发人: 王建国"),
        );
    }
}

fn read_letterhead(ctx: &mut Ctx, o: &mut Obj) -> Option<Letterhead> {
    let copy_no = o.opt_text(ctx, "份号", 6);
    if let Some(c) = &copy_no {
        if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
            let pos = o.key_pos("份号");
            ctx.error(
                pos,
                &o.field("份号"),
                format!("份号应为 6 位阿拉伯数字，如 000012；实为「{c}」"),
            );
        }
    }
    let secrecy = o.opt_text(ctx, "密级", 20);
    if let Some(s) = &secrecy {
        if !["绝密", "机密", "秘密"].iter().any(|g| s.starts_with(g)) {
            let pos = o.key_pos("密级");
            ctx.error(
                pos,
                &o.field("密级"),
                format!("密级应为 绝密、机密 或 秘密（可加★和保密期限）；实为「{s}」"),
            );
        }
    }
    let urgency = o.choice(ctx, "紧急程度", &["特急", "加急"], Some(""));
    let issuer = o.text(ctx, "发文机关", limits::UNIT);
    let number = o.text(ctx, "发文字号", 40);
    if let Some(n) = &number {
        if let Err(why) = check_doc_number(n) {
            let pos = o.key_pos("发文字号");
            ctx.error(
                pos,
                &o.field("发文字号"),
                format!("发文字号「{n}」{why}；应写作 区先教〔2026〕3号"),
            );
        }
    }
    let signer = o.opt_text(ctx, "签发人", limits::NAME);
    let number = number.filter(|n| check_doc_number(n).is_ok())?;
    Some(Letterhead {
        copy_no: copy_no.filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())),
        secrecy,
        urgency: urgency.filter(|u| !u.is_empty()).map(str::to_string),
        issuer: issuer?,
        number,
        signer,
    })
}

/// 7.2.4: 机关代字 + 〔年份〕 + 序号 + 号, full year, no leading zero, no 第.
pub fn check_doc_number(n: &str) -> Result<(), &'static str> {
    if n.contains('第') {
        return Err("序号前不加“第”字");
    }
    let Some((prefix, rest)) = n.split_once('〔') else {
        return Err("年份应用六角括号〔〕括入（不用[]、()或【】）");
    };
    let Some((year, seq)) = rest.split_once('〕') else {
        return Err("缺少右六角括号〕");
    };
    if prefix.is_empty() {
        return Err("缺少机关代字");
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err("年份应写全四位阿拉伯数字");
    }
    let Some(num) = seq.strip_suffix('号') else {
        return Err("应以“号”结尾");
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err("序号应为阿拉伯数字");
    }
    if num.starts_with('0') {
        return Err("序号不编虚位（不加前导0，如 3号 而非 03号）");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_follow_7_2_4() {
        assert!(check_doc_number("区先教〔2026〕3号").is_ok());
        assert!(check_doc_number("区先教[2026]3号").is_err());
        assert!(check_doc_number("区先教〔26〕3号").is_err());
        assert!(check_doc_number("区先教〔2026〕03号").is_err());
        assert!(check_doc_number("区先教〔2026〕第3号").is_err());
        assert!(check_doc_number("〔2026〕3号").is_err());
    }
}
