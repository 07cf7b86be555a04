//! Batch: a whole unit's or district's papers in one run.
//!
//! Owns expanding the inputs (files, directories, multi-document files and
//! rosters) into an ordered list of units, sharding it, running the units on
//! every core in chunks (so memory stays flat however long the batch), naming
//! and writing the outputs in input order (so any `-j` gives the same bytes),
//! the manifest (every input with its outputs' sizes and SHA-256, or its
//! errors), resuming from it, progress, and the merged print file. It never
//! interprets a paper: [`crate::pipeline`] does, for one unit at a time,
//! or [`crate::fill`] for a roster that names an office's Word template (their
//! PDFs come from one LibreOffice run at the end, see [`crate::convert`]).

use std::collections::HashMap;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic};
use crate::fonts::Fonts;
use crate::typeset::layout::Layout;
use crate::input::sha256_hex;
use crate::{convert, fill, input, output, pdf, pipeline, roster, template};

/// What the user asked for.
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: Option<usize>,
    pub docx: bool,
    pub pdf: bool,
    pub merge: Option<PathBuf>,
    pub sort: Option<String>,
    /// How `sort` orders the field's text (names by 姓氏笔画 by default).
    pub sort_by: crate::collate::Order,
    pub resume: bool,
    /// (k, n): this run does units k, k+n, k+2n, … (1-based k).
    pub shard: Option<(usize, usize)>,
    /// How a diagnostic is shown on the terminal (the CLI's renderer).
    pub render: fn(&Diagnostic) -> String,
    /// The district's settings every 阶段记录 is checked against.
    pub district: crate::record::District,
}

/// The manifest's file names inside the output directory.
pub const MANIFEST_JSON: &str = "manifest.json";
pub const MANIFEST_CSV: &str = "manifest.csv";

/// One input of the batch: a YAML file or one row of a roster.
enum Unit {
    File(PathBuf),
    Row(Arc<roster::Roster>, usize),
    /// A row of a roster that fills an office's Word template.
    Filled(Arc<roster::Roster>, Arc<fill::Template>, usize),
    /// An input that could not even be expanded (missing, bad roster).
    Broken(String, Vec<Diagnostic>),
}

impl Unit {
    /// The manifest's name for this input.
    fn key(&self) -> (String, Option<usize>) {
        match self {
            Unit::File(p) => (p.display().to_string(), None),
            Unit::Row(r, i) | Unit::Filled(r, _, i) => (r.spec.name.clone(), Some(r.rows[*i].line)),
            Unit::Broken(name, _) => (name.clone(), None),
        }
    }
}

/// A manifest line: one input and what became of it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub input: String,
    /// The table row, for a roster's paper.
    pub row: Option<usize>,
    pub input_sha256: String,
    /// 成功, 失败 or 未达标 (a refused 阶段记录: only its 补课清单 was written).
    pub status: String,
    pub outputs: Vec<OutputFile>,
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The manifest as `--resume` reads it back (written from a borrowed twin in
/// [`write_manifest`], so the entries are not copied for every write).
#[derive(Deserialize)]
struct Manifest {
    wenshu: String,
    /// What affects the bytes of the outputs; a resume reuses nothing if it
    /// changed.
    settings: String,
    entries: Vec<Entry>,
}

/// What one unit produced, before it is named and written.
struct Produced {
    input_sha256: String,
    papers: Vec<PaperOut>,
    errors: Vec<Diagnostic>,
    refused: bool,
}

struct PaperOut {
    stem: String,
    docx: Option<Vec<u8>>,
    pdf: Option<Vec<u8>>,
    layout: Option<Layout>,
    /// Laid out by Word, not by wenshu: its PDF comes from LibreOffice.
    word: bool,
}

/// Runs the batch; returns whether everything succeeded.
pub fn run(opts: &Options, engine: &template::Engine, fonts: Option<&Fonts>) -> bool {
    let started = Instant::now();
    if let Err(e) = std::fs::create_dir_all(&opts.out) {
        eprintln!("错误：无法创建输出目录 {}：{e}", opts.out.display());
        return false;
    }
    remove_stale_temporaries(&opts.out);
    let mut units = expand(&opts.inputs);
    for unit in &units {
        if let Unit::Row(r, 0) = unit {
            for w in &r.warnings {
                eprintln!("{}", (opts.render)(w));
            }
        }
    }
    if let Some((k, n)) = opts.shard {
        units = units
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, u)| u)
            .collect();
    }
    // Filled templates are merged from LibreOffice's PDFs after the run
    // (crate::merge), wenshu's own papers while they are typeset.
    let filled_merge = opts.merge.is_some() && units.iter().any(|u| matches!(u, Unit::Filled(..)));
    if filled_merge && units.iter().any(|u| !matches!(u, Unit::Filled(..))) {
        eprintln!("错误：--merge 不能把按 Word 模板填写的文书与 wenshu 排版的文书合在一起；请分两次运行");
        return false;
    }
    if filled_merge && !opts.pdf {
        eprintln!("错误：按 Word 模板填写的花名册要合并，须同时生成 PDF：请加 --format pdf（或 docx,pdf）");
        return false;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()
        .expect("thread pool");
    let settings = format!(
        "docx={} pdf={} merge={} sort={:?}",
        opts.docx,
        opts.pdf,
        opts.merge.is_some(),
        opts.sort
    );
    let previous: HashMap<(String, Option<usize>), Entry> = if opts.resume {
        load_manifest(&opts.out, &settings)
    } else {
        HashMap::new()
    };

    // --sort: keys first (decoding only), then a stable sort.
    if let Some(key) = &opts.sort {
        let keys: Vec<Option<String>> =
            pool.install(|| units.par_iter().map(|u| sort_key(u, key)).collect());
        if !units.is_empty() && keys.iter().all(Option::is_none) {
            eprintln!("错误：--sort {key}：没有任何文书有字段「{key}」；字段路径用点分隔，如 党员.姓名");
            return false;
        }
        let keys: Vec<Vec<u8>> = keys
            .iter()
            .map(|k| k.as_deref().map_or(Vec::new(), |t| crate::collate::key(t, opts.sort_by)))
            .collect();
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
        units = order
            .into_iter()
            .map(|i| slots[i].take().expect("each unit once"))
            .collect();
    }

    let total = units.len();
    if total == 0 && opts.shard.is_none() {
        eprintln!("错误：输入中没有找到任何 YAML 文件（*.yaml、*.yml）");
        return false;
    }
    let progress = Progress::new(total);
    let mut merged = match &opts.merge {
        Some(path) if !filled_merge => match MergeFile::create(path) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("错误：无法创建合并文件 {}：{e}", path.display());
                return false;
            }
        },
        _ => None,
    };
    let mut taken = output::Names::default();
    let mut entries: Vec<Entry> = Vec::with_capacity(total);
    let (mut ok, mut failed, mut refused, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    let chunk = 8 * pool.current_num_threads().max(1);
    let mut start = 0;
    let mut last_manifest = Instant::now();
    let mut shared_said = std::collections::HashSet::new();
    // Filled templates whose PDF LibreOffice makes at the end: (entry, DOCX).
    let mut for_libreoffice: Vec<(usize, PathBuf)> = Vec::new();
    while start < total {
        let end = (start + chunk).min(total);
        let slice = &units[start..end];
        // Resume: an input whose hash and outputs still match is kept as is
        // (unless the merged file needs its pages).
        let reuse: Vec<Option<Entry>> = slice
            .iter()
            .map(|u| {
                let prev = previous.get(&u.key())?;
                (merged.is_none()
                    && prev.status == "成功"
                    && input_digest(u).as_deref() == Some(&prev.input_sha256)
                    && outputs_intact(&opts.out, prev))
                .then(|| prev.clone())
            })
            .collect();
        let produced: Vec<Option<Produced>> = pool.install(|| {
            slice
                .par_iter()
                .zip(&reuse)
                .map(|(u, r)| {
                    r.is_none()
                        .then(|| produce(u, engine, fonts, opts, merged.is_some()))
                })
                .collect()
        });
        // Name and write in input order: the same names and bytes for any -j.
        let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        let mut chunk_entries: Vec<(Entry, Vec<usize>)> = Vec::new();
        for ((unit, reused), produced) in slice.iter().zip(reuse).zip(produced) {
            let (input, row) = unit.key();
            if let Some(entry) = reused {
                for o in &entry.outputs {
                    if let Some(stem) = Path::new(&o.path).file_stem() {
                        taken.reserve(&stem.to_string_lossy());
                    }
                }
                skipped += 1;
                ok += 1;
                chunk_entries.push((entry, Vec::new()));
                continue;
            }
            let p = produced.expect("produced when not reused");
            for d in &p.errors {
                // A mistake in a roster's shared fields fails every row alike:
                // say it once (the manifest still lists it for each row).
                let text = (opts.render)(d);
                if d.shared && !shared_said.insert(d.short())
                {
                    continue;
                }
                progress.println(&text);
            }
            let status = if p.papers.is_empty() && !p.errors.is_empty() {
                failed += 1;
                "失败"
            } else if p.refused {
                refused += 1;
                "未达标"
            } else {
                ok += 1;
                "成功"
            };
            let mut idx = Vec::new();
            for paper in p.papers {
                let stem = taken.unique(&paper.stem);
                if paper.word && opts.pdf {
                    let at = entries.len() + chunk_entries.len();
                    for_libreoffice.push((at, opts.out.join(format!("{stem}.docx"))));
                }
                for (ext, bytes) in [("docx", paper.docx), ("pdf", paper.pdf)] {
                    if let Some(bytes) = bytes {
                        idx.push(writes.len());
                        writes.push((opts.out.join(format!("{stem}.{ext}")), bytes));
                    }
                }
                if let (Some(m), Some(layout)) = (merged.as_mut(), paper.layout.as_ref()) {
                    if let Err(e) = m.add(layout, fonts.expect("fonts with a merge"), &stem) {
                        eprintln!("错误：写入合并文件失败：{e}");
                        return false;
                    }
                }
            }
            let entry = Entry {
                input,
                row,
                input_sha256: p.input_sha256,
                status: status.to_string(),
                outputs: Vec::new(),
                errors: p.errors.iter().map(Diagnostic::short).collect(),
            };
            chunk_entries.push((entry, idx));
        }
        let results: Vec<std::io::Result<OutputFile>> = pool.install(|| {
            writes
                .par_iter()
                .map(|(path, bytes)| {
                    output::write_atomic(path, bytes)?;
                    Ok(OutputFile {
                        path: path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        bytes: bytes.len() as u64,
                        sha256: sha256_hex(bytes),
                    })
                })
                .collect()
        });
        let mut results: Vec<Option<std::io::Result<OutputFile>>> =
            results.into_iter().map(Some).collect();
        for (mut entry, idx) in chunk_entries {
            for i in idx {
                match results[i].take().expect("each write once") {
                    Ok(f) => entry.outputs.push(f),
                    Err(e) => {
                        entry
                            .errors
                            .push(format!("无法写入 {}：{e}", writes[i].0.display()));
                        if entry.status == "成功" {
                            ok -= 1;
                            failed += 1;
                        }
                        entry.status = "失败".into();
                    }
                }
            }
            entries.push(entry);
        }
        // The manifest is rewritten at most once a second (a killed run loses
        // at most that second's entries, which a resume then redoes), and at
        // the end: rewriting it after every chunk would be quadratic.
        if end == total || last_manifest.elapsed() >= Duration::from_secs(1) {
            if let Err(e) = write_manifest(&opts.out, &settings, &entries) {
                eprintln!("错误：无法写入清单：{e}");
                return false;
            }
            last_manifest = Instant::now();
        }
        progress.advance(end - start, ok, failed + refused);
        start = end;
    }
    if !for_libreoffice.is_empty() {
        let (done, lost) = libreoffice_pdfs(&for_libreoffice, &mut entries, opts);
        ok -= lost;
        failed += lost;
        let _ = done;
    }
    if total == 0 || !for_libreoffice.is_empty() {
        if let Err(e) = write_manifest(&opts.out, &settings, &entries) {
            eprintln!("错误：无法写入清单：{e}");
            return false;
        }
    }
    let mut merged_pages = None;
    if let Some(m) = merged {
        match m.finish(fonts.expect("fonts with a merge")) {
            Ok(pages) => merged_pages = Some(pages),
            Err(e) => {
                eprintln!("错误：写入合并文件失败：{e}");
                return false;
            }
        }
    }
    if let (true, Some(path)) = (filled_merge, &opts.merge) {
        match crate::merge::merge(&filled_pdfs(&entries, &opts.out), path) {
            Ok(pages) => merged_pages = Some(pages),
            Err(e) => {
                eprintln!("错误：{e}");
                return false;
            }
        }
    }
    progress.finish();
    let secs = started.elapsed().as_secs_f64();
    let mut summary = format!("共 {total} 项：成功 {ok} 项");
    if skipped > 0 {
        summary.push_str(&format!("（其中 {skipped} 项沿用上次的输出）"));
    }
    summary.push_str(&format!("，失败 {failed} 项"));
    if refused > 0 {
        summary.push_str(&format!("，未达标 {refused} 项（只生成补课清单）"));
    }
    summary.push_str(&format!(
        "；用时 {secs:.1} 秒。清单：{}",
        opts.out.join(MANIFEST_JSON).display()
    ));
    if let (Some(path), Some(pages)) = (&opts.merge, merged_pages) {
        summary.push_str(&format!("；合并打印文件：{}（{pages} 页）", path.display()));
    }
    eprintln!("{summary}");
    failed == 0 && refused == 0
}

/// Converts the filled templates' DOCX to PDF in one LibreOffice run and
/// lists the PDFs in their entries; without DOCX in the formats asked, the
/// DOCX are removed again. Returns (converted, failed) counts.
fn libreoffice_pdfs(
    pending: &[(usize, PathBuf)],
    entries: &mut [Entry],
    opts: &Options,
) -> (usize, usize) {
    let written: Vec<(usize, PathBuf)> = pending
        .iter()
        .filter(|(_, p)| p.is_file())
        .cloned()
        .collect();
    let docx: Vec<PathBuf> = written.iter().map(|(_, p)| p.clone()).collect();
    match convert::to_pdf(&docx, &opts.out) {
        Ok(pdfs) => {
            for ((i, docx), pdf) in written.iter().zip(&pdfs) {
                let entry = &mut entries[*i];
                if let Ok(bytes) = std::fs::read(pdf) {
                    entry.outputs.push(OutputFile {
                        path: file_name(pdf),
                        bytes: bytes.len() as u64,
                        sha256: sha256_hex(&bytes),
                    });
                }
                if !opts.docx {
                    let name = file_name(docx);
                    entry.outputs.retain(|o| o.path != name);
                    let _ = std::fs::remove_file(docx);
                }
            }
            (pdfs.len(), 0)
        }
        Err(m) => {
            eprintln!("错误：{m}");
            for (i, _) in &written {
                entries[*i].status = "失败".into();
                entries[*i].errors.push(m.clone());
            }
            (0, written.len())
        }
    }
}

/// The PDFs of the papers that succeeded, in output order, each with its
/// name as the bookmark.
fn filled_pdfs(entries: &[Entry], out: &Path) -> Vec<(String, PathBuf)> {
    entries
        .iter()
        .filter(|e| e.status == "成功")
        .flat_map(|e| &e.outputs)
        .filter_map(|o| {
            let stem = o.path.strip_suffix(".pdf")?;
            Some((stem.to_string(), out.join(&o.path)))
        })
        .collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Files, directories (recursively, *.yaml and *.yml, sorted) and rosters
/// (one unit per row), in the order given.
fn expand(inputs: &[PathBuf]) -> Vec<Unit> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found);
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    let mut units = Vec::new();
    for f in files {
        let is_yaml = f.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let text = if is_yaml {
            std::fs::read_to_string(&f).unwrap_or_default()
        } else {
            String::new()
        };
        if is_yaml && roster::is_roster(&text) {
            match roster::read(&f) {
                Ok(r) => {
                    let r = Arc::new(r);
                    match &r.template {
                        None => units.extend((0..r.rows.len()).map(|i| Unit::Row(r.clone(), i))),
                        Some((path, _)) => match fill::Template::open(path) {
                            Ok(t) => {
                                let t = Arc::new(t);
                                units.extend(
                                    (0..r.rows.len())
                                        .map(|i| Unit::Filled(r.clone(), t.clone(), i)),
                                );
                            }
                            Err(diags) => units.push(Unit::Broken(f.display().to_string(), diags)),
                        },
                    }
                }
                Err(diags) => units.push(Unit::Broken(f.display().to_string(), diags)),
            }
        } else if !is_yaml && f.is_file() {
            let name = f.display().to_string();
            let why = "不是 YAML 文件；花名册（CSV、XLSX）须由一个 `文种: 花名册` 的 YAML 文件引用";
            units.push(Unit::Broken(
                name.clone(),
                vec![Diagnostic::whole_file(&name, Code::WrongCommand, why)],
            ));
        } else {
            units.push(Unit::File(f));
        }
    }
    units
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn input_digest(unit: &Unit) -> Option<String> {
    match unit {
        Unit::File(p) => std::fs::read(p).ok().map(|b| sha256_hex(&b)),
        Unit::Row(r, i) => Some(r.row_digest(*i)),
        Unit::Filled(r, t, i) => Some(sha256_hex(
            format!("{}\u{1f}{}", r.row_digest(*i), t.digest).as_bytes(),
        )),
        Unit::Broken(..) => None,
    }
}

/// Runs one unit through the pipeline and the writers (in memory).
fn produce(
    unit: &Unit,
    engine: &template::Engine,
    fonts: Option<&Fonts>,
    opts: &Options,
    keep_layout: bool,
) -> Produced {
    let input_sha256 = input_digest(unit).unwrap_or_default();
    let check_fonts = fonts.filter(|_| opts.pdf || keep_layout);
    let result = match unit {
        Unit::Filled(r, t, i) => return produce_filled(r, t, *i, input_sha256),
        Unit::File(p) => pipeline::render_file(engine, p, check_fonts, &opts.district),
        Unit::Row(r, i) => {
            let docs = [r.row_doc(*i)];
            let mut result = pipeline::render_docs(engine, &r.spec, &docs, check_fonts, &opts.district);
            result.errors = r.relocate(*i, result.errors);
            result.refusals = r.relocate(*i, result.refusals);
            result
        }
        Unit::Broken(_, diags) => pipeline::FileResult {
            errors: diags.clone(),
            ..Default::default()
        },
    };
    let refused = !result.refusals.is_empty();
    let mut papers = Vec::new();
    for r in result.rendered {
        let files = pipeline::outputs(&r.document, fonts, opts.docx, opts.pdf, keep_layout);
        papers.push(PaperOut {
            stem: r.stem,
            docx: files.docx,
            pdf: files.pdf,
            layout: files.layout,
            word: false,
        });
    }
    Produced {
        input_sha256,
        papers,
        // The manifest lists a refused record's refusals as its problems.
        errors: result.errors.into_iter().chain(result.refusals).collect(),
        refused,
    }
}

/// Fills a roster row into the office's Word template (the DOCX always: a
/// PDF is made from it at the end).
fn produce_filled(
    r: &roster::Roster,
    t: &fill::Template,
    i: usize,
    input_sha256: String,
) -> Produced {
    let root = r.row_doc(i).root;
    let named = match &r.file_name {
        Some(pattern) => fill::evaluate_name(pattern, &root),
        None => Ok(default_filled_stem(r, t, i)),
    };
    let result = named.map_err(|why| {
        vec![Diagnostic::whole_file(
            &r.spec.name,
            Code::Template,
            format!("「文件名」{why}"),
        )]
    });
    let result = result.and_then(|stem| t.fill(&r.spec, &root, false).map(|b| (stem, b)));
    match result {
        Ok((stem, docx)) => Produced {
            input_sha256,
            papers: vec![PaperOut {
                stem,
                docx: Some(docx),
                pdf: None,
                layout: None,
                word: true,
            }],
            errors: Vec::new(),
            refused: false,
        },
        Err(errors) => Produced {
            input_sha256,
            papers: Vec::new(),
            errors: r.relocate(i, errors),
            refused: false,
        },
    }
}

/// 评议表-张三: the template's name and the row's first cell (or its line).
fn default_filled_stem(r: &roster::Roster, t: &fill::Template, i: usize) -> String {
    let base = Path::new(&t.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let row = &r.rows[i];
    match row
        .cells
        .first()
        .map(|(c, _)| c.trim())
        .filter(|c| !c.is_empty())
    {
        Some(first) => format!("{base}-{first}"),
        None => format!("{base}-{}", row.line),
    }
}

/// The key `--sort KEY` orders by: the value at a field path of the paper
/// (e.g. 党员.姓名 or 日期); papers without it sort first, in input order.
fn sort_key(unit: &Unit, key: &str) -> Option<String> {
    let tree = match unit {
        Unit::File(p) => input::read_source(p)
            .ok()
            .and_then(|s| input::parse_yaml(&s).ok())
            .and_then(|d| d.into_iter().next())
            .map(|d| d.root),
        Unit::Row(r, i) | Unit::Filled(r, _, i) => Some(r.row_doc(*i).root),
        Unit::Broken(..) => None,
    };
    let mut node = tree?;
    for part in key.split('.') {
        let input::Value::Map(entries) = &node.value else {
            return None;
        };
        match entries
            .iter()
            .find(|(k, _)| matches!(&k.value, input::Value::Str(s) if s == part))
        {
            Some((_, v)) => node = v.clone(),
            None => return None,
        }
    }
    match node.value {
        input::Value::Str(s) => Some(s),
        _ => None,
    }
}

fn outputs_intact(dir: &Path, entry: &Entry) -> bool {
    !entry.outputs.is_empty()
        && entry.outputs.iter().all(|o| {
            std::fs::read(dir.join(&o.path))
                .is_ok_and(|b| b.len() as u64 == o.bytes && sha256_hex(&b) == o.sha256)
        })
}

fn load_manifest(dir: &Path, settings: &str) -> HashMap<(String, Option<usize>), Entry> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST_JSON)) else {
        return HashMap::new();
    };
    let Ok(m) = serde_json::from_str::<Manifest>(&text) else {
        return HashMap::new();
    };
    if m.wenshu != env!("CARGO_PKG_VERSION") || m.settings != settings {
        return HashMap::new();
    }
    m.entries
        .into_iter()
        .map(|e| ((e.input.clone(), e.row), e))
        .collect()
}

/// Writes manifest.json and manifest.csv, each atomically.
fn write_manifest(dir: &Path, settings: &str, entries: &[Entry]) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct ManifestRef<'a> {
        wenshu: &'a str,
        settings: &'a str,
        entries: &'a [Entry],
    }
    let m = ManifestRef {
        wenshu: env!("CARGO_PKG_VERSION"),
        settings,
        entries,
    };
    let json = serde_json::to_vec_pretty(&m).map_err(std::io::Error::other)?;
    output::write_atomic(&dir.join(MANIFEST_JSON), &json)?;
    let mut csv = String::from("\u{FEFF}输入,行,状态,输出文件,字节,SHA-256,错误\n");
    for e in entries {
        let row = e.row.map(|r| r.to_string()).unwrap_or_default();
        if e.outputs.is_empty() {
            csv.push_str(&csv_line(&[
                &e.input,
                &row,
                &e.status,
                "",
                "",
                "",
                &e.errors.join("；"),
            ]));
        }
        for o in &e.outputs {
            csv.push_str(&csv_line(&[
                &e.input,
                &row,
                &e.status,
                &o.path,
                &o.bytes.to_string(),
                &o.sha256,
                &e.errors.join("；"),
            ]));
        }
    }
    output::write_atomic(&dir.join(MANIFEST_CSV), csv.as_bytes())
}

fn csv_line(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// Temporary files a killed run may have left (`.name.PID.tmp`).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The merged print file: every paper from a right-hand (odd) page, blank
/// pages without numbers between, fonts embedded once; written to a
/// temporary file and renamed when complete.
struct MergeFile {
    path: PathBuf,
    tmp: PathBuf,
    pdf: pdf::PdfStream<std::io::BufWriter<std::fs::File>>,
}

impl MergeFile {
    fn create(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        Ok(MergeFile {
            path: path.to_path_buf(),
            tmp,
            pdf: pdf::PdfStream::new(file)?,
        })
    }

    fn add(&mut self, layout: &Layout, fonts: &Fonts, title: &str) -> std::io::Result<()> {
        if self.pdf.page_count() % 2 == 1 {
            self.pdf.add_blank_page(fonts)?;
        }
        self.pdf.bookmark(title);
        for page in &layout.pages {
            self.pdf.add_page(page, fonts)?;
        }
        Ok(())
    }

    /// Completes the file; returns its page count.
    fn finish(self, fonts: &Fonts) -> std::io::Result<usize> {
        let pages = self.pdf.page_count();
        let title = "先进性教育活动文书合订本";
        let writer = self.pdf.finish(fonts, title)?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(pages)
    }
}

/// Progress: a bar on a terminal, a plain line every two seconds elsewhere.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    last: std::sync::Mutex<Instant>,
}

impl Progress {
    fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} 份 {per_sec} 剩余 {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            total,
            done: 0.into(),
            last: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprint!("{text}")),
            None => eprint!("{text}"),
        }
    }

    fn advance(&self, n: usize, ok: usize, bad: usize) {
        let done = self.done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        match &self.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                bar.set_message(format!("成功 {ok} 失败 {bad}"));
            }
            None => {
                let mut last = self.last.lock().expect("progress clock");
                if last.elapsed() >= Duration::from_secs(2) || done == self.total {
                    *last = Instant::now();
                    let _ = writeln!(
                        std::io::stderr(),
                        "进度：{done}/{}（成功 {ok}，失败 {bad}）",
                        self.total
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
