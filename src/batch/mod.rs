//! Batch: a whole unit's or district's papers in one run.
//!
//! Owns expanding the inputs (files, directories, multi-document files and
//! rosters) into an ordered list of units, sharding it, running the units on
//! every core in chunks (so memory stays flat however long the batch), naming
//! and writing the outputs in input order (so any `-j` gives the same bytes),
//! the manifest (every input with its outputs' sizes and SHA-256, or its
//! errors), resuming from it, progress, and the merged print file. It never
//! interprets a paper: [`crate::pipeline`] does, for one unit at a time,
//! or [`crate::fill`] for a roster that names an office's Word template
//! (their PDFs come from one LibreOffice run at the end, see `filled`).
//!
//! What it will not do to the user's files: follow a symlink into a
//! directory (a link loop cannot make it walk forever, and each real file is
//! rendered once), write the merged file over an input, an output or a
//! directory, or replace a file that [`crate::output`] does not know as its
//! own. Shards writing into one directory name their papers over all
//! shards' units alike, so they never take each other's names, and each
//! keeps the others' entries in the manifest.

mod book;
mod filled;
mod journal;
mod manifest;
mod missing;
mod progress;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::fonts::Fonts;
use crate::input::sha256_hex;
use crate::output::{Names, OutDir, WriteError};
use crate::typeset::layout::{Layout, Typesetter};
use crate::{fill, input, pipeline, roster, template};

use book::{MergeFile, Target};
pub use manifest::{Entry, OutputFile, MANIFEST_CSV, MANIFEST_JSON};
use progress::Progress;

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
    /// `--force`: replace existing files that are not wenshu's own.
    pub force: bool,
    /// How a diagnostic is shown on the terminal (the CLI's renderer).
    pub render: fn(&Diagnostic) -> String,
    /// The district's settings every 阶段记录 is checked against.
    pub district: crate::record::District,
    /// `--allow-missing`: write the merged book even when some inputs made
    /// no paper, opening it with a page that lists them.
    pub allow_missing: bool,
}

/// How a batch ended, for the exit code: an input that made no paper
/// outweighs a refused 阶段记录.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Every input made its papers, but a 阶段记录 missed a rule (only its
    /// 补课清单 was written).
    Refused,
    /// An input failed, or the batch could not start or finish.
    Failed,
}

/// The bookmark of the page that opens a book printed without some inputs.
const MISSING_TITLE: &str = "本合订本缺少的文书";

/// A manifest entry's key: the input, and the table row of a roster's paper.
type Key = (String, Option<usize>);

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
    /// This unit as a missing item: the file, or the roster's table and
    /// row with the row's person; why, from its entry.
    fn missing(&self, entry: &Entry) -> missing::Missing {
        let who = match self {
            Unit::Row(r, i) | Unit::Filled(r, _, i) => r.row_name(*i).map(str::to_string),
            _ => None,
        };
        missing::Missing {
            what: self.label(),
            who,
            reason: entry.errors.first().cloned().unwrap_or_default(),
        }
    }

    /// How a clerk finds this input: the file, or the table and its row.
    fn label(&self) -> String {
        match self {
            Unit::Row(r, i) | Unit::Filled(r, _, i) => {
                format!("{} 第 {} 行", r.table_name, r.rows[*i].line)
            }
            _ => self.key().0,
        }
    }

    /// The manifest's name for this input.
    fn key(&self) -> Key {
        match self {
            Unit::File(p) => (p.display().to_string(), None),
            Unit::Row(r, i) | Unit::Filled(r, _, i) => (r.spec.name.clone(), Some(r.rows[*i].line)),
            Unit::Broken(name, _) => (name.clone(), None),
        }
    }

    /// The files this unit reads, as the user named them.
    fn files(&self) -> Vec<String> {
        match self {
            Unit::File(p) => vec![p.display().to_string()],
            Unit::Row(r, _) => vec![r.spec.name.clone(), r.table_name.clone()],
            Unit::Filled(r, t, _) => {
                vec![r.spec.name.clone(), r.table_name.clone(), t.name.clone()]
            }
            Unit::Broken(name, _) => vec![name.clone()],
        }
    }
}

/// Runs the batch; returns how it ended. Every refusal to start (a merge
/// target that is an input, an output that is the user's) comes before
/// anything is rendered.
pub fn run(opts: &Options, engine: &template::Engine, fonts: Option<&Fonts>) -> Outcome {
    match Batch::start(opts, engine, fonts).and_then(Batch::run) {
        Ok(outcome) => outcome,
        Err(message) => {
            eprint!("{message}");
            Outcome::Failed
        }
    }
}

/// What stops a batch: the text to print.
type Stop = String;

fn stop(message: impl std::fmt::Display) -> Stop {
    format!("错误：{message}\n")
}

/// The run's entries could not be kept or read back.
fn manifest_error(e: std::io::Error) -> Stop {
    stop(format!("无法写入清单：{}", crate::input::io_reason(&e)))
}

/// A batch under way.
struct Batch<'a> {
    opts: &'a Options,
    engine: &'a template::Engine,
    fonts: Option<&'a Fonts>,
    pool: rayon::ThreadPool,
    out: OutDir,
    /// What affects the bytes of the outputs; a resume reuses nothing if it
    /// changed.
    settings: String,
    units: Vec<Unit>,
    naming: Naming,
    /// For each unit: its entry from the last run, if that can stand.
    reuse: Vec<Option<Entry>>,
    merged: Option<Book>,
    /// Filled templates' DOCX whose PDF LibreOffice makes at the end.
    for_libreoffice: Vec<filled::Pending>,
    /// In a sharded run: where every unit stands in the whole batch (the
    /// manifest keeps the other shards' entries on disk, in batch order).
    shards: Option<manifest::Positions>,
    /// The entries accounted for so far, on disk.
    journal: journal::Journal,
    /// The inputs that made no paper, in batch order.
    missing: Vec<missing::Missing>,
    tally: Tally,
    progress: Progress,
    /// Shared-field mistakes already said (a roster's rows all share them).
    said: HashSet<String>,
    last_manifest: Instant,
    started: Instant,
}

/// The merged print file, by who lays out its papers.
enum Book {
    /// wenshu's own papers, streamed in as they are typeset.
    Typeset(Box<MergeFile>),
    /// Filled office templates: LibreOffice's PDFs joined at the end.
    Filled(Target),
}

/// How the papers of a unit get their file names.
enum Naming {
    /// In input order as they are made (`-2`, `-3` for repeats).
    AsMade(Names),
    /// Planned beforehand for every unit of every shard: unit → names.
    Planned(Vec<Vec<String>>),
}

#[derive(Default)]
struct Tally {
    ok: usize,
    failed: usize,
    refused: usize,
    skipped: usize,
}

/// What one unit produced, before it is named and written.
struct Produced {
    input_sha256: String,
    /// The files its input named and it read (`Entry::reads`).
    reads: Vec<String>,
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

/// One unit of a chunk, named and ready to write.
struct Settled {
    entry: Entry,
    /// (file name, bytes) to write.
    files: Vec<(String, Vec<u8>)>,
    /// (bookmark title, layout) for the merged file.
    pages: Vec<(String, Layout)>,
    /// The DOCX of a filled template whose PDF LibreOffice is to make.
    word_docx: Vec<String>,
    reused: bool,
}

impl<'a> Batch<'a> {
    /// Everything before the first paper is rendered: the output directory,
    /// the units in order, the merge target, the names, what a resume keeps.
    fn start(
        opts: &'a Options,
        engine: &'a template::Engine,
        fonts: Option<&'a Fonts>,
    ) -> Result<Self, Stop> {
        let started = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs.unwrap_or(0))
            .build()
            .map_err(|e| stop(format!("无法启动线程池：{e}")))?;
        std::fs::create_dir_all(&opts.out).map_err(|e| {
            stop(format!(
                "无法创建输出目录 {}：{}",
                opts.out.display(),
                crate::input::io_reason(&e)
            ))
        })?;
        let out = OutDir::open(&opts.out, opts.force);
        // The district's settings decide whether a record passes, and so
        // which papers it yields: another district file, another batch.
        let settings = format!(
            "docx={} pdf={} merge={} sort={:?} district={:?}/{}",
            opts.docx,
            opts.pdf,
            opts.merge.is_some(),
            opts.sort,
            opts.district.approvers,
            opts.district.publicity_days,
        );
        // What an earlier wenshu (without the record) listed as written.
        let on_disk = manifest::load(&opts.out);
        for (name, sha) in on_disk.iter().flat_map(manifest::outputs_of) {
            out.trust(name, sha);
        }
        let units = read_units(opts, &pool)?;
        let mut names = Names::default();
        let merged = match &opts.merge {
            Some(path) => Some(open_merge(path, &units, &mut names, opts)?),
            None => None,
        };
        check_manifest_files(&out, opts.render)?;
        let (units, naming, shards) = match opts.shard {
            Some(shard) => {
                let (units, planned, positions) =
                    shard_units(units, shard, names, &opts.district, &pool);
                (units, Naming::Planned(planned), Some(positions))
            }
            None => (units, Naming::AsMade(names), None),
        };
        let reuse = units.iter().map(|_| None).collect();
        let journal = journal::Journal::create(&out).map_err(|e| {
            stop(format!(
                "无法在输出目录中写入临时文件：{}",
                crate::input::io_reason(&e)
            ))
        })?;
        let mut batch = Batch {
            opts,
            engine,
            fonts,
            pool,
            out,
            settings,
            progress: Progress::new(units.len()),
            reuse,
            units,
            naming,
            merged,
            for_libreoffice: Vec::new(),
            shards,
            journal,
            missing: Vec::new(),
            tally: Tally::default(),
            said: HashSet::new(),
            last_manifest: Instant::now(),
            started,
        };
        if opts.resume {
            batch.decide_reuse(on_disk);
        }
        Ok(batch)
    }

    /// Renders and writes every unit, chunk by chunk; returns how it ended.
    fn run(mut self) -> Result<Outcome, Stop> {
        let total = self.units.len();
        let chunk = 8 * self.pool.current_num_threads().max(1);
        let mut start = 0;
        while start < total {
            let end = (start + chunk).min(total);
            self.chunk(start..end)?;
            start = end;
        }
        self.libreoffice_pdfs()?;
        self.save_manifest()?;
        self.progress.finish();
        let pages = self.finish_book()?;
        eprintln!("{}", self.summary(pages));
        Ok(if self.tally.failed > 0 {
            Outcome::Failed
        } else if self.tally.refused > 0 {
            Outcome::Refused
        } else {
            Outcome::Ok
        })
    }

    /// Puts the merged book in place, unless it would lack someone: then,
    /// without `--allow-missing`, it is not written and the terminal says
    /// who is missing; with it, the book opens with a page listing them.
    fn finish_book(&mut self) -> Result<Option<usize>, Stop> {
        let Some(book) = self.merged.take() else {
            return Ok(None);
        };
        if !self.missing.is_empty() && !self.opts.allow_missing {
            drop(book);
            eprint!("{}", missing::refusal(&self.missing));
            return Ok(None);
        }
        let front = (!self.missing.is_empty()).then(|| missing::page(&self.missing));
        let pages = match book {
            Book::Typeset(mut m) => {
                let fonts = self.fonts.expect("fonts with a merge");
                if let Some(doc) = &front {
                    let layout = Typesetter::new(fonts).layout(doc);
                    m.add_front(&layout, fonts, MISSING_TITLE).map_err(|e| {
                        stop(format!("写入合并文件失败：{}", crate::input::io_reason(&e)))
                    })?;
                }
                m.finish(fonts)
                    .map_err(|e| stop(format!("写入合并文件失败：{e}")))?
            }
            Book::Filled(target) => {
                let entries = self.journal.read_all().map_err(manifest_error)?;
                let mut papers = filled::pdfs_of(&entries, &self.out);
                let front_pdf = match &front {
                    Some(doc) => Some(self.front_pdf(doc)?),
                    None => None,
                };
                if let Some(path) = &front_pdf {
                    papers.insert(0, (MISSING_TITLE.to_string(), path.clone()));
                }
                let joined = target.join(&papers);
                if let Some(path) = &front_pdf {
                    let _ = std::fs::remove_file(path);
                }
                joined.map_err(stop)?
            }
        };
        Ok(Some(pages))
    }

    /// The missing list as a PDF of its own, in a temporary file of
    /// wenshu's, for a book LibreOffice's PDFs are joined into.
    fn front_pdf(&self, doc: &crate::document::Document) -> Result<PathBuf, Stop> {
        let fonts = self
            .fonts
            .ok_or_else(|| stop("无法生成合订本首页的缺少清单：找不到字体（见 wenshu fonts）"))?;
        let pdf = pipeline::outputs(doc, Some(fonts), false, true, false)
            .pdf
            .expect("a PDF with fonts");
        let (tmp, mut file) = crate::output::create_temp(&self.opts.out, "缺少清单.pdf")
            .map_err(|e| stop(format!("无法写入临时文件：{}", crate::input::io_reason(&e))))?;
        std::io::Write::write_all(&mut file, &pdf)
            .map_err(|e| stop(format!("无法写入临时文件：{}", crate::input::io_reason(&e))))?;
        Ok(tmp)
    }

    fn manifest_csv(&self) -> String {
        self.opts.out.join(MANIFEST_CSV).display().to_string()
    }

    /// One chunk: render in parallel, name in input order (the same names
    /// and bytes for any `-j`), write in parallel, then account in order.
    fn chunk(&mut self, range: Range<usize>) -> Result<(), Stop> {
        let produced = self.produce(range.clone());
        let mut settled: Vec<Settled> = range
            .clone()
            .zip(produced)
            .map(|(i, p)| self.settle(i, p))
            .collect();
        let written = self.write(&mut settled);
        for (unit, result) in settled.into_iter().zip(written) {
            self.account(unit, result)?;
        }
        // The manifest is rewritten at most once a second (a killed run loses
        // at most that second's entries, which a resume then redoes), and at
        // the end: rewriting it after every chunk would be quadratic.
        if self.last_manifest.elapsed() >= Duration::from_secs(1) {
            self.save_manifest()?;
            release_freed_memory();
        }
        let t = &self.tally;
        self.progress
            .advance(range.len(), t.ok, t.failed + t.refused);
        Ok(())
    }

    /// Renders the chunk's units on every core. A unit a resume keeps is
    /// not rendered, unless the merged file needs its pages (then it is
    /// laid out only).
    fn produce(&self, range: Range<usize>) -> Vec<Option<Produced>> {
        let keep_layout = matches!(self.merged, Some(Book::Typeset(_)));
        self.pool.install(|| {
            range
                .into_par_iter()
                .map(|i| {
                    let unit = &self.units[i];
                    match &self.reuse[i] {
                        Some(_) if keep_layout => Some(self.produce_one(unit, false, true)),
                        Some(_) => None,
                        None => Some(self.produce_one(unit, true, keep_layout)),
                    }
                })
                .collect()
        })
    }

    /// Runs one unit through the pipeline and, if `files`, the writers (in
    /// memory).
    fn produce_one(&self, unit: &Unit, files: bool, keep_layout: bool) -> Produced {
        let (opts, fonts) = (self.opts, self.fonts);
        if let Unit::Filled(r, t, i) = unit {
            let input_sha256 = own_digest(unit).unwrap_or_default();
            return filled::produce(r, t, *i, input_sha256);
        }
        let check_fonts = fonts.filter(|_| opts.pdf || keep_layout);
        let (result, read) = input::recording(|| match unit {
            Unit::Filled(..) => unreachable!("filled above"),
            Unit::File(p) => pipeline::render_file(self.engine, p, check_fonts, &opts.district),
            Unit::Row(r, i) => {
                let docs = [r.row_doc(*i)];
                let mut result =
                    pipeline::render_docs(self.engine, &r.spec, &docs, check_fonts, &opts.district);
                result.errors = r.relocate(*i, result.errors);
                result.refusals = r.relocate(*i, result.refusals);
                result
            }
            Unit::Broken(_, diags) => pipeline::FileResult {
                errors: diags.clone(),
                ..Default::default()
            },
        });
        // The input's own file and the files it names, as they were read.
        let own_files = unit.files();
        let (own_read, named): (Vec<_>, Vec<_>) = read
            .into_iter()
            .map(|(p, sha256)| (p.display().to_string(), sha256))
            .partition(|(p, _)| own_files.contains(p));
        let own = match unit {
            Unit::File(_) => own_read.into_iter().next().and_then(|(_, sha256)| sha256),
            _ => None,
        };
        let input_sha256 = own
            .or_else(|| own_digest(unit))
            .map(|own| fold_digest(own, &named))
            .unwrap_or_default();
        let reads = named.into_iter().map(|(p, _)| p).collect();
        let refused = !result.refusals.is_empty();
        let papers = result
            .rendered
            .into_iter()
            .map(|r| {
                let (docx, pdf) = (files && opts.docx, files && opts.pdf);
                let made = pipeline::outputs(&r.document, fonts, docx, pdf, keep_layout);
                PaperOut {
                    stem: r.stem,
                    docx: made.docx,
                    pdf: made.pdf,
                    layout: made.layout,
                    word: false,
                }
            })
            .collect();
        Produced {
            input_sha256,
            reads,
            papers,
            // The manifest lists a refused record's refusals as its problems.
            errors: result.errors.into_iter().chain(result.refusals).collect(),
            refused,
        }
    }

    /// Says a unit's problems, decides its status and names its files.
    fn settle(&mut self, i: usize, produced: Option<Produced>) -> Settled {
        if let Some(entry) = self.reuse[i].clone() {
            return settle_reused(entry, produced);
        }
        let mut p = produced.expect("produced when not reused");
        let names = self.names_for(i, &mut p);
        self.say(&p.errors);
        let status = if p.papers.is_empty() && !p.errors.is_empty() {
            "失败"
        } else if p.refused {
            "未达标"
        } else {
            "成功"
        };
        let (input, row) = self.units[i].key();
        let mut files = Vec::new();
        let mut pages = Vec::new();
        let mut word_docx = Vec::new();
        for (paper, stem) in p.papers.into_iter().zip(names) {
            if paper.word && self.opts.pdf {
                word_docx.push(format!("{stem}.docx"));
            }
            for (ext, bytes) in [("docx", paper.docx), ("pdf", paper.pdf)] {
                if let Some(bytes) = bytes {
                    files.push((format!("{stem}.{ext}"), bytes));
                }
            }
            if let Some(layout) = paper.layout {
                pages.push((stem, layout));
            }
        }
        Settled {
            entry: Entry {
                input,
                row,
                input_sha256: p.input_sha256,
                reads: p.reads,
                status: status.to_string(),
                outputs: Vec::new(),
                errors: p.errors.iter().map(Diagnostic::short).collect(),
            },
            files,
            pages,
            word_docx,
            reused: false,
        }
    }

    /// The file stems of unit `i`'s papers. Planned names that no longer
    /// fit (an input changed while the batch ran) fail the unit.
    fn names_for(&mut self, i: usize, p: &mut Produced) -> Vec<String> {
        let names: Vec<String> = match &mut self.naming {
            Naming::AsMade(names) => p.papers.iter().map(|x| names.unique(&x.stem)).collect(),
            Naming::Planned(planned) => std::mem::take(&mut planned[i]),
        };
        // Two members of one name, or one input given twice: the second is
        // kept under another name, and the clerk is told which.
        for (paper, name) in p.papers.iter().zip(&names) {
            if *name != paper.stem {
                self.progress.println(&format!(
                    "提示：{}的文书「{}」与前面的文书同名，这一份存为「{name}」",
                    self.units[i].label(),
                    paper.stem
                ));
            }
        }
        if names.len() != p.papers.len() {
            p.papers.clear();
            p.errors.push(Diagnostic::whole_file(
                &self.units[i].key().0,
                Code::Internal,
                "输入在运行中被改动过，与开始时读到的不同；请重新运行",
            ));
        }
        names
    }

    /// Prints a unit's problems. A mistake in a roster's shared fields
    /// fails every row alike: it is said once (the manifest still lists it
    /// for each row).
    fn say(&mut self, errors: &[Diagnostic]) {
        for d in errors {
            if d.shared && !self.said.insert(d.short()) {
                continue;
            }
            self.progress.println(&(self.opts.render)(d));
        }
    }

    /// Writes the chunk's files on every core, a unit's files all or none:
    /// each is checked (not the user's, not changed since wenshu wrote it)
    /// before any of them is written.
    fn write(&self, settled: &mut [Settled]) -> Vec<Result<Vec<OutputFile>, Vec<WriteError>>> {
        let out = &self.out;
        self.pool.install(|| {
            settled
                .par_iter_mut()
                .map(|unit| {
                    let files = std::mem::take(&mut unit.files);
                    let refused: Vec<WriteError> = files
                        .iter()
                        .filter_map(|(name, _)| out.check(name).err())
                        .collect();
                    if !refused.is_empty() {
                        return Err(refused);
                    }
                    let mut written = Vec::new();
                    for (name, bytes) in &files {
                        let sha256 = out.put(name, bytes).map_err(|e| vec![e])?;
                        written.push(OutputFile {
                            path: name.clone(),
                            bytes: bytes.len() as u64,
                            sha256,
                        });
                    }
                    Ok(written)
                })
                .collect()
        })
    }

    /// Takes a unit's outcome into the tally, the manifest and the merged
    /// file (whose pages follow input order), and says what failed to be
    /// written, file by file.
    fn account(
        &mut self,
        unit: Settled,
        written: Result<Vec<OutputFile>, Vec<WriteError>>,
    ) -> Result<(), Stop> {
        let Settled {
            mut entry,
            pages,
            word_docx,
            reused,
            ..
        } = unit;
        match written {
            Ok(files) => entry.outputs.extend(files),
            Err(errors) => {
                for e in &errors {
                    let d = e.diagnostic();
                    self.progress.println(&(self.opts.render)(&d));
                    entry.errors.push(d.short());
                }
                entry.status = "失败".into();
            }
        }
        if entry.status != "失败" {
            let at = self.journal.len();
            self.for_libreoffice.extend(
                word_docx
                    .into_iter()
                    .map(|docx| filled::Pending { entry: at, docx }),
            );
            if let Some(Book::Typeset(m)) = self.merged.as_mut() {
                let fonts = self.fonts.expect("fonts with a merge");
                for (title, layout) in &pages {
                    m.add(layout, fonts, title).map_err(|e| {
                        stop(format!("写入合并文件失败：{}", crate::input::io_reason(&e)))
                    })?;
                }
            }
        }
        if entry.status == "失败" {
            let unit = &self.units[self.journal.len()];
            self.missing.push(unit.missing(&entry));
        }
        let t = &mut self.tally;
        match entry.status.as_str() {
            "失败" => t.failed += 1,
            "未达标" => t.refused += 1,
            _ => t.ok += 1,
        }
        t.skipped += usize::from(reused);
        self.journal.push(&entry).map_err(manifest_error)
    }

    /// The filled templates' PDFs, from one LibreOffice run; a paper whose
    /// PDF could not be made or put in place fails, said file by file.
    fn libreoffice_pdfs(&mut self) -> Result<(), Stop> {
        if self.for_libreoffice.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.for_libreoffice);
        let mut entries = self.journal.read_all().map_err(manifest_error)?;
        let failed = filled::pdfs(&self.out, &pending, &mut entries, self.opts.docx);
        for (i, d) in failed {
            self.progress.println(&(self.opts.render)(&d));
            let entry = &mut entries[i];
            entry.errors.push(d.short());
            if entry.status == "成功" {
                self.tally.ok -= 1;
                self.tally.failed += 1;
                self.missing.push(self.units[i].missing(entry));
            }
            entry.status = "失败".into();
        }
        self.journal.rewrite(&entries).map_err(manifest_error)
    }

    /// Writes manifest.json and manifest.csv: this run's entries, and in a
    /// sharded run the other shards' entries as they stand on disk.
    fn save_manifest(&mut self) -> Result<(), Stop> {
        let result = match &self.shards {
            None => manifest::write_streamed(&self.out, &self.settings, &mut self.journal),
            Some(at) => {
                let entries = self.journal.read_all().map_err(manifest_error)?;
                manifest::write_merged(&self.out, &self.settings, &entries, at)
            }
        };
        self.last_manifest = Instant::now();
        result.map_err(|e| stop(format!("无法写入清单：{e}")))
    }

    /// Decides, for every unit at once, whether its last run's outputs can
    /// stand: its input unchanged, its outputs as wenshu wrote them, and its
    /// names still its own. Their names are taken before any paper is named,
    /// so no new paper can take one of them.
    fn decide_reuse(&mut self, on_disk: Option<manifest::Manifest>) {
        let previous: HashMap<Key, Entry> = on_disk
            .filter(|m| m.is_current(&self.settings))
            .map(|m| {
                m.entries
                    .into_iter()
                    .map(|e| ((e.input.clone(), e.row), e))
                    .collect()
            })
            .unwrap_or_default();
        let out = &self.out;
        let candidates: Vec<Option<Entry>> = self.pool.install(|| {
            self.units
                .par_iter()
                .map(|u| {
                    let prev = previous.get(&u.key())?;
                    (prev.status == "成功"
                        && input_digest(u, &prev.reads).as_deref()
                            == Some(prev.input_sha256.as_str())
                        && !prev.outputs.is_empty()
                        && prev.outputs.iter().all(|o| out.holds(&o.path, &o.sha256)))
                    .then(|| prev.clone())
                })
                .collect()
        });
        self.reuse = candidates
            .into_iter()
            .enumerate()
            .map(|(i, c)| c.filter(|e| self.naming.keep(i, &manifest::stems_of(e))))
            .collect();
    }

    fn summary(&self, merged_pages: Option<usize>) -> String {
        let t = &self.tally;
        let total = self.units.len();
        let mut s = format!("共 {total} 项：成功 {} 项", t.ok);
        if t.skipped > 0 {
            s.push_str(&format!("（其中 {} 项沿用上次的输出）", t.skipped));
        }
        s.push_str(&format!("，失败 {} 项", t.failed));
        if t.refused > 0 {
            s.push_str(&format!("，未达标 {} 项（只生成补课清单）", t.refused));
        }
        s.push_str(&format!(
            "；用时 {:.1} 秒。清单：{}",
            self.started.elapsed().as_secs_f64(),
            self.opts.out.join(MANIFEST_JSON).display()
        ));
        if let (Some(path), Some(pages)) = (&self.opts.merge, merged_pages) {
            s.push_str(&format!("；合并打印文件：{}（{pages} 页）", path.display()));
            if !self.missing.is_empty() {
                s.push_str(&format!("，首页列出缺少的 {} 项", self.missing.len()));
            }
        }
        if !self.missing.is_empty() {
            s.push_str("\n没有生成文书的项：\n");
            s.push_str(missing::lines(&self.missing, &self.manifest_csv()).trim_end());
        }
        s
    }
}

/// Gives the pages freed by the chunks so far back to the system. glibc's
/// allocator keeps what each rayon thread freed in that thread's arena, and
/// a batch's papers are allocated and freed on whichever thread takes them,
/// so without this the resident size creeps up with the number of papers
/// even though the live heap does not (measured: RssAnon 65 → 99 MB from
/// 1,200 to 9,800 papers while the heap peaked at 59 MB).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it is
    // safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A unit a resume keeps: its last entry, and its pages for the merged
/// file (laid out again), under the names it has.
fn settle_reused(entry: Entry, produced: Option<Produced>) -> Settled {
    let titles = manifest::stems_of(&entry);
    let pages = produced
        .map(|p| p.papers.into_iter().filter_map(|p| p.layout))
        .into_iter()
        .flatten();
    Settled {
        pages: titles.into_iter().zip(pages).collect(),
        entry,
        files: Vec::new(),
        word_docx: Vec::new(),
        reused: true,
    }
}

impl Naming {
    /// Whether a unit a resume would keep may keep these names: planned
    /// names must be exactly its own; names made as they come must not be
    /// taken already (by the merged file, or another kept unit), and are
    /// taken now.
    fn keep(&mut self, i: usize, stems: &[String]) -> bool {
        match self {
            Naming::Planned(planned) => planned[i] == stems,
            Naming::AsMade(names) => {
                let free = stems.iter().all(|s| names.is_free(s));
                if free {
                    stems.iter().for_each(|s| names.reserve(s));
                }
                free
            }
        }
    }
}

/// The batch's units in order: the inputs expanded (a roster's warnings
/// said once), sorted if asked. No unit at all is an error, except for a
/// shard (another shard may have them all).
fn read_units(opts: &Options, pool: &rayon::ThreadPool) -> Result<Vec<Unit>, Stop> {
    let mut units = expand(&opts.inputs);
    for unit in &units {
        if let Unit::Row(r, 0) = unit {
            for w in &r.warnings {
                eprintln!("{}", (opts.render)(w));
            }
        }
    }
    if let Some(key) = &opts.sort {
        units = sort_units(units, key, opts.sort_by, pool)?;
    }
    if units.is_empty() && opts.shard.is_none() {
        return Err(stop("输入中没有找到任何 YAML 文件（*.yaml、*.yml）"));
    }
    Ok(units)
}

/// Files, directories (recursively, *.yaml and *.yml, sorted) and rosters
/// (one unit per row), in the order given. A file reached twice (through
/// two inputs or a symlink) is one unit.
fn expand(inputs: &[PathBuf]) -> Vec<Unit> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            files.extend(walk(input));
        } else {
            files.push(input.clone());
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    let mut units = Vec::new();
    for f in files {
        let is_yaml = is_yaml(&f);
        // Read through the capped reader: a FIFO or a device never blocks.
        let is_roster = is_yaml
            && input::read_capped(&f)
                .is_ok_and(|b| roster::is_roster(&String::from_utf8_lossy(&b)));
        if is_roster {
            match roster::read(&f) {
                Ok(r) => units.extend(roster_units(Arc::new(r), &f)),
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

/// A roster's units: one a row, filling its Word template if it names one.
fn roster_units(r: Arc<roster::Roster>, spec: &Path) -> Vec<Unit> {
    let Some((path, _)) = &r.template else {
        return (0..r.rows.len()).map(|i| Unit::Row(r.clone(), i)).collect();
    };
    match fill::Template::open(path) {
        Ok(t) => {
            let t = Arc::new(t);
            (0..r.rows.len())
                .map(|i| Unit::Filled(r.clone(), t.clone(), i))
                .collect()
        }
        Err(diags) => vec![Unit::Broken(spec.display().to_string(), diags)],
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// The YAML files under `dir`, sorted. A symlink to a directory is not
/// followed (`ln -s . x` would loop); a symlink to a file is taken, and
/// whatever it points to is refused later if it is not a regular file.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => pending.push(p),
                Ok(_) if is_yaml(&p) => found.push(p),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

/// A unit's digest as it stands now, with the files its last run read
/// (`reads`) read again: what a resume compares with the manifest.
fn input_digest(unit: &Unit, reads: &[String]) -> Option<String> {
    let now: Vec<(String, Option<String>)> = reads
        .iter()
        .map(|p| {
            let sha256 = input::read_capped(Path::new(p))
                .ok()
                .map(|b| sha256_hex(&b));
            (p.clone(), sha256)
        })
        .collect();
    Some(fold_digest(own_digest(unit)?, &now))
}

/// The input's own digest with each file it names folded in, by its path
/// and the hash of its bytes (a file gone is a change too).
fn fold_digest(own: String, named: &[(String, Option<String>)]) -> String {
    if named.is_empty() {
        return own;
    }
    let mut text = own;
    for (path, sha256) in named {
        text.push('\u{1f}');
        text.push_str(path);
        text.push('\u{1f}');
        text.push_str(sha256.as_deref().unwrap_or("-"));
    }
    sha256_hex(text.as_bytes())
}

/// The digest of the input itself: a file's bytes, a roster row's cells.
fn own_digest(unit: &Unit) -> Option<String> {
    match unit {
        Unit::File(p) => input::read_capped(p).ok().map(|b| sha256_hex(&b)),
        Unit::Row(r, i) => Some(r.row_digest(*i)),
        Unit::Filled(r, t, i) => Some(sha256_hex(
            format!("{}\u{1f}{}", r.row_digest(*i), t.digest).as_bytes(),
        )),
        Unit::Broken(..) => None,
    }
}

/// `--sort KEY`: keys first (decoding only), then a stable sort in the
/// asked order. A field no paper has is a mistake in the field path.
fn sort_units(
    units: Vec<Unit>,
    key: &str,
    by: crate::collate::Order,
    pool: &rayon::ThreadPool,
) -> Result<Vec<Unit>, Stop> {
    let keys: Vec<Option<String>> =
        pool.install(|| units.par_iter().map(|u| sort_key(u, key)).collect());
    if !units.is_empty() && keys.iter().all(Option::is_none) {
        return Err(stop(format!(
            "--sort {key}：没有任何文书有字段「{key}」；字段路径用点分隔，如 党员.姓名"
        )));
    }
    let keys: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| {
            k.as_deref()
                .map_or(Vec::new(), |t| crate::collate::key(t, by))
        })
        .collect();
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .map(|i| slots[i].take().expect("each unit once"))
        .collect())
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

/// The units of shard k of n (units k, k+n, k+2n, …), each with its papers'
/// names as a run of every shard would give them, and where every unit
/// stands in the whole batch.
fn shard_units(
    units: Vec<Unit>,
    (k, n): (usize, usize),
    mut names: Names,
    district: &crate::record::District,
    pool: &rayon::ThreadPool,
) -> (Vec<Unit>, Vec<Vec<String>>, manifest::Positions) {
    let stems: Vec<Vec<String>> =
        pool.install(|| units.par_iter().map(|u| unit_stems(u, district)).collect());
    let mut mine = Vec::new();
    let mut planned = Vec::new();
    let mut positions = manifest::Positions {
        own: Vec::new(),
        others: HashMap::new(),
    };
    for (i, (unit, stems)) in units.into_iter().zip(stems).enumerate() {
        let unit_names: Vec<String> = stems.iter().map(|s| names.unique(s)).collect();
        if i % n == k - 1 {
            mine.push(unit);
            planned.push(unit_names);
            positions.own.push(i);
        } else {
            positions.others.insert(unit.key(), i);
        }
    }
    (mine, planned, positions)
}

/// The stems of a unit's papers, by decoding alone.
fn unit_stems(unit: &Unit, district: &crate::record::District) -> Vec<String> {
    match unit {
        Unit::File(p) => input::read_source(p)
            .ok()
            .and_then(|src| {
                let docs = input::parse_yaml(&src).ok()?;
                Some(pipeline::stems(&src, &docs, district))
            })
            .unwrap_or_default(),
        Unit::Row(r, i) => pipeline::stems(&r.spec, &[r.row_doc(*i)], district),
        Unit::Filled(r, t, i) => filled::stem(r, t, *i).into_iter().collect(),
        Unit::Broken(..) => Vec::new(),
    }
}

/// Checks the merge target before anything is rendered, and opens it: not a
/// directory, not one of the batch's inputs, not the manifest, not the
/// user's own file (without `--force`), and writable (its temporary file is
/// created now). A target in the output directory takes its name from the
/// papers, so no paper is written over by the book.
fn open_merge(
    path: &Path,
    units: &[Unit],
    names: &mut Names,
    opts: &Options,
) -> Result<Book, Stop> {
    let filled = units.iter().any(|u| matches!(u, Unit::Filled(..)));
    if filled && units.iter().any(|u| !matches!(u, Unit::Filled(..))) {
        return Err(stop(
            "--merge 不能把按 Word 模板填写的文书与 wenshu 排版的文书合在一起；请分两次运行",
        ));
    }
    if filled && !opts.pdf {
        return Err(stop(
            "按 Word 模板填写的花名册要合并，须同时生成 PDF：请加 --format pdf（或 docx,pdf）",
        ));
    }
    let shown = path.display();
    if path.is_dir() {
        return Err(stop(format!("--merge 应为一个 PDF 文件，{shown} 是目录")));
    }
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| stop(format!("--merge 应为一个 PDF 文件，{shown} 不是文件名")))?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        stop(format!(
            "无法创建合并文件所在的目录 {}：{}",
            dir.display(),
            crate::input::io_reason(&e)
        ))
    })?;
    let merge_dir = OutDir::open(&dir, opts.force);
    let canonical = std::fs::canonicalize(&dir).map(|d| d.join(&name)).ok();
    let is_input = units
        .iter()
        .flat_map(Unit::files)
        .any(|f| std::fs::canonicalize(&f).ok() == canonical);
    if is_input {
        return Err(stop(format!(
            "--merge {shown} 是本次的输入文件；合并文件不能写在输入上"
        )));
    }
    let in_out = std::fs::canonicalize(&dir).ok() == std::fs::canonicalize(&opts.out).ok();
    if in_out {
        let managed = [MANIFEST_JSON, MANIFEST_CSV, crate::output::RECORD];
        if managed.iter().any(|m| m.eq_ignore_ascii_case(&name)) {
            return Err(stop(format!("--merge {shown} 是批量输出的清单文件")));
        }
        if let Some(stem) = path.file_stem() {
            names.reserve(&stem.to_string_lossy());
        }
    }
    // Without the extension, Windows opens the book with nothing.
    if !name.to_ascii_lowercase().ends_with(".pdf") {
        return Err(stop(format!(
            "--merge {shown}：合并打印文件的名字应以 .pdf 结尾，如 {name}.pdf"
        )));
    }
    merge_dir
        .check(&name)
        .map_err(|e| (opts.render)(&e.diagnostic()))?;
    let target = Target {
        dir: merge_dir,
        name,
    };
    if filled {
        return Ok(Book::Filled(target));
    }
    MergeFile::create(target)
        .map(|m| Book::Typeset(Box::new(m)))
        .map_err(|e| {
            stop(format!(
                "无法创建合并文件 {shown}：{}",
                crate::input::io_reason(&e)
            ))
        })
}

/// The manifest files must be wenshu's to replace, checked before anything
/// is rendered.
fn check_manifest_files(out: &OutDir, render: fn(&Diagnostic) -> String) -> Result<(), Stop> {
    let refused: String = [MANIFEST_JSON, MANIFEST_CSV]
        .iter()
        .filter_map(|name| out.check(name).err())
        .map(|e| render(&e.diagnostic()))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}
