//! Throughput harness (not a timed test): `cargo bench --bench throughput`.
//!
//! Prints documents (and PDF pages) per second and peak memory for:
//! 1. the whole CLI over every fixture, DOCX and PDF (process start included), and
//! 2. N papers of the 党性分析材料 fixture rendered in one process, from YAML
//!    text to files written to disk (parse, validate, template, markup, then
//!    OOXML + zip, or layout + subset + PDF; atomic writes), DOCX only, PDF
//!    only, and both, on one thread and on every core, each with two kinds
//!    of names: digit-suffixed (党员00000, …: every paper draws the same
//!    glyphs) and distinct Chinese names (benches/names.txt: each new name
//!    may add glyphs to the font subsets, as a real roster does).
//!
//! `WENSHU_BENCH_N` sets N (default 1000).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use wenshu::{docx, fonts, input, output, pdf, pipeline, template, typeset};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let n: usize = std::env::var("WENSHU_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let out = root.join("target/bench-out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();

    // 1. The CLI over every fixture, as a user runs it.
    let bin = root.join("target/release/wenshu");
    if bin.is_file() {
        let mut fixtures: Vec<String> = std::fs::read_dir(root.join("fixtures"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| p.display().to_string())
            .collect();
        fixtures.sort();
        let start = Instant::now();
        let status = std::process::Command::new(&bin)
            .arg("render")
            .args(&fixtures)
            .arg("-o")
            .arg(out.join("cli"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        println!(
            "cli: {} fixtures rendered to DOCX and PDF in {:.1} ms (one process, start included)",
            fixtures.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    } else {
        println!("cli: skipped (build target/release/wenshu first: cargo build --release)");
    }

    // 2. N papers in-process.
    let path = root.join("fixtures/党性分析材料-个人.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let engine = template::Engine::new(None).unwrap();
    let district = pipeline::District::default();
    let start = Instant::now();
    let fonts = fonts::Fonts::discover(&[]).unwrap();
    println!(
        "fonts: discovered and mapped in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let original = "姓名: 林晓雯";
    assert!(text.contains(original));
    for (label, want_docx, want_pdf) in [
        ("docx", true, false),
        ("pdf", false, true),
        ("docx+pdf", true, true),
    ] {
        for kind in ["digits", "chinese"] {
            let names = names(kind, n);
            for workers in [1, threads] {
                let dir = out.join(format!("{label}-{kind}-{workers}"));
                std::fs::create_dir_all(&dir).unwrap();
                let start = Instant::now();
                let bytes_total = AtomicUsize::new(0);
                let pdf_bytes = AtomicUsize::new(0);
                let pages = AtomicUsize::new(0);
                std::thread::scope(|scope| {
                    for w in 0..workers {
                        let (engine, fonts, text, dir, path, district) =
                            (&engine, &fonts, &text, &dir, &path, &district);
                        let (names, bytes_total, pdf_bytes, pages) =
                            (&names, &bytes_total, &pdf_bytes, &pages);
                        scope.spawn(move || {
                            for i in (w..n).step_by(workers) {
                                let text = text.replace(original, &format!("姓名: {}", names[i]));
                                let src = input::Source::new(path.display().to_string(), text);
                                let fonts_for_check = if want_pdf { Some(fonts) } else { None };
                                let result = pipeline::render_source(
                                    engine,
                                    &src,
                                    fonts_for_check,
                                    district,
                                );
                                assert!(result.errors.is_empty());
                                for r in result.rendered {
                                    let stem = output::safe_stem(&format!("{}-{i}", r.stem));
                                    if want_docx {
                                        let bytes = docx::write(&r.document, None);
                                        bytes_total.fetch_add(bytes.len(), Relaxed);
                                        output::write_atomic(
                                            &dir.join(format!("{stem}.docx")),
                                            &bytes,
                                        )
                                        .unwrap();
                                    }
                                    if want_pdf {
                                        let layout = typeset::layout::Typesetter::new(fonts)
                                            .layout(&r.document);
                                        let bytes = pdf::write(&layout, fonts, &r.document.title());
                                        bytes_total.fetch_add(bytes.len(), Relaxed);
                                        pdf_bytes.fetch_add(bytes.len(), Relaxed);
                                        pages.fetch_add(layout.pages.len(), Relaxed);
                                        output::write_atomic(
                                            &dir.join(format!("{stem}.pdf")),
                                            &bytes,
                                        )
                                        .unwrap();
                                    }
                                }
                            }
                        });
                    }
                });
                let secs = start.elapsed().as_secs_f64();
                let pages = pages.into_inner();
                let pdf_figures = if pages > 0 {
                    format!(
                        ", {:.0} pages/s, {:.1} KiB a PDF page",
                        pages as f64 / secs,
                        pdf_bytes.into_inner() as f64 / pages as f64 / 1024.0
                    )
                } else {
                    String::new()
                };
                println!(
                    "{label}, {kind} names: {n} papers (党性分析材料, {:.0} KB of output each) in {:.2} s = {:.0} papers/s{pdf_figures} on {workers} thread(s); peak RSS so far {:.1} MB",
                    bytes_total.into_inner() as f64 / n as f64 / 1024.0,
                    secs,
                    n as f64 / secs,
                    peak_rss_mb()
                );
            }
        }
    }
}

/// The members' names: 党员00000, … (`digits`), or the first `n` distinct
/// Chinese names of benches/names.txt (its header says how they are drawn).
fn names(kind: &str, n: usize) -> Vec<String> {
    if kind == "digits" {
        return (0..n).map(|i| format!("党员{i:05}")).collect();
    }
    let list = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/names.txt"),
    )
    .unwrap();
    let lines: Vec<Vec<char>> = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.chars().collect())
        .collect();
    let (surnames, given) = (&lines[0], &lines[1]);
    assert_eq!((surnames.len(), given.len()), (100, 100));
    (0..n)
        .map(|i| {
            let j = (i * 7919 + 4231) % 1_000_000;
            [surnames[j % 100], given[j / 100 % 100], given[j / 10000]]
                .iter()
                .collect()
        })
        .collect()
}
