//! What a batch could not make: the failing inputs, listed in the summary
//! and, with `--allow-missing`, on the merged book's first page.
//!
//! Owns the list of missing items and how it is said: the terminal's list
//! (the first [`SHOWN`] and a count) and the page that opens a book printed
//! without them. It never decides that a unit failed (the batch does), and
//! its fixed wording speaks of the run only, never of a unit or a member:
//! a book that lacks someone says so on its first page, not nowhere.

use crate::document::{Block, Document, Table};

/// How many failing items the terminal lists before it counts the rest.
pub(super) const SHOWN: usize = 20;

/// One input (a file, or a roster's row) that produced no paper.
pub(super) struct Missing {
    /// The file, or the roster's table and its row: 名单.csv 第 12 行.
    pub what: String,
    /// The row's person, where the roster maps a 姓名 column.
    pub who: Option<String>,
    /// The first of its errors, as the manifest says it.
    pub reason: String,
}

impl Missing {
    fn label(&self) -> String {
        match &self.who {
            Some(who) => format!("{}（{who}）", self.what),
            None => self.what.clone(),
        }
    }
}

/// The terminal's list: one line per item, the first [`SHOWN`], then how
/// many more the manifest lists. Why each failed was said above it, once
/// for a mistake all rows share, and the manifest says it again.
pub(super) fn lines(missing: &[Missing], manifest: &str) -> String {
    let mut s = String::new();
    for m in missing.iter().take(SHOWN) {
        s.push_str(&format!("  {}\n", m.label()));
    }
    if missing.len() > SHOWN {
        s.push_str(&format!(
            "  ……另有 {} 项，见 {manifest}\n",
            missing.len() - SHOWN
        ));
    }
    s
}

/// Why a book was not written, and the way to print it anyway; who is
/// missing follows in the summary's list.
pub(super) fn refusal(missing: &[Missing]) -> String {
    format!(
        "错误：合并打印文件没有生成：有 {} 项没有生成文书（列在下方），合订本会缺少它们。\
         改正后重新运行（可加 --resume 只重做这些项）；\
         如确需先打印其余各项，加 --allow-missing，合订本首页将列出缺少的各项\n",
        missing.len()
    )
}

/// The page a book printed with `--allow-missing` opens with: every
/// missing item, its person and why.
pub(super) fn page(missing: &[Missing]) -> Document {
    let rows = missing
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                vec![(i + 1).to_string()],
                vec![m.what.clone()],
                vec![m.who.clone().unwrap_or_else(|| "—".into())],
                vec![m.reason.clone()],
            ]
        })
        .collect();
    Document {
        blocks: vec![
            Block::Title("本合订本缺少的文书".into()),
            Block::Paragraph(format!(
                "下列{}项输入有误，没有生成文书，未收入本合订本。改正后重新生成，再补入相应位置。",
                missing.len()
            )),
            Block::Table(Table {
                widths: vec![2, 7, 3, 12],
                header: ["序号", "输入", "姓名", "原因"]
                    .iter()
                    .map(|h| vec![h.to_string()])
                    .collect(),
                rows,
            }),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: usize) -> Missing {
        Missing {
            what: format!("名单.csv 第 {n} 行"),
            who: (n % 2 == 0).then(|| format!("党员{n}")),
            reason: "「党员.姓名」不能为空".into(),
        }
    }

    #[test]
    fn the_terminal_lists_twenty_and_counts_the_rest() {
        let missing: Vec<Missing> = (1..=23).map(item).collect();
        let s = lines(&missing, "输出/manifest.csv");
        assert_eq!(s.lines().count(), SHOWN + 1);
        assert!(s.contains("\n  名单.csv 第 2 行（党员2）\n"));
        assert!(s.ends_with("  ……另有 3 项，见 输出/manifest.csv\n"));
        assert_eq!(lines(&missing[..2], "m").lines().count(), 2);
    }

    #[test]
    fn the_page_lists_every_item_in_a_table() {
        let missing: Vec<Missing> = (1..=3).map(item).collect();
        let doc = page(&missing);
        let Block::Table(t) = &doc.blocks[2] else {
            panic!("{doc:?}")
        };
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][2], vec!["—".to_string()]);
        assert_eq!(t.rows[1][2], vec!["党员2".to_string()]);
        assert!(matches!(&doc.blocks[1], Block::Paragraph(p) if p.starts_with("下列3项")));
    }
}
