//! Hostile input and the user's own files (issue 11): no abort, no hang,
//! nothing of the user's overwritten. Every test runs the real binary with a
//! deadline, and a run that dies of a signal fails the test.
#![cfg(unix)]

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a bounded run ended.
struct Run {
    /// The exit code; `None` if a signal ended it (an abort).
    code: Option<i32>,
    stderr: String,
    /// Peak resident memory of the run, in MB.
    peak_mb: f64,
    secs: f64,
}

/// Runs wenshu in `dir` with `args`; fails the test if it is still running
/// after `limit` seconds (a hang), and measures its peak memory. The child
/// is reaped by `wait4`, which also gives its resource use.
#[allow(clippy::zombie_processes)]
fn run_in(dir: &Path, args: &[&str], limit: u64) -> Run {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let err_path = root()
        .join("target/test-scratch")
        .join(format!("stderr-{}-{n}", std::process::id()));
    let err = std::fs::File::create(&err_path).unwrap();
    let start = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 on our own child, with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(limit) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("wenshu {args:?} still running after {limit} s: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let stderr = std::fs::read_to_string(&err_path).unwrap();
    std::fs::remove_file(&err_path).unwrap();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    assert!(
        code.is_some(),
        "wenshu {args:?} was killed by signal {}: {stderr}",
        libc::WTERMSIG(status)
    );
    Run {
        code,
        stderr,
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        secs: start.elapsed().as_secs_f64(),
    }
}

fn run(args: &[&str], limit: u64) -> Run {
    run_in(&root(), args, limit)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures").join(name)).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    files_in(dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(s(path)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// wenshu's temporary files in `dir` (a user's own `.tmp` files are not).
fn temporaries(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".wenshu-") && n.ends_with(".tmp"))
        .collect()
}

/// The roster fixture and its table, copied into a new directory.
fn roster_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in ["花名册-整改方案.yaml", "第一党支部党员名单.csv"] {
        std::fs::copy(root().join("fixtures/batch").join(f), dir.join(f)).unwrap();
    }
    dir
}

#[test]
fn nesting_200000_deep_is_refused_at_its_place_in_render_and_batch() {
    let dir = scratch("deep");
    let deep = dir.join("deep.yaml");
    std::fs::write(
        &deep,
        format!("文种: 两个具体\n单位:\n  {}x\n", "- ".repeat(200_000)),
    )
    .unwrap();
    let out = dir.join("out");
    let r = run(&["render", s(&deep), "-o", s(&out)], 60);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("列表与键值表嵌套超过 64 层") && r.stderr.contains("deep.yaml:3:129"),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "a failed render made {}", out.display());

    // In a batch, beside a good paper that is still written.
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("deep.yaml"),
        format!("文种: 两个具体\n单位:\n  {}x\n", "- ".repeat(50_000)),
    )
    .unwrap();
    std::fs::write(inputs.join("good.yaml"), fixture("两个具体.yaml")).unwrap();
    let out = dir.join("batch");
    let r = run(
        &["batch", s(&inputs), "-o", s(&out), "--format", "docx"],
        120,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("嵌套超过 64 层"), "{}", r.stderr);
    assert!(r.stderr.contains("成功 1 项，失败 1 项"), "{}", r.stderr);
    assert_eq!(
        names(&out).iter().filter(|n| n.ends_with(".docx")).count(),
        1
    );
}

#[test]
fn an_alias_that_would_expand_past_64_mb_is_refused_quickly() {
    let dir = scratch("alias-bytes");
    let f = dir.join("alias.yaml");
    let big = "长".repeat(100_000); // 300 KB
    let aliases = vec!["*a"; 20_000].join(",");
    std::fs::write(
        &f,
        format!("文种: 两个具体\n单位: &a {big}\n事项: [{aliases}]\n"),
    )
    .unwrap();
    let r = run(&["check", s(&f)], 60);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("展开后的文字超过"), "{}", r.stderr);
    assert!(r.stderr.contains("alias.yaml:3:"), "{}", r.stderr);
    assert!(r.peak_mb < 400.0, "peak {:.0} MB", r.peak_mb);
    assert!(r.secs < 30.0, "{:.1} s", r.secs);
}

/// A workbook made by openpyxl from the roster's CSV, with `extra` Python
/// run on its sheet `ws` before it is saved.
fn roster_xlsx(dir: &Path, extra: &str) {
    let script = format!(
        "import csv, openpyxl\nfrom openpyxl.styles import Font\nwb = openpyxl.Workbook()\nws = wb.active\nws.title = '名单'\nfor row in csv.reader(open({:?}, encoding='utf-8')):\n    ws.append(row)\n{extra}\nwb.save({:?})\n",
        s(&dir.join("第一党支部党员名单.csv")),
        s(&dir.join("名单.xlsx"))
    );
    run_tool("python3", &["-c", &script]);
    let spec = dir.join("花名册-整改方案.yaml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("第一党支部党员名单.csv", "名单.xlsx");
    std::fs::write(spec, text).unwrap();
}

#[test]
fn an_xlsx_cell_at_xfd1048576_is_read_sparsely_or_refused_by_name() {
    // Formatted but empty, far away: the sheet's declared size is the
    // whole grid, and it reads like the CSV.
    let dir = roster_dir("xlsx-far-empty");
    roster_xlsx(&dir, "ws['XFD1048576'].font = Font(bold=True)");
    let out = dir.join("out");
    let spec = dir.join("花名册-整改方案.yaml");
    let r = run(&["batch", s(&spec), "-o", s(&out), "--format", "docx"], 120);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        names(&out).iter().filter(|n| n.ends_with(".docx")).count(),
        8
    );
    assert!(r.peak_mb < 400.0, "peak {:.0} MB", r.peak_mb);

    // Content there: refused, naming the sheet and the cell.
    let dir = roster_dir("xlsx-far-content");
    roster_xlsx(&dir, "ws['XFD1048576'] = 'x'");
    let out = dir.join("out");
    let spec = dir.join("花名册-整改方案.yaml");
    let r = run(&["batch", s(&spec), "-o", s(&out), "--format", "docx"], 60);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("工作表「名单」的单元格 XFD1048576 有内容，超出花名册表格的范围"),
        "{}",
        r.stderr
    );
    assert!(r.peak_mb < 400.0, "peak {:.0} MB", r.peak_mb);
    assert!(!names(&out).iter().any(|n| n.ends_with(".docx")));
}

#[test]
fn fifos_and_devices_are_refused_before_they_are_opened() {
    let dir = scratch("special");
    let fifo = dir.join("x.yaml");
    mkfifo(&fifo);
    let r = run(&["render", s(&fifo), "-o", s(&dir.join("out"))], 20);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("这是命名管道（FIFO），不是普通文件"),
        "{}",
        r.stderr
    );

    // In a batch directory: /dev/zero behind a symlink, a FIFO, a good file.
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::os::unix::fs::symlink("/dev/zero", inputs.join("zero.yaml")).unwrap();
    mkfifo(&inputs.join("pipe.yaml"));
    std::fs::write(inputs.join("good.yaml"), fixture("两个具体.yaml")).unwrap();
    let out = dir.join("batch");
    let r = run(
        &["batch", s(&inputs), "-o", s(&out), "--format", "docx"],
        60,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("这是设备文件，不是普通文件"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("这是命名管道（FIFO），不是普通文件"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("成功 1 项，失败 2 项"), "{}", r.stderr);
    assert!(r.peak_mb < 400.0, "peak {:.0} MB", r.peak_mb);

    // A roster whose table is a FIFO, as CSV and as XLSX.
    for table in ["名单.csv", "名单.xlsx"] {
        let dir = roster_dir("fifo-table");
        mkfifo(&dir.join(table));
        let spec = dir.join("花名册-整改方案.yaml");
        let text = std::fs::read_to_string(&spec)
            .unwrap()
            .replace("第一党支部党员名单.csv", table);
        std::fs::write(&spec, text).unwrap();
        let r = run(&["batch", s(&spec), "-o", s(&dir.join("out"))], 20);
        assert_eq!(r.code, Some(1), "{table}: {}", r.stderr);
        assert!(r.stderr.contains("命名管道"), "{table}: {}", r.stderr);
    }
}

#[test]
fn symlink_loops_are_not_followed_and_each_real_file_is_rendered_once() {
    let dir = scratch("loops");
    let inputs = dir.join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    std::fs::write(inputs.join("a.yaml"), fixture("两个具体.yaml")).unwrap();
    std::os::unix::fs::symlink(".", inputs.join("x")).unwrap();
    std::os::unix::fs::symlink(".", inputs.join("y")).unwrap();
    std::os::unix::fs::symlink("..", inputs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("a.yaml", inputs.join("b.yaml")).unwrap();
    let out = dir.join("out");
    // The same file named twice on the command line is one input too.
    let a = inputs.join("a.yaml");
    let r = run(
        &[
            "batch",
            s(&inputs),
            s(&a),
            "-o",
            s(&out),
            "--format",
            "docx",
        ],
        60,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m = manifest(&out);
    let entries = m["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        names(&out).iter().filter(|n| n.ends_with(".docx")).count(),
        1
    );
}

#[test]
fn the_merge_target_is_checked_before_anything_is_rendered() {
    let dir = roster_dir("merge-target");
    let spec = dir.join("花名册-整改方案.yaml");
    let csv = dir.join("第一党支部党员名单.csv");
    let before_spec = std::fs::read(&spec).unwrap();
    let before_csv = std::fs::read(&csv).unwrap();
    let out = dir.join("out");
    let user = dir.join("我的文件.pdf");
    std::fs::write(&user, b"the user's own").unwrap();
    let sub = dir.join("目录");
    std::fs::create_dir(&sub).unwrap();
    let blocker = dir.join("普通文件");
    std::fs::write(&blocker, b"x").unwrap();
    let cases: [(PathBuf, &str); 7] = [
        (spec.clone(), "是本次的输入文件"),
        (csv.clone(), "是本次的输入文件"),
        (sub.clone(), "是目录"),
        (out.join("manifest.json"), "是批量输出的清单文件"),
        (user.clone(), "不是文书写的文件"),
        (blocker.join("x.pdf"), "无法创建合并文件所在的目录"),
        (
            dir.join("合订本"),
            "合并打印文件的名字应以 .pdf 结尾，如 合订本.pdf",
        ),
    ];
    for (target, why) in cases {
        let r = run(
            &["batch", s(&spec), "-o", s(&out), "--merge", s(&target)],
            60,
        );
        assert_eq!(r.code, Some(1), "{}: {}", target.display(), r.stderr);
        assert!(r.stderr.contains(why), "{}: {}", target.display(), r.stderr);
        assert!(
            !r.stderr.contains("进度") && !r.stderr.contains("共 "),
            "{} rendered before refusing: {}",
            target.display(),
            r.stderr
        );
        assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
        assert!(temporaries(&dir).is_empty() && temporaries(&sub).is_empty());
    }
    assert_eq!(std::fs::read(&spec).unwrap(), before_spec);
    assert_eq!(std::fs::read(&csv).unwrap(), before_csv);
    assert_eq!(std::fs::read(&user).unwrap(), b"the user's own");

    // Onto the name a paper would take: the book takes it, the paper the next.
    let paper = out.join("整改方案-王珺.pdf");
    let r = run(
        &["batch", s(&spec), "-o", s(&out), "--merge", s(&paper)],
        300,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let all = names(&out);
    assert!(all.contains(&"整改方案-王珺-2.pdf".to_string()), "{all:?}");
    let info = run_tool("pdfinfo", &[s(&paper)]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages > 8, "{pages} pages: not the merged book");
}

#[test]
fn only_wenshus_own_temporaries_of_dead_runs_are_removed() {
    let dir = scratch("temps");
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let mut live = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    let host = wenshu::output::host_tag();
    let kept = [
        ".笔记.tmp".to_string(),
        ".a.pdf.12345.tmp".to_string(),
        format!(".b.pdf.wenshu-{host}-{}-0.tmp", live.id()),
        format!(".c.pdf.wenshu-another-host-{dead_pid}-0.tmp"),
    ];
    let removed = format!(".d.pdf.wenshu-{host}-{dead_pid}-3.tmp");
    for n in kept.iter().chain([&removed]) {
        std::fs::write(out.join(n), b"x").unwrap();
    }
    let input = root().join("fixtures/两个具体.yaml");
    let r = run(&["batch", s(&input), "-o", s(&out), "--format", "docx"], 60);
    live.kill().unwrap();
    live.wait().unwrap();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let now = names(&out);
    for n in &kept {
        assert!(now.contains(n), "{n} was removed: {now:?}");
    }
    assert!(!now.contains(&removed), "{now:?}");
}

#[test]
fn batch_never_replaces_a_file_that_is_not_its_own_and_says_each_refusal() {
    let dir = scratch("batch-own");
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("a.yaml"), fixture("两个具体.yaml")).unwrap();
    std::fs::write(inputs.join("b.yaml"), fixture("整改方案-单位.yaml")).unwrap();
    let out = dir.join("out");
    let batch = |extra: &[&str]| {
        let mut args = vec!["batch", s(&inputs), "-o", s(&out), "--format", "docx"];
        args.extend(extra);
        run(&args, 120)
    };
    // A clean run, to learn the names.
    let r = batch(&[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let papers: Vec<PathBuf> = files_in(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    assert_eq!(papers.len(), 2);
    // Both replaced by the user's own files; a symlink planted at one.
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::write(&papers[0], b"the user's own").unwrap();
    std::fs::remove_file(&papers[1]).unwrap();
    std::os::unix::fs::symlink(&victim, &papers[1]).unwrap();
    std::fs::remove_file(out.join(RECORD)).unwrap();
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::remove_file(out.join("manifest.csv")).unwrap();
    let r = batch(&[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // Each write error on its own, with its path and reason.
    for (p, why) in [
        (&papers[0], "已存在，不是文书写的文件，文书不会覆盖它"),
        (
            &papers[1],
            "已存在，但不是普通文件（目录、链接或特殊文件），不能用作输出",
        ),
    ] {
        assert!(
            r.stderr
                .contains(&format!("错误[output]：{why}\n  --> {}\n", p.display())),
            "{}",
            r.stderr
        );
    }
    assert_eq!(std::fs::read(&papers[0]).unwrap(), b"the user's own");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let m = manifest(&out);
    assert!(m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["status"] == "失败" && e["errors"][0].as_str().unwrap().contains("已存在")));
    // --force replaces them, and never writes through the link.
    let r = batch(&["--force"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read(&papers[0]).unwrap().starts_with(b"PK"));
    assert!(std::fs::symlink_metadata(&papers[1]).unwrap().is_file());
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    // --resume does not revert a paper edited after wenshu wrote it.
    let mut edited = std::fs::read(&papers[0]).unwrap();
    edited.extend_from_slice(b" edited");
    std::fs::write(&papers[0], &edited).unwrap();
    let r = batch(&["--resume"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("写出后被改动过"), "{}", r.stderr);
    assert!(
        r.stderr.contains("（其中 1 项沿用上次的输出）"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&papers[0]).unwrap(), edited);
}

/// Inputs where three files make papers of one name, and a roster.
fn colliding_inputs(dir: &Path) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    for n in ["a1", "a2", "a3"] {
        std::fs::write(inputs.join(format!("{n}.yaml")), fixture("两个具体.yaml")).unwrap();
    }
    for f in ["转段申请-1.yaml", "整改方案-单位.yaml", "阶段小结-2.yaml"] {
        std::fs::copy(root().join("fixtures").join(f), inputs.join(f)).unwrap();
    }
    for f in ["花名册-整改方案.yaml", "第一党支部党员名单.csv"] {
        std::fs::copy(root().join("fixtures/batch").join(f), inputs.join(f)).unwrap();
    }
    inputs
}

#[test]
fn shards_into_one_directory_give_exactly_the_files_of_one_run() {
    let dir = scratch("shards-one-dir");
    let inputs = colliding_inputs(&dir);
    let batch = |out: &Path, extra: &[&str]| {
        let mut args = vec!["batch", s(&inputs), "-o", s(out), "--format", "docx"];
        args.extend(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
            .args(&args)
            .output()
            .unwrap()
    };
    let one = dir.join("one");
    let o = batch(&one, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // One shard after the other, and all three at once.
    let after = dir.join("after");
    for k in ["1/3", "2/3", "3/3"] {
        let o = batch(&after, &["--shard", k]);
        assert!(o.status.success(), "{k}: {}", stderr(&o));
    }
    let together = dir.join("together");
    let runs: Vec<_> = ["1/3", "2/3", "3/3"]
        .iter()
        .map(|k| {
            std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
                .args([
                    "batch",
                    s(&inputs),
                    "-o",
                    s(&together),
                    "--format",
                    "docx",
                    "--shard",
                    k,
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let expected = manifest(&one);
    for sharded in [&after, &together] {
        assert_eq!(names(sharded), names(&one), "{}", sharded.display());
        for (x, y) in files_in(&one).iter().zip(files_in(sharded)) {
            if x.file_name().unwrap() == "manifest.json" || x.file_name().unwrap() == "manifest.csv"
            {
                continue;
            }
            assert_eq!(
                std::fs::read(x).unwrap(),
                std::fs::read(&y).unwrap(),
                "{}",
                y.display()
            );
        }
        let m = manifest(sharded);
        assert_eq!(m["entries"], expected["entries"], "{}", sharded.display());
    }
    assert!(names(&one).contains(&"两个具体-江滨区财政局机关党委-3.docx".to_string()));
}

#[test]
fn a_later_input_never_takes_the_name_of_an_earlier_output() {
    let dir = scratch("later-name");
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("b.yaml"), fixture("两个具体.yaml")).unwrap();
    let out = dir.join("out");
    let batch = || {
        run(
            &[
                "batch",
                s(&inputs),
                "-o",
                s(&out),
                "--format",
                "docx",
                "--resume",
            ],
            120,
        )
    };
    let r = batch();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let first = out.join("两个具体-江滨区财政局机关党委.docx");
    let bytes = std::fs::read(&first).unwrap();
    // A new input before it, making a paper of the same name.
    let other = fixture("两个具体.yaml").replace("日期: 2026-02-27", "日期: 2026-02-28");
    std::fs::write(inputs.join("a.yaml"), other).unwrap();
    let r = batch();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("（其中 1 项沿用上次的输出）"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(&first).unwrap(),
        bytes,
        "b.yaml's paper replaced"
    );
    let m = manifest(&out);
    let outputs: Vec<(&str, &str)> = m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let input = e["input"].as_str().unwrap();
            (
                &input[input.len() - 6..],
                e["outputs"][0]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outputs,
        [
            ("a.yaml", "两个具体-江滨区财政局机关党委-2.docx"),
            ("b.yaml", "两个具体-江滨区财政局机关党委.docx")
        ]
    );
}

#[test]
fn a_killed_merge_leaves_no_lasting_temporary_and_a_resume_keeps_the_papers() {
    let dir = scratch("merge-kill");
    let inputs = dir.join("in");
    std::fs::create_dir(&inputs).unwrap();
    let text = fixture("党性分析材料-个人.yaml");
    for i in 0..120 {
        let t = text.replace("林晓雯", &format!("林晓雯{i:03}"));
        std::fs::write(inputs.join(format!("{i:03}.yaml")), t).unwrap();
    }
    let args = |out: &Path, book: &Path| -> Vec<String> {
        [
            "batch",
            s(&inputs),
            "-o",
            s(out),
            "--format",
            "pdf",
            "-j",
            "2",
            "--merge",
            s(book),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    };
    let clean = dir.join("clean");
    let clean_book = dir.join("clean.pdf");
    let r = run(
        &args(&clean, &clean_book)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        600,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    let out = dir.join("out");
    let books = dir.join("books");
    let book = books.join("合订本.pdf");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(args(&out, &book))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
        if (n >= 30 && out.join("manifest.json").exists()) || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !book.exists(),
        "the batch finished before it could be killed"
    );
    assert_eq!(temporaries(&books).len(), 1, "{:?}", names(&books));

    let mut resume = args(&out, &book);
    resume.push("--resume".into());
    let r = run(&resume.iter().map(String::as_str).collect::<Vec<_>>(), 600);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("沿用上次的输出"), "{}", r.stderr);
    assert!(temporaries(&books).is_empty(), "{:?}", names(&books));
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
    assert_eq!(
        std::fs::read(&book).unwrap(),
        std::fs::read(&clean_book).unwrap(),
        "the resumed book differs from a clean run's"
    );
    assert_eq!(names(&out), names(&clean));
}

#[test]
fn names_of_sixty_wide_characters_are_cut_by_bytes_and_stay_unique() {
    let dir = scratch("wide-names");
    // 60 characters with the last, 239 bytes.
    let wide = "\u{20000}".repeat(59);
    let mut files = Vec::new();
    for tail in ["甲", "乙"] {
        let f = dir.join(format!("{tail}.yaml"));
        let text = fixture("两个具体.yaml")
            .replace("单位: 江滨区财政局机关党委", &format!("单位: {wide}{tail}"));
        std::fs::write(&f, text).unwrap();
        files.push(f);
    }
    let out = dir.join("out");
    let r = run(
        &[
            "render",
            "--format",
            "docx",
            s(&files[0]),
            s(&files[1]),
            "-o",
            s(&out),
        ],
        60,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let made = names(&out);
    assert_eq!(made.len(), 2, "{made:?}");
    assert_ne!(made[0], made[1]);
    for n in &made {
        assert!(n.len() <= 200, "{} bytes: {n}", n.len());
        assert!(n.starts_with("两个具体-\u{20000}"), "{n}");
    }
}

#[test]
fn control_characters_and_noncharacters_are_refused_where_they_stand() {
    let dir = scratch("unprintable");
    let f = dir.join("x.yaml");
    let text = fixture("两个具体.yaml").replace(
        "单位: 江滨区财政局机关党委",
        "单位: 江滨区\u{FFFF}财政局\u{1b}[2J机关党委",
    );
    std::fs::write(&f, text).unwrap();
    let out = dir.join("out");
    let r = run(&["render", s(&f), "-o", s(&out)], 60);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("错误[unprintable]：含有不能用于文书的非字符码位 U+FFFF")
            && r.stderr.contains("x.yaml:3:5")
            && r.stderr.contains("字段：单位"),
        "{}",
        r.stderr
    );
    // The quoted line shows the ESC, it does not send it.
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
    assert!(r.stderr.contains("\\u{1b}[2J"), "{}", r.stderr);
    assert!(!out.exists(), "a failed render made {}", out.display());
    // The same in a roster's cell is said at the cell.
    let dir = roster_dir("unprintable-cell");
    let csv = dir.join("第一党支部党员名单.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("陈堃", "陈\u{7}堃");
    std::fs::write(&csv, text).unwrap();
    let spec = dir.join("花名册-整改方案.yaml");
    let r = run(
        &[
            "batch",
            s(&spec),
            "-o",
            s(&dir.join("out")),
            "--format",
            "docx",
        ],
        120,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("控制字符 U+0007") && r.stderr.contains("第一党支部党员名单.csv:3:1"),
        "{}",
        r.stderr
    );
}

#[test]
fn manifest_csv_cells_that_look_like_formulas_are_defused() {
    let dir = scratch("formula");
    std::fs::write(dir.join("=1+2.yaml"), fixture("两个具体.yaml")).unwrap();
    std::fs::write(dir.join("@x.yaml"), "文种: 两个具体\n").unwrap();
    let r = run_in(
        &dir,
        &[
            "batch",
            "=1+2.yaml",
            "@x.yaml",
            "-o",
            "out",
            "--format",
            "docx",
        ],
        60,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let csv = std::fs::read_to_string(dir.join("out/manifest.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].starts_with("\"'=1+2.yaml\",,成功,"), "{csv}");
    assert!(lines[2].starts_with("\"'@x.yaml\",,失败,"), "{csv}");
    assert!(lines[2].contains(",\"'@x.yaml:"), "{csv}");
}

#[test]
fn a_roster_with_only_its_header_says_it_has_no_rows() {
    let dir = roster_dir("header-only");
    let csv = dir.join("第一党支部党员名单.csv");
    let header = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, format!("{}\n", header.lines().next().unwrap())).unwrap();
    let spec = dir.join("花名册-整改方案.yaml");
    let r = run(&["batch", s(&spec), "-o", s(&dir.join("out"))], 60);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("只有表头，没有任何数据行")
            && r.stderr.contains("花名册-整改方案.yaml:5:6"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("没有找到任何 YAML 文件"), "{}", r.stderr);
}

/// `wenshu fill` keeps the same promise as `render`: the user's file at an
/// output name is left alone unless `--force`, for the DOCX and for the PDF
/// LibreOffice makes.
#[test]
fn fill_never_replaces_a_file_that_is_not_wenshus_own() {
    let dir = scratch("fill-own");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (docx, pdf) = (out.join("张三.docx"), out.join("张三.pdf"));
    std::fs::write(&pdf, b"the user's own").unwrap();
    let fill = |extra: &[&str]| {
        let mut args = vec![
            "fill",
            "fixtures/fill/评议表.docx",
            "fixtures/fill/张三.yaml",
            "--format",
            "docx,pdf",
            "-o",
            s(&out),
        ];
        args.extend(extra);
        run(&args, 300)
    };
    let r = fill(&[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("不是文书写的文件") && r.stderr.contains(&pdf.display().to_string()),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), b"the user's own");
    assert!(!docx.exists(), "half of the paper was written");
    let r = fill(&["--force"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
    // Its own outputs, unchanged: a second run replaces them.
    let r = fill(&[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}
