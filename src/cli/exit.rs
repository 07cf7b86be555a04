//! Exit codes: what a run's end says to a script.
//!
//! Owns the four codes and which one a run ends with. They are documented in
//! the README and in `wenshu --help`, and scripts rely on them, so a code is
//! never renumbered. It never decides whether an input is wrong: the
//! pipeline does; this only names the outcome.

use std::process::ExitCode;

/// Everything was done (or checked) and nothing is wrong.
pub const OK: u8 = 0;
/// Something must be fixed first: an input error (a YAML mistake, a missing
/// field), a file or font that cannot be read, an output that cannot be
/// written. The failing files produced nothing.
pub const INPUT: u8 = 1;
/// The command line itself is wrong: an unknown command, option or 文种, a
/// missing argument (clap's errors).
pub const USAGE: u8 = 2;
/// Every input is valid but a 阶段记录 misses a campaign rule: its closing
/// papers were refused and only its 补课清单 was written.
pub const REFUSED: u8 = 3;

/// The text `--help` ends with.
pub const HELP: &str = "\
退出码：
  0  成功
  1  输入有错（或文件、字体无法读取，输出无法写入）：有错的文件没有生成任何输出
  2  命令行用法有误（未知命令、选项或文种，缺少参数）
  3  输入无误，但阶段记录有规则未达标：不能结束本阶段，只生成了补课清单";

/// The code of a run that saw `errors` failed files and `refused` refused
/// records: an input error outweighs a refusal.
pub fn code(errors: usize, refused: usize) -> u8 {
    if errors > 0 {
        INPUT
    } else if refused > 0 {
        REFUSED
    } else {
        OK
    }
}

pub fn of(errors: usize, refused: usize) -> ExitCode {
    ExitCode::from(code(errors, refused))
}

pub fn input() -> ExitCode {
    ExitCode::from(INPUT)
}

pub fn usage() -> ExitCode {
    ExitCode::from(USAGE)
}
