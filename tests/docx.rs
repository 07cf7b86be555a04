//! Every fixture renders to a DOCX that real clients accept and read as a
//! GB/T 9704 paper: python-docx, LibreOffice headless + pdftotext, and an
//! OOXML schema validator.

mod common;
use common::*;

/// What python-docx reports of one file (tests/support/check_docx.py).
struct Report {
    file: String,
    title: String,
    /// The title's lines as Word shows them (python-docx reads `w:br` as \n).
    title_lines: Vec<String>,
    headings: Vec<String>,
    text: String,
}

fn python_docx_reports(files: &[std::path::PathBuf]) -> Vec<Report> {
    let mut args = vec![root()
        .join("tests/support/check_docx.py")
        .display()
        .to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_tool("python3", &argv);
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let headings = v["headings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h[1].as_str().unwrap().to_string())
                .collect();
            let mut text: Vec<String> = v["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                // A title's line breaks (w:br) end lines, not sentences.
                .map(|p| p[1].as_str().unwrap().replace('\n', ""))
                .collect();
            for t in v["tables"].as_array().unwrap() {
                for (r, row) in t.as_array().unwrap().iter().enumerate() {
                    for c in row.as_array().unwrap() {
                        // A header cut between its words is one header.
                        let c = c.as_str().unwrap();
                        text.push(if r == 0 {
                            c.replace('\n', "")
                        } else {
                            c.to_string()
                        });
                    }
                }
            }
            Report {
                file: v["file"].as_str().unwrap().to_string(),
                title: v["title"].as_str().unwrap().replace('\n', ""),
                title_lines: v["title"]
                    .as_str()
                    .unwrap()
                    .split('\n')
                    .map(str::to_string)
                    .collect(),
                headings,
                text: text.join("\n"),
            }
        })
        .collect()
}

#[test]
fn every_fixture_reads_back_in_python_docx_with_the_mandated_layout() {
    let (_, files) = render_all_papers("pydocx");
    let reports = python_docx_reports(&files);
    assert_eq!(reports.len(), files.len());
    let expect_titles = [
        (
            "两个具体",
            "江滨区财政局机关党委保持共产党员先进性的具体要求和不合格党员的具体表现",
        ),
        ("党性分析材料-林晓雯", "党性分析材料"),
        ("整改方案-林晓雯", "个人整改方案"),
        (
            "转段申请-江滨区财政局机关党委-第1阶段",
            "江滨区财政局机关党委关于转入分析评议阶段的请示",
        ),
        (
            "转段申请-江滨区财政局机关党委-第2阶段",
            "江滨区财政局机关党委关于转入整改提高阶段的请示",
        ),
        (
            "阶段小结-江滨区财政局机关党委-第1阶段",
            "江滨区财政局机关党委关于学习动员阶段工作的小结",
        ),
        (
            "阶段总结-江滨区财政局机关党委-第3阶段",
            "江滨区财政局机关党委关于整改提高阶段工作情况的报告",
        ),
    ];
    for (stem, title) in expect_titles {
        let r = reports
            .iter()
            .find(|r| r.file.contains(stem))
            .unwrap_or_else(|| panic!("no {stem}"));
        assert_eq!(r.title, title, "{stem}");
    }
    // A long organ's title breaks between words, with the PDF's breaks as
    // explicit line breaks (GB/T 9704 7.3.1), so every client shows them.
    let long = reports
        .iter()
        .find(|r| {
            r.file
                .contains("转段申请-江滨区人力资源和社会保障局劳动保障监察大队")
        })
        .unwrap();
    assert_eq!(
        long.title_lines,
        [
            "江滨区人力资源和社会保障局",
            "劳动保障监察大队关于",
            "转入分析评议阶段的请示"
        ]
    );
    // Structure of the analysis: 一找 four areas, 二查 causes, 三明确.
    let cadre = reports.iter().find(|r| r.file.contains("陈堃")).unwrap();
    for h in [
        "一、查找出的突出问题",
        "（一）思想方面",
        "（四）作风方面",
        "二、产生问题的原因",
        "（四）权力观方面",
        "（六）利益观方面",
        "三、努力方向和整改措施",
    ] {
        assert!(
            cadre.headings.iter().any(|x| x == h),
            "cadre analysis lacks {h}: {:?}",
            cadre.headings
        );
    }
    let member = reports
        .iter()
        .find(|r| r.file.contains("林晓雯") && r.file.contains("党性"))
        .unwrap();
    assert!(
        !member.headings.iter().any(|x| x.contains("权力观")),
        "a non-cadre has no 权力观 section"
    );
    // The request ends as a 请示 must, with its note.
    let req = reports
        .iter()
        .find(|r| r.file.contains("转段申请-江滨区财政局机关党委-第1阶段"))
        .unwrap();
    assert!(
        req.text
            .contains("特申请转入分析评议阶段。\n妥否，请批示。"),
        "{}",
        req.text
    );
    assert!(req
        .text
        .contains("（联系人：孙琳，联系电话：0577-86521039）"));
    assert!(req.text.contains("\n区委先教办：\n"));
    // The second unit's 请示: one addressee whose name holds 和.
    let hr = reports
        .iter()
        .find(|r| {
            r.file
                .contains("转段申请-江滨区人力资源和社会保障局机关第一党支部-第1阶段")
        })
        .unwrap();
    assert!(
        hr.text.contains("\n中共江滨区人力资源和社会保障局党组：\n"),
        "{}",
        hr.text
    );
    // Rectification items are a table with every item.
    let plan = reports
        .iter()
        .find(|r| r.file.contains("整改方案-江滨区财政局"))
        .unwrap();
    assert!(
        plan.text.contains("责任领导") && plan.text.contains("协调"),
        "{}",
        plan.text
    );
}

#[test]
fn escaping_prints_ampersands_and_angle_brackets_literally() {
    let (_, files) = render_fixtures("escape");
    let all: String = python_docx_reports(&files)
        .iter()
        .map(|r| r.text.clone())
        .collect();
    assert!(all.contains("R&D"), "R&D lost");
    assert!(
        all.contains('<') || all.contains('>'),
        "angle brackets lost"
    );
    let yaml: String = fixtures()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for needle in ["R&D", ">80%"] {
        assert!(yaml.contains(needle), "fixture should contain {needle}");
        assert!(all.contains(needle), "{needle} not printed literally");
    }
}

#[test]
fn libreoffice_converts_every_fixture_and_pdftotext_finds_the_text() {
    let (out, files) = render_all_papers("lo");
    libreoffice_to_pdf(&files, &out);
    for docx in &files {
        let pdf = docx.with_extension("pdf");
        assert!(
            pdf.is_file(),
            "LibreOffice did not convert {}",
            docx.display()
        );
        let text = run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains("—1—"), "{}: no page number", pdf.display());
        // The date and signature of the paper are on its last page.
        let xml = docx_part(docx, "word/document.xml");
        let date = xml
            .split("w:val=\"Date\"")
            .nth(1)
            .and_then(|s| s.split("<w:t xml:space=\"preserve\">").nth(1))
            .unwrap();
        let year = &date[..4];
        assert!(compact.contains(year), "{}: date missing", pdf.display());
        let info = run_tool("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(
            info.contains("210 x 297") || info.contains("595.") && info.contains("841."),
            "{info}"
        );
    }
    // A body line holds 28 characters in LibreOffice too (the grid works).
    let analysis = files
        .iter()
        .find(|f| f.to_string_lossy().contains("林晓雯") && f.to_string_lossy().contains("党性"))
        .unwrap();
    let text = run_tool(
        "pdftotext",
        &[analysis.with_extension("pdf").to_str().unwrap(), "-"],
    );
    let full = text
        .lines()
        .filter(|l| l.chars().count() == 28 && l.chars().all(|c| !c.is_ascii()))
        .count();
    assert!(full > 50, "only {full} full 28-character lines");
    let over = text
        .lines()
        .filter(|l| l.chars().filter(|c| !c.is_ascii()).count() > 29)
        .count();
    assert_eq!(over, 0, "lines longer than the grid");
}

#[test]
fn openxml_validator_finds_no_schema_error() {
    let (out, files) = render_all_papers("audit");
    let report = run_tool(
        "openxml-audit",
        &[
            "-o",
            "json",
            "-m",
            "0",
            "--recursive",
            out.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), files.len());
    for item in items {
        assert_eq!(item["error_count"], 0, "{item}");
        assert_eq!(item["valid"], true, "{item}");
    }
}

#[test]
fn identical_input_gives_byte_identical_files() {
    let (_, a) = render_fixtures("det-a");
    let (_, b) = render_fixtures("det-b");
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.file_name(), y.file_name());
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{} differs",
            x.display()
        );
    }
}

#[test]
fn user_templates_override_shipped_ones_and_undefined_variables_fail() {
    let dir = scratch("tmpl");
    // Renders the 两个具体 fixture with `template` as the user's override.
    let render_with = |template: &str, out: &str| {
        std::fs::write(dir.join("两个具体.xml"), template).unwrap();
        let out = dir.join(out);
        let o = wenshu(&[
            "render",
            "--format",
            "docx",
            "fixtures/两个具体.yaml",
            "--templates",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        (o, out)
    };

    let (o, out) = render_with(
        "<doc><title>自定义：{{ 单位 }}</title><p>{{ 制定经过[0] }}</p></doc>",
        "out",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = docx_part(&files_in(&out)[0], "word/document.xml");
    assert!(xml.contains("自定义：江滨区财政局机关党委"));

    let (o, out) = render_with(
        "<doc>\n<title>{{ 单位 }}</title>\n<p>{{ 没有这个字段 }}</p>\n</doc>",
        "out2",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("模板「两个具体」第 3 行") && err.contains("未定义"),
        "{err}"
    );
    assert!(!out.exists() || files_in(&out).is_empty());

    let (o, _) = render_with("<doc>\n{% if %}\n</doc>", "out3");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("两个具体.xml") && stderr(&o).contains("第 2 行"),
        "{}",
        stderr(&o)
    );
}

/// Papers written from 阶段记录 carry the record's figures, the tallies as
/// tables with their shares, the rule-by-rule comparison and the stated
/// exception; a refused record yields its 补课清单 naming each unmet rule.
#[test]
fn papers_from_records_carry_computed_figures_tallies_and_exceptions() {
    let out = scratch("records");
    let o = wenshu(&[
        "render",
        "fixtures/阶段记录-1.yaml",
        "fixtures/阶段记录-2.yaml",
        "fixtures/阶段记录-3.yaml",
        "fixtures/refused/阶段记录-2-满意度测评补课.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "the refused record: exit 3, rules unmet"
    );
    let files = docx_in(&out);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "补课清单-江滨区财政局下属事业单位党支部-第2阶段",
            "转段申请-江滨区财政局机关党委-第1阶段",
            "转段申请-江滨区财政局机关党委-第2阶段",
            "阶段小结-江滨区财政局机关党委-第1阶段",
            "阶段小结-江滨区财政局机关党委-第2阶段",
            "阶段总结-江滨区财政局机关党委-第3阶段",
        ]
    );
    let reports = python_docx_reports(&files);
    let by = |stem: &str| {
        reports
            .iter()
            .find(|r| r.file.ends_with(&format!("{stem}.docx")))
            .unwrap_or_else(|| panic!("no {stem}"))
    };
    let contains_all = |r: &Report, needles: &[&str]| {
        for n in needles {
            assert!(r.text.contains(n), "{}: lacks {n:?} in\n{}", r.file, r.text);
        }
    };

    // The 请示 is short: the rule-by-rule comparison, results, shortcomings,
    // the request, and the 小结 as its 附件.
    let t1 = by("转段申请-江滨区财政局机关党委-第1阶段");
    assert_eq!(t1.title, "江滨区财政局机关党委关于转入分析评议阶段的请示");
    assert_eq!(
        t1.headings.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "一、对照本阶段要求检查情况",
            "二、主要成效",
            "三、存在的不足"
        ]
    );
    contains_all(
        t1,
        &[
            "\n区委先教办：\n",
            "各项工作已达到本阶段要求，特申请转入分析评议阶段。\n妥否，请批示。",
            "附件：江滨区财政局机关党委关于学习动员阶段工作的小结",
            "（联系人：孙琳，联系电话：0577-86521039）",
            "抄送：区委先教办第三督导组。",
            // The comparison table, one row per rule.
            "学习培训累计不少于45学时\n52学时（17次）\n达到",
            "集中学习培训不少于3天\n3天（1月31日、2月1日、2月7日，共24学时）\n达到",
        ],
    );
    assert!(
        !t1.text.contains("四舍五入"),
        "the rounding note stays in check's table"
    );

    let s1 = by("阶段小结-江滨区财政局机关党委-第1阶段");
    contains_all(
        s1,
        &[
            // Derived from the member list and the sessions, never typed.
            "本单位共有党员96名，其中在职党员78名、离退休党员18名",
            "累计52学时（规定不少于45学时）",
            "举办集中培训3天、24学时（每天不少于6学时）；其余14次专题学习共28学时，每次不少于2学时",
            "96名能书写的党员共撰写学习心得体会213篇，人均2.2篇",
            "五项活动均覆盖全体96名党员",
            "100.0%",
        ],
    );
    assert!(
        !s1.text.contains("区委先教办："),
        "the 小结 is the 请示's 附件, with no 主送"
    );

    // A 请示 relying on an exception says what was excepted, by whom, when,
    // and never that every requirement was met.
    let t2 = by("转段申请-江滨区财政局机关党委-第2阶段");
    contains_all(
        t2,
        &[
            "经区委先教办第三督导组于2026年3月26日批准，按例外处理",
            "除“离退休党员参加一次专题组织生活会”一项经区委先教办第三督导组于2026年3月26日批准按例外处理外，其余各项要求均已达到，特申请转入整改提高阶段。",
        ],
    );
    assert!(!t2.text.contains("各项工作已达到本阶段要求"), "{}", t2.text);

    let s2 = by("阶段小结-江滨区财政局机关党委-第2阶段");
    contains_all(
        s2,
        &[
            "“万人评风”中，32名代表每人征求意见20至28人，共征求716人",
            // Tallies: the CSV's 146 ballots, counted and shared.
            "好\n98\n67.1%",
            "走了过场\n1\n0.7%",
            "合计\n146\n100.0%",
            "合计7份，占4.8%，不足30%",
            // Members: bands of 满意 share, focused help, verdicts of all 96.
            "80%以上\n72",
            "不足60%\n2",
            "苏晓东\n15\n15\n4\n44.1%\n已重写",
            "苏晓东、萧斌均经重点帮助重新撰写了党性分析材料",
            "经党支部评定，合格96名，不合格0名",
            "领导班子召开专题民主生活会",
            // Whom the survey's copies went to, as its 对象 says.
            "发放测评表150份（发给党员96份、群众代表54份）",
        ],
    );
    for claim in [
        "联系领导",
        "逐人书面反馈",
        "各支部",
        "党员和群众代表对本阶段工作",
        "满意度较低",
    ] {
        assert!(!s2.text.contains(claim), "no field says {claim:?}");
    }

    let s3 = by("阶段总结-江滨区财政局机关党委-第3阶段");
    assert_eq!(
        s3.title,
        "江滨区财政局机关党委关于整改提高阶段工作情况的报告"
    );
    contains_all(
        s3,
        &[
            "\n区委先教办：\n",
            "78名的个人整改方案在支部内公示后，经3个支部的党员大会通过",
            "新建和修订制度14项",
            "组织党员集中宣誓并作出公开承诺，94名党员参加",
            "满意\n161\n82.6%",
            "不满意\n4\n2.1%",
            "表彰优秀共产党员8名",
            "特此报告。",
        ],
    );
    assert!(
        !s3.text.contains("补课标准"),
        "wenshu's 30% reading is not a standard"
    );

    let remedial = by("补课清单-江滨区财政局下属事业单位党支部-第2阶段");
    assert_eq!(
        remedial.title,
        "江滨区财政局下属事业单位党支部分析评议阶段补课清单"
    );
    contains_all(
        remedial,
        &[
            "本单位有4项未达到要求，暂不申请转入整改提高阶段",
            "万人评风：每名“万人评风”代表征求意见不少于20人",
            "孙辉补充走访",
            "对王永红进行重点帮助，重新撰写党性分析材料",
            "30/100票，占30.0%",
            "补课期限：2026年4月22日（记录未定期限，按成文日期后15日计）",
        ],
    );
}

/// When a blank page must precede the 版记 (the text ended on an even page
/// with no room left), the DOCX puts both in a last section without page
/// numbers, as the PDF does (7.5).
#[test]
fn a_blank_page_before_the_imprint_and_the_imprint_page_are_unnumbered() {
    use wenshu::document::{Block, Document, Imprint, Printed};
    use wenshu::typeset::layout::ImprintPlace;
    let doc = Document {
        blocks: vec![
            Block::Title("版记测试".into()),
            Block::Paragraph("正文。".into()),
            Block::Imprint(Imprint {
                cc: Some("区委先教办".into()),
                printed: Some(Printed {
                    issuer: "某某办公室".into(),
                    date: "2026年3月5日".into(),
                }),
            }),
        ],
    };
    let dir = scratch("imprint-blank");
    let docx = dir.join("版记.docx");
    std::fs::write(
        &docx,
        wenshu::docx::write(&doc, Some(ImprintPlace::OwnPage { blank: 1 })),
    )
    .unwrap();
    let report = run_tool(
        "openxml-audit",
        &["-o", "json", "-m", "0", docx.to_str().unwrap()],
    );
    assert!(report.contains("\"error_count\": 0"), "{report}");
    libreoffice_to_pdf(std::slice::from_ref(&docx), &dir);
    let pdf = docx.with_extension("pdf");
    let pages: Vec<String> = run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    assert!(
        pages[0].contains("—1—"),
        "page 1 keeps its number: {pages:?}"
    );
    assert!(
        !pages[1].contains('—') && pages[1].is_empty(),
        "page 2 is blank and unnumbered: {pages:?}"
    );
    assert!(
        pages[2].contains("某某办公室") && !pages[2].contains('—'),
        "the 版记 page has no number: {pages:?}"
    );
}

/// The red rule under the 发文字号 spans the 156 mm text block in the DOCX
/// too, as LibreOffice draws it, also when the 签发人 shares its line
/// (7.2.5); the 发文字号 starts and the 签发人 ends one cell in.
#[test]
fn the_red_rule_spans_the_text_block_with_a_signer() {
    let dir = scratch("red-rule");
    let o = render_to("docx", "fixtures/转段申请-1.yaml", &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = docx_in(&dir);
    assert!(docx_part(&docx[0], "word/document.xml").contains("签发人"));
    let lo = dir.join("lo");
    libreoffice_to_pdf(&docx, &lo);
    let pdf = files_in(&lo)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let script = r#"
import sys, pdfplumber
MM = 72 / 25.4
page = pdfplumber.open(sys.argv[1]).pages[0]
red = [o for o in page.lines + page.rects
       if tuple(o.get("stroking_color") or o.get("non_stroking_color") or ()) == (1, 0, 0)
       and abs(o["top"] - o["bottom"]) < 3]
words = page.extract_words()
number = next(w for w in words if "〔" in w["text"])
signer = next(w for w in words if w["text"].startswith("签发人"))
print(min(o["x0"] for o in red) / MM, max(o["x1"] for o in red) / MM, number["x0"] / MM, signer["x1"] / MM)
"#;
    let out = run_tool("python3", &["-c", script, pdf.to_str().unwrap()]);
    let v: Vec<f64> = out.split_whitespace().map(|s| s.parse().unwrap()).collect();
    let (x0, x1, number, signer) = (v[0], v[1], v[2], v[3]);
    assert!(x1 - x0 > 155.0, "red rule {x0:.1}–{x1:.1} mm");
    assert!(
        (x0 - 28.0).abs() < 0.6 && (x1 - 184.0).abs() < 0.6,
        "{x0} {x1}"
    );
    // one cell (5.57 mm) in from each side of the text block
    assert!((number - 33.6).abs() < 0.6, "发文字号 at {number:.1} mm");
    assert!(
        (signer - 178.4).abs() < 0.8,
        "签发人 ends at {signer:.1} mm"
    );
}

/// The fixed wording of the papers written from a 阶段记录: what is left of a
/// sentence once every run of two or more characters found in the record (or
/// its CSV) and every digit is masked as "…". Each entry claims nothing about
/// the unit that no field says; a new sentence must be added here, read for
/// that, by hand.
const FIXED: &[&str] = &[
    "“…”…占….…",
    "“…”一…际为…年…/…规定…",
    "“…”和“…”合计…占….…",
    "“…”票…%的…、…均经重点帮助…了…。",
    "“…”票占…%以…名，占…%至…%的…名，…%的…名。",
    "“…”票占比",
    "…",
    "…%",
    "…%以上",
    "…%至…%（不含…%）",
    "….…%",
    "…/…",
    "…/…名",
    "…/…名…（…（…））",
    "…/…名已…并…",
    "…/…名（…名，…名）",
    "…/…名（…：…、…）",
    "…/…名，共…篇",
    "…/…名，共…篇（另…名…）",
    "…/…名，共…篇（未…：…）",
    "…/…票，占…",
    "…/…票，占….…%",
    "…、…、…宣讲、…、…五项…均…全体…。",
    "…不少于…人",
    "…不少于…天",
    "…书面…",
    "…书面的…和…表现（…于…年…。",
    "…于…年…在…。",
    "…于…年…日在…年…日经…年…日…，并作出…。",
    "…于…年…月…日…",
    "…以外的每…不少于…",
    "…全体…",
    "…共…",
    "…共…。",
    "…共…次，累计…（规定不少于…）。",
    "…其余…项…已经…。",
    "…出刊…期。",
    "…出刊不少于…期",
    "…名…中…名…人（…人）",
    "…名…人…至…人，共…人",
    "…名…共…体会…篇…均….…篇…人至少…篇。",
    "…名…共…体会…篇…均…篇…人至少…篇；",
    "…名…名…并…。",
    "…名…名…并…名接受…；",
    "…名…名未…（未…：…）",
    "…名…名的…在…内…经…个…。",
    "…名…至…人，共…",
    "…名。",
    "…名（…、…、…、…、…、…、…、…）、…个（…）。",
    "…名，…",
    "…名，…（…）、…（…）…。",
    "…名；",
    "“…‘…’…不少于…人”一…际为…中…名…人…规定…",
    "…中…名…人",
    "…中…名…人（…人）",
    "…人…至…人，共…人",
    "…至…人，共…",
    "经…于…年…月…日…，按…，…是：…。",
    "经…，我…除“…‘…’…不少于…人”一项经…于…年…月…日…按…外…余…，特申请转入…。",
    "…/…份…份",
    "在本…全体…中…（…一…并有…）",
    "…场",
    "…天（…月…日、…日、…月…日，共…）",
    "…天（…月…日、…月…日，共…）",
    "…宣讲",
    "…宣讲…全体…",
    "…对…或…议…",
    "…幅",
    "…年…",
    "…年…/…",
    "…年…。",
    "…年…在…",
    "…年…日",
    "…年…日…展…情况…，…表…份。",
    "…年…日…展…情况…，…表…份（发给…份…份…份。",
    "…年…日…展…，…表…份。",
    "…年…日…展…，…表…份（发给…份…份…份。",
    "…年…日，…。",
    "…年…日，…并作出…，…（…）、…（…）…。",
    "…年…月…",
    "…年…月…日",
    "…年…月…日…展…，…份。",
    "…年…月…日…展…，…份（发给…份…份…份。",
    "…年…月…日，…。",
    "…年…，…/…",
    "…情况",
    "…情况的…",
    "…关于…情况的…",
    "…关于…的小结",
    "…关于转入…的请示",
    "…关于转入…请示",
    "…按…、…档次接受…",
    "…按…、…档次接受…，共…票…",
    "…数",
    "…方式",
    "…日",
    "…月…日、…日、…月…日举办…天、…（每天不少于…）；",
    "…期",
    "…次",
    "…次…次不少于…",
    "…次中…次…（…日…）",
    "…率",
    "…的…全体…",
    "…的…在…内…，并提交…",
    "…的总结…并…",
    "…累计不少于…",
    "…至少…篇…体会",
    "…补充走访…人…不少于…人",
    "…补写…体…至少…篇",
    "…课…全体…",
    "…进行…课后…进行…",
    "…（…次）",
    "…，…项：…、…、…、…、…、…、…、…、…、…、…。",
    "…：",
    "…：…",
    "…：…。",
    "…：…不少于…人",
    "…：…不少于…天",
    "…：…在…内…并…",
    "…：…宣讲…全体…",
    "…：…年…日（…未定…，按成文…后…日计）。",
    "…：…年…月…日（…所定…）。",
    "…：…情况…的，…",
    "…：…累计不少于…",
    "…：…至少…篇…体会",
    "…：…课后…进行…",
    "…：制作…不少于…幅",
    "…：对…进行重点帮助，…",
    "…：认为“…”和“…不到…%（…%以上必须…）",
    "一…要…",
    "一、…情况",
    "三、…",
    "三、…的…",
    "为…的…补…",
    "二…",
    "其余…共…每次不少于…。",
    "再…少于…（…以外每次不少于…）",
    "再利用周末或…以外…天…天不少于…",
    "制作…不少于…幅",
    "制作…幅…出刊…期。",
    "占比",
    "另有…。",
    "合计",
    "四、…和…的…",
    "四、下一…",
    "好",
    "妥否，请批示。",
    "对…、…：…、补听…或…",
    "对…进行重点帮助，…",
    "对…进行重点帮助，…并再次…",
    "对…（…日…）…次不少于…",
    "已…",
    "序号",
    "按照…关于…的…，…已…。",
    "按照…的…，…已…。",
    "无…",
    "有…都…并…",
    "未…的…",
    "本…共有…名…名、…名；",
    "每…时：…以外的每…不少于…",
    "特此…。",
    "现将…列出如下，须于…年…日…，…后…并申请…。",
    "现将…列出如下，须于…年…月…日…，…后…和总结。",
    "现将…情况…如下。",
    "现将…情况小结如下。",
    "票数",
    "经…于…年…，按…，…是：…。",
    "经…和…后转入…",
    "经…的规定…逐项…有…项未…，暂不进行总结。",
    "经…规定…逐项…有…项未…，暂不申请转入…。",
    "经…，…名，…名。",
    "经…，我…已…，特申请转入…。",
    "经…，我…除“…”一项经…于…年…按…外…余…，特申请转入…。",
    "结果",
    "补制…幅",
    "认为“…”和“…不到…%（…%以上必须…）",
    "认为“…”和“…合计…占….…%，…",
    "认为“…”和“…合计…占…，…",
    "附件：…关于…的小结",
    "（…：…，…：…）",
    "（一）…和…",
    "（一）…审批…",
    "（三）“…”",
    "（三）…",
    "（三）…情况…",
    "（二）…体会",
    "（二）…和…",
    "（二）…示…",
    "（五）…",
    "（六）…",
    "（四）…",
    "（四）…和宣传",
];

/// `s` with every digit and every run of two or more characters found in
/// `fed` masked as "…" (longest match first).
fn skeleton(s: &str, fed: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j == i {
            let mut k = i + 2;
            while k <= chars.len() && fed.contains(&chars[i..k].iter().collect::<String>()) {
                j = k;
                k += 1;
            }
        }
        if j > i {
            if !out.ends_with('…') {
                out.push('…');
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The text a set of inputs feeds: every line without its comments, and the
/// CSV files of `csv_dirs`.
fn fed_by(inputs: &[std::path::PathBuf], csv_dirs: &[&str]) -> String {
    let mut fed = String::new();
    for rec in inputs {
        for l in std::fs::read_to_string(rec).unwrap().lines() {
            if !l.trim_start().starts_with('#') {
                fed.push_str(l.split(" #").next().unwrap_or(""));
                fed.push('\n');
            }
        }
    }
    for dir in csv_dirs {
        for csv in std::fs::read_dir(root().join(dir)).unwrap() {
            let csv = csv.unwrap().path();
            if csv.extension().is_some_and(|e| e == "csv") {
                fed.push_str(&std::fs::read_to_string(csv).unwrap());
            }
        }
    }
    fed
}

/// What python-docx reads of every paper each input renders to.
fn papers_of(inputs: &[std::path::PathBuf]) -> Vec<Report> {
    let mut reports = Vec::new();
    for input in inputs {
        let out = scratch("sentences");
        let rel = input.strip_prefix(root()).unwrap().display().to_string();
        wenshu(&[
            "render",
            "--format",
            "docx",
            &rel,
            "-o",
            out.to_str().unwrap(),
        ]);
        let files = docx_in(&out);
        assert!(!files.is_empty(), "{rel} wrote no paper");
        reports.extend(python_docx_reports(&files));
    }
    reports
}

/// The sentences of `papers` that neither `fed` nor `fixed` accounts for.
fn unlisted_sentences(papers: &[Report], fed: &str, fixed: &[&str]) -> Vec<String> {
    let mut unknown = std::collections::BTreeSet::new();
    for r in papers {
        for line in r.text.lines() {
            for s in line.split_inclusive(['。', '；', '？', '！']) {
                let sk = skeleton(s.trim(), fed);
                if !sk.is_empty() && !fixed.contains(&sk.as_str()) {
                    unknown.insert(sk);
                }
            }
        }
    }
    unknown.into_iter().collect()
}

/// Where quotation marks in `line` do not nest as 《党政机关公文格式》 and
/// GB/T 15834 want: “…” outside, ‘…’ only inside it, never “ inside “.
fn misnested_quotes(line: &str) -> Option<String> {
    let mut open: Vec<char> = Vec::new();
    for c in line.chars() {
        let ok = match c {
            '“' if open.is_empty() => {
                open.push(c);
                true
            }
            '‘' if open.last() == Some(&'“') => {
                open.push(c);
                true
            }
            '“' | '‘' => false,
            '”' => open.pop() == Some('“'),
            '’' => open.pop() == Some('‘'),
            _ => true,
        };
        if !ok {
            return Some(line.to_string());
        }
    }
    (!open.is_empty()).then(|| line.to_string())
}

/// Every sentence of every paper written from a 阶段记录 (passing or
/// refused) is fed by the record's fields or is listed in [`FIXED`]; and
/// quotations inside quotations use ‘’ (a rule's requirement quoted in a
/// 补课清单 holds “一般化”).
#[test]
fn every_sentence_of_a_record_paper_is_fed_by_a_field_or_is_listed_fixed_wording() {
    let records: Vec<_> = fixtures()
        .into_iter()
        .chain(refused_fixtures())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("阶段记录")
        })
        .collect();
    assert!(records.len() >= 7, "{records:?}");
    // A rule whose requirement holds a quotation (“万人评风”), passed by an
    // exception: the papers quote the requirement, so quotes nest.
    let nested = scratch("nested-quotes").join("阶段记录-2-万人评风例外.yaml");
    let retired =
        std::fs::read_to_string(root().join("fixtures/阶段记录-2-离退休党支部.yaml")).unwrap();
    std::fs::write(
        &nested,
        retired.replacen("征求人数: 20}", "征求人数: 19}", 1).replacen(
            "\n专栏: 3\n",
            "\n专栏: 3\n例外:\n  - {规则: 万人评风, 理由: 一名代表卧病，只征求到19人, 批准: 区委先教办第三督导组, 批准日期: 2026-04-03}\n",
            1,
        ),
    )
    .unwrap();
    let records: Vec<_> = records.into_iter().chain([nested]).collect();
    let fed = fed_by(&records, &["fixtures", "fixtures/refused"]);
    let papers = papers_of(&records);
    let unknown = unlisted_sentences(&papers, &fed, FIXED);
    assert!(
        unknown.is_empty(),
        "{} sentences no field feeds and FIXED does not list:\n{}",
        unknown.len(),
        unknown
            .iter()
            .map(|s| format!("    {s:?},"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let lines = || papers.iter().flat_map(|r| r.text.lines());
    let misnested: Vec<String> = lines().filter_map(misnested_quotes).collect();
    assert!(misnested.is_empty(), "{misnested:#?}");
    assert!(
        lines().any(|l| l.contains("“每名‘万人评风’代表征求意见不少于20人”一项")),
        "no paper quotes a quotation: the nesting test would prove nothing"
    );
}

#[test]
fn quotation_marks_nest_double_outside_single_inside() {
    assert_eq!(
        misnested_quotes("未达到“认为‘一般化’和‘走了过场’的不到30%”"),
        None
    );
    assert!(misnested_quotes("未达到“认为“一般化”的不到30%”").is_some());
    assert!(misnested_quotes("‘单引号在外’").is_some());
    assert!(misnested_quotes("“未闭合").is_some());
}

/// Fixed wording of the hand-written 整改方案 beyond what their fields feed:
/// headings, table heads, and the deadline cell of an item given none.
const FIXED_PLANS: &[&str] = &[
    "—",
    "…",
    "….…",
    "…\u{3000}…",
    "…年…",
    "…年…月…日",
    "三、…",
    "三、…和…",
    "二、…",
    "四、…和…",
    "序号",
    "本…于…年…月…日…内…，于…年…月…日经…。",
    "本…于…年…月…日在…内…，于…年…月…日经…讨论…。",
    "第…、…、…、…项列为…的…。",
    "第…、…项列为…的…。",
    "（…、…）",
    "（…）",
];

/// The hand-written 整改方案 claim nothing their input does not: no
/// publication on a 门户网站 or promise to the public of their own, and no
/// "即时" deadline for an item given none (a 协调解决 item without a date
/// shows "—", a 立说立改 item "立即").
#[test]
fn every_sentence_of_a_hand_written_plan_is_fed_by_its_input_or_is_listed_fixed_wording() {
    let plans: Vec<_> = ["fixtures/整改方案-单位.yaml", "fixtures/整改方案-个人.yaml"]
        .iter()
        .map(|p| root().join(p))
        .collect();
    let fed = fed_by(&plans, &[]);
    let papers = papers_of(&plans);
    let unknown = unlisted_sentences(&papers, &fed, FIXED_PLANS);
    assert!(
        unknown.is_empty(),
        "{} sentences no field feeds and FIXED_PLANS does not list:\n{}",
        unknown.len(),
        unknown
            .iter()
            .map(|s| format!("    {s:?},"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (plan, paper) in plans.iter().zip(&papers) {
        let input = std::fs::read_to_string(plan).unwrap();
        assert_eq!(
            paper.text.matches("门户网站").count(),
            input.matches("门户网站").count(),
            "{}: 门户网站 only where the input says it",
            paper.file
        );
        assert!(!paper.text.contains("即时"), "{}", paper.file);
    }
    let unit = &papers[0].text;
    assert!(
        unit.lines().any(|l| l == "—") && unit.lines().any(|l| l == "立即"),
        "{unit}"
    );
}

/// A 阶段记录's 版头 and 版记 go on the 请示 it sends up — its 发文字号 and
/// 签发人 read back by python-docx and, through LibreOffice, by pdftotext —
/// and not on the 小结 sent as its 附件.
#[test]
fn a_records_letterhead_and_imprint_are_printed_on_its_request_only() {
    let dir = scratch("record-frame");
    let text = std::fs::read_to_string(root().join("fixtures/阶段记录-1.yaml")).unwrap();
    let framed = format!(
        "{text}版头:\n  发文机关: 中共江滨区财政局机关委员会\n  发文字号: 区财党〔2026〕7号\n  签发人: 王建国\n\
         版记:\n  印发机关: 中共江滨区财政局机关委员会办公室\n  印发日期: 2026-03-05\n"
    );
    let input = dir.join("阶段记录-1.yaml");
    std::fs::write(&input, framed).unwrap();
    let out = dir.join("out");
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = docx_in(&out);
    let reports = python_docx_reports(&files);
    let request = reports
        .iter()
        .find(|r| r.file.contains("转段申请"))
        .expect("a 请示");
    let summary = reports
        .iter()
        .find(|r| r.file.contains("阶段小结"))
        .expect("a 小结");
    for part in [
        "区财党〔2026〕7号",
        "签发人",
        "王建国",
        "中共江滨区财政局机关委员会办公室",
    ] {
        assert!(
            request.text.contains(part),
            "{part} not on the 请示:\n{}",
            request.text
        );
        assert!(
            !summary.text.contains(part),
            "{part} on the 小结:\n{}",
            summary.text
        );
    }
    let request_docx: Vec<_> = files
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("转段申请"))
        .collect();
    let lo = dir.join("lo");
    libreoffice_to_pdf(&request_docx, &lo);
    let pdf = files_in(&lo)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let text = run_tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let flat: String = text.split_whitespace().collect();
    assert!(
        flat.contains("区财党〔2026〕7号") && flat.contains("签发人：王建国"),
        "{text}"
    );
    assert!(
        flat.contains("中共江滨区财政局机关委员会办公室2026年3月5日印发"),
        "{text}"
    );
}
