//! 本区规定: what a district sets for all its units, and where it is read.
//!
//! Owns the district's settings (which bodies above a unit may approve its
//! exceptions and consent to its transfer, and the least 公示期), their
//! defaults (区委先教办 or its 督导组; one day), and where they come from: a
//! file the district office writes and hands out (`--district 文件`, else
//! `$WENSHU_DISTRICT`, else `~/.config/wenshu/district.yaml`), never the
//! unit's own 阶段记录 — a unit that named its own approvers could approve
//! itself. It never reads a record; the check table says which settings
//! were used and from where.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::input::typed::{self as fields, Ctx, Obj};
use crate::input::{self, Source};
use crate::paper::limits;

use super::tally;

/// The environment variable naming the district file.
pub const ENV: &str = "WENSHU_DISTRICT";
/// The district file's name in the user's config folder.
pub const FILE_NAME: &str = "district.yaml";

/// Bodies above a unit that may approve its exceptions and consent to its
/// transfer: the district's campaign office and its supervision groups
/// (L71: "区委督导组要通过督促指导……"; L72: "向区委先教办和督导组提出转段申请，经同意后").
pub const DEFAULT_APPROVERS: [&str; 2] = ["区委先教办", "督导组"];
/// The 公示期 when the district sets none (L61).
pub const DEFAULT_PUBLICITY_DAYS: u32 = crate::paper::rectification::MIN_PUBLICITY_DAYS;
/// Most bodies a district may list.
const MAX_APPROVERS: usize = 20;

/// What a district sets for its units.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct District {
    /// Bodies above the unit whose approval counts: an approver's name must
    /// contain one of them.
    pub approvers: Vec<String>,
    /// Least whole days from 公示 to 通过 / 批准.
    pub publicity_days: u32,
    /// The file the settings were read from; `None`: the defaults.
    pub file: Option<String>,
}

impl Default for District {
    fn default() -> Self {
        District {
            approvers: DEFAULT_APPROVERS.iter().map(|s| s.to_string()).collect(),
            publicity_days: DEFAULT_PUBLICITY_DAYS,
            file: None,
        }
    }
}

impl District {
    /// Whether `approver` is a body above `unit` by this district's list.
    pub fn may_approve(&self, approver: &str, unit: &str) -> bool {
        let own = approver.contains(unit) || unit.contains(approver);
        !own && self.approvers.iter().any(|b| approver.contains(b.as_str()))
    }

    /// Where the settings come from, as the check table says it.
    pub fn origin(&self) -> String {
        match &self.file {
            Some(f) => format!("取自 {f}"),
            None => format!("默认；区委先教办可用 --district 文件、环境变量 {ENV} 或 ~/.config/wenshu/{FILE_NAME} 设定"),
        }
    }
}

/// The district file to read: `explicit` (`--district`), else
/// `$WENSHU_DISTRICT`, else `district.yaml` in the user's config folder if
/// it is there. A file named explicitly must exist; the config folder's is
/// optional.
pub fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| input::config_file(ENV, FILE_NAME))
}

/// The district's settings: read from its file if there is one, else the
/// defaults. Every problem in the file is a located error.
pub fn load(explicit: Option<&Path>) -> Result<District, Vec<Diagnostic>> {
    let Some(path) = config_path(explicit) else {
        return Ok(District::default());
    };
    let src = input::read_source(&path).map_err(|d| vec![d])?;
    read(&src)
}

/// Reads a district file:
///
/// ```yaml
/// 例外批准机关: [区委先教办, 督导组]
/// 公示天数: 1
/// ```
///
/// A key left out keeps its default.
pub fn read(src: &Source) -> Result<District, Vec<Diagnostic>> {
    let docs = input::parse_yaml(src)?;
    let mut ctx = Ctx::new(src);
    let mut district = District {
        file: Some(src.name.clone()),
        ..District::default()
    };
    if let Some(doc) = docs.first() {
        if let Some(mut obj) = Obj::open(&mut ctx, &doc.root, "") {
            settings(&mut ctx, &mut obj, &mut district);
            obj.finish(&mut ctx);
        }
    }
    if ctx.errors.is_empty() {
        Ok(district)
    } else {
        Err(ctx.errors)
    }
}

fn settings(ctx: &mut Ctx, obj: &mut Obj, d: &mut District) {
    if obj.has("例外批准机关") {
        // An empty list is refused by `list`: a district names at least one body.
        if let Some(a) = obj.list(ctx, "例外批准机关", MAX_APPROVERS, |c, n, p| {
            fields::line_text(c, n, p, limits::UNIT)
        }) {
            d.approvers = a;
        }
    } else {
        obj.allow(&["例外批准机关"]);
    }
    if let Some(node) = obj.get("公示天数") {
        match tally::count(ctx, node, "公示天数") {
            Some(0) => ctx.error(
                node.pos,
                "公示天数",
                "公示期至少1天：方案须先公示，后通过或批准（L61）",
            ),
            Some(n) => d.publicity_days = n,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<District, Vec<String>> {
        read(&Source::new("district.yaml", text.to_string()))
            .map_err(|e| e.iter().map(Diagnostic::short).collect())
    }

    #[test]
    fn a_district_file_sets_its_bodies_and_days_and_keeps_the_rest() {
        let d = read_text("例外批准机关: [区委组织部]\n公示天数: 3\n").unwrap();
        assert_eq!(d.approvers, ["区委组织部"]);
        assert_eq!(d.publicity_days, 3);
        assert_eq!(d.file.as_deref(), Some("district.yaml"));
        let only_days = read_text("公示天数: 2\n").unwrap();
        assert_eq!(only_days.approvers, DEFAULT_APPROVERS);
        assert!(only_days.origin().contains("取自 district.yaml"));
        assert!(District::default().origin().starts_with("默认"));
    }

    #[test]
    fn a_district_file_with_no_body_no_days_or_a_stray_key_is_refused_where_it_stands() {
        let e = read_text("例外批准机关: []\n公示天数: 0\n公示日数: 2\n").unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with("district.yaml:1:9: 「例外批准机关」列表不能为空"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("district.yaml:2:") && e[1].contains("公示期至少1天"),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("district.yaml:3:1:") && e[2].contains("公示天数"),
            "{e:?}"
        );
    }

    #[test]
    fn the_units_own_name_never_approves_even_when_the_district_lists_it() {
        let d = District {
            approvers: vec!["局党委".into()],
            ..District::default()
        };
        assert!(!d.may_approve("测试局党委", "测试局"));
        assert!(d.may_approve("局党委", "测试单位"));
    }
}
