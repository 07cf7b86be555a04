//! The command line: parses arguments (help in Chinese) and runs a command.
//!
//! Thin on purpose: it turns arguments into calls to the pipeline and turns
//! results into messages and an exit code. It never reads YAML keys or writes
//! OOXML itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod exit;
mod json;
mod report;
mod schema;
mod zh;

use crate::diag::Diagnostic;
use crate::fonts::{FontRole, Fonts};
use crate::pipeline::District;
use crate::{kinds, output, pipeline, template};

#[derive(Parser)]
#[command(
    name = "wenshu",
    version,
    about = "文书：把 YAML 变成合乎 GB/T 9704 的先进性教育活动文书（DOCX 和 PDF）"
)]
#[command(
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
}

const EXAMPLES: &str = "示例：\n  wenshu new 党性分析材料-个人 > 张三.yaml\n  wenshu check 张三.yaml\n  wenshu render 张三.yaml -o 输出\n  wenshu help render";

#[derive(Subcommand)]
enum Command {
    /// 生成文书：每份文书写一个 DOCX 和一个 PDF（用 --format 只写其一）；有错的文件不写任何输出
    Render {
        /// 输入的 YAML 文件（可多个；一个文件可用 --- 分隔多份文书）
        #[arg(required = true, value_name = "文件")]
        files: Vec<PathBuf>,
        /// 输出目录（不存在则在有文件要写时创建）
        #[arg(short = 'o', long = "out", value_name = "目录", default_value = ".")]
        out: PathBuf,
        /// 模板目录：其中与内置模板同名的文件优先
        #[arg(long = "templates", value_name = "目录")]
        templates: Option<PathBuf>,
        /// 输出格式：docx、pdf 或 docx,pdf
        #[arg(long = "format", value_name = "格式", default_value = "docx,pdf", value_parser = parse_formats)]
        format: Formats,
        /// 指定某一角色的字体文件，如 --font 正文=/路径/仿宋_GB2312.ttf（角色：标题、正文、黑体、楷体、宋体、西文）
        #[arg(long = "font", value_name = "角色=文件", value_parser = parse_font)]
        fonts: Vec<(FontRole, PathBuf)>,
        /// 本区规定文件（由谁批准例外和转段、公示天数），由区委先教办统一下发；默认取环境变量 WENSHU_DISTRICT 或 ~/.config/wenshu/district.yaml，都没有则用默认规定
        #[arg(long = "district", value_name = "文件")]
        district: Option<PathBuf>,
        /// 覆盖输出目录中不是文书写的、或写出后被改动过的同名文件
        #[arg(long = "force")]
        force: bool,
    },
    /// 批量生成：文件、目录、多份文书的文件或花名册，用全部 CPU 核心；每份写 DOCX 和 PDF，另写清单 manifest.json、manifest.csv
    Batch {
        /// 输入：YAML 文件、目录（递归查找 *.yaml、*.yml）或花名册 YAML（文种: 花名册）
        #[arg(required = true, value_name = "输入")]
        inputs: Vec<PathBuf>,
        /// 输出目录（不存在则创建），其中写入 manifest.json 和 manifest.csv
        #[arg(short = 'o', long = "out", value_name = "目录", required = true)]
        out: PathBuf,
        /// 并行的线程数（默认：全部核心）
        #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// 输出格式：docx、pdf 或 docx,pdf
        #[arg(long = "format", value_name = "格式", default_value = "docx,pdf", value_parser = parse_formats)]
        format: Formats,
        /// 另把全部文书合并为一个打印用 PDF（每份从单页起，字体只嵌入一次）
        #[arg(long = "merge", value_name = "文件.pdf")]
        merge: Option<PathBuf>,
        /// 合并与输出的顺序按此字段排序（如 党员.姓名），默认按输入顺序
        #[arg(long = "sort", value_name = "字段")]
        sort: Option<String>,
        /// --sort 的顺序：笔画（姓氏笔画，默认）、拼音 或 码位
        #[arg(long = "sort-by", value_name = "顺序", default_value = "笔画", value_parser = parse_order)]
        sort_by: crate::collate::Order,
        /// 续做：清单中输入未变、输出完好的跳过，其余重做
        #[arg(long = "resume")]
        resume: bool,
        /// 分片：只做第 K 片（共 N 片），供多台机器分担，如 --shard 2/4
        #[arg(long = "shard", value_name = "K/N", value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// 覆盖输出目录中不是文书写的、或写出后被改动过的同名文件（含 --merge 的文件）
        #[arg(long = "force")]
        force: bool,
        /// 有输入出错、没有生成文书时，仍生成 --merge 的合订本，首页列出缺少的各项（默认不生成，并列出缺少谁）
        #[arg(long = "allow-missing", requires = "merge")]
        allow_missing: bool,
        /// 模板目录：其中与内置模板同名的文件优先
        #[arg(long = "templates", value_name = "目录")]
        templates: Option<PathBuf>,
        /// 指定某一角色的字体文件
        #[arg(long = "font", value_name = "角色=文件", value_parser = parse_font)]
        fonts: Vec<(FontRole, PathBuf)>,
        /// 本区规定文件（由谁批准例外和转段、公示天数），由区委先教办统一下发；默认取环境变量 WENSHU_DISTRICT 或 ~/.config/wenshu/district.yaml，都没有则用默认规定
        #[arg(long = "district", value_name = "文件")]
        district: Option<PathBuf>,
    },
    /// 只检查，不写任何文件；报告文件中的全部错误，阶段记录另列规则核对表
    Check {
        /// 输入的 YAML 文件
        #[arg(required = true, value_name = "文件")]
        files: Vec<PathBuf>,
        /// 模板目录（同时检查模板能否渲染）
        #[arg(long = "templates", value_name = "目录")]
        templates: Option<PathBuf>,
        /// 报告格式：text（给人看）或 json（给脚本和编辑器，写到标准输出）
        #[arg(long = "format", value_name = "格式", default_value = "text",
              value_parser = clap::builder::PossibleValuesParser::new(["text", "json"]))]
        format: String,
        /// 本区规定文件（由谁批准例外和转段、公示天数），由区委先教办统一下发；默认取环境变量 WENSHU_DISTRICT 或 ~/.config/wenshu/district.yaml，都没有则用默认规定
        #[arg(long = "district", value_name = "文件")]
        district: Option<PathBuf>,
    },
    /// 用单位自己的 Word 模板（.docx）填写：模板中写 {{ 字段 }}、{% for %} 等标签
    Fill {
        /// Word 模板（.docx 或 .dotx）
        #[arg(value_name = "模板")]
        template: PathBuf,
        /// 数据 YAML 文件（可多个；一个文件可用 --- 分隔多份）
        #[arg(value_name = "数据", required_unless_present = "inspect")]
        data: Vec<PathBuf>,
        /// 输出目录（不存在则创建）
        #[arg(short = 'o', long = "out", value_name = "目录", default_value = ".")]
        out: PathBuf,
        /// 输出格式：docx、pdf 或 docx,pdf（PDF 由 LibreOffice 转换）
        #[arg(long = "format", value_name = "格式", default_value = "docx", value_parser = parse_formats)]
        format: Formats,
        /// 严格：数据中有模板没用到的字段（多半是字段名写错）也算错误
        #[arg(long = "strict")]
        strict: bool,
        /// 只列出模板中的标签、循环和用到的字段，不填写
        #[arg(long = "inspect")]
        inspect: bool,
        /// 覆盖输出目录中不是文书写的、或写出后被改动过的同名文件
        #[arg(long = "force")]
        force: bool,
    },
    /// 把某一文种的样板 YAML 写到标准输出（每个字段都有中文说明，首行指向编辑器用的模式文件），或某个 Word 模板的样板数据
    New {
        /// 文种，见 `wenshu kinds`
        #[arg(value_name = "文种", required_unless_present = "from")]
        kind: Option<String>,
        /// 首行 $schema= 指向的模式文件（路径相对于 YAML 文件，或网址）；默认 schema/文种.schema.json
        #[arg(long = "schema", value_name = "路径")]
        schema: Option<String>,
        /// 改为输出这个 Word 模板（.docx）所需的样板数据
        #[arg(long = "from", value_name = "模板.docx", conflicts_with = "kind")]
        from: Option<PathBuf>,
    },
    /// 把内置文种写成可用 wenshu fill 填写的 Word 模板（版式与 wenshu 生成的相同），供单位在 Word 中修改
    Export {
        /// 文种，如 整改方案-个人（不带参数运行可列出可导出的文种）
        #[arg(value_name = "文种")]
        kind: String,
        /// 写出的模板文件（.docx；已存在则不覆盖）
        #[arg(short = 'o', long = "out", value_name = "模板.docx", required = true)]
        out: PathBuf,
    },
    /// 把某一文种的 JSON Schema 写到标准输出，或用 -o 写入 目录/文种.schema.json（供 VS Code 等编辑器补全、检查字段）
    Schema {
        /// 文种，见 `wenshu kinds`；与 -o 同用时可省略，即写出全部文种
        #[arg(value_name = "文种")]
        kind: Option<String>,
        /// 写入此目录（不存在则创建），每个文种一个 文种.schema.json
        #[arg(short = 'o', long = "out", value_name = "目录")]
        out: Option<PathBuf>,
    },
    /// 把命令行补全脚本写到标准输出（bash、zsh、fish、powershell、elvish）
    Completions {
        /// 终端程序
        #[arg(value_name = "终端")]
        shell: clap_complete::aot::Shell,
    },
    /// 显示帮助，或某一命令的帮助（如 wenshu help render）
    Help {
        /// 命令
        #[arg(value_name = "命令")]
        command: Option<String>,
    },
    /// 列出支持的文种
    Kinds,
    /// 显示每个字体角色由哪个字体承担，及其对 GB 2312 和所给文件用字的覆盖
    Fonts {
        /// 要检查用字的 YAML 文件（可选）
        #[arg(value_name = "文件")]
        files: Vec<PathBuf>,
        /// 指定某一角色的字体文件
        #[arg(long = "font", value_name = "角色=文件", value_parser = parse_font)]
        fonts: Vec<(FontRole, PathBuf)>,
    },
}

/// Which files `render` writes.
#[derive(Clone, Copy, Debug)]
pub struct Formats {
    pub docx: bool,
    pub pdf: bool,
}

fn parse_formats(s: &str) -> Result<Formats, String> {
    let mut f = Formats {
        docx: false,
        pdf: false,
    };
    for part in s.split([',', '，']) {
        match part.trim().to_ascii_lowercase().as_str() {
            "docx" => f.docx = true,
            "pdf" => f.pdf = true,
            other => {
                return Err(format!(
                    "不认识的格式「{other}」：可用 docx、pdf 或 docx,pdf"
                ))
            }
        }
    }
    Ok(f)
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("分片应写作 K/N（1 ≤ K ≤ N），如 2/4；实为「{s}」");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

fn parse_font(s: &str) -> Result<(FontRole, PathBuf), String> {
    let (role, path) = s
        .split_once('=')
        .ok_or("应写作 角色=字体文件，如 正文=/usr/share/fonts/仿宋_GB2312.ttf")?;
    let role = FontRole::parse(role.trim()).ok_or_else(|| {
        format!("不认识的字体角色「{role}」：可用 标题、正文、黑体、楷体、宋体、西文")
    })?;
    Ok((role, PathBuf::from(path.trim())))
}

/// The command line, dressed in Chinese.
fn command() -> clap::Command {
    zh::localise(Cli::command()).after_help(format!("{EXAMPLES}\n\n{}", exit::HELP))
}

pub fn run() -> ExitCode {
    let cmd = command();
    let matches = match cmd.clone().try_get_matches() {
        Ok(m) => m,
        Err(e) => return clap_error(&e, &cmd),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return clap_error(&e, &cmd),
    };
    match cli.command {
        Command::Render {
            files,
            out,
            templates,
            format,
            fonts,
            district,
            force,
        } => match load_district(district.as_deref()) {
            Ok(d) => render(
                &files,
                &out,
                templates.as_deref(),
                Some(format),
                &fonts,
                &d,
                force,
            ),
            Err(code) => code,
        },
        Command::Check {
            files,
            templates,
            format,
            district,
        } => match load_district(district.as_deref()) {
            Ok(d) if format == "json" => check_json(&files, templates.as_deref(), &d),
            Ok(d) => render(
                &files,
                Path::new("."),
                templates.as_deref(),
                None,
                &[],
                &d,
                false,
            ),
            Err(code) => code,
        },
        Command::Schema { kind, out } => schema::run(kind.as_deref(), out.as_deref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::aot::generate(shell, &mut command(), "wenshu", &mut script);
            emit(&String::from_utf8_lossy(&script));
            ExitCode::SUCCESS
        }
        Command::Help { command: None } => print_help(&mut command()),
        Command::Help {
            command: Some(name),
        } => {
            let mut cmd = command();
            match cmd.find_subcommand_mut(&name) {
                Some(sub) => print_help(sub),
                None => {
                    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                    eprintln!("错误：没有命令「{name}」。可用的命令：{}", names.join("、"));
                    exit::usage()
                }
            }
        }
        Command::Fonts { files, fonts } => fonts_report(&files, &fonts),
        Command::Batch {
            inputs,
            out,
            jobs,
            format,
            merge,
            sort,
            sort_by,
            resume,
            shard,
            force,
            allow_missing,
            templates,
            fonts,
            district,
        } => {
            let district = match load_district(district.as_deref()) {
                Ok(d) => d,
                Err(code) => return code,
            };
            let engine = match engine(templates.as_deref()) {
                Ok(e) => e,
                Err(code) => return code,
            };
            let need_fonts = format.pdf || merge.is_some();
            // A roster that only fills Word templates makes its PDFs with
            // LibreOffice: it needs none of wenshu's fonts.
            let only_filled = || {
                inputs
                    .iter()
                    .all(|p| crate::roster::read(p).is_ok_and(|r| r.template.is_some()))
            };
            let fonts = match Fonts::discover(&fonts) {
                Ok(f) => Some(f),
                Err(e) if need_fonts && !only_filled() => {
                    print_font_error(&e);
                    return exit::input();
                }
                Err(_) => None,
            };
            let opts = crate::batch::Options {
                inputs,
                out,
                jobs: jobs.map(usize::from),
                docx: format.docx,
                pdf: format.pdf,
                merge,
                sort,
                sort_by,
                resume,
                shard,
                force,
                render: report::render,
                district,
                allow_missing,
            };
            match crate::batch::run(&opts, &engine, fonts.as_ref()) {
                crate::batch::Outcome::Ok => ExitCode::SUCCESS,
                crate::batch::Outcome::Refused => ExitCode::from(exit::REFUSED),
                crate::batch::Outcome::Failed => exit::input(),
            }
        }
        Command::New { kind, schema, from } => match (kind, from) {
            (_, Some(template)) => new_from(&template),
            (Some(kind), None) => new(&kind, schema.as_deref()),
            (None, None) => exit::usage(),
        },
        Command::Fill {
            template,
            data,
            out,
            format,
            strict,
            inspect,
            force,
        } => fill(&template, &data, &out, format, strict, inspect, force),
        Command::Export { kind, out } => export(&kind, &out),
        Command::Kinds => {
            for k in kinds::KINDS {
                println!("{:<12}\t{}", k.name, k.doc);
            }
            ExitCode::SUCCESS
        }
    }
}

/// A clap error (or `--help`, `--version`) said in Chinese, with its exit
/// code: help and version are not errors.
fn clap_error(e: &clap::Error, cmd: &clap::Command) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = zh::help_text(&e.render().to_string());
            emit(&format!("{}\n", text.trim_end()));
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprint!("{}", zh::help_text(&cmd.clone().render_help().to_string()));
            exit::usage()
        }
        _ => {
            eprint!("{}", zh::error_text(e, cmd));
            exit::usage()
        }
    }
}

fn print_help(cmd: &mut clap::Command) -> ExitCode {
    emit(&zh::help_text(&cmd.render_help().to_string()));
    ExitCode::SUCCESS
}

/// Writes to stdout; a reader that went away (`| head`) is no reason to
/// panic, and the run's exit code stands.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// A font problem, with the located errors of the font config file.
fn print_font_error(e: &crate::fonts::FontError) {
    eprintln!("{e}");
    print_diagnostics(&e.diagnostics);
}

fn parse_order(s: &str) -> Result<crate::collate::Order, String> {
    crate::collate::Order::parse(s)
        .ok_or_else(|| format!("「{s}」不是排序方式；应为 笔画、拼音 或 码位"))
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", report::render(d));
    }
}

/// Renders (or, without `formats`, checks) every file. A file with any input
/// error produces nothing; the others still render. A 阶段记录 that misses a
/// rule yields only its 补课清单, and its rule table is printed by `check`.
/// The output folder is made only when there is a file to write. A file
/// whose output would replace one that is not wenshu's own (or was changed
/// since) writes nothing, unless `force`. Exit 1 if anything failed, else 3
/// if a record was refused (see [`exit`]).
fn render(
    files: &[PathBuf],
    out: &Path,
    templates: Option<&Path>,
    formats: Option<Formats>,
    font_overrides: &[(FontRole, PathBuf)],
    district: &District,
    force: bool,
) -> ExitCode {
    let write = formats.is_some();
    let want_pdf = formats.is_some_and(|f| f.pdf);
    // The fonts are found while the templates compile: both are a few
    // milliseconds of a single paper's thirty.
    let (engine, discovered) =
        rayon::join(|| engine(templates), || Fonts::discover(font_overrides));
    let engine = match engine {
        Ok(e) => e,
        Err(code) => return code,
    };
    // Fonts are needed for the PDF; for a DOCX alone they only place the
    // 版记, so a machine without them still gets its DOCX.
    // `check` also checks that every character can be drawn (the default
    // render makes a PDF), when fonts are there to ask.
    let fonts = match discovered {
        Ok(f) => Some(f),
        Err(e) if want_pdf => {
            print_font_error(&e);
            return exit::input();
        }
        Err(_) => None,
    };
    // The folder is made by the first file written into it.
    let out_dir = formats.map(|_| output::OutDir::open(out, force));
    let mut failed_files = 0;
    let mut error_count = 0;
    let mut refused_files = 0;
    let mut written = 0;
    let mut taken = output::Names::default();
    for file in files {
        if !write && is_roster_file(file) {
            let failed = check_roster(&engine, file, fonts.as_ref(), district);
            failed_files += usize::from(failed > 0);
            error_count += failed;
            continue;
        }
        let result = pipeline::render_file(
            &engine,
            file,
            fonts.as_ref().filter(|_| want_pdf || !write),
            district,
        );
        if !write {
            for report in &result.reports {
                println!("{report}");
            }
        }
        print_diagnostics(&result.errors);
        print_diagnostics(&result.refusals);
        if !result.errors.is_empty() {
            failed_files += 1;
            error_count += result.errors.len();
            continue;
        }
        let refused = !result.refusals.is_empty();
        refused_files += usize::from(refused);
        let (Some(formats), Some(out_dir)) = (formats, &out_dir) else {
            if !refused {
                eprintln!(
                    "通过：{}（{} 份文书）",
                    file.display(),
                    result.rendered.len()
                );
            }
            continue;
        };
        // Names first, and every file they would replace checked, before
        // anything of this input is laid out or written.
        let stems: Vec<String> = result
            .rendered
            .iter()
            .map(|r| taken.unique(&r.stem))
            .collect();
        let exts: Vec<&str> = [("docx", formats.docx), ("pdf", formats.pdf)]
            .iter()
            .filter_map(|(ext, on)| on.then_some(*ext))
            .collect();
        let refused: Vec<Diagnostic> = stems
            .iter()
            .flat_map(|stem| exts.iter().map(move |ext| format!("{stem}.{ext}")))
            .filter_map(|name| out_dir.check(&name).err())
            .map(|e| e.diagnostic())
            .collect();
        if !refused.is_empty() {
            print_diagnostics(&refused);
            failed_files += 1;
            error_count += refused.len();
            continue;
        }
        for (r, stem) in result.rendered.iter().zip(&stems) {
            let files = pipeline::outputs(
                &r.document,
                fonts.as_ref(),
                formats.docx,
                formats.pdf,
                false,
            );
            for (ext, bytes) in [("docx", files.docx), ("pdf", files.pdf)] {
                let Some(bytes) = bytes else { continue };
                let name = format!("{stem}.{ext}");
                if let Err(e) = out_dir.put(&name, &bytes) {
                    print_diagnostics(&[e.diagnostic()]);
                    failed_files += 1;
                    error_count += 1;
                    continue;
                }
                println!("{}", out_dir.path(&name).display());
                written += 1;
            }
        }
    }
    if refused_files > 0 {
        eprintln!("共 {refused_files} 个阶段记录有规则未达标，不能结束本阶段，只能生成补课清单。");
    }
    if failed_files > 0 {
        eprintln!(
            "共 {} 个文件有错误（{} 处），这些文件没有生成任何输出。",
            failed_files, error_count
        );
    }
    if write && failed_files == 0 && refused_files == 0 {
        eprintln!("已生成 {written} 个文件。");
    }
    exit::of(failed_files, refused_files)
}

/// The template engine, or the exit code of a broken template folder.
fn engine(templates: Option<&Path>) -> Result<template::Engine, ExitCode> {
    template::Engine::new(templates).map_err(|e| {
        eprintln!("{e}");
        exit::input()
    })
}

/// The district's settings (`--district`, else the environment's or the
/// config folder's file, else the defaults), or the exit code of a district
/// file with errors (each printed where it stands).
fn load_district(explicit: Option<&Path>) -> Result<District, ExitCode> {
    crate::record::district::load(explicit).map_err(|diags| {
        print_diagnostics(&diags);
        eprintln!("本区规定文件有错误，没有检查或生成任何文书。");
        exit::input()
    })
}

/// `check --format json`: as `check`, with fonts when there are any.
fn check_json(files: &[PathBuf], templates: Option<&Path>, district: &District) -> ExitCode {
    let engine = match engine(templates) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let fonts = Fonts::discover(&[]).ok();
    json::check(&engine, fonts.as_ref(), files, district)
}

/// `wenshu new`: the starter, opened by the line that points an editor at
/// the kind's schema.
fn new(kind: &str, schema_location: Option<&str>) -> ExitCode {
    match crate::starter::starter(kind) {
        Some(text) => {
            let name = crate::schema::canonical(kind).expect("every starter has a schema");
            emit(&format!(
                "{}{text}",
                schema::modeline(name, schema_location)
            ));
            ExitCode::SUCCESS
        }
        None => {
            let names: Vec<&str> = kinds::KINDS.iter().map(|k| k.name).collect();
            let near = crate::diag::suggest(kind, &names)
                .or_else(|| names.iter().copied().find(|n| n.starts_with(kind)))
                .map(|n| format!("是否应为「{n}」？"))
                .unwrap_or_default();
            eprintln!(
                "错误：没有文种「{kind}」。{near}可用的文种：{}",
                names.join("、")
            );
            exit::usage()
        }
    }
}

/// Whether `file` is a 花名册 (read cheaply; an unreadable file is not).
pub(crate) fn is_roster_file(file: &Path) -> bool {
    crate::input::read_source(file).is_ok_and(|src| crate::roster::is_roster(&src.text))
}

/// `wenshu check 花名册.yaml`: every row checked, every problem at its cell,
/// and a summary naming the failing rows. Returns the number of problems.
fn check_roster(
    engine: &template::Engine,
    file: &Path,
    fonts: Option<&Fonts>,
    district: &District,
) -> usize {
    let check = pipeline::check_roster(engine, file, fonts, district);
    print_diagnostics(&check.warnings);
    print_diagnostics(&check.errors);
    if !check.errors.is_empty() {
        return check.errors.len();
    }
    for row in &check.failed {
        print_diagnostics(&row.diagnostics);
    }
    let problems: usize = check.failed.iter().map(|r| r.diagnostics.len()).sum();
    if check.failed.is_empty() {
        eprintln!(
            "通过：{}（{} 行，每行一份文书）",
            file.display(),
            check.rows
        );
        return 0;
    }
    const SHOWN: usize = 20;
    let listed: Vec<String> = check
        .failed
        .iter()
        .take(SHOWN)
        .map(|r| match &r.name {
            Some(name) => format!("第 {} 行（{name}）", r.line),
            None => format!("第 {} 行", r.line),
        })
        .collect();
    let more = match check.failed.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!("，另有 {n} 行"),
    };
    eprintln!(
        "花名册 {}：共 {} 行，{} 行有错误：{}{more}。",
        file.display(),
        check.rows,
        check.failed.len(),
        listed.join("、")
    );
    problems
}

/// The characters of a roster's papers: its YAML and every cell of its table.
fn roster_text(file: &Path) -> Option<String> {
    let roster = crate::roster::read(file).ok()?;
    let mut text = roster.spec.text.clone();
    for row in &roster.rows {
        for (cell, _) in &row.cells {
            text.push_str(cell);
        }
    }
    Some(text)
}

/// `wenshu fill`: a Word template filled from YAML, or `--inspect`ed.
fn fill(
    template_path: &Path,
    data: &[PathBuf],
    out: &Path,
    format: Formats,
    strict: bool,
    inspect: bool,
    force: bool,
) -> ExitCode {
    let template = match crate::fill::Template::open(template_path) {
        Ok(t) => t,
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!("模板有 {} 处错误，没有生成任何文件。", diags.len());
            return ExitCode::from(1);
        }
    };
    if inspect {
        print!("{}", template.inspect());
        return ExitCode::SUCCESS;
    }
    let opts = crate::fill::files::Options {
        data,
        out,
        strict,
        docx: format.docx,
        pdf: format.pdf,
        force,
    };
    let outcome = crate::fill::files::run(&template, template_path, &opts);
    print_diagnostics(&outcome.errors);
    for p in &outcome.written {
        println!("{}", p.display());
    }
    if outcome.failed_files > 0 {
        eprintln!(
            "共 {} 个文件有错误（{} 处），这些文件没有生成任何输出。",
            outcome.failed_files,
            outcome.errors.len()
        );
        ExitCode::from(1)
    } else {
        eprintln!("已生成 {} 个文件。", outcome.written.len());
        ExitCode::SUCCESS
    }
}

/// `wenshu new --from 模板.docx`: starter data for a Word template.
/// `wenshu export`: a built-in kind as a fill template, never over a file.
fn export(kind: &str, out: &Path) -> ExitCode {
    let bytes = match crate::export::export(kind) {
        Ok(b) => b,
        Err(why) => {
            eprintln!("错误：{why}");
            return exit::input();
        }
    };
    if out.exists() {
        eprintln!(
            "错误：{} 已存在，不会覆盖；请另选文件名或先删除它",
            out.display()
        );
        return exit::input();
    }
    if let Err(e) = output::write_atomic(out, &bytes) {
        eprintln!(
            "错误：无法写入 {}：{}",
            out.display(),
            crate::input::io_reason(&e)
        );
        return exit::input();
    }
    eprintln!(
        "已写出 {}：在 Word 中修改版式后，用 wenshu fill {} 数据.yaml 填写；wenshu new --from {} 生成样板数据。",
        out.display(),
        out.display(),
        out.display()
    );
    ExitCode::SUCCESS
}

fn new_from(template: &Path) -> ExitCode {
    match crate::fill::Template::open(template) {
        Ok(t) => {
            print!("{}", t.starter());
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_diagnostics(&diags);
            ExitCode::from(1)
        }
    }
}

/// `wenshu fonts`: the face of each role, where it comes from, and coverage.
fn fonts_report(files: &[PathBuf], overrides: &[(FontRole, PathBuf)]) -> ExitCode {
    let fonts = match Fonts::discover(overrides) {
        Ok(f) => f,
        Err(e) => {
            print_font_error(&e);
            return exit::input();
        }
    };
    let gb2312 = crate::fonts::gb2312_chars();
    let mut used: Vec<char> = Vec::new();
    let mut status = ExitCode::SUCCESS;
    for file in files {
        match crate::input::read_source(file) {
            Ok(src) => {
                let text = if crate::roster::is_roster(&src.text) {
                    roster_text(file).unwrap_or(src.text)
                } else {
                    src.text
                };
                for c in text.chars() {
                    if !c.is_whitespace() && !c.is_ascii() && !used.contains(&c) {
                        used.push(c);
                    }
                }
            }
            Err(d) => {
                eprintln!("{}", report::render(&d));
                status = exit::input();
            }
        }
    }
    println!(
        "角色\t字体\t文件\tGB 2312 汉字覆盖{}",
        if files.is_empty() {
            ""
        } else {
            "\t所给文件用字覆盖"
        }
    );
    for role in FontRole::ALL {
        let face = &fonts.faces[fonts.role_face(role)];
        let (have, total) = fonts.coverage(role, gb2312.iter().copied());
        let mut line = format!(
            "{}\t{}\t{}#{}\t{have}/{total}（{:.1}%）",
            role.label(),
            face.family,
            face.path.display(),
            face.index,
            100.0 * have as f64 / total as f64
        );
        if !files.is_empty() {
            let (h, t) = fonts.coverage(role, used.iter().copied());
            line.push_str(&format!("\t{h}/{t}"));
        }
        println!("{line}");
    }
    if !files.is_empty() {
        let text: String = used.iter().collect();
        let missing = fonts.missing(&text);
        if missing.is_empty() {
            println!("所给文件的每个字都有字体可以显示（缺字时自动改用其他字体）。");
        } else {
            let list: Vec<String> = missing
                .iter()
                .map(|c| format!("{c}（U+{:04X}）", *c as u32))
                .collect();
            println!("没有任何字体能显示：{}", list.join("、"));
            status = exit::input();
        }
    }
    status
}
