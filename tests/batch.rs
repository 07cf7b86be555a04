//! `wenshu batch`: rosters, all cores, one print file, safe to interrupt.

mod common;
use common::*;

use std::path::{Path, PathBuf};

/// A roster directory: the shipped roster and its CSV, copied so a test can
/// change the table.
fn roster_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in ["花名册-整改方案.yaml", "第一党支部党员名单.csv"] {
        std::fs::copy(root().join("fixtures/batch").join(f), dir.join(f)).unwrap();
    }
    dir
}

/// Runs the roster in `dir` as a DOCX batch into `out`.
fn run_roster(dir: &Path, out: &Path) -> std::process::Output {
    let spec = dir.join("花名册-整改方案.yaml");
    wenshu(&[
        "batch",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "docx",
    ])
}

fn names(dir: &Path) -> Vec<String> {
    files_in(dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn pdf_pages(path: &Path) -> usize {
    run_tool("pdfinfo", &[path.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap()
}

#[test]
fn a_roster_gives_one_paper_per_row_and_a_bad_row_is_reported_while_the_rest_print() {
    let dir = roster_dir("roster-bad");
    let csv = dir.join("第一党支部党员名单.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(
        &csv,
        text.replace(
            "郑晓东,区财政局综合科科员,2026-04-12",
            "郑晓东,区财政局综合科科员,2026-04-31",
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let o = run_roster(&dir, &out);
    assert_eq!(o.status.code(), Some(1), "a failed row must fail the batch");
    let err = stderr(&o);
    assert!(
        err.contains("第一党支部党员名单.csv:6:15")
            && err.contains("字段：审批.公示日期")
            && err.contains("「公示日期」列，第 6 行"),
        "{err}"
    );
    assert!(err.contains("成功 7 项，失败 1 项"), "{err}");
    let docx: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.ends_with(".docx"))
        .collect();
    assert_eq!(docx.len(), 7);
    assert!(!docx.iter().any(|n| n.contains("郑晓东")));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    let bad = entries.iter().find(|e| e["row"] == 6).unwrap();
    assert_eq!(bad["status"], "失败");
    assert!(bad["errors"][0].as_str().unwrap().contains("2026-04-31"));
    for e in entries.iter().filter(|e| e["status"] == "成功") {
        let o = &e["outputs"][0];
        let bytes = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["bytes"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(o["sha256"].as_str().unwrap().len(), 64);
    }
    assert!(std::fs::read_to_string(out.join("manifest.csv"))
        .unwrap()
        .contains("失败"));
    // The entries were kept in a journal of wenshu's while the batch ran;
    // it goes with the batch.
    let temporaries: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");
}

#[test]
fn an_xlsx_roster_reads_like_the_csv() {
    let dir = roster_dir("roster-xlsx");
    let xlsx = dir.join("名单.xlsx");
    let script = format!(
        "import csv, openpyxl\nwb = openpyxl.Workbook()\nws = wb.active\nfor row in csv.reader(open({:?}, encoding='utf-8')):\n    ws.append(row)\nwb.save({:?})\n",
        dir.join("第一党支部党员名单.csv").to_str().unwrap(),
        xlsx.to_str().unwrap()
    );
    run_tool("python3", &["-c", &script]);
    let spec = std::fs::read_to_string(dir.join("花名册-整改方案.yaml"))
        .unwrap()
        .replace("第一党支部党员名单.csv", "名单.xlsx");
    std::fs::write(dir.join("花名册-整改方案.yaml"), spec).unwrap();
    let out = dir.join("out");
    let o = run_roster(&dir, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        names(&out).iter().filter(|n| n.ends_with(".docx")).count(),
        8
    );
    let xml = docx_text(&out.join("整改方案-王珺.docx"));
    assert!(
        xml.contains("王珺") && xml.contains("于2026年4月12日在"),
        "the row's cells reach the paper"
    );
}

/// Inputs of every shape: a directory (recursively), a multi-document file
/// and a roster, in one run.
fn mixed_inputs(dir: &Path) -> Vec<String> {
    let tree = dir.join("tree/sub");
    std::fs::create_dir_all(&tree).unwrap();
    for f in [
        "两个具体.yaml",
        "转段申请-1.yaml",
        "阶段小结-2.yaml",
        "党性分析材料-个人.yaml",
    ] {
        std::fs::copy(root().join("fixtures").join(f), tree.join(f)).unwrap();
    }
    let a = std::fs::read_to_string(root().join("fixtures/整改方案-个人.yaml")).unwrap();
    let b = std::fs::read_to_string(root().join("fixtures/党性分析材料-领导干部.yaml")).unwrap();
    std::fs::write(dir.join("多份.yaml"), format!("{a}\n---\n{b}")).unwrap();
    vec![
        dir.join("tree").display().to_string(),
        dir.join("多份.yaml").display().to_string(),
        root()
            .join("fixtures/batch/花名册-整改方案.yaml")
            .display()
            .to_string(),
    ]
}

#[test]
fn any_number_of_threads_gives_byte_identical_files_and_print_file() {
    let dir = scratch("jobs");
    let inputs = mixed_inputs(&dir);
    let mut runs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.join(format!("out-{jobs}"));
        let merged = dir.join(format!("merged-{jobs}.pdf"));
        let mut args: Vec<&str> = vec!["batch"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend([
            "-o",
            out.to_str().unwrap(),
            "-j",
            jobs,
            "--merge",
            merged.to_str().unwrap(),
        ]);
        let o = wenshu(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("进度："),
            "plain progress lines when not on a terminal"
        );
        runs.push((out, merged));
    }
    let (a, b) = (&runs[0], &runs[1]);
    assert_eq!(names(&a.0), names(&b.0));
    for (x, y) in files_in(&a.0).iter().zip(files_in(&b.0)) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(&y).unwrap(),
            "{} differs between -j 1 and -j 2",
            x.display()
        );
    }
    assert_eq!(
        std::fs::read(&a.1).unwrap(),
        std::fs::read(&b.1).unwrap(),
        "merged files differ"
    );
    // 4 files from the tree + 2 from the multi-document file + 8 roster rows.
    assert_eq!(
        names(&a.0).iter().filter(|n| n.ends_with(".pdf")).count(),
        14
    );
}

#[test]
fn the_merged_print_file_starts_every_paper_on_an_odd_page_and_embeds_each_face_once() {
    let dir = scratch("merge");
    let inputs = mixed_inputs(&dir);
    let out = dir.join("out");
    let merged = dir.join("合订本.pdf");
    let mut args: Vec<&str> = vec!["batch"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend([
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--merge",
        merged.to_str().unwrap(),
    ]);
    let o = wenshu(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    run_tool("qpdf", &["--check", merged.to_str().unwrap()]);
    // Papers in input order, as the manifest lists their outputs.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let mut papers = Vec::new();
    for e in manifest["entries"].as_array().unwrap() {
        for o in e["outputs"].as_array().unwrap() {
            papers.push(out.join(o["path"].as_str().unwrap()));
        }
    }
    let mut expected_first_pages = Vec::new();
    let mut page = 1;
    for p in &papers {
        expected_first_pages.push(page);
        let n = pdf_pages(p);
        page += n + n % 2; // the next paper starts on the next odd page
    }
    let last = pdf_pages(papers.last().unwrap());
    let total = pdf_pages(&merged);
    assert_eq!(total, page - 1 - last % 2, "page count");
    // Each paper's first page holds its own page 1; the pages before an odd
    // start that a paper did not fill are blank, with no page number.
    for (p, first) in papers.iter().zip(&expected_first_pages) {
        let ours: String = run_tool(
            "pdftotext",
            &["-f", "1", "-l", "1", p.to_str().unwrap(), "-"],
        )
        .split_whitespace()
        .collect();
        let there: String = run_tool(
            "pdftotext",
            &[
                "-f",
                &first.to_string(),
                "-l",
                &first.to_string(),
                merged.to_str().unwrap(),
                "-",
            ],
        )
        .split_whitespace()
        .collect();
        assert_eq!(ours, there, "{} should start on page {first}", p.display());
        if *first > 1 && pdf_pages(p) > 0 {
            let before = first - 1;
            let prev_text: String = run_tool(
                "pdftotext",
                &[
                    "-f",
                    &before.to_string(),
                    "-l",
                    &before.to_string(),
                    merged.to_str().unwrap(),
                    "-",
                ],
            )
            .split_whitespace()
            .collect();
            if prev_text.is_empty() {
                continue; // a blank page: right
            }
            assert!(
                prev_text.contains('—'),
                "page {before} is neither blank nor numbered"
            );
        }
    }
    // One bookmark per paper, named after its file, opening its first page.
    let outline: serde_json::Value = serde_json::from_str(&run_tool(
        "qpdf",
        &["--json", "--json-key=outlines", merged.to_str().unwrap()],
    ))
    .unwrap();
    let marks = outline["outlines"].as_array().unwrap();
    assert_eq!(marks.len(), papers.len());
    for ((mark, p), first) in marks.iter().zip(&papers).zip(&expected_first_pages) {
        assert_eq!(
            mark["title"].as_str().unwrap(),
            p.file_stem().unwrap().to_str().unwrap()
        );
        assert_eq!(mark["destpageposfrom1"].as_u64().unwrap() as usize, *first);
    }
    let fonts = run_tool("pdffonts", &[merged.to_str().unwrap()]);
    let mut faces: Vec<String> = fonts
        .lines()
        .skip(2)
        .map(|l| {
            l.split_whitespace()
                .next()
                .unwrap()
                .split_once('+')
                .unwrap()
                .1
                .to_string()
        })
        .collect();
    let n = faces.len();
    faces.sort();
    faces.dedup();
    assert_eq!(faces.len(), n, "a face embedded twice:\n{fonts}");
}

#[test]
fn an_interrupted_batch_resumed_gives_the_same_output_as_one_run() {
    let dir = scratch("resume");
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let text = std::fs::read_to_string(root().join("fixtures/党性分析材料-个人.yaml")).unwrap();
    for i in 0..240 {
        let t = text.replace("林晓雯", &format!("林晓雯{i:03}"));
        std::fs::write(inputs.join(format!("{i:03}.yaml")), t).unwrap();
    }
    // A clean run to compare with.
    let clean = dir.join("clean");
    let o = wenshu(&[
        "batch",
        inputs.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "-j",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Start, and kill it once some papers are out.
    let out = dir.join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args([
            "batch",
            inputs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-j",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        // Wait for some papers and a first manifest (written once a second).
        let n = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
        if (n >= 40 && out.join("manifest.json").exists()) || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = names(&out).iter().filter(|n| n.ends_with(".pdf")).count();
    assert!(
        done < 240,
        "the batch finished before it could be interrupted ({done} papers)"
    );
    // Nothing written under its final name is partial.
    for f in files_in(&out) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&f).unwrap();
        if name.ends_with(".pdf") {
            assert!(bytes.ends_with(b"%%EOF\n"), "{name} is partial");
        } else if name.ends_with(".docx") {
            assert!(
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok(),
                "{name} is partial"
            );
        }
    }

    let o = wenshu(&[
        "batch",
        inputs.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-j",
        "2",
        "--resume",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("沿用上次的输出"), "{}", stderr(&o));
    assert_eq!(names(&out), names(&clean), "no temporary file may remain");
    for (x, y) in files_in(&out).iter().zip(files_in(&clean)) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(&y).unwrap(),
            "{} differs from a clean run",
            x.display()
        );
    }
}

#[test]
fn shards_partition_the_inputs() {
    let dir = scratch("shard");
    let inputs = mixed_inputs(&dir);
    let mut seen: Vec<(String, Option<u64>)> = Vec::new();
    for k in ["1/3", "2/3", "3/3"] {
        let out = dir.join(format!("out-{}", &k[..1]));
        let mut args: Vec<&str> = vec!["batch"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend([
            "-o",
            out.to_str().unwrap(),
            "--format",
            "docx",
            "--shard",
            k,
        ]);
        let o = wenshu(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        for e in m["entries"].as_array().unwrap() {
            let key = (e["input"].as_str().unwrap().to_string(), e["row"].as_u64());
            assert!(!seen.contains(&key), "{key:?} in two shards");
            seen.push(key);
        }
    }
    assert_eq!(seen.len(), 4 + 1 + 8, "every input in exactly one shard");
    let bad = wenshu(&[
        "batch",
        "fixtures",
        "-o",
        dir.join("x").to_str().unwrap(),
        "--shard",
        "4/3",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_mistake_in_the_shared_fields_fails_every_row_but_is_said_once() {
    let dir = roster_dir("roster-shared");
    let spec = dir.join("花名册-整改方案.yaml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("  日期: 2026-04-15", "  日期: 2026-04-31");
    std::fs::write(&spec, text).unwrap();
    let out = dir.join("out");
    let o = run_roster(&dir, &out);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(
        err.matches("「2026-04-31」不是有效日期").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("花名册-整改方案.yaml:11:7") && err.contains("失败 8 项"),
        "{err}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["status"] == "失败"));
}

/// A roster with a bad row and `--merge`: the book is not written (it
/// would lack a member) and the terminal says who; with `--allow-missing`
/// it is, opening with a page that lists the row, the papers after it
/// still starting on right-hand pages.
#[test]
fn a_merged_book_never_silently_lacks_a_member() {
    let dir = roster_dir("merge-missing");
    let csv = dir.join("第一党支部党员名单.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let bad = text.replace(
        "郑晓东,区财政局综合科科员,2026-04-12",
        "郑晓东,区财政局综合科科员,2026-04-31",
    );
    std::fs::write(&csv, bad).unwrap();
    let spec = dir.join("花名册-整改方案.yaml");
    let (out, book) = (dir.join("out"), dir.join("合订本.pdf"));
    let run = |extra: &[&str]| {
        let mut args = vec![
            "batch",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            "pdf",
            "--merge",
            book.to_str().unwrap(),
        ];
        args.extend(extra);
        wenshu(&args)
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(!book.exists(), "a book without 郑晓东 was written");
    assert!(
        err.contains("合并打印文件没有生成")
            && err.contains("第一党支部党员名单.csv 第 6 行（郑晓东）\n")
            && err.contains("--allow-missing"),
        "{err}"
    );
    // The summary lists the failing row too, and no temporary file stays.
    assert!(err.contains("没有生成文书的项："), "{err}");
    assert!(
        names(&dir).iter().all(|n| !n.ends_with(".tmp")),
        "{:?}",
        names(&dir)
    );

    let o = run(&["--allow-missing"]);
    assert_eq!(o.status.code(), Some(1), "the row still failed");
    let err = stderr(&o);
    assert!(err.contains("首页列出缺少的 1 项"), "{err}");
    run_tool("qpdf", &["--check", book.to_str().unwrap()]);
    let first: String = run_tool(
        "pdftotext",
        &["-f", "1", "-l", "1", book.to_str().unwrap(), "-"],
    )
    .split_whitespace()
    .collect();
    assert!(
        first.contains("本合订本缺少的文书")
            && first.contains("第6行")
            && first.contains("郑晓东")
            && first.contains("2026-04-31"),
        "{first}"
    );
    let outline: serde_json::Value = serde_json::from_str(&run_tool(
        "qpdf",
        &["--json", "--json-key=outlines", book.to_str().unwrap()],
    ))
    .unwrap();
    let marks = outline["outlines"].as_array().unwrap();
    assert_eq!(marks.len(), 8, "the list and 7 papers");
    assert_eq!(marks[0]["title"], "本合订本缺少的文书");
    assert_eq!(marks[0]["destpageposfrom1"], 1);
    for m in &marks[1..] {
        assert_eq!(m["destpageposfrom1"].as_u64().unwrap() % 2, 1, "{m}");
        assert!(!m["title"].as_str().unwrap().contains("郑晓东"));
    }
}

/// A batch whose inputs are valid but whose 阶段记录 misses a rule ends
/// with the refusal's exit code, as `render` does.
#[test]
fn a_batch_of_refused_records_exits_three() {
    let out = scratch("batch-refused").join("out");
    let refused = refused_fixtures();
    let mut args = vec!["batch".to_string()];
    args.extend(refused.iter().take(2).map(|p| p.display().to_string()));
    args.extend([
        "-o".into(),
        out.display().to_string(),
        "--format".into(),
        "docx".into(),
    ]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = wenshu(&argv);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("未达标 2 项"), "{}", stderr(&o));
}

/// A resume redoes a record when a file it names changed (the ballot CSV,
/// the previous phase's record, and that record's CSV in turn), and every
/// record when the district's settings changed; otherwise it keeps them.
#[test]
fn a_resume_redoes_a_record_whose_named_files_or_district_changed() {
    let dir = scratch("resume-reads");
    for f in [
        "阶段记录-2.yaml",
        "阶段记录-3.yaml",
        "阶段记录-2-满意度测评.csv",
    ] {
        std::fs::copy(root().join("fixtures").join(f), dir.join(f)).unwrap();
    }
    let out = dir.join("out");
    let run = |district: Option<&Path>| {
        let mut args = vec![
            "batch".to_string(),
            dir.join("阶段记录-2.yaml").display().to_string(),
            dir.join("阶段记录-3.yaml").display().to_string(),
            "-o".into(),
            out.display().to_string(),
            "--format".into(),
            "docx".into(),
            "--resume".into(),
        ];
        if let Some(d) = district {
            args.extend(["--district".into(), d.display().to_string()]);
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = wenshu(&argv);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    run(None);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let reads = |i: usize| -> Vec<String> {
        manifest["entries"][i]["reads"]
            .as_array()
            .map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert!(
        reads(0)
            .iter()
            .any(|p| p.ends_with("阶段记录-2-满意度测评.csv")),
        "{manifest}"
    );
    assert!(
        reads(1).iter().any(|p| p.ends_with("阶段记录-2.yaml")),
        "{manifest}"
    );
    assert!(
        reads(1)
            .iter()
            .any(|p| p.ends_with("阶段记录-2-满意度测评.csv")),
        "{manifest}"
    );
    assert!(run(None).contains("（其中 2 项沿用上次的输出）"));
    // The CSV both records depend on: both redone.
    let csv = dir.join("阶段记录-2-满意度测评.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push('\n');
    std::fs::write(&csv, text).unwrap();
    let err = run(None);
    assert!(!err.contains("沿用上次的输出"), "{err}");
    // Only the previous phase's record changed: the record naming it is redone.
    let prev = dir.join("阶段记录-2.yaml");
    let text = std::fs::read_to_string(&prev).unwrap();
    std::fs::write(&prev, format!("{text}\n# 补记一行注释\n")).unwrap();
    let err = run(None);
    assert!(!err.contains("沿用上次的输出"), "{err}");
    assert!(run(None).contains("（其中 2 项沿用上次的输出）"));
    // Another district's settings: nothing is kept.
    let district = dir.join("本区规定.yaml");
    std::fs::write(
        &district,
        "例外批准机关: [区委先教办, 督导组, 区委组织部]\n公示天数: 1\n",
    )
    .unwrap();
    let err = run(Some(&district));
    assert!(!err.contains("沿用上次的输出"), "{err}");
    assert!(run(Some(&district)).contains("（其中 2 项沿用上次的输出）"));
}
