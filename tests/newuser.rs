//! What a new user meets: a starter filled halfway, YAML typed on a Chinese
//! keyboard, kind names copied from `wenshu kinds`, dates in Chinese
//! numerals, a template directory with a misnamed file (issue 12).

mod common;
use common::*;

/// Writes `text` to a scratch file and returns its path.
fn file(name: &str, text: &str) -> String {
    let dir = scratch("newuser");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The 党性分析材料 fixture with `from` replaced by `to`.
fn analysis_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(root().join("fixtures/党性分析材料-个人.yaml")).unwrap();
    assert!(text.contains(from), "fixture lacks {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn a_placeholder_inside_a_paragraph_is_an_error_at_its_own_line() {
    // The starter's second paragraph of 开头, left as it came, after a
    // first paragraph the user did fill in.
    let text = analysis_with(
        "\n\n  学习动员阶段，",
        "\n\n  学习动员阶段【请填写：学习动员阶段的收获】，征求意见【请填写：征求意见情况】。\n\n  学习动员阶段，",
    );
    let f = file("半填.yaml", &text);
    let o = wenshu(&["check", &f]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("半填.yaml:15:9\n"), "{err}");
    assert!(err.contains("半填.yaml:15:29\n"), "{err}");
    assert!(
        err.contains("占位符「【请填写：征求意见情况】」尚未填写"),
        "{err}"
    );
    assert_eq!(err.matches("错误[placeholder]").count(), 2, "{err}");
}

#[test]
fn a_folded_plain_scalar_keeps_no_space_between_chinese_characters() {
    let yaml = "文种: 两个具体\n单位: 江滨区财政局机关党委\n日期: 2026-02-27\n\
                制定经过: 认真学习了党章，\n  撰写心得体会，\n  and wrote notes\n  在 OA 系统公布。\n\
                具体要求:\n  - 标题: 坚定理想信念\n    内容: 认真学习。\n不合格表现:\n  - 标题: 理想信念动摇\n    内容: 认真学习。\n";
    let out = scratch("fold");
    let o = render_to("docx", &file("折行.yaml", yaml), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = docx_text(&docx_in(&out)[0]);
    assert!(
        text.contains("认真学习了党章，撰写心得体会，and wrote notes 在 OA 系统公布。"),
        "{text}"
    );
}

#[test]
fn kind_names_from_wenshu_kinds_are_accepted_as_wenshu_values() {
    let f = file(
        "k.yaml",
        &analysis_with(
            "文种: 党性分析材料\n类型: 个人\n",
            "文种: 党性分析材料-个人\n",
        ),
    );
    let o = wenshu(&["check", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = file(
        "k2.yaml",
        &analysis_with("文种: 党性分析材料\n", "文种: 党性分析材料-单位\n"),
    );
    let err = stderr(&wenshu(&["check", &f]));
    assert!(
        err.contains("错误[inconsistent]：「个人」与文种「党性分析材料-单位」不一致"),
        "{err}"
    );
    let record = std::fs::read_to_string(root().join("fixtures/阶段记录-1.yaml")).unwrap();
    let record = record
        .replacen("文种: 阶段记录\n", "文种: 阶段记录-1\n", 1)
        .replacen("阶段: 1\n", "", 1);
    let o = wenshu(&["check", &file("r.yaml", &record)]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn dates_in_chinese_numerals_are_accepted_and_printed_the_standard_way() {
    let text = std::fs::read_to_string(root().join("fixtures/两个具体.yaml")).unwrap();
    let text = text.replacen("日期: 2026-02-27", "日期: 二〇二六年二月二十七日", 1);
    let out = scratch("cdate");
    let o = render_to("docx", &file("d.yaml", &text), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(docx_text(&docx_in(&out)[0]).contains("2026年2月27日"));
}

#[test]
fn a_wrong_type_is_said_once_without_a_cascade_of_unknown_fields() {
    let o = wenshu(&["check", "fixtures/bad/类型写错只报一次.yaml"]);
    let err = stderr(&o);
    assert_eq!(err.matches("错误[").count(), 1, "{err}");
    assert!(!err.contains("未知字段"), "{err}");
}

#[test]
fn the_list_of_allowed_fields_names_each_field_once() {
    let text = std::fs::read_to_string(root().join("fixtures/阶段记录-2.yaml")).unwrap();
    let text = text.replacen("\n阶段: 2\n", "\n阶段: 2\n随便写写: 1\n", 1);
    let err = stderr(&wenshu(&["check", &file("u.yaml", &text)]));
    let line = err
        .lines()
        .find(|l| l.contains("未知字段「随便写写」"))
        .unwrap_or_else(|| panic!("{err}"));
    let list = line
        .split("此处可用的字段：")
        .nth(1)
        .unwrap_or_else(|| panic!("{line}"));
    let names: Vec<&str> = list.split('、').collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "repeated names in {line}");
}

#[test]
fn no_parser_message_reaches_the_user_in_english() {
    for bad in [
        "文种: 两个具体\n单位: \"没有闭合\n",
        "文种: 两个具体\n  单位: 缩进不对\n日期: x\n",
        "文种: [两个具体\n",
        "文种: 两个具体\n单位: *没有\n",
        "- a\nb: c\n",
    ] {
        let err = stderr(&wenshu(&["check", &file("e.yaml", bad)]));
        let first = err.lines().next().unwrap();
        let message = first
            .strip_prefix("错误[syntax]：")
            .unwrap_or_else(|| panic!("{err}"));
        let english = message
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 4);
        assert_eq!(english.count(), 0, "English in: {message}");
    }
}

#[test]
fn a_template_error_names_the_expression_and_a_stray_template_file_is_named() {
    let dir = scratch("tpl");
    std::fs::write(
        dir.join("两个具体.xml"),
        "<doc>\n<title>{{ 单位 }}</title>\n<p>{{ 没有这个字段 }}</p>\n</doc>\n",
    )
    .unwrap();
    let out = scratch("tplout");
    let o = wenshu(&[
        "render",
        "fixtures/两个具体.yaml",
        "--templates",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("{{ 没有这个字段 }}"), "{err}");
    std::fs::write(dir.join("党性分析材料.xml"), "<doc/>").unwrap();
    let o = wenshu(&[
        "render",
        "fixtures/两个具体.yaml",
        "--templates",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("党性分析材料.xml") && err.contains("党性分析材料-个人.xml"),
        "{err}"
    );
}

/// The batch fixture's roster and table copied into a scratch directory,
/// with the table's text changed by `edit`.
fn roster_with(edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let dir = scratch("clerk");
    for f in ["花名册-整改方案.yaml", "第一党支部党员名单.csv"] {
        std::fs::copy(root().join("fixtures/batch").join(f), dir.join(f)).unwrap();
    }
    let csv = dir.join("第一党支部党员名单.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, edit(text)).unwrap();
    dir
}

#[test]
fn check_validates_every_row_of_a_roster_at_its_cell_and_writes_nothing() {
    let dir = roster_with(|t| {
        t.replacen(
            "陈堃,区财政局党委委员、副局长,2026-04-12",
            "陈堃,区财政局党委委员、副局长,2026-04-32",
            1,
        )
    });
    let before = files_in(&dir).len();
    let o = wenshu(&["check", dir.join("花名册-整改方案.yaml").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("第一党支部党员名单.csv:3:"), "{err}");
    assert!(
        err.contains("单元格 C3，「公示日期」列，第 3 行，陈堃"),
        "{err}"
    );
    assert!(
        err.contains("共 8 行，1 行有错误：第 3 行（陈堃）。"),
        "{err}"
    );
    assert_eq!(files_in(&dir).len(), before, "check wrote something");
    let good = wenshu(&["check", "fixtures/batch/花名册-整改方案.yaml"]);
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(stderr(&good).contains("（8 行，每行一份文书）"));
}

#[test]
fn a_roster_summary_lists_the_first_twenty_failing_rows_and_counts_the_rest() {
    let dir = roster_with(|t| {
        let mut out = String::from("姓名,职务,公示日期,通过日期\n");
        for i in 0..25 {
            out.push_str(&format!("党员{i},科员,2026-04-12,2026-04-10\n"));
        }
        let _ = t;
        out
    });
    let err = stderr(&wenshu(&[
        "check",
        dir.join("花名册-整改方案.yaml").to_str().unwrap(),
    ]));
    assert!(
        err.contains("共 25 行，25 行有错误：第 2 行（党员0）、"),
        "{err}"
    );
    assert!(err.contains("第 21 行（党员19），另有 5 行。"), "{err}");
}

#[test]
fn an_xlsx_roster_without_a_sheet_says_which_sheet_was_read_and_names_the_others() {
    let dir = roster_with(|t| t);
    let csv = dir.join("第一党支部党员名单.csv");
    let xlsx = dir.join("名单.xlsx");
    let script = format!(
        "import csv, openpyxl\nwb = openpyxl.Workbook()\nws = wb.active\nws.title = '在职党员'\nfor row in csv.reader(open({:?}, encoding='utf-8')):\n    ws.append(row)\nws['C5'] = '2026-02-30'\nwb.create_sheet('离退休党员')\nwb.save({:?})\n",
        csv.to_str().unwrap(),
        xlsx.to_str().unwrap()
    );
    let py = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let spec = dir.join("花名册-整改方案.yaml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("第一党支部党员名单.csv", "名单.xlsx");
    std::fs::write(&spec, text).unwrap();
    let err = stderr(&wenshu(&["check", spec.to_str().unwrap()]));
    assert!(err.contains("警告[table]：没有写「工作表」，读取的是第一个工作表「在职党员」；工作簿中还有 「离退休党员」"), "{err}");
    assert!(
        err.contains("单元格 C5（工作表「在职党员」），「公示日期」列，第 5 行"),
        "{err}"
    );
    // No row quoted as joined text with a caret under the wrong cell: the
    // hint names the cell.
    assert!(!err.contains(" | 2026-02-30"), "{err}");
}

#[test]
fn fonts_covers_the_characters_of_a_rosters_table() {
    let dir = roster_with(|t| t.replacen("林晓雯", "林晓𠀾", 1));
    let o = wenshu(&["fonts", dir.join("花名册-整改方案.yaml").to_str().unwrap()]);
    let out = stdout(&o);
    // Every character of the roster YAML and of its table's cells counts.
    let mut chars: Vec<char> = ["花名册-整改方案.yaml", "第一党支部党员名单.csv"]
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(dir.join(f))
                .unwrap()
                .chars()
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_whitespace() && !c.is_ascii())
        .collect();
    chars.sort();
    chars.dedup();
    let body = out.lines().find(|l| l.starts_with("正文")).unwrap();
    assert!(
        body.ends_with(&format!("/{}", chars.len())),
        "{} chars expected:\n{out}",
        chars.len()
    );
}

#[test]
fn new_writes_a_roster_starter() {
    let o = wenshu(&["new", "花名册"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("文种: 花名册"));
    assert!(stdout(&wenshu(&["kinds"])).contains("花名册"));
}

/// The members in the order a batch wrote them, from its manifest.
fn manifest_order(out: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').find(|c| c.contains("整改方案-")))
        .map(|c| {
            c.trim_start_matches("整改方案-")
                .trim_end_matches(".docx")
                .to_string()
        })
        .collect()
}

#[test]
fn sort_orders_names_by_surname_strokes_by_default_and_pinyin_on_request() {
    let out = scratch("sorted");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "batch",
            "fixtures/batch/花名册-整改方案.yaml",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "docx",
            "--sort",
            "党员.姓名",
        ];
        args.extend_from_slice(extra);
        let o = wenshu(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        manifest_order(&out)
    };
    // 王4 刘6 吴7 陈7 周8 林8 郑8 赵9 (equal counts in code point order).
    assert_eq!(
        run(&[]),
        [
            "王珺",
            "刘喆",
            "吴敏",
            "陈堃",
            "周建华",
            "林晓雯",
            "郑晓东",
            "赵丽萍"
        ]
    );
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(
        run(&["--sort-by", "拼音"]),
        [
            "陈堃",
            "林晓雯",
            "刘喆",
            "王珺",
            "吴敏",
            "赵丽萍",
            "郑晓东",
            "周建华"
        ]
    );
}

#[test]
fn an_unknown_sort_field_is_an_error_before_anything_is_written() {
    let out = scratch("badsort");
    let o = wenshu(&[
        "batch",
        "fixtures/batch/花名册-整改方案.yaml",
        "-o",
        out.join("o").to_str().unwrap(),
        "--sort",
        "党员.名字",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("没有任何文书有字段「党员.名字」"),
        "{}",
        stderr(&o)
    );
    assert!(files_in(&out.join("o")).is_empty());
}

/// An empty name cell is the cell's fault, not the shared fields': the
/// message points at the cell (A6) and says it is empty.
#[test]
fn an_empty_cell_whose_field_is_required_is_located_at_the_cell() {
    let dir = roster_with(|t| t.replacen("郑晓东,", ",", 1));
    let o = wenshu(&["check", dir.join("花名册-整改方案.yaml").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("缺少必填字段「姓名」\n  --> ")
            && err.contains("第一党支部党员名单.csv:6:1\n"),
        "{err}"
    );
    assert!(
        err.contains("这一格是空的：「姓名」列每行都要填写"),
        "{err}"
    );
    assert!(err.contains("单元格 A6"), "{err}");
    assert!(!err.contains("共同字段中的问题"), "{err}");
}

/// A field path mistyped in 列 is said once, at its line of 列, not at
/// every row's cell; a mistake in the shared fields is said once too.
#[test]
fn a_mistake_every_row_shares_is_said_once_where_it_is_made() {
    let dir = roster_with(|t| t);
    let spec = dir.join("花名册-整改方案.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let line = text.lines().position(|l| l == "  姓名: 党员.姓名").unwrap() + 1;
    std::fs::write(
        &spec,
        text.replace("  姓名: 党员.姓名", "  姓名: 党员.姓命")
            .replace("  日期: 2026-04-15", "  日期: 2026-04-31"),
    )
    .unwrap();
    let o = wenshu(&["check", spec.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("未知字段「姓命」").count(), 1, "{err}");
    assert!(
        err.contains(&format!("花名册-整改方案.yaml:{line}:3\n")),
        "{err}"
    );
    assert!(err.contains("请改正「列」中的字段路径"), "{err}");
    assert!(!err.contains("第一党支部党员名单.csv:"), "{err}");
    assert_eq!(
        err.matches("「2026-04-31」不是有效日期：2026年4月只有30天")
            .count(),
        1,
        "{err}"
    );
}

/// `check --format json` reads a roster as `check` does: every row, at its
/// cell; a valid roster is ok with a paper per row.
#[test]
fn check_json_validates_a_roster() {
    let good = wenshu(&[
        "check",
        "--format",
        "json",
        "fixtures/batch/花名册-整改方案.yaml",
    ]);
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let v: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "ok");
    assert_eq!(v["files"][0]["papers"], 8);
    let dir = roster_with(|t| {
        t.replacen(
            "郑晓东,区财政局综合科科员,2026-04-12",
            "郑晓东,区财政局综合科科员,2026-04-31",
            1,
        )
    });
    let bad = wenshu(&[
        "check",
        "--format",
        "json",
        dir.join("花名册-整改方案.yaml").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(
        (f["status"].as_str(), f["papers"].as_u64()),
        (Some("error"), Some(7))
    );
    let d = &f["diagnostics"][0];
    assert!(
        d["file"]
            .as_str()
            .unwrap()
            .ends_with("第一党支部党员名单.csv"),
        "{d}"
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(15))
    );
    assert_eq!(d["code"], "bad-date");
}

/// A CSV row typed with full-width commas reads as one cell: said at its
/// line as what it is, not as three missing fields of the shared part.
#[test]
fn a_csv_row_separated_by_full_width_commas_is_named_as_such() {
    let dir = roster_with(|t| {
        t.replacen(
            "郑晓东,区财政局综合科科员,2026-04-12,2026-04-15",
            "郑晓东，区财政局综合科科员，2026-04-12，2026-04-15",
            1,
        )
    });
    let o = wenshu(&["check", dir.join("花名册-整改方案.yaml").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("这一行用全角逗号「，」分隔，只读出 1 格（表头有 4 列）"),
        "{err}"
    );
    assert!(err.contains("第一党支部党员名单.csv:6:1\n"), "{err}");
    assert!(!err.contains("缺少必填字段"), "{err}");
}

/// A row with all its cells, one of them empty and another holding a
/// full-width comma in its text, is an ordinary row, not one typed with
/// full-width separators.
#[test]
fn a_full_width_comma_inside_a_cell_of_a_whole_row_is_text() {
    let dir = roster_with(|t| {
        t.replacen(
            "郑晓东,区财政局综合科科员,2026-04-12,2026-04-15",
            "郑晓东,区财政局综合科科员，兼支部宣传委员,,2026-04-15",
            1,
        )
    });
    let o = wenshu(&["check", dir.join("花名册-整改方案.yaml").to_str().unwrap()]);
    let err = stderr(&o);
    assert!(!err.contains("全角逗号"), "{err}");
}

/// The roster's table given to check: it says what the table is and which
/// file to check instead.
#[test]
fn checking_the_table_itself_points_to_its_roster() {
    let o = wenshu(&["check", "fixtures/batch/第一党支部党员名单.csv"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("这是表格文件，不是 YAML 文书") && err.contains("wenshu check 花名册.yaml"),
        "{err}"
    );
}

/// Two members of one name: both papers are written, and the clerk is told
/// under which name the second went.
#[test]
fn a_second_paper_of_the_same_name_is_kept_and_said() {
    let dir = roster_with(|t| t.replacen("吴敏,", "林晓雯,", 1));
    let out = dir.join("out");
    let o = wenshu(&[
        "batch",
        dir.join("花名册-整改方案.yaml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "docx",
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("第一党支部党员名单.csv 第 5 行的文书「整改方案-林晓雯」与前面的文书同名，这一份存为「整改方案-林晓雯-2」"), "{err}");
    assert!(
        out.join("整改方案-林晓雯-2.docx").exists() && out.join("整改方案-林晓雯.docx").exists()
    );
}

/// A table named with a typo: the error offers the table that is there.
#[test]
fn a_misspelt_table_name_is_answered_with_the_table_beside_it() {
    let dir = roster_with(|t| t);
    let spec = dir.join("花名册-整改方案.yaml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("第一党支部党员名单.csv", "第一党支部党员明单.csv");
    std::fs::write(&spec, text).unwrap();
    let err = stderr(&wenshu(&["check", spec.to_str().unwrap()]));
    assert!(err.contains("无法读取花名册表格"), "{err}");
    assert!(
        err.contains("同一文件夹中有「第一党支部党员名单.csv」，是否应为它？"),
        "{err}"
    );
}

/// 职务 is never printed in a paper, so a member without one is accepted
/// and the paper is written.
#[test]
fn a_member_without_a_post_is_accepted() {
    let text = std::fs::read_to_string(root().join("fixtures/整改方案-个人.yaml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("职务:"))
        .unwrap();
    let f = file("无职务.yaml", &text.replacen(&format!("{line}\n"), "", 1));
    let out = scratch("no-post");
    let o = wenshu(&[
        "render",
        &f,
        "--format",
        "docx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(docx_in(&out).len(), 1);
}
