//! Bad input: every error located, in Chinese, all at once, nothing written.

mod common;
use common::*;

/// What a run printed must equal `X.expected`; with `WENSHU_BLESS=1` the
/// file is written from the run instead (review `git diff fixtures/` before
/// committing):
///     WENSHU_BLESS=1 cargo test --test inputs
fn expect_messages(path: &std::path::Path, got: &str) {
    let file = path.with_extension("expected");
    if std::env::var_os("WENSHU_BLESS").is_some() {
        std::fs::write(&file, got).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap();
    assert_eq!(got, expected, "{}: messages differ", path.display());
}

/// One test per bad fixture, so a failing case does not hide the others; a
/// test below fails if a fixture has no case here.
macro_rules! cases {
    ($list:ident, $run:ident: $($name:ident => $file:literal,)*) => {
        $( #[test] fn $name() { $run($file) } )*
        const $list: &[&str] = &[$($file),*];
    };
}

cases! { BAD, bad_case:
    bad_别名膨胀 => "别名膨胀",
    bad_占位符未填 => "占位符未填",
    bad_多份中一份有错 => "多份中一份有错",
    bad_整改事项多处错误 => "整改事项多处错误",
    bad_整改方案成文日期早于通过 => "整改方案成文日期早于通过",
    bad_文种写错 => "文种写错",
    bad_未知字段 => "未知字段",
    bad_版头格式错误 => "版头格式错误",
    bad_类型错误 => "类型错误",
    bad_语法错误 => "语法错误",
    bad_请示多个主送 => "请示多个主送",
    bad_请示版头缺签发人 => "请示版头缺签发人",
    bad_阶段记录多处错误 => "阶段记录-多处错误",
    bad_阶段记录测评票文件 => "阶段记录-测评票文件",
    bad_阶段记录处理意见和参加人数 => "阶段记录-处理意见和参加人数",
    bad_阶段记录漏洞 => "阶段记录-漏洞",
    bad_阶段记录上阶段未达标 => "阶段记录-上阶段未达标",
    bad_领导干部缺三观 => "领导干部缺三观",
    bad_全角冒号 => "全角冒号",
    bad_缩进用了制表符和全角空格 => "缩进用了制表符和全角空格",
    bad_类型写错只报一次 => "类型写错只报一次",
}

cases! { REFUSED, refused_case:
    refused_学时不足 => "阶段记录-1-学时不足",
    refused_满意度测评补课 => "阶段记录-2-满意度测评补课",
    refused_问卷不满意 => "阶段记录-3-问卷不满意",
}

#[test]
fn every_bad_and_refused_fixture_has_its_own_test() {
    for (dir, list) in [("fixtures/bad", BAD), ("fixtures/refused", REFUSED)] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                assert!(
                    list.contains(&stem.as_str()),
                    "{dir}/{stem}.yaml has no test case"
                );
            }
        }
    }
}

/// fixtures/bad/X.yaml fails with exactly the diagnostics in X.expected and
/// leaves the output directory empty (no paper, no temporary file).
fn bad_case(stem: &str) {
    let rel = format!("fixtures/bad/{stem}.yaml");
    let out = scratch("bad");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        &rel,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{rel}: exit code");
    expect_messages(&root().join(&rel), &stderr(&o));
    assert!(
        files_in(&out).is_empty(),
        "{rel}: wrote {:?}",
        files_in(&out)
    );
    let c = wenshu(&["check", &rel]);
    assert_eq!(c.status.code(), Some(1), "{rel}: check exit code");
    assert_eq!(
        stderr(&c),
        stderr(&o),
        "{rel}: check and render say different things"
    );
}

#[test]
fn all_errors_of_a_file_are_reported_at_once() {
    let o = wenshu(&["check", "fixtures/bad/整改事项多处错误.yaml"]);
    let err = stderr(&o);
    for field in [
        "整改事项[2].完成时限",
        "整改事项[3].协调单位",
        "整改事项[4].类别",
        "整改事项[4].完成时限",
        "审批.通过日期",
    ] {
        assert!(
            err.contains(&format!("字段：{field}\n")),
            "missing {field} in\n{err}"
        );
    }
}

/// A 阶段记录's 版头 heads the paper it sends up (its 请示 or 总结): without
/// a 签发人 it is refused at the 版头's key (GB/T 9704 7.2.6), and with one
/// the same record renders.
#[test]
fn a_record_with_a_letterhead_but_no_signer_is_refused() {
    let dir = scratch("record-signer");
    let record = std::fs::read_to_string(root().join("fixtures/阶段记录-1.yaml")).unwrap();
    let letterhead =
        "\n版头:\n  发文机关: 中共江滨区财政局机关委员会\n  发文字号: 区财党〔2026〕4号\n";
    let unsigned = dir.join("unsigned.yaml");
    std::fs::write(&unsigned, format!("{record}{letterhead}")).unwrap();
    let out = dir.join("out");
    let o = wenshu(&[
        "render",
        unsigned.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let line = record.lines().count() + 2;
    assert!(err.contains("须写「签发人」（GB/T 9704 7.2.6）"), "{err}");
    assert!(err.contains(&format!("unsigned.yaml:{line}:1")), "{err}");
    assert!(err.contains("字段：版头.签发人"), "{err}");
    assert!(!out.exists() || files_in(&out).is_empty());
    let signed = dir.join("signed.yaml");
    std::fs::write(&signed, format!("{record}{letterhead}  签发人: 杨振华\n")).unwrap();
    let o = wenshu(&[
        "render",
        signed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_good_file_still_renders_beside_a_bad_one() {
    let out = scratch("mixed");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        "fixtures/bad/未知字段.yaml",
        "fixtures/两个具体.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let names: Vec<String> = files_in(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["两个具体-江滨区财政局机关党委.docx"]);
}

#[test]
fn alias_fan_out_is_refused_in_well_under_a_second() {
    // 42 KB: an anchor of 6,000 items used 6,000 times would be 36 M nodes.
    let n = 6000;
    let mut y = String::from("文种: 两个具体\n单位: &u [");
    y.push_str(&vec!["甲"; n].join(","));
    y.push_str("]\n日期: [");
    y.push_str(&vec!["*u"; n].join(","));
    y.push_str("]\n");
    assert!(y.len() > 40_000);
    let dir = scratch("alias");
    let f = dir.join("bomb.yaml");
    std::fs::write(&f, y).unwrap();
    let start = std::time::Instant::now();
    let o = wenshu(&["check", f.to_str().unwrap()]);
    assert!(
        start.elapsed().as_millis() < 1000,
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("别名展开超出预算"), "{}", stderr(&o));
}

#[test]
fn oversized_files_are_refused_before_reading() {
    let dir = scratch("big");
    let f = dir.join("big.yaml");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    let o = wenshu(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("文件过大"), "{}", stderr(&o));
}

#[test]
fn encodings_bom_crlf_and_gbk_are_read_correctly() {
    let text = std::fs::read_to_string(root().join("fixtures/两个具体.yaml")).unwrap();
    let dir = scratch("enc");
    let variants: [(&str, Vec<u8>); 3] = [
        (
            "bom.yaml",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("crlf.yaml", text.replace('\n', "\r\n").into_bytes()),
        (
            "gbk.yaml",
            encoding_rs::GB18030.encode(&text).0.into_owned(),
        ),
    ];
    let reference = scratch("enc-ref");
    assert!(wenshu(&[
        "render",
        "--format",
        "docx",
        "fixtures/两个具体.yaml",
        "-o",
        reference.to_str().unwrap()
    ])
    .status
    .success());
    let want = std::fs::read(&files_in(&reference)[0]).unwrap();
    for (name, bytes) in variants {
        let f = dir.join(name);
        std::fs::write(&f, bytes).unwrap();
        let out = scratch("enc-out");
        let o = wenshu(&[
            "render",
            "--format",
            "docx",
            f.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(
            std::fs::read(&files_in(&out)[0]).unwrap(),
            want,
            "{name}: output differs"
        );
    }
}

#[test]
fn non_utf8_text_that_is_not_a_paper_is_refused_not_garbled() {
    let dir = scratch("latin1");
    let f = dir.join("latin1.yaml");
    std::fs::write(&f, b"\xC9t\xE9: caf\xE9\n").unwrap();
    let o = wenshu(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不是 UTF-8 编码"), "{}", stderr(&o));
}

#[test]
fn existing_output_is_replaced_whole_and_no_temporary_file_remains() {
    let out = scratch("atomic");
    let target = out.join("两个具体-江滨区财政局机关党委.docx");
    let args = [
        "render",
        "--format",
        "docx",
        "fixtures/两个具体.yaml",
        "-o",
        out.to_str().unwrap(),
    ];
    let o = wenshu(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = std::fs::read(&target).unwrap();
    assert!(first.starts_with(b"PK"));
    // Its own output, unchanged: a second run replaces it, whole.
    let o = wenshu(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&target).unwrap(), first);
    assert_eq!(files_in(&out), vec![target]);
}

/// A file wenshu did not write, or one it wrote that was edited since, is
/// never replaced: the run fails naming it and writes nothing of that
/// input; `--force` replaces it.
#[test]
fn a_file_that_is_not_wenshus_own_is_never_replaced_without_force() {
    let out = scratch("own");
    let target = out.join("两个具体-江滨区财政局机关党委.docx");
    let render = |extra: &[&str]| {
        let mut args = vec![
            "render",
            "fixtures/两个具体.yaml",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        wenshu(&args)
    };
    std::fs::write(&target, b"the user's own").unwrap();
    let o = render(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("错误[output]：已存在，不是文书写的文件，文书不会覆盖它")
            && err.contains(&format!("--> {}", target.display()))
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"the user's own");
    // Nothing of that input is written: not its PDF either.
    assert_eq!(files_in(&out), vec![target.clone()]);

    let o = render(&["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&target).unwrap().starts_with(b"PK"));
    // Edited by hand after wenshu wrote it: refused again.
    let mut edited = std::fs::read(&target).unwrap();
    edited.extend_from_slice(b"edited");
    std::fs::write(&target, &edited).unwrap();
    let o = render(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("写出后被改动过"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&target).unwrap(), edited);
    // A directory or a symlink at an output path is never written through.
    let pdf = out.join("两个具体-江滨区财政局机关党委.pdf");
    std::fs::remove_file(&pdf).unwrap();
    std::fs::create_dir(&pdf).unwrap();
    let o = render(&["--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不是普通文件"), "{}", stderr(&o));
}

#[test]
fn output_names_stay_inside_the_output_directory() {
    let text = std::fs::read_to_string(root().join("fixtures/两个具体.yaml")).unwrap();
    let evil = text.replacen(
        "单位: 江滨区财政局机关党委",
        "单位: ../../逃逸/..\\\\CON:*?",
        1,
    );
    assert_ne!(evil, text);
    let dir = scratch("evil");
    let f = dir.join("evil.yaml");
    std::fs::write(&f, evil).unwrap();
    let out = dir.join("out/nested");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        f.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = files_in(&out);
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(!name.contains(['/', '\\', ':', '*', '?']), "{name}");
    assert_eq!(files_in(&dir).len(), 2, "nothing written beside the input");
}

#[test]
fn same_names_in_one_run_get_numbered() {
    let out = scratch("dup");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        "fixtures/两个具体.yaml",
        "fixtures/两个具体.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let names: Vec<String> = files_in(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "两个具体-江滨区财政局机关党委-2.docx",
            "两个具体-江滨区财政局机关党委.docx"
        ]
    );
}

#[test]
fn starters_are_refused_until_filled_then_accepted() {
    let kinds = stdout(&wenshu(&["kinds"]));
    let mut n = 0;
    for line in kinds.lines() {
        let kind = line.split('\t').next().unwrap().trim();
        n += 1;
        let o = wenshu(&["new", kind]);
        assert!(o.status.success(), "new {kind}");
        let starter = stdout(&o);
        let dir = scratch("starter");
        let f = dir.join("s.yaml");
        std::fs::write(&f, &starter).unwrap();
        if kind == "花名册" {
            // The table the filled starter names, with the columns it maps.
            std::fs::write(
                dir.join("党员名单.csv"),
                "姓名,职务,公示日期,通过日期\n林晓雯,科员,2026-04-12,2026-04-15\n",
            )
            .unwrap();
        }
        let unfilled = wenshu(&["check", f.to_str().unwrap()]);
        assert_eq!(
            unfilled.status.code(),
            Some(1),
            "{kind}: unfilled starter accepted"
        );
        assert!(stderr(&unfilled).contains("尚未填写，请换成实际内容"));
        std::fs::write(&f, fill_placeholders(&starter)).unwrap();
        let filled = wenshu(&["check", f.to_str().unwrap()]);
        if kind.starts_with("阶段记录") {
            // A filled record is valid input; its sample figures (a few
            // members, four sessions) may still miss rules: that is a
            // refusal with a rule table, never an input error.
            assert!(
                stdout(&filled).contains("结论："),
                "{kind}: filled starter refused:\n{}",
                stderr(&filled)
            );
            let said = stderr(&filled);
            assert!(
                !said.lines().any(|l| l.starts_with("错误[")),
                "{kind}: filled starter has an input error:\n{said}"
            );
            assert!(said.contains("未达标[rule-unmet]：未达到规则") || filled.status.success());
            continue;
        }
        assert!(
            filled.status.success(),
            "{kind}: filled starter refused:\n{}",
            stderr(&filled)
        );
    }
    assert_eq!(n, 18);
    let bad = wenshu(&["new", "党性分析"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("党性分析材料"));
}

#[test]
fn help_is_in_chinese() {
    let o = wenshu(&["--help"]);
    let text = stdout(&o);
    assert!(text.contains("用法") && text.contains("生成文书"), "{text}");
    let o = wenshu(&["render", "--format", "docx", "--help"]);
    assert!(stdout(&o).contains("输出目录"));
}

/// fixtures/refused/X.yaml is a valid 阶段记录 that misses rules: the run
/// fails with exactly X.expected, names each unmet rule, and writes the
/// 补课清单 and nothing else. `check` prints the rule table on stdout.
fn refused_case(stem: &str) {
    let rel = format!("fixtures/refused/{stem}.yaml");
    let out = scratch("refused");
    let o = wenshu(&["render", &rel, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{rel}: exit code (rules unmet)");
    let said = stderr(&o);
    expect_messages(&root().join(&rel), &said);
    let written = files_in(&out);
    assert!(
        written.iter().all(|p| p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("补课清单-")),
        "{rel}: wrote {written:?}"
    );
    assert_eq!(docx_in(&out).len(), 1, "{rel}: wrote {written:?}");

    let c = wenshu(&["check", &rel]);
    assert_eq!(
        c.status.code(),
        Some(3),
        "{rel}: check exit code (rules unmet)"
    );
    assert_eq!(
        stderr(&c),
        said,
        "{rel}: check and render say different things"
    );
    let table = stdout(&c);
    let unmet: Vec<&str> = said
        .lines()
        .filter_map(|l| l.strip_prefix("未达标[rule-unmet]：未达到规则「"))
        .map(|l| l.split('」').next().unwrap())
        .collect();
    assert!(!unmet.is_empty(), "{rel}: names no rule");
    for rule in unmet {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("{rule} ")))
            .unwrap_or_else(|| panic!("{rel}: no row for {rule} in\n{table}"));
        assert!(row.contains("未达标"), "{rel}: {row}");
        assert!(
            row.contains(&format!("{rel}:")),
            "{rel}: row names no line: {row}"
        );
    }
    assert!(table.contains("结论："), "{table}");
}

#[test]
fn a_record_that_meets_every_rule_yields_its_summary_and_transfer_request() {
    let c = wenshu(&["check", "fixtures/阶段记录-1.yaml"]);
    assert!(c.status.success(), "{}", stderr(&c));
    let table = stdout(&c);
    for rule in [
        "学时",
        "集中培训",
        "每次学时",
        "学习心得",
        "两个具体",
        "布标",
        "专栏",
    ] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("{rule} ")))
            .unwrap_or_else(|| panic!("no row for {rule}"));
        assert!(
            row.contains("达标") && row.contains("fixtures/阶段记录-1.yaml:"),
            "{row}"
        );
    }
    assert!(
        table.contains("结论：12 条规则全部达标，可以申请转入分析评议阶段。"),
        "{table}"
    );
    // The phase-2 record passes one rule by an approved exception and says so.
    let c = wenshu(&["check", "fixtures/阶段记录-2.yaml"]);
    assert!(c.status.success(), "{}", stderr(&c));
    let table = stdout(&c);
    assert!(
        table.contains("按例外处理，区委先教办第三督导组于2026年3月26日批准"),
        "{table}"
    );
    assert!(
        table.contains("满意度测评") && table.contains("fixtures/阶段记录-2-满意度测评.csv:2-147")
    );
    assert!(table.contains("重点帮助（满意度不高：“满意”票不足60%，须重写党性分析材料）：苏晓东"));
    // Every rule names its source line; wenshu's readings and the district's
    // settings are stated in the table, not in the papers.
    for (rule, line) in [
        ("专题民主生活会", "L56"),
        ("满意度测评", "L59"),
        ("转段同意", "L72"),
    ] {
        let row = table.lines().find(|l| l.starts_with(&format!("{rule} ")));
        assert!(
            row.is_some_and(|r| r.contains(&format!(" {line} "))),
            "{rule} in\n{table}"
        );
    }
    assert!(table.contains("重写：按 wenshu 的理解，满意度不高：“满意”票不足60%"));
    assert!(table.contains("本区规定（默认；区委先教办可用 --district 文件"));
    assert!(table.contains("：例外和转段同意须由区委先教办、督导组批准；方案公示期不少于1天"));
    let c = wenshu(&["check", "fixtures/阶段记录-1.yaml"]);
    assert!(stdout(&c).contains("集中培训：按 wenshu 的理解，一天须有不少于6学时的集中培训"));
    assert!(table.contains("评定为不合格、须作组织处理：无"));
}

/// Without its approved exception the phase-2 record is refused on that
/// rule; the CSV beside it is found relative to the record, wherever it is.
#[test]
fn removing_an_exception_refuses_the_transfer_and_there_is_no_switch_to_force_it() {
    let dir = scratch("no-exception");
    let text = std::fs::read_to_string(root().join("fixtures/阶段记录-2.yaml")).unwrap();
    let start = text.find("例外:").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &text[..start], &text[end + 2..]);
    std::fs::write(dir.join("记录.yaml"), without).unwrap();
    std::fs::copy(
        root().join("fixtures/阶段记录-2-满意度测评.csv"),
        dir.join("阶段记录-2-满意度测评.csv"),
    )
    .unwrap();
    let rec = dir.join("记录.yaml");
    let out = dir.join("out");
    let o = wenshu(&["render", rec.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "rules unmet");
    let err = stderr(&o);
    assert!(err.contains("未达到规则「离退休组织生活会」"), "{err}");
    assert!(err.contains("不能转入整改提高阶段"), "{err}");
    let stems: Vec<String> = files_in(&out)
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        stems
            .iter()
            .all(|s| s == "补课清单-江滨区财政局机关党委-第2阶段"),
        "{stems:?}"
    );
    assert_eq!(docx_in(&out).len(), 1);
    // No flag forces it: --force only lets wenshu replace files that are
    // not its own; the transfer is refused just the same.
    let forced = wenshu(&[
        "render",
        rec.to_str().unwrap(),
        "--force",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(forced.status.code(), Some(3), "refused, as without it");
    assert!(
        stderr(&forced).contains("不能转入整改提高阶段"),
        "{}",
        stderr(&forced)
    );
    let after: Vec<String> = files_in(&out)
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(after, stems);
}

#[test]
fn a_roster_given_to_render_points_to_batch_and_an_empty_batch_is_an_error() {
    let dir = scratch("empty-batch");
    let o = wenshu(&[
        "render",
        "fixtures/batch/花名册-整改方案.yaml",
        "-o",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("wenshu batch"), "{}", stderr(&o));
    let o = wenshu(&[
        "batch",
        dir.to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("没有找到任何 YAML 文件"));
}

/// `wenshu` with the district file named by `$WENSHU_DISTRICT`.
fn wenshu_in_district(district: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(args)
        .current_dir(root())
        .env("WENSHU_DISTRICT", district)
        .env("XDG_CONFIG_HOME", root().join("target/no-user-config"))
        .output()
        .expect("run wenshu")
}

/// Who may approve and how long a plan is publicised is the district
/// office's to set, in its own file (`--district`, `$WENSHU_DISTRICT`):
/// a record is judged by it, the table says which file, and a broken or
/// missing file stops everything with a located error.
#[test]
fn the_districts_settings_come_from_its_own_file_not_from_the_units_record() {
    let dir = scratch("district");
    let file = dir.join("district.yaml");
    let file_arg = file.display().to_string();
    // A district whose only approver is its 组织部: the 督导组's approval of
    // the phase-2 record's exception (line 173) is refused where it stands,
    // and so is its consent to the transfer (line 8).
    std::fs::write(&file, "例外批准机关: [区委组织部]\n").unwrap();
    let o = wenshu(&["check", "--district", &file_arg, "fixtures/阶段记录-2.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fixtures/阶段记录-2.yaml:173:")
            && stderr(&o).contains("fixtures/阶段记录-2.yaml:8:8")
            && stderr(&o).contains("不在本区规定的批准机关（区委组织部）之列"),
        "{}",
        stderr(&o)
    );
    // Just inside: the district's defaults accept it.
    let o = wenshu(&["check", "fixtures/阶段记录-2.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // A 公示期 of 5 days from the environment: the branch plan publicised
    // on 4-13 and passed on 4-17 (line 111) is refused; 4 days pass, and the
    // table names the file the settings came from.
    std::fs::write(&file, "公示天数: 5\n").unwrap();
    let o = wenshu_in_district(&file, &["check", "fixtures/阶段记录-3.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fixtures/阶段记录-3.yaml:111:")
            && stderr(&o).contains("公示期不少于5天"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&file, "公示天数: 4\n").unwrap();
    let o = wenshu_in_district(&file, &["check", "fixtures/阶段记录-3.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("本区规定（取自 {file_arg}）：例外和转段同意须由区委先教办、督导组批准；方案公示期不少于4天")),
        "{}",
        stdout(&o)
    );
    let json = wenshu_in_district(
        &file,
        &["check", "--format", "json", "fixtures/阶段记录-3.yaml"],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let district = &v["files"][0]["rules"][0]["district"];
    assert_eq!(district["publicity_days"], 4, "{v}");
    assert_eq!(district["file"], file_arg.as_str(), "{v}");

    // A broken district file: nothing is checked, the error stands in it.
    std::fs::write(&file, "公示天数: 0\n").unwrap();
    let o = wenshu(&[
        "render",
        "--district",
        &file_arg,
        "-o",
        &dir.display().to_string(),
        "fixtures/阶段记录-3.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{file_arg}:1:")) && stderr(&o).contains("公示期至少1天"),
        "{}",
        stderr(&o)
    );
    assert!(!dir
        .join("总结-中共江滨区财政局机关委员会-第3阶段.docx")
        .exists());
    let missing = dir.join("无此文件.yaml").display().to_string();
    let o = wenshu(&[
        "batch",
        "--district",
        &missing,
        "-o",
        &dir.display().to_string(),
        "fixtures/阶段记录-3.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("无法读取文件"), "{}", stderr(&o));
}

/// A unit's 党性分析材料 analyses its organisation and leadership team
/// (L45, L48), not a person's 人生观: a unit's 二查 written as a person's
/// views is refused where it stands; the four parts of the team's own
/// building pass, and the paper prints them.
#[test]
fn a_units_analysis_looks_for_causes_in_its_leadership_not_in_a_persons_outlook() {
    let dir = scratch("unit-analysis");
    let text = std::fs::read_to_string(root().join("fixtures/党性分析材料-单位.yaml")).unwrap();
    let person = text.replacen("  思想建设: |", "  人生观: |", 1);
    let file = dir.join("单位.yaml");
    std::fs::write(&file, person).unwrap();
    let o = wenshu(&["check", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("单位.yaml:20:3") && e.contains("不是个人的人生观（L45、L48）"),
        "{e}"
    );
    assert!(e.contains("缺少必填字段「思想建设」"), "{e}");
    assert!(!e.contains("未知字段"), "{e}");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        "-o",
        &dir.display().to_string(),
        "fixtures/党性分析材料-单位.yaml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = docx_text(&dir.join("党性分析材料-江滨区财政局机关党委.docx"));
    for part in [
        "思想建设方面",
        "组织建设方面",
        "作风建设方面",
        "制度执行方面",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    for view in ["世界观", "人生观", "价值观"] {
        assert!(!text.contains(view), "{view} in {text}");
    }
}

/// A phase's start may follow from the previous phase's record
/// (`上阶段记录`): its date, the day the transfer was applied for, is the
/// earliest this phase starts; a fact before it is refused where it stands,
/// a consent before it too, and a record of the wrong phase or unit.
#[test]
fn a_phase_starts_no_earlier_than_the_previous_phases_record_it_names() {
    let dir = scratch("previous-record");
    for f in [
        "阶段记录-2.yaml",
        "阶段记录-2-满意度测评.csv",
        "阶段记录-1.yaml",
    ] {
        std::fs::copy(root().join("fixtures").join(f), dir.join(f)).unwrap();
    }
    let phase3 = std::fs::read_to_string(root().join("fixtures/阶段记录-3.yaml")).unwrap();
    let check = |name: &str, text: &str| {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        wenshu(&["check", &file.display().to_string()])
    };
    // With the consent, it makes the start; the table says so.
    let o = wenshu(&["check", "fixtures/阶段记录-3.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2026年4月9日至2026年5月15日；开始日期取自转段同意的日期"),
        "{}",
        stdout(&o)
    );
    // Without it, the phase-2 record's date (2026-04-08) is the start.
    let unconsented = phase3.replacen(
        "转段同意: {机关: 区委先教办第三督导组, 日期: 2026-04-09}\n",
        "",
        1,
    );
    let inside = unconsented.replacen(
        "公示日期: 2026-04-13, 通过日期: 2026-04-17",
        "公示日期: 2026-04-08, 通过日期: 2026-04-17",
        1,
    );
    let o = check("就在其内.yaml", &inside);
    assert!(
        stdout(&o).contains("2026年4月8日至2026年5月15日；开始日期取自上阶段记录")
            && stdout(&o).contains("阶段记录-2.yaml 的日期"),
        "{}",
        stdout(&o)
    );
    let before = unconsented.replacen(
        "公示日期: 2026-04-13, 通过日期: 2026-04-17",
        "公示日期: 2026-04-07, 通过日期: 2026-04-17",
        1,
    );
    let o = check("早于.yaml", &before);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "错误[date-order]：公示日期（2026年4月7日）早于本阶段的开始日期（2026年4月8日）"
        ) && stderr(&o).contains("早于.yaml:110:"),
        "{}",
        stderr(&o)
    );
    // A consent before the application.
    let early = phase3.replacen("日期: 2026-04-09}", "日期: 2026-04-07}", 1);
    let o = check("同意过早.yaml", &early);
    assert!(
        stderr(&o).contains("同意过早.yaml:7:")
            && stderr(&o).contains("转段同意的日期（2026年4月7日）早于上阶段记录"),
        "{}",
        stderr(&o)
    );
    // A record of another phase.
    let wrong = phase3.replacen(
        "上阶段记录: 阶段记录-2.yaml",
        "上阶段记录: 阶段记录-1.yaml",
        1,
    );
    let o = check("错阶段.yaml", &wrong);
    assert!(
        stderr(&o).contains("错阶段.yaml:8:")
            && stderr(&o).contains(
                "是学习动员阶段的记录；本记录是整改提高阶段，上阶段记录应为分析评议阶段的"
            ),
        "{}",
        stderr(&o)
    );
    let missing = phase3.replacen(
        "上阶段记录: 阶段记录-2.yaml",
        "上阶段记录: 无此记录.yaml",
        1,
    );
    let o = check("缺记录.yaml", &missing);
    assert!(stderr(&o).contains("无法读取上阶段记录"), "{}", stderr(&o));
    // A record naming itself is read once, never in a loop.
    let itself = phase3.replacen("上阶段记录: 阶段记录-2.yaml", "上阶段记录: 自指.yaml", 1);
    let o = check("自指.yaml", &itself);
    assert!(
        stderr(&o).contains("是整改提高阶段的记录；本记录是整改提高阶段"),
        "{}",
        stderr(&o)
    );
}
