//! What a checked record says: the papers' contexts, `check`'s table and
//! the refusal messages.
//!
//! Owns the wording of every figure taken from a record (sentences and
//! tables of the 小结 / 总结, the 转段申请 and the 补课清单) and the choice
//! of papers: the phase's closing papers when every rule passes, else the
//! 补课清单 alone. Every sentence either states a field of the record or is
//! fixed wording that claims nothing about the unit: what a rule demands is
//! never written as done unless the record shows it done, an exception is
//! said as such (what, by whom, when), and wenshu's own readings (the 60%
//! band, the questionnaire's 30%) and its rounding note stay in `check`'s
//! table. The templates lay the papers out; this module never decides a
//! rule and never writes a file.

use serde::Serialize;

use crate::diag::{cell_width, Code, Diagnostic, Severity};
use crate::input::typed::{Date, Paragraphs};
use crate::input::Source;
use crate::paper::{context, Paper, Phase, Summary, Transfer};

use super::read::{
    Coverage, Evaluation, Rectification, Representative, Session, Study, StudySums, Survey,
    ACTIVITIES,
};
use super::rules::{
    self, excepted, hours, low_rated, month_day, names, unqualified, unused_exceptions, Check,
    HIGH_SATISFIED_PERCENT, LOW_SATISFIED_PERCENT, MIN_SESSION_HOURS, MIN_STUDY_HOURS,
    MIN_TRAINING_DAY_HOURS, REDO_PERCENT,
};
use super::tally::{at_least_percent, share, share_against, Tally};
use super::{Facts, Member, Record};

/// How every share is computed: `check`'s table states it (a paper prints
/// its shares without a note).
pub const ROUNDING: &str =
    "占比按四舍五入保留一位小数（紧邻规定比例时多保留几位，使比较结果一目了然）；是否达到规定比例按原始数字精确计算，“以上”“不少于”均含本数。";

/// `s` in quotation marks: “…”, with the quotation marks inside it turned
/// into the inner pair ‘…’.
pub fn quoted(s: &str) -> String {
    format!("“{}”", s.replace('“', "‘").replace('”', "’"))
}

/// A table as the templates print it.
#[derive(Serialize)]
pub struct TableCtx {
    #[serde(rename = "宽度")]
    widths: String,
    #[serde(rename = "表头")]
    header: Vec<String>,
    #[serde(rename = "行")]
    rows: Vec<Vec<String>>,
}

fn table<const N: usize>(widths: [u32; N], header: [&str; N], rows: Vec<[String; N]>) -> TableCtx {
    TableCtx {
        widths: widths.map(|w| w.to_string()).join(","),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: rows.into_iter().map(Vec::from).collect(),
    }
}

/// A work section: a heading, its paragraphs with figures, its tables.
#[derive(Serialize)]
struct Work {
    #[serde(rename = "标题")]
    heading: String,
    #[serde(rename = "内容")]
    body: Paragraphs,
    #[serde(rename = "表格")]
    tables: Vec<TableCtx>,
}

impl Work {
    fn new(heading: &str, body: Vec<String>, tables: Vec<TableCtx>) -> Work {
        Work {
            heading: heading.to_string(),
            body: body.into_iter().filter(|p| !p.is_empty()).collect(),
            tables,
        }
    }
}

/// The rule-by-rule comparison a 转段申请 prints before its request.
#[derive(Serialize)]
struct Comparison {
    #[serde(rename = "表格")]
    tables: [TableCtx; 1],
    #[serde(rename = "说明")]
    notes: Paragraphs,
}

/// The record's 转段申请: a short 请示 with the rule comparison, the
/// exceptions it relies on and the 小结 as its 附件.
#[derive(Serialize)]
struct TransferCtx {
    #[serde(flatten)]
    paper: Transfer<Work>,
    #[serde(rename = "对照检查")]
    comparison: Comparison,
    /// The rules passed by exception, each with its approver and date, for
    /// the request sentence; empty when every rule is met by its figures.
    #[serde(rename = "例外")]
    exceptions: Vec<String>,
    /// 附件说明: the 小结's title.
    #[serde(rename = "附件")]
    attachments: Vec<String>,
}

#[derive(Serialize)]
struct RemedialCtx {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "阶段")]
    phase: u8,
    #[serde(rename = "阶段名称")]
    phase_name: &'static str,
    #[serde(rename = "开头")]
    opening: Paragraphs,
    #[serde(rename = "补课事项")]
    table: TableCtx,
    #[serde(rename = "说明")]
    notes: Paragraphs,
    #[serde(rename = "期限")]
    deadline: Date,
    #[serde(rename = "抄送")]
    copy_to: String,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "落款")]
    signature: String,
}

/// The papers of a checked record: the closing papers if every rule passes,
/// else the 补课清单 alone. The record's 版头 and 版记 go on the paper it
/// sends up: the 请示 (phases 1, 2) or the 总结 (phase 3).
pub fn papers(rec: &Record, checks: &[Check], index: usize) -> Vec<Paper> {
    let phase = rec.phase;
    let paper = |template, stem: String, context, frame| Paper {
        template,
        stem,
        context,
        index,
        frame,
    };
    if checks.iter().any(|c| !c.passes()) {
        return vec![paper(
            "补课清单",
            format!("补课清单-{}-第{}阶段", rec.unit, phase.0),
            context(&remedial(rec, checks)),
            Default::default(),
        )];
    }
    // Phases 1 and 2: the 小结 is the 请示's 附件 and has no 主送 of its own;
    // phase 3: the 总结 is itself sent up, as a 报告.
    let sends_up = phase.0 == 3;
    let summary = Summary {
        kind: phase.report_kind(),
        unit: rec.unit.clone(),
        phase: phase.0,
        phase_name: phase.name(),
        addressee: sends_up.then(|| rec.addressee.clone()),
        whole_campaign: false,
        date: rec.date,
        work: work(rec, checks),
        results: rec.results.clone(),
        problems: rec.shortcomings.clone(),
        plans: rec.plans.clone(),
        signature: rec.signature.clone(),
    };
    let summary_frame = if sends_up {
        rec.frame.clone()
    } else {
        Default::default()
    };
    let mut out = vec![paper(
        "阶段小结",
        summary.stem(),
        summary.context(),
        summary_frame,
    )];
    if !sends_up {
        let transfer = Transfer {
            unit: rec.unit.clone(),
            phase: phase.0,
            phase_name: phase.name(),
            next_name: Phase(phase.0 + 1).name(),
            addressee: rec.addressee.clone(),
            copy_to: rec.copy_to.clone(),
            date: rec.date,
            work: Vec::new(),
            results: rec.results.clone(),
            shortcomings: rec.shortcomings.clone(),
            contact: rec.contact.clone(),
            phone: rec.phone.clone(),
            signature: rec.signature.clone(),
        };
        let stem = transfer.stem();
        let ctx = TransferCtx {
            paper: transfer,
            comparison: comparison(checks),
            exceptions: excepted(checks)
                .map(|(c, e)| {
                    format!(
                        "{}一项经{}于{}批准按例外处理",
                        quoted(c.required),
                        e.approver,
                        e.approved
                    )
                })
                .collect(),
            attachments: vec![summary.title()],
        };
        out.push(paper("转段申请", stem, context(&ctx), rec.frame.clone()));
    }
    out
}

/// What the record refuses to close: the 转段申请 (phases 1, 2) or the 总结.
fn refused_paper(phase: Phase) -> String {
    if phase.0 < 3 {
        format!("不能转入{}阶段", Phase(phase.0 + 1).name())
    } else {
        "不能结束整改提高阶段".to_string()
    }
}

/// One located error per unmet rule, then one that says what was refused.
pub fn refusals(src: &Source, rec: &Record, checks: &[Check]) -> Vec<Diagnostic> {
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.passes()).collect();
    if failed.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Diagnostic> = failed
        .iter()
        .map(|c| {
            let mut message = format!(
                "未达到规则「{}」：要求{}，实际{}",
                c.id, c.required, c.actual
            );
            if let Some(d) = &c.detail {
                message.push_str(&format!("（{d}）"));
            }
            let d = if c.loc.file == src.name {
                src.error(c.loc.pos, Some(&c.field), message)
            } else {
                let mut d = Diagnostic::whole_file(&c.loc.file, Code::RuleUnmet, message);
                d.pos = Some(c.loc.pos);
                d
            };
            d.with_code(Code::RuleUnmet)
                .with_severity(Severity::Refusal)
        })
        .collect();
    let (deadline, _) = rec.remedy_deadline();
    let closing = if rec.phase.0 < 3 {
        "转段申请和阶段小结"
    } else {
        "总结"
    };
    out.push(
        src.error(
            rec.pos,
            None,
            format!(
                "{}：{}阶段有 {} 条规则未达标（{}）。不生成{closing}，改为生成补课清单，补课期限 {deadline}",
                refused_paper(rec.phase),
                rec.phase.name(),
                failed.len(),
                names(failed.iter().map(|c| c.id)),
            ),
        )
        .with_code(Code::Refused)
        .with_severity(Severity::Refusal)
        .with_help("补课完成后更新阶段记录再生成；确属特殊情况的，在「例外」中写明规则、理由、批准人和批准日期"),
    );
    out
}

/// The sections of work with figures, then the unit's own sections.
fn work(rec: &Record, checks: &[Check]) -> Vec<Work> {
    let met = |id: &str| checks.iter().any(|c| c.id == id && c.met);
    let mut out = match &rec.facts {
        Facts::Study(s) => study_work(rec, s, &met),
        Facts::Evaluation(e) => evaluation_work(rec, e),
        Facts::Rectification(r) => rectification_work(rec, r),
    };
    out.extend(rec.other_work.iter().map(|s| Work {
        heading: s.heading.clone().unwrap_or_default(),
        body: s.body.clone(),
        tables: Vec::new(),
    }));
    out
}

/// Members: total, serving, retired, taking part.
fn members_sentence(rec: &Record) -> String {
    let total = rec.members.len();
    let retired = rec.members.iter().filter(|m| m.retired).count();
    let absent: Vec<_> = rec.members.iter().filter(|m| m.absent.is_some()).collect();
    let mut s = format!(
        "本单位共有党员{total}名，其中在职党员{}名、离退休党员{retired}名；参加本阶段活动{}名",
        total - retired,
        total - absent.len()
    );
    if !absent.is_empty() {
        s.push_str(&format!(
            "，{}未参加",
            names(absent.iter().map(|m| format!(
                "{}（{}）",
                m.name,
                m.absent.as_deref().unwrap_or_default()
            )))
        ));
    }
    s.push('。');
    s
}

fn opinions_sentence(rec: &Record) -> String {
    match (rec.opinions, rec.talks) {
        (Some(o), Some(t)) => format!("本阶段共征求意见建议{o}条，开展谈心谈话{t}人次。"),
        (Some(o), None) => format!("本阶段共征求意见建议{o}条。"),
        (None, Some(t)) => format!("本阶段共开展谈心谈话{t}人次。"),
        (None, None) => String::new(),
    }
}

/// An average with one decimal place, rounded half up.
fn average(sum: u64, n: u32) -> String {
    let n = u64::from(n.max(1));
    let t = (sum * 20 + n) / (2 * n);
    format!("{}.{}", t / 10, t % 10)
}

fn study_work(rec: &Record, s: &Study, met: &dyn Fn(&str) -> bool) -> Vec<Work> {
    let mut out = Vec::new();
    out.extend(
        s.sessions
            .as_ref()
            .map(|x| sessions_work(rec, &x.value, met)),
    );
    out.push(reflections_work(rec));
    out.extend(coverage_work(rec, &s.coverage));
    out.push(publicity_work(rec, s));
    out
}

/// （一）集中学习和专题学习: the members, the sessions summed, their table.
fn sessions_work(rec: &Record, list: &[Session], met: &dyn Fn(&str) -> bool) -> Work {
    let sums = StudySums::of(list);
    let mut training = format!(
        "其中，{}举办集中培训{}天、{}学时（每天不少于{MIN_TRAINING_DAY_HOURS}学时）",
        names(sums.training_days.iter().map(|d| month_day(*d))),
        sums.training_days.len(),
        hours(sums.full_day_tenths),
    );
    if sums.training_days.is_empty() {
        training = "其中，没有满一天的集中培训".to_string();
    }
    if !sums.short_training_days.is_empty() {
        training.push_str(&format!(
            "；另有{}集中学习{}学时，不足一天",
            names(sums.short_training_days.iter().map(|(d, _)| month_day(*d))),
            hours(sums.short_training_days.iter().map(|(_, t)| t).sum()),
        ));
    }
    let each = if met("每次学时") && !sums.others.is_empty() {
        format!("，每次不少于{MIN_SESSION_HOURS}学时")
    } else {
        String::new()
    };
    let body = vec![
        members_sentence(rec),
        format!(
            "本阶段共组织学习{}次，累计{}学时（规定不少于{MIN_STUDY_HOURS}学时）。{training}；其余{}次专题学习共{}学时{each}。",
            list.len(),
            hours(sums.total_tenths),
            sums.others.len(),
            hours(sums.other_tenths),
        ),
    ];
    let mut rows: Vec<[String; 5]> = list
        .iter()
        .enumerate()
        .map(|(i, x)| {
            [
                (i + 1).to_string(),
                x.date.to_string(),
                if x.training {
                    "集中培训"
                } else {
                    "专题学习"
                }
                .to_string(),
                x.topic.clone().unwrap_or_default(),
                hours(x.tenths),
            ]
        })
        .collect();
    rows.push([
        "合计".into(),
        String::new(),
        String::new(),
        format!("{}次", list.len()),
        hours(sums.total_tenths),
    ]);
    Work::new(
        "集中学习和专题学习",
        body,
        vec![table(
            [3, 8, 5, 16, 4],
            ["序号", "日期", "形式", "内容", "学时"],
            rows,
        )],
    )
}

/// （二）撰写学习心得体会: who wrote how many, who could not.
fn reflections_work(rec: &Record) -> Work {
    let total = rec.members.len() as u32;
    let written = rec.reflections_total();
    let writers = rec.members.iter().filter(|m| m.can_write()).count() as u32;
    let lacking = rec
        .members
        .iter()
        .filter(|m| m.can_write() && m.reflections_written() == 0)
        .count();
    let unable = total - writers;
    let mut who = if lacking == 0 {
        "每人至少1篇".to_string()
    } else {
        format!("{lacking}名未撰写")
    };
    if unable > 0 {
        who.push_str(&format!("；另有{unable}名党员不能书写"));
    }
    Work::new(
        "撰写学习心得体会",
        vec![format!(
            "{writers}名能书写的党员共撰写学习心得体会{written}篇，人均{}篇，{who}。",
            average(written, writers),
        )],
        Vec::new(),
    )
}

/// （三）“五个覆盖”: each activity's reach, and its table; none when the
/// record gives no coverage.
fn coverage_work(rec: &Record, coverage: &[Coverage]) -> Option<Work> {
    if coverage.is_empty() {
        return None;
    }
    let total = rec.members.len() as u32;
    let rows = coverage
        .iter()
        .map(|c| {
            [
                activity_name(c.activity).to_string(),
                c.date.map(|d| d.to_string()).unwrap_or_default(),
                c.sessions.map(|n| format!("{n}场")).unwrap_or_default(),
                format!("{}/{}", c.reached, total),
                share(c.reached, total),
                c.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let full: Vec<&str> = coverage
        .iter()
        .filter(|c| c.reached == total)
        .map(|c| activity_name(c.activity))
        .collect();
    let reach = if full.len() == ACTIVITIES.len() {
        format!("{}五项活动均覆盖全体{total}名党员。", names(full.iter()))
    } else if full.is_empty() {
        format!("“五个覆盖”各项均未覆盖全体{total}名党员，覆盖情况见下表。")
    } else {
        format!(
            "{}覆盖全体{total}名党员，其余各项覆盖情况见下表。",
            names(full.iter())
        )
    };
    Some(Work::new(
        "“五个覆盖”",
        vec![reach],
        vec![table(
            [6, 7, 3, 4, 4, 12],
            ["活动", "时间", "场次", "覆盖党员", "覆盖率", "覆盖方式"],
            rows,
        )],
    ))
}

/// （四）大讨论和宣传: the “两个具体”, banners and columns, opinions.
fn publicity_work(rec: &Record, s: &Study) -> Work {
    let mut publicity = Vec::new();
    if let Some(t) = &s.two_specifics {
        let held = t
            .value
            .discussions
            .map(|n| format!("开展大讨论{n}场，"))
            .unwrap_or_default();
        publicity.push(format!(
            "{held}形成书面的保持共产党员先进性具体要求和不合格党员具体表现（“两个具体”），于{}公布。",
            t.value.published
        ));
    }
    publicity.push(publicity_sentence(rec, s.banners.as_ref().map(|b| b.value)));
    publicity.push(opinions_sentence(rec));
    Work::new("大讨论和宣传", publicity, Vec::new())
}

fn activity_name(a: &str) -> &'static str {
    match a {
        "动员报告" => "区委领导动员报告",
        "领导党课" => "领导干部党课",
        "理论辅导" => "理论宣讲",
        "先进事迹报告" => "先进事迹报告",
        _ => "大讨论",
    }
}

fn publicity_sentence(rec: &Record, banners: Option<u32>) -> String {
    let column = rec.column_issues.as_ref().map(|c| c.value);
    match (banners, column) {
        (Some(b), Some(c)) => format!("制作布标{b}幅，本阶段出刊专栏{c}期。"),
        (None, Some(c)) => format!("本阶段出刊专栏{c}期。"),
        (Some(b), None) => format!("制作布标{b}幅。"),
        (None, None) => String::new(),
    }
}

/// A survey's tally as a table: grade, count, share, and a total row.
fn tally_table(t: &Tally) -> TableCtx {
    let total = t.total();
    let mut rows: Vec<[String; 3]> = t
        .grades
        .iter()
        .zip(&t.counts)
        .map(|(g, &c)| [g.to_string(), c.to_string(), share(c, total)])
        .collect();
    rows.push(["合计".into(), total.to_string(), share(total, total)]);
    table([6, 4, 4], ["评价", "票数", "占比"], rows)
}

/// The survey's opening sentence: when, what, the copies handed out and to
/// whom (its 对象 counts copies, one a person: it says who was given one,
/// not who answered), and how many came back.
fn survey_opening(s: &Survey, what: &str) -> String {
    let to_whom: Vec<String> = s
        .respondents
        .as_ref()
        .map(|r| {
            [("党员", r.value.members), ("群众代表", r.value.public)]
                .into_iter()
                .filter(|&(_, n)| n > 0)
                .map(|(who, n)| format!("{who}{n}份"))
                .collect()
        })
        .unwrap_or_default();
    let handed = match (s.handed_out, to_whom.is_empty()) {
        (Some(h), false) => format!("发放测评表{h}份（发给{}），", to_whom.join("、")),
        (Some(h), true) => format!("发放测评表{h}份，"),
        (None, _) => String::new(),
    };
    format!(
        "{}，开展{what}，{handed}收回{}份。",
        s.date,
        s.tally.total()
    )
}

/// The 分析评议 phase's work, as named steps: the public's opinions, the
/// analyses written and published, the democratic rating, the survey.
fn evaluation_work(rec: &Record, e: &Evaluation) -> Vec<Work> {
    let mut out = Vec::new();
    if let Some(reps) = &e.representatives {
        out.push(opinions_work(rec, &reps.value));
    }
    out.push(analyses_work(rec, e));
    out.push(rating_work(rec, e));
    if let Some(s) = &e.survey {
        out.push(phase_survey_work(s));
    }
    out.retain(|w| !w.body.is_empty());
    out
}

/// “万人评风”: how many people each representative asked, and the table.
fn opinions_work(rec: &Record, list: &[Representative]) -> Work {
    let sum: u64 = list.iter().map(|r| u64::from(r.people)).sum();
    let min = list.iter().map(|r| r.people).min().unwrap_or(0);
    let max = list.iter().map(|r| r.people).max().unwrap_or(0);
    let mut rows = Vec::new();
    for chunk in list.chunks(4) {
        let mut row: [String; 8] = Default::default();
        for (i, r) in chunk.iter().enumerate() {
            row[2 * i] = r.name.clone();
            row[2 * i + 1] = r.people.to_string();
        }
        rows.push(row);
    }
    Work::new(
        "“万人评风”和征求意见",
        vec![
            members_sentence(rec),
            format!(
                "“万人评风”中，{}名代表每人征求意见{min}至{max}人，共征求{sum}人。",
                list.len()
            ),
            opinions_sentence(rec),
            publicity_sentence(rec, None),
        ],
        vec![table(
            [4, 3, 4, 3, 4, 3, 4, 3],
            [
                "代表", "人数", "代表", "人数", "代表", "人数", "代表", "人数",
            ],
            rows,
        )],
    )
}

/// The members' (and the unit's) 党性分析材料 written and published.
fn analyses_work(rec: &Record, e: &Evaluation) -> Work {
    let serving: Vec<_> = rec.serving().collect();
    let retired: Vec<_> = rec.members.iter().filter(|m| m.retired).collect();
    let state = Member::analysis_state;
    let published = serving.iter().filter(|m| state(m) == "已公示").count();
    let cannot = serving.iter().filter(|m| !m.can_write()).count();
    let mut body = vec![format!(
        "在职党员{}名中，{published}名撰写党性分析材料并公示{}。",
        serving.len(),
        if cannot > 0 {
            format!("，{cannot}名不能书写")
        } else {
            String::new()
        }
    )];
    if let Some(u) = &e.unit_analysis {
        if let (Some(scope), Some(d)) = (&u.value.scope, u.value.date) {
            body.push(format!("单位党性分析材料于{d}在{scope}公示。"));
        }
    }
    if !retired.is_empty() {
        let wrote = retired.iter().filter(|m| state(m) == "已公示").count();
        let rated = retired.iter().filter(|m| m.rating.is_some()).count();
        let mut s = format!("离退休党员{}名", retired.len());
        if wrote > 0 {
            s.push_str(&format!("，其中{wrote}名撰写党性分析材料并公示"));
        }
        if rated > 0 {
            s.push_str(&format!("，{rated}名接受满意度测评"));
        }
        if let Some(m) = &e.retired_meeting {
            s.push_str(&format!(
                "；{}召开离退休党员专题组织生活会，{}名参加",
                m.value.date, m.value.attended
            ));
        }
        s.push('。');
        body.push(s);
    }
    Work::new("撰写和公示党性分析材料", body, Vec::new())
}

/// Democratic evaluation: bands of 满意 share, the members helped, verdicts.
fn rating_work(rec: &Record, e: &Evaluation) -> Work {
    let mut body = Vec::new();
    if let Some(m) = &e.leadership_meeting {
        body.push(format!("{}，领导班子召开专题民主生活会。", m.value));
    }
    let rated: Vec<_> = rec
        .members
        .iter()
        .filter_map(|m| m.rating.as_ref().map(|t| (m, t)))
        .collect();
    let ballots: u64 = rated.iter().map(|(_, t)| u64::from(t.total())).sum();
    let band = |t: &Tally| {
        let s = t.count("满意");
        if at_least_percent(s, t.total(), HIGH_SATISFIED_PERCENT) {
            0
        } else if at_least_percent(s, t.total(), LOW_SATISFIED_PERCENT) {
            1
        } else {
            2
        }
    };
    let mut bands = [0u32; 3];
    for (_, t) in &rated {
        bands[band(t)] += 1;
    }
    let n = rated.len() as u32;
    let labels = [
        format!("{HIGH_SATISFIED_PERCENT}%以上"),
        format!(
            "{LOW_SATISFIED_PERCENT}%至{HIGH_SATISFIED_PERCENT}%（不含{HIGH_SATISFIED_PERCENT}%）"
        ),
        format!("不足{LOW_SATISFIED_PERCENT}%"),
    ];
    let mut rows: Vec<[String; 3]> = labels
        .iter()
        .zip(bands)
        .map(|(l, b)| [l.clone(), b.to_string(), share(b, n)])
        .collect();
    rows.push(["合计".into(), n.to_string(), share(n, n)]);
    let mut tables = vec![table([8, 3, 4], ["“满意”票占比", "党员人数", "占比"], rows)];
    body.push(format!(
        "民主评议中，{n}名党员按满意、基本满意、不满意三个档次接受满意度测评，共收回测评票{ballots}张。“满意”票占{HIGH_SATISFIED_PERCENT}%以上的{}名，占{LOW_SATISFIED_PERCENT}%至{HIGH_SATISFIED_PERCENT}%的{}名，不足{LOW_SATISFIED_PERCENT}%的{}名。",
        bands[0], bands[1], bands[2]
    ));
    let low = low_rated(rec);
    if !low.is_empty() {
        let rewrote: Vec<&&Member> = low.iter().filter(|m| m.rewrote).collect();
        body.push(format!(
            "“满意”票不足{LOW_SATISFIED_PERCENT}%的{}名党员中，{}经重点帮助重新撰写了党性分析材料。",
            low.len(),
            if rewrote.len() == low.len() {
                format!("{}均", names(low.iter().map(|m| m.name.as_str())))
            } else {
                format!("{}名（{}）", rewrote.len(), names(rewrote.iter().map(|m| m.name.as_str())))
            }
        ));
        let rows = low
            .iter()
            .map(|m| {
                let t = m.rating.as_ref().expect("low-rated members are rated");
                [
                    m.name.clone(),
                    t.count("满意").to_string(),
                    t.count("基本满意").to_string(),
                    t.count("不满意").to_string(),
                    share(t.count("满意"), t.total()),
                    if m.rewrote { "已重写" } else { "未重写" }.to_string(),
                ]
            })
            .collect();
        tables.push(table(
            [4, 3, 3, 3, 4, 4],
            [
                "姓名",
                "满意",
                "基本满意",
                "不满意",
                "“满意”票占比",
                "党性分析材料",
            ],
            rows,
        ));
    }
    let failed = unqualified(rec);
    let qualified = rec.members.iter().filter(|m| m.judged("合格")).count();
    body.push(format!(
        "经党支部评定，合格{qualified}名，不合格{}名。",
        failed.len()
    ));
    if !failed.is_empty() {
        body.push(format!(
            "评定为不合格的党员及处理意见：{}。",
            names(failed.iter().map(|m| match &m.handling {
                Some(h) => format!("{}（{h}）", m.name),
                None => format!("{}（处理意见待定）", m.name),
            }))
        ));
    }
    Work::new("民主评议", body, tables)
}

/// The phase's satisfaction survey and whether it calls for 补课.
fn phase_survey_work(s: &Survey) -> Work {
    let t = &s.tally;
    let poor = t.count_of(&rules::POOR_ANSWERS);
    let verdict = if at_least_percent(poor, t.total(), REDO_PERCENT) {
        format!("达到{REDO_PERCENT}%")
    } else {
        format!("不足{REDO_PERCENT}%")
    };
    Work::new(
        "阶段工作满意度测评",
        vec![
            survey_opening(s, "本阶段工作满意度测评"),
            format!(
                "认为“一般化”和“走了过场”的合计{poor}份，占{}，{verdict}。",
                share_against(poor, t.total(), REDO_PERCENT),
            ),
        ],
        vec![tally_table(t)],
    )
}

fn rectification_work(rec: &Record, r: &Rectification) -> Vec<Work> {
    let mut out = vec![plans_work(rec, r), measures_work(rec, r)];
    out.extend(r.questionnaire.as_ref().map(questionnaire_work));
    out.push(commendation_work(rec, r));
    out.retain(|w| !w.body.is_empty());
    out
}

/// （一）制定和审批整改方案: the members' plans passed by their branches,
/// the unit's plan publicised, approved and published, the branches' table.
fn plans_work(rec: &Record, r: &Rectification) -> Work {
    let serving: Vec<_> = rec.serving().collect();
    let passed = |branch: &str| {
        serving
            .iter()
            .filter(|m| m.branch.as_deref() == Some(branch) && m.plan_state() == "已通过")
            .count()
    };
    let total_passed: usize = r.meetings.iter().map(|m| passed(&m.branch)).sum();
    let mut body = vec![
        members_sentence(rec),
        format!(
            "在职党员{}名中，{total_passed}名的个人整改方案在支部内公示后，经{}个支部的党员大会通过。",
            serving.len(),
            r.meetings.len()
        ),
    ];
    if let Some(p) = &r.unit_plan {
        let v = &p.value;
        if let (Some(d), Some(scope), Some(a), Some(who)) = (
            v.publicity.date,
            &v.publicity.scope,
            v.approved,
            &v.approver,
        ) {
            let mut s = format!("单位整改方案于{d}在{scope}公示，{a}经{who}批准");
            if let Some(pd) = v.published {
                s.push_str(&format!("，{pd}向社会公开"));
                if v.commitment {
                    s.push_str("，并作出公开承诺");
                }
            }
            s.push('。');
            body.push(s);
        }
    }
    let rows = r
        .meetings
        .iter()
        .map(|m| {
            [
                m.branch.clone(),
                m.publicised.to_string(),
                m.passed.to_string(),
                passed(&m.branch).to_string(),
            ]
        })
        .collect();
    Work::new(
        "制定和审批整改方案",
        body,
        vec![table(
            [8, 6, 6, 4],
            ["支部", "方案公示日期", "党员大会通过日期", "通过方案数"],
            rows,
        )],
    )
}

/// （二）建章立制、组织处理和承诺宣誓: the rules made, the members handled,
/// the oath and who missed it.
fn measures_work(rec: &Record, r: &Rectification) -> Work {
    let mut body = Vec::new();
    if let Some(list) = &r.regulations {
        body.push(format!(
            "建章立制，新建和修订制度{}项：{}。",
            list.value.len(),
            names(&list.value)
        ));
    }
    let handled: Vec<&Member> = rec
        .members
        .iter()
        .filter(|m| m.handling.is_some())
        .collect();
    if !handled.is_empty() {
        body.push(format!(
            "组织处理{}名：{}。",
            handled.len(),
            names(handled.iter().map(|m| format!(
                "{}（{}）",
                m.name,
                m.handling.as_deref().unwrap_or_default()
            )))
        ));
    }
    if let Some(o) = &r.oath {
        let absent = o.value.absent.len();
        let mut s = format!(
            "{}，组织党员集中宣誓并作出公开承诺，{}名党员参加",
            o.value.date,
            rec.members.len() - absent
        );
        if absent > 0 {
            s.push_str(&format!(
                "，{}未参加",
                names(o.value.absent.iter().map(|n| {
                    let m = rec.members.iter().find(|m| &m.name == n);
                    match m.and_then(|m| m.absent.as_deref().or(m.handling.as_deref())) {
                        Some(why) => format!("{n}（{why}）"),
                        None => n.clone(),
                    }
                }))
            ));
        }
        s.push('。');
        body.push(s);
    }
    Work::new("建章立制、组织处理和承诺宣誓", body, Vec::new())
}

/// （三）整改情况问卷测评: the closing questionnaire's tally.
fn questionnaire_work(q: &Survey) -> Work {
    let t = &q.tally;
    let bad = t.count("不满意");
    let good = t.count_of(&["满意", "基本满意"]);
    Work::new(
        "整改情况问卷测评",
        vec![
            survey_opening(q, "整改情况问卷测评"),
            format!(
                "“满意”和“基本满意”合计{good}份，占{}；“不满意”{bad}份，占{}。",
                share(good, t.total()),
                share(bad, t.total()),
            ),
        ],
        vec![tally_table(t)],
    )
}

/// （四）表彰和宣传: who was commended, the publicity, the opinions.
fn commendation_work(rec: &Record, r: &Rectification) -> Work {
    let mut body = Vec::new();
    if let Some(c) = &r.commended {
        let v = &c.value;
        let mut parts = Vec::new();
        if !v.members.is_empty() {
            parts.push(format!(
                "优秀共产党员{}名（{}）",
                v.members.len(),
                names(&v.members)
            ));
        }
        if !v.organisations.is_empty() {
            parts.push(format!(
                "先进党组织{}个（{}）",
                v.organisations.len(),
                names(&v.organisations)
            ));
        }
        body.push(format!("表彰{}。", parts.join("、")));
    }
    body.push(publicity_sentence(rec, None));
    body.push(opinions_sentence(rec));
    Work::new("表彰和宣传", body, Vec::new())
}

/// The 转段申请's rule-by-rule comparison, and the exceptions it states.
fn comparison(checks: &[Check]) -> Comparison {
    let rows = checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            [
                (i + 1).to_string(),
                c.required.to_string(),
                c.actual.clone(),
                if c.met { "达到" } else { "例外" }.to_string(),
            ]
        })
        .collect();
    let notes = excepted(checks)
        .map(|(c, e)| {
            format!(
                "{}一项实际为{}，未达到规定要求。经{}于{}批准，按例外处理，理由是：{}。",
                quoted(c.required),
                c.actual,
                e.approver,
                e.approved,
                e.reason.trim_end_matches('。')
            )
        })
        .collect();
    Comparison {
        tables: [table(
            [2, 12, 10, 3],
            ["序号", "本阶段要求", "完成情况", "结果"],
            rows,
        )],
        notes,
    }
}

/// The 补课清单: each unmet rule, what to redo, by when.
fn remedial(rec: &Record, checks: &[Check]) -> RemedialCtx {
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.passes()).collect();
    let (deadline, how) = rec.remedy_deadline();
    let what = if rec.phase.0 < 3 {
        format!("暂不申请转入{}阶段", Phase(rec.phase.0 + 1).name())
    } else {
        "暂不进行总结".to_string()
    };
    let opening = vec![format!(
        "经对照{}阶段的规定要求逐项检查，本单位有{}项未达到要求，{what}。现将补课事项列出如下，须于{deadline}前完成，完成后重新检查{}。",
        rec.phase.name(),
        failed.len(),
        if rec.phase.0 < 3 { "并申请转段" } else { "、测评和总结" }
    )];
    let rows = failed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut actual = c.actual.clone();
            if let Some(d) = &c.detail {
                actual.push_str(&format!("（{d}）"));
            }
            [
                (i + 1).to_string(),
                format!("{}：{}", c.id, c.required),
                actual,
                c.remedy.clone(),
                deadline.to_string(),
            ]
        })
        .collect();
    let met = checks.iter().filter(|c| c.met).count();
    let mut notes = vec![
        format!("补课期限：{deadline}（{how}）。"),
        format!("本阶段其余{met}项要求已经达到。"),
    ];
    notes.extend(excepted(checks).map(|(c, e)| {
        format!(
            "{}一项经{}于{}批准按例外处理。",
            quoted(c.required),
            e.approver,
            e.approved
        )
    }));
    RemedialCtx {
        unit: rec.unit.clone(),
        phase: rec.phase.0,
        phase_name: rec.phase.name(),
        opening,
        table: table(
            [2, 9, 8, 12, 5],
            ["序号", "未达到的要求", "实际情况", "补课内容", "完成时限"],
            rows,
        ),
        notes,
        deadline,
        copy_to: rec.copy_to.clone(),
        date: rec.date,
        signature: rec.signature.clone(),
    }
}

/// Pads `s` with spaces to `width` terminal cells.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(cell_width).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// `check`'s report: the rule table, then the members and exceptions it
/// concerns, then the verdict.
pub fn report(rec: &Record, checks: &[Check]) -> String {
    let mut out = format!(
        "{}：{}{}阶段记录（{}名党员，{}至{}；开始日期取自{}）\n",
        rec.file,
        rec.unit,
        rec.phase.name(),
        rec.members.len(),
        rec.start,
        rec.date,
        rec.start_basis
    );
    let header = ["规则", "出处", "要求", "实际", "结果", "依据"];
    let rows: Vec<[String; 6]> = checks
        .iter()
        .map(|c| {
            [
                c.id.to_string(),
                c.rule().source.to_string(),
                c.required.to_string(),
                c.actual.clone(),
                c.status().to_string(),
                c.loc.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().map(cell_width).sum::<usize>());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().map(cell_width).sum());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut l: String = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| pad(c, w + 2))
            .collect();
        l.truncate(l.trim_end().len());
        l.push('\n');
        l
    };
    out.push_str(&line(header));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
    for c in checks {
        if let Some(reading) = c.rule().reading {
            out.push_str(&format!(
                "  {}：按 wenshu 的理解，{reading}（活动文件未定数字）\n",
                c.id
            ));
        }
    }
    let d = &rec.district;
    out.push_str(&format!(
        "本区规定（{}）：例外和转段同意须由{}批准；方案公示期不少于{}天\n",
        d.origin(),
        d.approvers.join("、"),
        d.publicity_days
    ));
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.passes()).collect();
    for c in checks.iter().filter(|c| !c.met) {
        if let Some(d) = &c.detail {
            out.push_str(&format!("  {}：{d}\n", c.id));
        }
        if let Some(e) = &c.exception {
            out.push_str(&format!(
                "  {}：按例外处理，{}于{}批准（{}）\n",
                c.id, e.approver, e.approved, e.reason
            ));
        }
    }
    for e in unused_exceptions(rec, checks) {
        out.push_str(&format!(
            "  注意：规则「{}」已达标，记录中的例外未使用\n",
            e.rule
        ));
    }
    if let Facts::Evaluation(_) = rec.facts {
        let low = low_rated(rec);
        out.push_str(&format!(
            "重点帮助（满意度不高：“满意”票不足{LOW_SATISFIED_PERCENT}%，须重写党性分析材料）：{}\n",
            if low.is_empty() {
                "无".to_string()
            } else {
                names(low.iter().map(|m| {
                    let t = m.rating.as_ref().expect("low-rated members are rated");
                    format!(
                        "{}（满意{}/{}票，{}，{}）",
                        m.name,
                        t.count("满意"),
                        t.total(),
                        share(t.count("满意"), t.total()),
                        if m.rewrote { "已重写" } else { "未重写" }
                    )
                }))
            }
        ));
        let failed = unqualified(rec);
        out.push_str(&format!(
            "评定为不合格、须作组织处理：{}\n",
            if failed.is_empty() {
                "无".to_string()
            } else {
                names(failed.iter().map(|m| match &m.handling {
                    Some(h) => format!("{}（{h}）", m.name),
                    None => format!("{}（处理意见待定）", m.name),
                }))
            }
        ));
    }
    out.push_str(&format!("说明：{ROUNDING}\n"));
    let excepted = checks.iter().filter(|c| !c.met && c.passes()).count();
    let next = if rec.phase.0 < 3 {
        format!("可以申请转入{}阶段", Phase(rec.phase.0 + 1).name())
    } else {
        "可以进行总结".to_string()
    };
    if failed.is_empty() {
        out.push_str(&format!(
            "结论：{} 条规则全部达标{}，{next}。\n",
            checks.len(),
            if excepted > 0 {
                format!("（其中 {excepted} 条按例外处理）")
            } else {
                String::new()
            }
        ));
    } else {
        let (deadline, how) = rec.remedy_deadline();
        out.push_str(&format!(
            "结论：{} 条规则未达标（{}），{}；须补课，补课期限 {deadline}（{how}）。\n",
            failed.len(),
            names(failed.iter().map(|c| c.id)),
            refused_paper(rec.phase)
        ));
    }
    out
}
