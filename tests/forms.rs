//! The printed forms (issue 14): every form kind from its starter and from
//! its fixture in DOCX and PDF, read back by python-docx, qpdf, pdftotext and
//! LibreOffice; the ballots of a 30-member roster in one merged print file;
//! the QR code of each ballot scanned by zbarimg from our PDF and from
//! LibreOffice's; returned ballots counted back by serial with `check`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const KINDS: [&str; 7] = [
    "评议表",
    "征求意见表",
    "民主测评票",
    "满意度问卷",
    "问卷测评表",
    "公示",
    "承诺书",
];

fn ext(files: &[PathBuf], e: &str) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == e))
        .cloned()
        .collect()
}

fn pages(pdf: &Path) -> usize {
    run_tool("qpdf", &["--show-npages", pdf.to_str().unwrap()])
        .trim()
        .parse()
        .unwrap()
}

/// pdftotext's text of `pdf` (pages `from`–`to`, or all), with the
/// whitespace it puts between runs taken out.
fn pdf_text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let (f, l) = pages.map_or((String::new(), String::new()), |(f, l)| {
        (f.to_string(), l.to_string())
    });
    let mut args = vec![pdf.to_str().unwrap(), "-"];
    if pages.is_some() {
        args = vec!["-f", &f, "-l", &l, pdf.to_str().unwrap(), "-"];
    }
    run_tool("pdftotext", &args).split_whitespace().collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// Renders `inputs` as DOCX and PDF into a new scratch directory; returns
/// the directory and its files.
fn render_both(name: &str, inputs: &[String]) -> (PathBuf, Vec<PathBuf>) {
    let out = scratch(name);
    let mut args: Vec<&str> = vec!["render", "--format", "docx,pdf"];
    args.extend(inputs.iter().map(String::as_str));
    let o_str = out.to_str().unwrap().to_string();
    args.extend(["-o", &o_str]);
    let o = wenshu(&args);
    assert!(o.status.success(), "render failed: {}", stderr(&o));
    let files = files_in(&out);
    (out, files)
}

#[test]
fn every_form_renders_from_its_starter_and_its_fixture_in_both_formats() {
    // The starters, filled as a user would.
    let dir = scratch("form-starters");
    let mut inputs = Vec::new();
    for kind in KINDS {
        let o = wenshu(&["new", kind]);
        assert!(o.status.success(), "new {kind}");
        let f = dir.join(format!("{kind}.yaml"));
        std::fs::write(&f, fill_placeholders(&stdout(&o))).unwrap();
        inputs.push(f.display().to_string());
    }
    let fixtures: Vec<String> = files_in(&root().join("fixtures/forms"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| rel(p))
        .collect();
    assert_eq!(fixtures.len(), 9);
    // Starters and fixtures in directories of their own: some share names.
    let (starters_out, mut files) = render_both("form-starters-out", &inputs);
    assert_eq!(files.len(), 14, "{files:?}");
    let (out, fixture_files) = render_both("forms", &fixtures);
    files.extend(fixture_files);
    let pdfs = ext(&files, "pdf");
    let docx = ext(&files, "docx");
    assert_eq!((pdfs.len(), docx.len()), (16, 16), "{files:?}");
    for kind in KINDS {
        assert!(
            pdfs.iter()
                .any(|p| p.file_name().unwrap().to_string_lossy().starts_with(kind)),
            "{kind}"
        );
    }
    // qpdf finds no damage; pdftotext reads the forms' fixed words.
    for p in &pdfs {
        run_tool("qpdf", &["--check", p.to_str().unwrap()]);
        let text = pdf_text(p, None);
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let want: &[&str] = match name.split('-').next().unwrap() {
            "民主测评票" => &["编号：CP", "满意", "基本满意", "不满意", "□"],
            "满意度问卷" => &["编号：MY-0001", "一般化", "走了过场", "找准了"],
            "问卷测评表" => &["编号：WJ-0001", "整改", "基本满意"],
            "评议表" => &[
                "编号：PY-0001",
                "“万人评风”评议表",
                "20名以上群众",
                "代表（签名）：",
            ],
            "征求意见表" => &["征求意见表", "可不署名"],
            "公示" => &["的公示", "公示期为", "联系电话"],
            "承诺书" => &["共产党员公开承诺书", "郑重承诺", "承诺人（签名）："],
            other => panic!("unexpected output {other}"),
        };
        for w in want {
            assert!(text.contains(w), "{name}: no 「{w}」 in\n{text}");
        }
    }
    // The 公示 states the period and counts its days; the 承诺书 takes the
    // member's commitments from their 整改方案.
    let notice = out.join("公示-党性分析材料-江滨区财政局机关党委.pdf");
    let text = pdf_text(&notice, None);
    assert!(
        text.contains("公示期为2026年3月25日至2026年3月31日（共7天）"),
        "{text}"
    );
    let pledge = out.join("承诺书-江滨区财政局机关第一党支部.pdf");
    let text = pdf_text(&pledge, None);
    assert!(
        text.contains("林晓雯") && text.contains("于2026年6月30日前完成"),
        "{text}"
    );
    // python-docx reads every DOCX (page, grid, footers, form rows whole).
    let mut args = vec![root()
        .join("tests/support/check_docx.py")
        .display()
        .to_string()];
    args.extend(docx.iter().map(|p| p.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let json = run_tool("python3", &argv);
    assert_eq!(json.lines().count(), docx.len());
    assert!(json.contains("民主评议党员满意度测评票"));
    // LibreOffice lays every DOCX out on as many pages as our PDF has.
    for dir in [&starters_out, &out] {
        let lo = dir.join("lo");
        std::fs::create_dir_all(&lo).unwrap();
        let here = ext(&files_in(dir), "docx");
        libreoffice_to_pdf(&here, &lo);
        for d in &here {
            let stem = d.file_stem().unwrap().to_string_lossy().into_owned();
            let ours = pages(&dir.join(format!("{stem}.pdf")));
            let theirs = pages(&lo.join(format!("{stem}.pdf")));
            assert_eq!(
                ours, theirs,
                "{stem}: our PDF {ours} pages, LibreOffice {theirs}"
            );
        }
    }
    // One copy a page: 3 representatives, 3 ballot sheets, 30 members one
    // ballot each, 4 and 2 questionnaires, 2 opinion forms, 2 commitments.
    let count = |stem: &str| pages(&out.join(format!("{stem}.pdf")));
    assert_eq!(count("评议表-区委先教办"), 3);
    assert_eq!(count("民主测评票-江滨区财政局机关第一党支部"), 3);
    assert_eq!(count("民主测评票-江滨区财政局机关党委"), 30);
    assert_eq!(count("满意度问卷-江滨区财政局"), 4);
    assert_eq!(count("问卷测评表-江滨区财政局"), 2);
    assert_eq!(count("征求意见表-江滨区财政局"), 2);
    assert_eq!(count("承诺书-江滨区财政局机关第一党支部"), 2);
}

/// The serial zbarimg reads from page `page` of `pdf`, rendered at 300 dpi.
fn scan(pdf: &Path, page: usize, dir: &Path) -> String {
    let png = dir.join(format!("scan-{page}"));
    let n = page.to_string();
    run_tool(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            "-f",
            &n,
            "-l",
            &n,
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let out = run_tool(
        "zbarimg",
        &["-q", "--raw", png.with_extension("png").to_str().unwrap()],
    );
    out.trim().to_string()
}

#[test]
fn each_ballots_qr_code_scans_to_its_printed_serial_from_both_pdfs() {
    let (out, files) = render_both("forms-qr", &["fixtures/forms/民主测评票.yaml".to_string()]);
    let pdf = ext(&files, "pdf").remove(0);
    let lo = out.join("lo");
    std::fs::create_dir_all(&lo).unwrap();
    libreoffice_to_pdf(&ext(&files, "docx"), &lo);
    let lo_pdf = lo.join(pdf.file_name().unwrap());
    for page in 1..=3 {
        let serial = format!("CP-{page:04}");
        let text = pdf_text(&pdf, Some((page, page)));
        assert!(text.contains(&format!("编号：{serial}")), "{text}");
        assert_eq!(scan(&pdf, page, &out), serial, "our PDF, page {page}");
        assert_eq!(
            scan(&lo_pdf, page, &lo),
            serial,
            "LibreOffice's PDF, page {page}"
        );
    }
}

#[test]
fn a_30_member_rosters_ballots_print_into_one_merged_file_of_the_right_length() {
    let dir = scratch("forms-batch");
    std::fs::copy(
        root().join("fixtures/forms/党员名单.csv"),
        dir.join("党员名单.csv"),
    )
    .unwrap();
    // One ballot per member: 30 pages; one sheet per voter listing all 30:
    // 2 pages a sheet (one sheet of paper printed on both sides), 12 voters.
    std::fs::write(
        dir.join("a-每人一票.yaml"),
        "文种: 民主测评票\n单位: 江滨区财政局机关党委\n形式: 每人一票\n名单: 党员名单.csv\n份数: 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b-一表多人.yaml"),
        "文种: 民主测评票\n单位: 江滨区财政局机关党委\n名单: 党员名单.csv\n份数: 12\n编号前缀: CPB\n",
    )
    .unwrap();
    let out = dir.join("out");
    let merged = dir.join("合订本.pdf");
    let o = wenshu(&[
        "batch",
        "--format",
        "pdf",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--merge",
        merged.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdfs = ext(&files_in(&out), "pdf");
    // Both papers are named after the unit: the second gets "-2".
    let each: Vec<usize> = pdfs.iter().map(|p| pages(p)).collect();
    assert_eq!(each, vec![24, 30], "{pdfs:?}");
    // 30 is even: the sheets start on a right-hand page with no blank between.
    assert_eq!(pages(&merged), 54);
    let text = pdf_text(&merged, Some((31, 31)));
    assert!(
        text.contains("编号：CPB-0001") && !text.contains("萧玉洁"),
        "{text}"
    );
    let text = pdf_text(&merged, Some((32, 32)));
    assert!(
        text.contains("萧玉洁"),
        "the 30th member is on the sheet's second page: {text}"
    );
}

/// The phase-2 record of the fixtures with its survey counted back from
/// the questionnaires printed in `dir` and the returns typed in `csv`.
fn record_counting_back(dir: &Path, csv: &str) -> std::process::Output {
    let record = std::fs::read_to_string(root().join("fixtures/阶段记录-2.yaml")).unwrap();
    let record = record.replace(
        "  发放: 150\n  文件: 阶段记录-2-满意度测评.csv\n",
        "  回收: {表单: 满意度问卷.yaml, 文件: 回收.csv}\n",
    );
    assert!(record.contains("回收: {表单"));
    std::fs::write(dir.join("阶段记录-2.yaml"), record).unwrap();
    std::fs::write(dir.join("回收.csv"), csv).unwrap();
    wenshu(&["check", dir.join("阶段记录-2.yaml").to_str().unwrap()])
}

#[test]
fn returned_questionnaires_are_counted_by_serial_and_wrong_serials_are_located() {
    let dir = scratch("forms-returned");
    std::fs::write(
        dir.join("满意度问卷.yaml"),
        "文种: 满意度问卷\n单位: 江滨区财政局机关党委\n份数: 10\n",
    )
    .unwrap();
    // Print them: ten pages, serials MY-0001 to MY-0010.
    let out = dir.join("printed");
    let o = wenshu(&[
        "render",
        "--format",
        "pdf",
        dir.join("满意度问卷.yaml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = ext(&files_in(&out), "pdf").remove(0);
    assert_eq!(pages(&pdf), 10);
    assert!(pdf_text(&pdf, Some((10, 10))).contains("编号：MY-0010"));

    // Six come back: the tally is theirs, the four missing are named.
    let good =
        "编号,评价\nMY-0001,好\nMY-0002,较好\nmy-0003,好\nMY-0005,一般化\nMY-0006,好\nMY-0007,好\n";
    let o = record_counting_back(&dir, good);
    let said = stdout(&o);
    assert!(o.status.success(), "{}\n{said}", stderr(&o));
    assert!(said.contains("1/6票，占16.7%"), "{said}");
    assert!(
        said.contains("回收：满意度问卷.yaml 印制 10 张，收回 6 张，未收回 4 张：MY-0004、MY-0008、MY-0009、MY-0010"),
        "{said}"
    );

    // A serial typed twice, one never printed, one of another form: each
    // refused at its cell; nothing passes.
    let bad =
        "编号,评价\nMY-0001,好\nMY-0002,较好\nMY-0001,好\nMY-0042,好\nCP-0001,好\nMY-0006,好\n";
    let o = record_counting_back(&dir, bad);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("回收.csv:4:1")
            && err.contains("编号「MY-0001」重复录入：第 2 行已录入这张票"),
        "{err}"
    );
    assert!(
        err.contains("回收.csv:5:1")
            && err.contains(
                "编号「MY-0042」不是 满意度问卷.yaml 印制的编号（印制的是 MY-0001 至 MY-0010）"
            ),
        "{err}"
    );
    assert!(
        err.contains("回收.csv:6:1") && err.contains("编号「CP-0001」不是"),
        "{err}"
    );
    assert!(
        !stdout(&o).contains("回收："),
        "no tally from a refused file"
    );

    // More rows than copies printed (the eleventh repeats the tenth).
    let mut many = String::from("编号,评价\n");
    for n in (1..=10).chain([10]) {
        many.push_str(&format!("MY-{n:04},好\n"));
    }
    let o = record_counting_back(&dir, &many);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("收回 11 行，多于 满意度问卷.yaml 印制的 10 张"),
        "{err}"
    );
}

#[test]
fn returned_ballot_sheets_rate_every_member_of_the_record() {
    let dir = scratch("forms-sheets");
    // The record without its typed ratings; its ballots come back by serial.
    let record = std::fs::read_to_string(root().join("fixtures/阶段记录-2.yaml")).unwrap();
    let re_rating = |line: &str| -> String {
        match (line.find(", 测评: {"), line.find("}, 评定")) {
            (Some(a), Some(b)) if a < b => format!("{}{}", &line[..a], &line[b + 1..]),
            _ => line.to_string(),
        }
    };
    let mut record: String = record.lines().map(|l| re_rating(l) + "\n").collect();
    assert!(!record.contains("测评: {满意"));
    record = record.replace(
        "满意度测评:\n",
        "民主测评票: {表单: 民主测评票.yaml, 文件: 测评票回收.csv}\n满意度测评:\n",
    );
    record = record.replace("文件: 阶段记录-2-满意度测评.csv", "文件: 满意度测评.csv");
    std::fs::copy(
        root().join("fixtures/阶段记录-2-满意度测评.csv"),
        dir.join("满意度测评.csv"),
    )
    .unwrap();
    std::fs::write(dir.join("阶段记录-2.yaml"), &record).unwrap();
    // Sheets listing every serving member, read from the record itself.
    std::fs::write(
        dir.join("民主测评票.yaml"),
        "文种: 民主测评票\n单位: 江滨区财政局机关党委\n名单: 阶段记录-2.yaml\n份数: 3\n",
    )
    .unwrap();
    let out = dir.join("printed");
    let o = wenshu(&[
        "render",
        "--format",
        "pdf",
        dir.join("民主测评票.yaml").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = pdf_text(&ext(&files_in(&out), "pdf").remove(0), None);
    assert!(
        text.contains("苏晓东") && !text.contains("王德明"),
        "retired members take no rating"
    );
    // Two sheets come back: 苏晓东 不满意 on both, everyone else 满意;
    // the first voter left 林晓雯 blank.
    let members: Vec<String> = record
        .lines()
        .filter(|l| l.contains("党性分析: ") && !l.contains("离退休: 是"))
        .map(|l| {
            l.split("姓名: ")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(members.len(), 78);
    let mut csv = format!("编号,{}\n", members.join(","));
    for serial in ["CP-0001", "CP-0003"] {
        let cells: Vec<&str> = members
            .iter()
            .map(|m| match (m.as_str(), serial) {
                ("苏晓东", _) => "不满意",
                ("林晓雯", "CP-0001") => "",
                _ => "满意",
            })
            .collect();
        csv.push_str(&format!("{serial},{}\n", cells.join(",")));
    }
    std::fs::write(dir.join("测评票回收.csv"), csv).unwrap();
    let o = wenshu(&["check", dir.join("阶段记录-2.yaml").to_str().unwrap()]);
    let said = stdout(&o);
    assert!(
        said.contains("回收：民主测评票.yaml 印制 3 张，收回 2 张，未收回 1 张：CP-0002"),
        "{said}\n{}",
        stderr(&o)
    );
    assert!(said.contains("苏晓东（满意0/2票，0.0%"), "{said}");
    // 林晓雯 was rated on one sheet only; nobody else is under 60 %.
    assert!(!said.contains("林晓雯（满意"), "{said}");
}
