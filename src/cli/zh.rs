//! clap's own words in Chinese: help layout, usage lines and argument errors.
//!
//! clap has no translations, so this module owns every text clap would say
//! in English: the help templates, the `[选项]` of usage lines, the
//! `[默认：…]` of option help, and one Chinese message per [`ErrorKind`],
//! naming the offending argument and clap's suggestion. It never parses an
//! argument itself; clap does, and this only rewords what clap reports.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;

const MAIN_HELP: &str = "\
{before-help}{about}

用法：{usage}

命令：
{subcommands}

选项：
{options}{after-help}";

/// A subcommand's help; one without positional arguments has no 参数 block.
fn sub_help(positionals: bool) -> String {
    let args = if positionals {
        "参数：\n{positionals}\n\n"
    } else {
        ""
    };
    format!("{{about}}\n\n用法：{{usage}}\n\n{args}选项：\n{{options}}{{after-help}}")
}

/// Dresses a command built by clap's derive in Chinese: templates, headings
/// and usage lines.
pub fn localise(cmd: Command) -> Command {
    let mut cmd = cmd
        .help_template(MAIN_HELP)
        .subcommand_value_name("命令")
        .subcommand_help_heading("命令")
        .mut_subcommands(|c| {
            let template = sub_help(c.get_positionals().next().is_some());
            c.help_template(template)
        });
    cmd.build();
    let usages: Vec<(String, String)> = cmd
        .get_subcommands_mut()
        .map(|c| {
            (
                c.get_name().to_string(),
                usage_text(&c.render_usage().to_string()),
            )
        })
        .collect();
    let main = usage_text(&cmd.render_usage().to_string());
    let mut cmd = cmd.override_usage(main);
    for (name, usage) in usages {
        cmd = cmd.mut_subcommand(name, |c| c.override_usage(usage));
    }
    cmd
}

/// clap's usage line without its English title, `[OPTIONS]` said in Chinese.
fn usage_text(rendered: &str) -> String {
    let text = rendered.trim();
    let text = text.strip_prefix("Usage:").unwrap_or(text).trim();
    text.replace("[OPTIONS]", "[选项]")
}

/// The help text clap rendered, with its remaining English brackets said in
/// Chinese.
pub fn help_text(rendered: &str) -> String {
    rendered
        .replace("[default: ", "[默认：")
        .replace("[possible values: ", "[可选值：")
        .replace("[aliases: ", "[别名：")
}

/// The Chinese message for a clap error, with the usage line and where to
/// read more; ends with a newline.
pub fn error_text(e: &clap::Error, cmd: &Command) -> String {
    let arg = || context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = || context(e, ContextKind::InvalidValue).unwrap_or_default();
    // The subcommand being parsed: the first argument that names one.
    let sub = std::env::args()
        .skip(1)
        .find_map(|a| cmd.find_subcommand(&a).cloned());
    // clap suggests only with its `suggestions` feature; the edit distance
    // that suggests YAML keys serves here too.
    let did_you_mean = |unknown: &str, known: &[&str]| {
        crate::diag::suggest(unknown, known)
            .map(|s| format!("是否应为「{s}」？"))
            .unwrap_or_default()
    };
    let message = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let unknown = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            let near = did_you_mean(&unknown, &names);
            format!(
                "没有命令「{unknown}」。{near}可用的命令：{}",
                names.join("、")
            )
        }
        ErrorKind::UnknownArgument => {
            let a = arg();
            let longs: Vec<String> = sub
                .iter()
                .flat_map(|c| c.get_arguments())
                .filter_map(|x| x.get_long().map(|l| format!("--{l}")))
                .collect();
            let longs: Vec<&str> = longs.iter().map(String::as_str).collect();
            let near = did_you_mean(&a, &longs);
            let tip = if !near.is_empty() {
                near
            } else if a.starts_with('-') {
                format!("如果「{a}」是以 - 开头的文件名，请写在 -- 之后：-- {a}")
            } else {
                "此命令不接受这个参数".to_string()
            };
            format!("不认识的参数「{a}」。{tip}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", arg())
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue)
                .map(|v| format!("；可选值：{v}"))
                .unwrap_or_default();
            let v = value();
            if v.is_empty() {
                format!("参数 {} 缺少值{valid}", arg())
            } else {
                format!("参数 {} 的值「{v}」不可用{valid}", arg())
            }
        }
        ErrorKind::ValueValidation => {
            // Our own value parsers explain in Chinese; clap's numeric ones
            // say a range, which the help of the option states.
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .filter(|s| !s.is_ascii())
                .unwrap_or_else(|| "取值不在允许的范围内".to_string());
            format!("参数 {} 的值「{}」有误：{why}", arg(), value())
        }
        ErrorKind::ArgumentConflict => match context(e, ContextKind::PriorArg) {
            Some(prior) if prior == arg() => format!("参数 {} 只能给一次", arg()),
            Some(prior) => format!("参数 {} 不能与 {prior} 同时使用", arg()),
            None => format!("参数 {} 与其他参数冲突", arg()),
        },
        ErrorKind::TooManyValues => format!("多余的参数「{}」", value()),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {} 的值的个数不对", arg())
        }
        ErrorKind::NoEquals => format!("参数 {} 的值须用 = 连接", arg()),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文字".to_string(),
        _ => format!("命令行有误（{:?}）", e.kind()),
    };
    // Errors of a value parser carry no usage: take the subcommand's.
    let usage = context(e, ContextKind::Usage)
        .map(|u| usage_text(&u))
        .or_else(|| Some(usage_text(&sub.clone()?.render_usage().to_string())))
        .unwrap_or_else(|| usage_text(&cmd.clone().render_usage().to_string()));
    let sub = usage
        .split_whitespace()
        .nth(1)
        .filter(|s| cmd.find_subcommand(s).is_some())
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    format!("错误：{message}\n\n用法：{usage}\n\n更多信息请运行 `wenshu help{sub}`。\n")
}

/// A context value of the error as plain text (lists joined by 、).
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
