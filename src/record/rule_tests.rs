//! Every rule just under, at and over its bound, read from YAML as a unit
//! writes it; and the record's self-consistency errors.

use super::rules::{evaluate, Check};
use super::{read, District, Record};
use crate::diag::Diagnostic;
use crate::input::typed::{Ctx, Obj};
use crate::input::{self, Source};

pub(crate) const TAIL: &str = "主要成效: 有成效。\n存在不足: 有不足。\n下步打算: 有打算。\n";

/// Phase 1 meeting every rule exactly at its bound: 45 class hours, 3 days
/// of training, other sessions of 2 hours, 1 reflection, 3 banners, 3 issues.
pub(crate) const PHASE1: &str = "文种: 阶段记录
单位: 测试单位
阶段: 1
抄送: 第三督导组
日期: 2026-03-05
联系人: 甲
联系电话: 0577-86521039
党员:
  - {姓名: 甲, 心得: 1}
  - {姓名: 乙, 心得: 2}
  - {姓名: 丙, 离退休: 是, 心得: 1}
学习:
  - {日期: 2026-01-31, 学时: 8, 集中培训: 是}
  - {日期: 2026-02-01, 学时: 8, 集中培训: 是}
  - {日期: 2026-02-07, 学时: 9, 集中培训: 是}
  - {日期: 2026-02-10, 学时: 2}
  - {日期: 2026-02-11, 学时: 2}
  - {日期: 2026-02-12, 学时: 2}
  - {日期: 2026-02-13, 学时: 2}
  - {日期: 2026-02-14, 学时: 2}
  - {日期: 2026-02-15, 学时: 2}
  - {日期: 2026-02-16, 学时: 2}
  - {日期: 2026-02-17, 学时: 2}
  - {日期: 2026-02-18, 学时: 2}
  - {日期: 2026-02-19, 学时: 2}
五个覆盖:
  动员报告: {覆盖人数: 3}
  领导党课: {未覆盖: []}
  理论辅导: {覆盖人数: 3}
  先进事迹报告: {覆盖人数: 3}
  大讨论: {覆盖人数: 3}
两个具体: {公布日期: 2026-02-27}
布标: 3
专栏: 3
开始日期: 2026-01-26
";

/// Phase 2 meeting every rule: 甲 has 60% 满意 (not low), the representative
/// 20 people, the survey 29% poor.
const PHASE2: &str = "文种: 阶段记录
单位: 测试单位
阶段: 2
抄送: 第三督导组
日期: 2026-04-08
联系人: 甲
联系电话: 0577-86521039
党员:
  - {姓名: 甲, 党性分析: 已公示, 测评: {满意: 60, 基本满意: 40}, 评定: 合格}
  - {姓名: 乙, 党性分析: 已公示, 测评: [满意, 满意, 基本满意], 评定: 合格}
  - {姓名: 丙, 离退休: 是, 评定: 合格}
万人评风:
  - {姓名: 代表一, 征求人数: 20}
  - {姓名: 代表二, 征求人数: 25}
单位党性分析: {公示范围: 本单位, 公示日期: 2026-03-27}
离退休组织生活会: {日期: 2026-03-25, 参加人数: 1}
满意度测评:
  日期: 2026-04-03
  对象: {党员: 3, 群众代表: 97}
  计数: {好: 50, 较好: 21, 一般化: 20, 走了过场: 9}
专栏: 3
专题民主生活会: {日期: 2026-03-30}
转段同意: {机关: 区委先教办第三督导组, 日期: 2026-03-06}
";

/// Phase 3 meeting every rule: the questionnaire 29% 不满意.
pub(crate) const PHASE3: &str = "文种: 阶段记录
单位: 测试单位
阶段: 3
日期: 2026-05-15
党员:
  - {姓名: 甲, 支部: 一支部, 整改方案: 已通过}
  - {姓名: 乙, 支部: 一支部, 整改方案: 已通过}
  - {姓名: 丙, 离退休: 是}
支部党员大会:
  - {支部: 一支部, 公示日期: 2026-04-13, 通过日期: 2026-04-17}
单位整改方案: {公示范围: 本单位, 公示日期: 2026-04-15, 批准机关: 上级党委, 批准日期: 2026-04-20, 向社会公开日期: 2026-04-20, 公开承诺: 是}
部门: 是
问卷测评:
  日期: 2026-05-12
  对象: {党员: 2, 群众代表: 98}
  计数: {满意: 60, 基本满意: 11, 不满意: 29}
表彰: {优秀党员: [甲]}
专栏: 3
建章立制: [党员联系服务群众制度]
承诺宣誓: {日期: 2026-05-10}
转段同意: {机关: 区委先教办第三督导组, 日期: 2026-04-09}
";

fn decode(yaml: &str) -> Result<Record, Vec<Diagnostic>> {
    decode_in(yaml, &District::default())
}

/// Decodes `yaml` (with [`TAIL`]) under a district's settings.
fn decode_in(yaml: &str, district: &District) -> Result<Record, Vec<Diagnostic>> {
    let src = Source::new("t.yaml", format!("{yaml}{TAIL}"));
    let docs = input::parse_yaml(&src).expect("test YAML parses");
    let mut ctx = Ctx::new(&src);
    let mut obj = Obj::open(&mut ctx, &docs[0].root, "").expect("a mapping");
    obj.allow(&["文种"]);
    let rec = read::record(&mut ctx, &mut obj, district);
    obj.finish(&mut ctx);
    match rec {
        Some(r) if ctx.errors.is_empty() => Ok(r),
        _ => Err(ctx.errors),
    }
}

/// `base` with `from` replaced by `to` (which must occur).
pub(crate) fn with(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from:?} not in base");
    base.replacen(from, to, 1)
}

fn checks(yaml: &str) -> Vec<Check> {
    let rec = decode(yaml).unwrap_or_else(|e| {
        panic!(
            "decode failed: {:?}",
            e.iter().map(Diagnostic::short).collect::<Vec<_>>()
        )
    });
    evaluate(&rec)
}

fn rule(yaml: &str, id: &str) -> Check {
    checks(yaml)
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn met(yaml: &str, id: &str) -> bool {
    rule(yaml, id).met
}

fn errors(yaml: &str) -> Vec<String> {
    errors_in(yaml, &District::default())
}

fn errors_in(yaml: &str, district: &District) -> Vec<String> {
    match decode_in(yaml, district) {
        Ok(_) => panic!("expected input errors"),
        Err(e) => e.iter().map(Diagnostic::short).collect(),
    }
}

/// A district's settings as its file states them.
fn district(approvers: &[&str], days: u32) -> District {
    District {
        approvers: approvers.iter().map(|s| s.to_string()).collect(),
        publicity_days: days,
        file: Some("district.yaml".into()),
    }
}

#[test]
fn every_base_record_meets_every_rule_of_its_phase() {
    for (base, n) in [(PHASE1, 12), (PHASE2, 12), (PHASE3, 11)] {
        let all = checks(base);
        assert_eq!(all.len(), n);
        for c in all {
            assert!(c.met, "{}: {} ({})", c.id, c.actual, c.required);
        }
    }
}

#[test]
fn study_hours_at_least_45() {
    let under = with(PHASE1, "学时: 9, 集中培训: 是", "学时: 8.9, 集中培训: 是");
    let over = with(PHASE1, "学时: 9, 集中培训: 是", "学时: 9.1, 集中培训: 是");
    assert!(!met(&under, "学时"));
    assert_eq!(rule(&under, "学时").actual, "44.9学时（13次）");
    assert!(rule(&under, "学时")
        .remedy
        .contains("再组织学习不少于0.1学时"));
    assert!(met(PHASE1, "学时"));
    assert!(met(&over, "学时"));
}

#[test]
fn concentrated_training_at_least_3_days_counted_by_date() {
    // Two sessions on one day are one day.
    let under = with(PHASE1, "2026-02-07, 学时: 9", "2026-02-01, 学时: 9");
    let over = with(
        PHASE1,
        "  - {日期: 2026-02-10, 学时: 2}",
        "  - {日期: 2026-02-10, 学时: 6, 集中培训: 是}",
    );
    assert!(!met(&under, "集中培训"));
    assert!(rule(&under, "集中培训").actual.starts_with("2天"));
    assert!(met(PHASE1, "集中培训"));
    assert!(met(&over, "集中培训"));
    assert!(rule(&over, "集中培训").actual.starts_with("4天"));
}

#[test]
fn every_other_session_at_least_2_hours() {
    let line = "  - {日期: 2026-02-10, 学时: 2}";
    let under = with(PHASE1, line, "  - {日期: 2026-02-10, 学时: 1.9}");
    let over = with(PHASE1, line, "  - {日期: 2026-02-10, 学时: 2.1}");
    let c = rule(&under, "每次学时");
    assert!(!c.met);
    assert_eq!(c.detail.as_deref(), Some("2月10日1.9学时"));
    assert_eq!(c.loc.pos.line, 16, "points at the short session");
    assert!(met(PHASE1, "每次学时"));
    assert!(met(&over, "每次学时"));
}

#[test]
fn every_member_writes_at_least_one_reflection() {
    let under = with(PHASE1, "{姓名: 甲, 心得: 1}", "{姓名: 甲, 心得: 0}");
    let absent = with(PHASE1, "{姓名: 甲, 心得: 1}", "{姓名: 甲}");
    let over = with(PHASE1, "{姓名: 甲, 心得: 1}", "{姓名: 甲, 心得: 2}");
    for y in [&under, &absent] {
        let c = rule(y, "学习心得");
        assert!(!c.met);
        assert_eq!(c.detail.as_deref(), Some("未撰写：甲"));
        assert_eq!(c.field, "党员[1].心得");
    }
    assert!(met(PHASE1, "学习心得"));
    assert_eq!(rule(PHASE1, "学习心得").actual, "3/3名，共4篇");
    assert!(met(&over, "学习心得"));
}

#[test]
fn the_five_coverages_reach_every_member() {
    let short = with(PHASE1, "动员报告: {覆盖人数: 3}", "动员报告: {覆盖人数: 2}");
    let named = with(PHASE1, "领导党课: {未覆盖: []}", "领导党课: {未覆盖: [乙]}");
    let gone = with(PHASE1, "  大讨论: {覆盖人数: 3}\n", "");
    assert!(!met(&short, "动员报告覆盖"));
    assert_eq!(rule(&short, "动员报告覆盖").actual, "2/3名");
    let c = rule(&named, "领导党课覆盖");
    assert!(!c.met);
    assert_eq!(c.detail.as_deref(), Some("未覆盖：乙"));
    assert!(c.remedy.contains("对乙补课"));
    assert!(!met(&gone, "大讨论覆盖"));
    assert!(met(PHASE1, "动员报告覆盖"));
    // More than the member list is a typing error, not "over".
    let over = with(PHASE1, "动员报告: {覆盖人数: 3}", "动员报告: {覆盖人数: 4}");
    assert!(errors(&over)[0].contains("覆盖人数 4 多于党员名单中的 3 人"));
    let stranger = with(PHASE1, "未覆盖: []", "未覆盖: [丁]");
    assert!(errors(&stranger)[0].contains("「丁」不在党员名单中"));
}

#[test]
fn two_specifics_in_writing() {
    let none = with(PHASE1, "两个具体: {公布日期: 2026-02-27}\n", "");
    assert!(!met(&none, "两个具体"));
    assert!(met(PHASE1, "两个具体"));
}

#[test]
fn banners_and_column_issues_at_least_3() {
    for (n, ok) in [("2", false), ("3", true), ("4", true)] {
        let b = with(PHASE1, "布标: 3", &format!("布标: {n}"));
        assert_eq!(met(&b, "布标"), ok, "布标 {n}");
        for base in [PHASE1, PHASE2, PHASE3] {
            let c = with(base, "专栏: 3", &format!("专栏: {n}"));
            assert_eq!(met(&c, "专栏"), ok, "专栏 {n}");
        }
    }
    let none = with(PHASE1, "布标: 3\n", "");
    assert!(!met(&none, "布标"));
}

#[test]
fn each_representative_collects_at_least_20_opinions() {
    let at = "{姓名: 代表一, 征求人数: 20}";
    let under = with(PHASE2, at, "{姓名: 代表一, 征求人数: 19}");
    let over = with(PHASE2, at, "{姓名: 代表一, 征求人数: 21}");
    let c = rule(&under, "万人评风");
    assert!(!c.met);
    assert_eq!(c.detail.as_deref(), Some("代表一19人"));
    assert!(met(PHASE2, "万人评风"));
    assert_eq!(
        rule(PHASE2, "万人评风").actual,
        "2名代表，每人20至25人，共45人"
    );
    assert!(met(&over, "万人评风"));
}

#[test]
fn analyses_written_and_publicised_by_every_member_able_to_write() {
    let a = "{姓名: 甲, 党性分析: 已公示";
    let written = with(PHASE2, a, "{姓名: 甲, 党性分析: 已撰写");
    let missing = with(PHASE2, a, "{姓名: 甲");
    let unable = with(PHASE2, a, "{姓名: 甲, 党性分析: 不能书写");
    assert_eq!(
        rule(&written, "党性分析").detail.as_deref(),
        Some("未公示：甲")
    );
    assert_eq!(
        rule(&missing, "党性分析").detail.as_deref(),
        Some("未撰写：甲")
    );
    assert!(!met(&written, "党性分析") && !met(&missing, "党性分析"));
    assert!(met(&unable, "党性分析"));
    assert_eq!(
        rule(&unable, "党性分析").actual,
        "1/1名已撰写并公示（另1名不能书写）"
    );
    let unit = with(PHASE2, "公示日期: 2026-03-27}", "}");
    assert!(!met(&unit, "单位党性分析"));
}

#[test]
fn low_satisfaction_is_under_60_percent_and_requires_a_rewrite() {
    let rated = "测评: {满意: 60, 基本满意: 40}";
    let under = with(PHASE2, rated, "测评: {满意: 59, 基本满意: 41}");
    let over = with(PHASE2, rated, "测评: {满意: 61, 基本满意: 39}");
    let c = rule(&under, "重写");
    assert!(!c.met);
    assert_eq!(c.actual, "满意度不高1名，1名未重写");
    assert_eq!(c.field, "党员[1].重写");
    assert_eq!(rule(PHASE2, "重写").actual, "无满意度不高的党员");
    assert!(met(&over, "重写"));
    let rewritten = with(&under, "评定: 合格}", "评定: 合格, 重写: 是}");
    assert!(met(&rewritten, "重写"));
    assert_eq!(rule(&rewritten, "重写").actual, "满意度不高1名，均已重写");
}

#[test]
fn every_serving_member_is_rated_and_judged() {
    let unrated = with(PHASE2, ", 测评: [满意, 满意, 基本满意]", "");
    let c = rule(&unrated, "民主测评");
    assert!(!c.met);
    assert_eq!(c.actual, "1/2名");
    assert_eq!(c.field, "党员[2].测评");
    let unjudged = with(PHASE2, "基本满意], 评定: 合格}", "基本满意]}");
    assert!(!met(&unjudged, "评定"));
    let failed = with(
        PHASE2,
        "基本满意], 评定: 合格}",
        "基本满意], 评定: 不合格, 处理意见: 限期改正}",
    );
    assert!(met(&failed, "评定"), "a 不合格 verdict is a verdict");
    let rec = decode(&failed).unwrap();
    let listed: Vec<&str> = super::rules::unqualified(&rec)
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(listed, ["乙"]);
}

#[test]
fn retired_members_attend_the_special_meeting_and_may_skip_analysis_and_rating() {
    let m = "参加人数: 1}";
    assert!(!met(&with(PHASE2, m, "参加人数: 0}"), "离退休组织生活会"));
    assert!(met(PHASE2, "离退休组织生活会"));
    let too_many = errors(&with(PHASE2, m, "参加人数: 2}"));
    assert!(too_many[0].contains("多于党员名单中的离退休党员 1 人"));
    // L56 "可以不作": one who chooses to write and be rated is accepted...
    let retired = "{姓名: 丙, 离退休: 是, 评定: 合格}";
    let wrote = with(
        PHASE2,
        retired,
        "{姓名: 丙, 离退休: 是, 党性分析: 已公示, 测评: {满意: 3}, 评定: 合格}",
    );
    for id in ["党性分析", "民主测评", "重写", "评定"] {
        assert!(met(&wrote, id), "{id}");
    }
    assert_eq!(rule(&wrote, "党性分析").actual, "3/3名已撰写并公示");
    // ...and held to what they did: a written analysis is publicised, a low
    // rating asks for a rewrite.
    let unpublished = with(
        PHASE2,
        retired,
        "{姓名: 丙, 离退休: 是, 党性分析: 已撰写, 评定: 合格}",
    );
    assert_eq!(
        rule(&unpublished, "党性分析").detail.as_deref(),
        Some("未公示：丙")
    );
    let low = with(
        PHASE2,
        retired,
        "{姓名: 丙, 离退休: 是, 测评: {满意: 1, 基本满意: 2}, 评定: 合格}",
    );
    assert_eq!(rule(&low, "重写").detail.as_deref(), Some("未重写：丙"));
    // One who does neither is not asked to.
    assert!(met(PHASE2, "党性分析") && met(PHASE2, "民主测评"));
}

#[test]
fn the_branch_judges_every_member_retired_members_included() {
    let unjudged = with(
        PHASE2,
        "{姓名: 丙, 离退休: 是, 评定: 合格}",
        "{姓名: 丙, 离退休: 是}",
    );
    let c = rule(&unjudged, "评定");
    assert!(!c.met);
    assert_eq!(c.field, "党员[3].评定");
    assert_eq!(c.detail.as_deref(), Some("未评定：丙"));
    assert_eq!(rule(PHASE2, "评定").actual, "3/3名（合格3名，不合格0名）");
}

#[test]
fn members_recorded_as_unable_to_write_owe_no_reflection() {
    let unable = with(PHASE1, "{姓名: 甲, 心得: 1}", "{姓名: 甲, 不能书写: 是}");
    let c = rule(&unable, "学习心得");
    assert!(c.met, "{}", c.actual);
    assert_eq!(c.actual, "2/2名，共3篇（另1名不能书写）");
    let silent = with(PHASE1, "{姓名: 甲, 心得: 1}", "{姓名: 甲}");
    assert!(!met(&silent, "学习心得"));
}

#[test]
fn thirty_percent_or_more_poor_answers_means_redo() {
    let base = "计数: {好: 50, 较好: 21, 一般化: 20, 走了过场: 9}";
    let at = with(
        PHASE2,
        base,
        "计数: {好: 50, 较好: 20, 一般化: 20, 走了过场: 10}",
    );
    let over = with(
        PHASE2,
        base,
        "计数: {好: 50, 较好: 19, 一般化: 20, 走了过场: 11}",
    );
    assert!(met(PHASE2, "满意度测评"));
    assert_eq!(rule(PHASE2, "满意度测评").actual, "29/100票，占29.0%");
    assert!(!met(&at, "满意度测评"), "以上 includes the bound");
    assert!(!met(&over, "满意度测评"));
    // 2,999 of 10,000 prints as 30.0% but is under the bound.
    let close = with(
        &with(PHASE2, "群众代表: 97}", "群众代表: 9997}"),
        base,
        "计数: {好: 7001, 一般化: 2999}",
    );
    let c = rule(&close, "满意度测评");
    assert!(c.met, "{}", c.actual);
    assert_eq!(c.actual, "2999/10000票，占30.0%");
    // One line per ballot counts the same.
    let ballots = with(
        PHASE2,
        base,
        "选票: [好, 好, 较好, 一般化, 好, 好, 走了过场, 好, 较好, 好]",
    );
    assert_eq!(rule(&ballots, "满意度测评").actual, "2/10票，占20.0%");
    let typo = with(PHASE2, base, "选票: [好, 一般]");
    assert!(errors(&typo)[0].contains("「一般」不是测评等次"));
    let both = with(PHASE2, base, "计数: {好: 1}\n  选票: [好]");
    assert!(errors(&both)[0].contains("「计数」「选票」只能写一种"));
}

#[test]
fn personal_plans_publicised_and_passed_by_the_branch_meeting() {
    let plan = "{姓名: 甲, 支部: 一支部, 整改方案: 已通过}";
    let publicised = with(PHASE3, plan, "{姓名: 甲, 支部: 一支部, 整改方案: 已公示}");
    let other_branch = with(PHASE3, plan, "{姓名: 甲, 支部: 二支部, 整改方案: 已通过}");
    let c = rule(&publicised, "个人方案");
    assert!(!c.met);
    assert_eq!(c.detail.as_deref(), Some("甲（已公示）"));
    let c = rule(&other_branch, "个人方案");
    assert!(!c.met);
    assert!(c.detail.unwrap().contains("「支部党员大会」中没有二支部"));
    assert!(met(PHASE3, "个人方案"));
    let early = with(PHASE3, "通过日期: 2026-04-17", "通过日期: 2026-04-12");
    assert!(errors(&early)[0]
        .contains("早于公示日期（2026年4月13日）：方案应先公示、后通过或批准（L61）"));
}

#[test]
fn unit_and_department_plans_follow_their_trails() {
    let unapproved = with(
        PHASE3,
        "批准机关: 上级党委, 批准日期: 2026-04-20, 向社会公开日期: 2026-04-20, ",
        "",
    );
    assert!(!met(&unapproved, "单位方案"));
    let unpublished = with(PHASE3, "向社会公开日期: 2026-04-20, ", "");
    assert!(!met(&unpublished, "部门方案"));
    let not_a_department = with(&unpublished, "部门: 是", "部门: 否");
    assert!(met(&not_a_department, "部门方案"));
    let uncommitted = with(PHASE3, "公开承诺: 是", "公开承诺: 否");
    assert!(!met(&uncommitted, "部门方案"));
}

#[test]
fn thirty_percent_or_more_dissatisfied_in_the_questionnaire_means_remedial_work() {
    let base = "计数: {满意: 60, 基本满意: 11, 不满意: 29}";
    let at = with(PHASE3, base, "计数: {满意: 60, 基本满意: 10, 不满意: 30}");
    let over = with(PHASE3, base, "计数: {满意: 60, 基本满意: 9, 不满意: 31}");
    assert!(met(PHASE3, "问卷测评"));
    assert!(!met(&at, "问卷测评"));
    assert!(!met(&over, "问卷测评"));
    let none = with(PHASE3, "表彰: {优秀党员: [甲]}\n", "");
    assert!(!met(&none, "表彰"));
}

/// `base` with one exception appended.
fn excepting(base: &str, rule: &str, approver: &str, date: &str) -> String {
    format!("{base}例外:\n  - {{规则: {rule}, 理由: 办公楼外墙维修不能悬挂, 批准: {approver}, 批准日期: {date}}}\n")
}

#[test]
fn an_approved_exception_passes_a_failing_rule_and_is_stated() {
    let short = with(PHASE1, "布标: 3", "布标: 2");
    let excepted = excepting(&short, "布标", "第三督导组", "2026-03-01");
    let c = rule(&excepted, "布标");
    assert!(!c.met && c.passes());
    assert_eq!(c.status(), "例外");
    assert_eq!(c.exception.unwrap().approver, "第三督导组");
    let unknown = excepting(&short, "布条", "第三督导组", "2026-03-01");
    assert!(errors(&unknown)[0].contains("是否应为「布标」"));
    let other_phase = excepting(&short, "万人评风", "第三督导组", "2026-03-01");
    assert!(errors(&other_phase)[0].contains("不是可选值"));
}

#[test]
fn an_exception_is_approved_only_by_a_body_above_the_unit() {
    let short = with(PHASE1, "布标: 3", "布标: 2");
    for own in ["测试单位", "测试单位党委", "局党委"] {
        let e = errors(&excepting(&short, "布标", own, "2026-03-01"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("例外[1].批准") && e[0].contains("例外须由本单位的上级机关作出"),
            "{e:?}"
        );
    }
    assert!(
        errors(&excepting(&short, "布标", "局党委", "2026-03-01"))[0]
            .contains("不在本区规定的批准机关（区委先教办、督导组）之列")
    );
    assert!(
        errors(&excepting(&short, "布标", "测试单位党委", "2026-03-01"))[0]
            .contains("是本单位，不能自己批准")
    );
    for above in ["区委先教办", "区委先教办第三督导组"] {
        assert!(rule(&excepting(&short, "布标", above, "2026-03-01"), "布标").passes());
    }
    // A district names its own bodies, in its own file.
    let organisation = district(&["区委组织部"], 1);
    let rec = decode_in(
        &excepting(&short, "布标", "区委组织部", "2026-03-01"),
        &organisation,
    );
    let checks = evaluate(&rec.unwrap_or_else(|e| panic!("{e:?}")));
    assert!(checks.iter().find(|c| c.id == "布标").unwrap().passes());
    assert!(errors_in(
        &excepting(&short, "布标", "第三督导组", "2026-03-01"),
        &organisation
    )[0]
    .contains("（区委组织部）之列"));
}

#[test]
fn an_exception_is_dated_inside_the_phase_on_or_before_the_paper() {
    let short = with(PHASE1, "布标: 3", "布标: 2");
    assert!(rule(
        &excepting(&short, "布标", "第三督导组", "2026-03-05"),
        "布标"
    )
    .passes());
    let late = errors(&excepting(&short, "布标", "第三督导组", "2026-03-06"));
    assert!(
        late[0].contains("例外[1].批准日期") && late[0].contains("晚于记录的日期"),
        "{late:?}"
    );
    assert!(rule(
        &excepting(&short, "布标", "第三督导组", "2026-01-26"),
        "布标"
    )
    .passes());
    let early = errors(&excepting(&short, "布标", "第三督导组", "2026-01-25"));
    assert!(
        early[0].contains("早于本阶段的开始日期（2026年1月26日）"),
        "{early:?}"
    );
}

#[test]
fn compulsory_rules_take_no_exception() {
    let redo = with(
        PHASE2,
        "较好: 21, 一般化: 20, 走了过场: 9",
        "较好: 20, 一般化: 20, 走了过场: 10",
    );
    let e = errors(&excepting(&redo, "满意度测评", "区委先教办", "2026-04-01"));
    assert!(
        e[0].contains("例外[1].规则")
            && e[0].contains("规则「满意度测评」不能按例外处理")
            && e[0].contains("L59"),
        "{e:?}"
    );
    let q = with(
        PHASE3,
        "基本满意: 11, 不满意: 29",
        "基本满意: 10, 不满意: 30",
    );
    let e = errors(&excepting(&q, "问卷测评", "区委先教办", "2026-05-13"));
    assert!(
        e[0].contains("规则「问卷测评」不能按例外处理") && e[0].contains("L66"),
        "{e:?}"
    );
    // Just inside: 29% passes without any exception.
    assert!(met(PHASE2, "满意度测评") && met(PHASE3, "问卷测评"));
}

#[test]
fn every_dated_fact_lies_inside_the_phase() {
    // Bounds included: the first and the last day of the phase.
    let first = with(
        PHASE1,
        "日期: 2026-01-31, 学时: 8",
        "日期: 2026-01-26, 学时: 8",
    );
    let last = with(PHASE1, "{公布日期: 2026-02-27}", "{公布日期: 2026-03-05}");
    assert!(decode(&first).is_ok() && decode(&last).is_ok());
    let before = errors(&with(
        PHASE1,
        "日期: 2026-01-31, 学时: 8",
        "日期: 2026-01-25, 学时: 8",
    ));
    assert!(
        before[0].contains("学习[1].日期") && before[0].contains("早于本阶段的开始日期"),
        "{before:?}"
    );
    let after = errors(&with(
        PHASE1,
        "{公布日期: 2026-02-27}",
        "{公布日期: 2026-03-06}",
    ));
    assert!(
        after[0].contains("两个具体.公布日期") && after[0].contains("晚于记录的日期"),
        "{after:?}"
    );
    let survey = errors(&with(PHASE2, "日期: 2026-04-03", "日期: 2026-04-09"));
    assert!(
        survey[0].contains("满意度测评.日期") && survey[0].contains("晚于记录的日期"),
        "{survey:?}"
    );
    // The questionnaire comes before the 总结 (the record's date).
    let q = errors(&with(PHASE3, "日期: 2026-05-12", "日期: 2026-05-16"));
    assert!(q[0].contains("问卷测评.日期"), "{q:?}");
    let undated = errors(&with(PHASE3, "  日期: 2026-05-12\n", ""));
    assert!(
        undated[0].contains("缺少必填字段「日期」") && undated[0].contains("问卷测评"),
        "{undated:?}"
    );
}

#[test]
fn the_phase_starts_on_a_stated_day_or_on_the_consent_to_the_transfer() {
    let none = errors(&with(PHASE1, "开始日期: 2026-01-26\n", ""));
    assert!(none[0].contains("缺少必填字段「开始日期」"), "{none:?}");
    // Phase 2 starts on the consent's day: a fact the day before is refused.
    let early = errors(&with(
        PHASE2,
        "公示日期: 2026-03-27",
        "公示日期: 2026-03-05",
    ));
    assert!(
        early[0].contains("早于本阶段的开始日期（2026年3月6日）"),
        "{early:?}"
    );
    let stated = format!("{PHASE2}开始日期: 2026-03-05\n");
    assert!(errors(&stated)[0].contains("早于转段同意的日期"));
    // Without a consent the phase needs its start, and the rule is unmet.
    let unconsented = with(
        PHASE2,
        "转段同意: {机关: 区委先教办第三督导组, 日期: 2026-03-06}",
        "开始日期: 2026-03-06",
    );
    let c = rule(&unconsented, "转段同意");
    assert!(!c.met && c.id == "转段同意");
    let own = with(PHASE2, "{机关: 区委先教办第三督导组,", "{机关: 测试单位,");
    assert!(
        errors(&own)[0].contains("转段同意.机关")
            && errors(&own)[0].contains("同意转段须由本单位的上级机关作出")
    );
    assert!(met(PHASE2, "转段同意") && met(PHASE3, "转段同意"));
}

#[test]
fn a_plan_is_publicised_a_full_day_before_it_is_passed_or_approved() {
    let same_day = errors(&with(
        PHASE3,
        "通过日期: 2026-04-17",
        "通过日期: 2026-04-13",
    ));
    assert!(
        same_day[0].contains("支部党员大会[1].通过日期")
            && same_day[0].contains("只有0天：公示期不少于1天"),
        "{same_day:?}"
    );
    assert!(decode(&with(
        PHASE3,
        "通过日期: 2026-04-17",
        "通过日期: 2026-04-14"
    ))
    .is_ok());
    let unit = errors(&with(
        PHASE3,
        "批准日期: 2026-04-20",
        "批准日期: 2026-04-15",
    ));
    assert!(
        unit[0].contains("单位整改方案.批准日期") && unit[0].contains("公示期不少于1天"),
        "{unit:?}"
    );
    // A district's longer 公示期.
    let three = district(&super::district::DEFAULT_APPROVERS, 3);
    let two_days = with(PHASE3, "通过日期: 2026-04-17", "通过日期: 2026-04-15");
    assert!(errors_in(&two_days, &three)[0].contains("只有2天：公示期不少于3天"));
    assert!(decode_in(
        &with(PHASE3, "通过日期: 2026-04-17", "通过日期: 2026-04-16"),
        &three
    )
    .is_ok());
}

#[test]
fn a_plan_is_published_to_society_only_after_approval() {
    let early = errors(&with(
        PHASE3,
        "向社会公开日期: 2026-04-20",
        "向社会公开日期: 2026-04-19",
    ));
    assert!(
        early[0].contains("向社会公开日期") && early[0].contains("早于批准日期"),
        "{early:?}"
    );
    assert!(decode(PHASE3).is_ok(), "the day of approval is after it");
}

#[test]
fn a_training_day_holds_a_days_training() {
    // Three dates of half an hour each are not three days.
    let mut half = PHASE1.to_string();
    for (d, h) in [
        ("2026-01-31", "8"),
        ("2026-02-01", "8"),
        ("2026-02-07", "9"),
    ] {
        half = with(
            &half,
            &format!("{{日期: {d}, 学时: {h}, 集中培训: 是}}"),
            &format!("{{日期: {d}, 学时: 0.5, 集中培训: 是}}"),
        );
    }
    let c = rule(&half, "集中培训");
    assert!(!c.met);
    assert_eq!(c.actual, "0天");
    assert!(c
        .detail
        .unwrap()
        .contains("不足6学时、不计为一天：1月31日0.5学时"));
    // 5.9 学时 is not a day, 6 is, and two half-days of 3 on one date are.
    let d = "{日期: 2026-02-07, 学时: 9, 集中培训: 是}";
    let under = with(PHASE1, d, "{日期: 2026-02-07, 学时: 5.9, 集中培训: 是}");
    let at = with(PHASE1, d, "{日期: 2026-02-07, 学时: 6, 集中培训: 是}");
    let halves = with(
        PHASE1,
        d,
        "{日期: 2026-02-07, 学时: 3, 集中培训: 是}\n  - {日期: 2026-02-07, 学时: 3, 集中培训: 是}",
    );
    assert!(!met(&under, "集中培训"));
    assert!(met(&at, "集中培训"));
    assert!(met(&halves, "集中培训"));
    assert!(rule(&halves, "集中培训").actual.starts_with("3天"));
}

#[test]
fn the_procedural_steps_of_phases_2_and_3_are_checked() {
    let no_meeting = with(PHASE2, "专题民主生活会: {日期: 2026-03-30}\n", "");
    assert!(!met(&no_meeting, "专题民主生活会"));
    assert!(met(PHASE2, "专题民主生活会"));
    let no_rules = with(PHASE3, "建章立制: [党员联系服务群众制度]\n", "");
    assert!(!met(&no_rules, "建章立制"));
    let no_oath = with(PHASE3, "承诺宣誓: {日期: 2026-05-10}\n", "");
    assert!(!met(&no_oath, "承诺宣誓"));
    // A member who did not take the oath: absent with a reason, or handled.
    let missed = with(
        PHASE3,
        "{日期: 2026-05-10}",
        "{日期: 2026-05-10, 未参加: [乙]}",
    );
    assert_eq!(
        rule(&missed, "承诺宣誓").detail.as_deref(),
        Some("未参加且未写明缺席原因或组织处理：乙")
    );
    let excused = with(
        &missed,
        "{姓名: 乙, 支部: 一支部, 整改方案: 已通过}",
        "{姓名: 乙, 支部: 一支部, 整改方案: 已通过, 缺席: 住院治疗}",
    );
    assert!(met(&excused, "承诺宣誓"));
    let refused = with(
        &missed,
        "{姓名: 乙, 支部: 一支部, 整改方案: 已通过}",
        "{姓名: 乙, 支部: 一支部, 整改方案: 已通过, 组织处理: 办理退党手续}",
    );
    assert!(met(&refused, "承诺宣誓"));
    // 组织处理 of a member judged 不合格 (L64).
    let failed = with(
        PHASE3,
        "{姓名: 甲, 支部: 一支部, 整改方案: 已通过}",
        "{姓名: 甲, 支部: 一支部, 整改方案: 已通过, 评定: 不合格}",
    );
    let c = rule(&failed, "组织处理");
    assert!(!c.met);
    assert_eq!(c.field, "党员[1].组织处理");
    let handled = with(
        &failed,
        "评定: 不合格}",
        "评定: 不合格, 组织处理: 限期改正}",
    );
    assert!(met(&handled, "组织处理"));
    let wrong = with(
        PHASE3,
        "{姓名: 甲, 支部: 一支部, 整改方案: 已通过}",
        "{姓名: 甲, 支部: 一支部, 整改方案: 已通过, 组织处理: 限期改正}",
    );
    assert!(errors(&wrong)[0].contains("只用于评定为不合格的党员"));
}

#[test]
fn an_organ_whose_name_holds_he_is_one_addressee_of_the_record() {
    let one = format!("{PHASE1}主送: 中共江滨区人力资源和社会保障局党组\n");
    assert_eq!(
        decode(&one).unwrap().addressee,
        "中共江滨区人力资源和社会保障局党组"
    );
    let two = format!("{PHASE1}主送: 区委先教办和督导组\n");
    assert!(errors(&two)[0].contains("请示只能主送一个机关"));
}

#[test]
fn keys_of_another_phase_are_named_as_such() {
    let y = format!("{PHASE1}万人评风: []\n");
    let e = errors(&y);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("「万人评风」属于分析评议阶段（阶段: 2）的记录"));
    let m = with(
        PHASE1,
        "{姓名: 乙, 心得: 2}",
        "{姓名: 乙, 心得: 2, 评定: 合格}",
    );
    assert!(errors(&m)[0].contains("「评定」属于分析评议阶段"));
}

#[test]
fn members_are_listed_once() {
    let y = with(PHASE1, "{姓名: 乙, 心得: 2}", "{姓名: 甲, 心得: 2}");
    let e = errors(&y);
    assert!(
        e[0].contains("党员「甲」重复列出（第 9 行已列出）"),
        "{e:?}"
    );
}

/// The diagnostics of `yaml`, for their codes.
fn diagnostics(yaml: &str) -> Vec<Diagnostic> {
    decode(yaml).err().expect("expected input errors")
}

#[test]
fn a_record_cannot_set_the_districts_rules_for_itself() {
    // The unit naming itself an approver through 本区规定 is refused where
    // the key stands, and told where the district's settings live.
    let short = with(PHASE1, "布标: 3", "布标: 2");
    let own = format!("{short}本区规定: {{例外批准机关: [测试单位上级], 公示天数: 0}}\n");
    let e = diagnostics(&excepting(&own, "布标", "测试单位上级", "2026-03-01"));
    let district_error = e
        .iter()
        .find(|d| d.field.as_deref() == Some("本区规定"))
        .unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(district_error.code, crate::diag::Code::DistrictSetting);
    assert_eq!(district_error.pos.map(|p| (p.line, p.col)), Some((36, 1)));
    assert!(
        district_error.message.contains("由区委先教办统一设定")
            && district_error.message.contains("--district")
            && district_error.message.contains("WENSHU_DISTRICT")
            && district_error
                .message
                .contains("~/.config/wenshu/district.yaml"),
        "{}",
        district_error.message
    );
    // Its approver is judged by the district's defaults, not by its own list.
    assert!(e.iter().any(|d| d.code == crate::diag::Code::Approver));
    // Just inside: the same exception approved by a 督导组 passes.
    assert!(rule(
        &excepting(&short, "布标", "第三督导组", "2026-03-01"),
        "布标"
    )
    .passes());
}

#[test]
fn each_new_rule_error_has_its_own_code() {
    use crate::diag::Code;
    let short = with(PHASE1, "布标: 3", "布标: 2");
    let code = |yaml: &str| diagnostics(yaml)[0].code;
    assert_eq!(
        code(&excepting(&short, "布标", "局党委", "2026-03-01")),
        Code::Approver
    );
    assert_eq!(
        code(&excepting(&short, "布标", "第三督导组", "2026-03-06")),
        Code::DateOrder
    );
    let survey = with(
        PHASE2,
        "专栏: 3",
        "专栏: 3\n例外: [{规则: 满意度测评, 理由: 无, 批准: 第三督导组, 批准日期: 2026-04-01}]",
    );
    assert_eq!(code(&survey), Code::Exception);
    assert_eq!(
        code(&with(
            PHASE3,
            "公示日期: 2026-04-13, 通过日期: 2026-04-17",
            "公示日期: 2026-04-13, 通过日期: 2026-04-13"
        )),
        Code::DateOrder
    );
    assert_eq!(
        code(&with(
            PHASE1,
            "开始日期: 2026-01-26",
            "开始日期: 2026-03-06"
        )),
        Code::DateOrder
    );
}

#[test]
fn the_phase_survey_reaches_every_member_and_the_publics_representatives() {
    // L59: 全体党员和群众代表. One member short is refused at 对象.
    let short = with(
        PHASE2,
        "对象: {党员: 3, 群众代表: 97}",
        "对象: {党员: 2, 群众代表: 98}",
    );
    let c = rule(&short, "满意度测评对象");
    assert!(!c.met && !c.passes(), "{c:?}");
    assert_eq!(c.actual, "党员2/3份、群众代表98份");
    assert_eq!((c.loc.pos.line, c.field.as_str()), (19, "满意度测评.对象"));
    assert!(c
        .detail
        .as_deref()
        .unwrap()
        .contains("少发党员1份：全体党员都要参加"));
    let no_public = with(
        &with(
            PHASE2,
            "对象: {党员: 3, 群众代表: 97}",
            "对象: {党员: 3, 群众代表: 0}",
        ),
        "计数: {好: 50, 较好: 21, 一般化: 20, 走了过场: 9}",
        "计数: {好: 2, 较好: 1}",
    );
    assert!(rule(&no_public, "满意度测评对象")
        .detail
        .unwrap()
        .contains("没有群众代表参加"));
    // Not saying who took part is not meeting the rule.
    let unsaid = with(PHASE2, "  对象: {党员: 3, 群众代表: 97}\n", "");
    assert_eq!(rule(&unsaid, "满意度测评对象").actual, "记录未写测评对象");
    // Just inside: every member and one representative.
    let inside = with(
        &with(
            PHASE2,
            "对象: {党员: 3, 群众代表: 97}",
            "对象: {党员: 3, 群众代表: 1}",
        ),
        "计数: {好: 50, 较好: 21, 一般化: 20, 走了过场: 9}",
        "计数: {好: 3, 较好: 1}",
    );
    assert!(met(&inside, "满意度测评对象"));
    // No exception passes it: the 30% rule's survey is compulsory.
    let excepted = format!("{short}例外: [{{规则: 满意度测评对象, 理由: 出差, 批准: 第三督导组, 批准日期: 2026-04-05}}]\n");
    assert!(errors(&excepted)[0].contains("不能按例外处理"));
    // More than the list, or not adding up to what was handed out, is an error.
    let more = with(
        PHASE2,
        "对象: {党员: 3, 群众代表: 97}",
        "对象: {党员: 4, 群众代表: 97}",
    );
    assert!(errors(&more)[0].contains("发给党员 4 份，多于党员名单中的 3 人"));
    let sum = with(
        PHASE2,
        "对象: {党员: 3, 群众代表: 97}",
        "发放: 120\n  对象: {党员: 3, 群众代表: 97}",
    );
    assert!(errors(&sum)[0].contains("合计 100 份，与「发放」的 120 份不符"));
}

#[test]
fn the_closing_questionnaire_asks_the_public() {
    // L66: 群众满意度; members are not all required there.
    let none = with(
        PHASE3,
        "对象: {党员: 2, 群众代表: 98}",
        "对象: {党员: 100, 群众代表: 0}",
    );
    assert!(errors(&none)[0].contains("多于党员名单"));
    let members_only = with(
        &with(
            PHASE3,
            "对象: {党员: 2, 群众代表: 98}",
            "对象: {党员: 3, 群众代表: 0}",
        ),
        "计数: {满意: 60, 基本满意: 11, 不满意: 29}",
        "计数: {满意: 2, 基本满意: 1, 不满意: 0}",
    );
    assert!(!met(&members_only, "问卷测评对象"));
    let public = with(
        PHASE3,
        "对象: {党员: 2, 群众代表: 98}",
        "对象: {党员: 0, 群众代表: 100}",
    );
    assert!(met(&public, "问卷测评对象"));
    assert_eq!(rule(PHASE3, "问卷测评对象").actual, "党员2份、群众代表98份");
}
