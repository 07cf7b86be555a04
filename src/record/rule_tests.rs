//! Every rule just under, at and over its bound, read from YAML as a unit
//! writes it; and the record's self-consistency errors.

use super::rules::{evaluate, Check};
use super::{read, Record};
use crate::diag::Diagnostic;
use crate::input::{self, Source};
use crate::input::typed::{Ctx, Obj};

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
  - {姓名: 丙, 离退休: 是}
万人评风:
  - {姓名: 代表一, 征求人数: 20}
  - {姓名: 代表二, 征求人数: 25}
单位党性分析: {公示范围: 本单位, 公示日期: 2026-03-27}
离退休组织生活会: {日期: 2026-03-25, 参加人数: 1}
满意度测评:
  计数: {好: 50, 较好: 21, 一般化: 20, 走了过场: 9}
专栏: 3
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
  计数: {满意: 60, 基本满意: 11, 不满意: 29}
表彰: {优秀党员: [甲]}
专栏: 3
";

fn decode(yaml: &str) -> Result<Record, Vec<Diagnostic>> {
    let src = Source::new("t.yaml", format!("{yaml}{TAIL}"));
    let docs = input::parse_yaml(&src).expect("test YAML parses");
    let mut ctx = Ctx::new(&src);
    let mut obj = Obj::open(&mut ctx, &docs[0].root, "").expect("a mapping");
    obj.allow(&["文种"]);
    let rec = read::record(&mut ctx, &mut obj);
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
    match decode(yaml) {
        Ok(_) => panic!("expected input errors"),
        Err(e) => e.iter().map(Diagnostic::short).collect(),
    }
}

#[test]
fn every_base_record_meets_every_rule_of_its_phase() {
    for (base, n) in [(PHASE1, 12), (PHASE2, 9), (PHASE3, 6)] {
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
        "  - {日期: 2026-02-10, 学时: 2, 集中培训: 是}",
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
    assert_eq!(c.actual, "满意度较低1名，1名未重写");
    assert_eq!(c.field, "党员[1].重写");
    assert_eq!(rule(PHASE2, "重写").actual, "无满意度较低的党员");
    assert!(met(&over, "重写"));
    let rewritten = with(&under, "评定: 合格}", "评定: 合格, 重写: 是}");
    assert!(met(&rewritten, "重写"));
    assert_eq!(rule(&rewritten, "重写").actual, "满意度较低1名，均已重写");
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
fn retired_members_attend_the_special_meeting_and_are_never_rated() {
    let m = "参加人数: 1}";
    assert!(!met(&with(PHASE2, m, "参加人数: 0}"), "离退休组织生活会"));
    assert!(met(PHASE2, "离退休组织生活会"));
    let too_many = errors(&with(PHASE2, m, "参加人数: 2}"));
    assert!(too_many[0].contains("多于党员名单中的离退休党员 1 人"));
    let rated = with(
        PHASE2,
        "{姓名: 丙, 离退休: 是}",
        "{姓名: 丙, 离退休: 是, 党性分析: 已公示, 测评: {满意: 3}}",
    );
    let e = errors(&rated);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("党员[3].党性分析") && e[0].contains("离退休职工党员不写党性分析材料"));
    assert!(e[1].contains("党员[3].测评") && e[1].contains("不参加满意度测评"));
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
    let close = with(PHASE2, base, "计数: {好: 7001, 一般化: 2999}");
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
    assert!(errors(&early)[0].contains("应先在支部内公示、后经支部党员大会通过"));
}

#[test]
fn unit_and_department_plans_follow_their_trails() {
    let unapproved = with(PHASE3, "批准机关: 上级党委, 批准日期: 2026-04-20, ", "");
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

#[test]
fn an_approved_exception_passes_a_failing_rule_and_is_stated() {
    let short = with(PHASE1, "布标: 3", "布标: 2");
    let excepted = format!(
        "{short}例外:\n  - {{规则: 布标, 理由: 办公楼外墙维修不能悬挂, 批准: 第三督导组, 批准日期: 2026-03-01}}\n"
    );
    let c = rule(&excepted, "布标");
    assert!(!c.met && c.passes());
    assert_eq!(c.status(), "例外");
    assert_eq!(c.exception.unwrap().approver, "第三督导组");
    let unknown =
        format!("{short}例外:\n  - {{规则: 布条, 理由: 某, 批准: 某, 批准日期: 2026-03-01}}\n");
    assert!(errors(&unknown)[0].contains("是否应为「布标」"));
    let late =
        format!("{short}例外:\n  - {{规则: 布标, 理由: 某, 批准: 某, 批准日期: 2026-03-06}}\n");
    assert!(errors(&late)[0].contains("晚于记录的日期"));
    let other_phase =
        format!("{short}例外:\n  - {{规则: 万人评风, 理由: 某, 批准: 某, 批准日期: 2026-03-01}}\n");
    assert!(errors(&other_phase)[0].contains("不是可选值"));
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
