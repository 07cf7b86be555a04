//! Rosters: one paper per row of a CSV or XLSX table.
//!
//! A roster is a YAML file of `文种: 花名册` that names the table, gives the
//! fields every paper shares (`共同字段`, a paper like any other) and maps
//! table columns to field paths (`列`). Each row becomes that paper with the
//! row's cells put in at their paths. Owns reading the table (CSV in UTF-8 or
//! GBK as Excel writes it; XLSX through calamine), building each row's YAML
//! tree, and moving a problem found in a cell to that cell: file, row,
//! column and field. It never decides what a field means: `paper` does.
//!
//! A roster may instead name an office's own Word template (`模板:
//! 评议表.docx`): then each row fills that template (see [`crate::fill`]),
//! `共同字段` is optional and needs no `文种`, and `文件名` (a minijinja
//! expression such as `{{ 姓名 }}-评议表`) names each output. The roster only
//! reads these keys; the batch opens the template.

use std::path::Path;

use crate::diag::{Code, Diagnostic, Pos};
use crate::input::typed::{self as fields, Ctx, Obj};
use crate::input::{self, Node, Source, Value, YamlDoc};
use crate::table::{cell_name, read_csv, read_xlsx, sheet_names};

/// Marks a YAML file as a roster; checked cheaply while expanding inputs.
pub const KIND: &str = "花名册";

/// A parsed roster: the shared tree and one set of cells per row.
pub struct Roster {
    /// The roster YAML, for messages about the shared fields.
    pub spec: Source,
    /// `共同字段`.
    pub shared: Node,
    /// (column name, field path split at dots), in 列's order.
    pub columns: Vec<(String, Vec<String>)>,
    /// Where each of `columns` is mapped in the roster's 列.
    pub column_pos: Vec<Pos>,
    /// The table file as the user named it (relative to the roster).
    pub table_name: String,
    pub rows: Vec<Row>,
    /// The table's lines, for quoting a row in messages.
    pub table_lines: Vec<String>,
    /// The worksheet read, for an XLSX table.
    pub sheet: Option<String>,
    /// For each of `columns`, its 0-based index in the table's header.
    pub header_index: Vec<usize>,
    /// Things worth saying that stop nothing (which sheet was read when
    /// none was named, and which others the workbook has).
    pub warnings: Vec<Diagnostic>,
    /// sha256 of the roster YAML, part of each row's input hash.
    pub spec_digest: String,
    /// `模板`: the Word template each row fills (resolved against the
    /// roster's directory), and where it was named.
    pub template: Option<(std::path::PathBuf, Pos)>,
    /// `文件名`: how each filled output is named.
    pub file_name: Option<String>,
}

/// One row: its 1-based line (CSV) or row number (XLSX), and for each of
/// the roster's columns the cell's text and 1-based column.
pub struct Row {
    pub line: usize,
    pub cells: Vec<(String, usize)>,
}

/// Whether the text of a YAML file declares a roster.
pub fn is_roster(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        l.strip_prefix("文种:")
            .or_else(|| l.strip_prefix("文种："))
            .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == KIND)
    })
}

/// Reads a roster and its table. Every problem is a located diagnostic.
pub fn read(path: &Path) -> Result<Roster, Vec<Diagnostic>> {
    let src = input::read_source(path).map_err(|d| vec![d])?;
    let docs = input::parse_yaml(&src)?;
    let spec_digest = crate::input::sha256_hex(src.text.as_bytes());
    let mut ctx = Ctx::new(&src);
    let Some(doc) = docs.first() else {
        return Err(vec![Diagnostic::whole_file(
            &src.name,
            Code::Empty,
            "花名册文件是空的",
        )]);
    };
    if docs.len() > 1 {
        ctx.error(
            docs[1].root.pos,
            "（文档顶层）",
            "一个花名册文件只能有一份花名册（不要用 --- 分隔多份）",
        );
    }
    let mut obj = match Obj::open(&mut ctx, &doc.root, "") {
        Some(o) => o,
        None => return Err(ctx.errors),
    };
    obj.allow(&["文种"]);
    let table_node = obj.require(&mut ctx, "花名册", "（CSV 或 XLSX 文件，相对于本文件）");
    let table =
        table_node.and_then(|n| fields::line_text(&mut ctx, n, "花名册", 260).map(|t| (t, n.pos)));
    let sheet = obj.opt_text(&mut ctx, "工作表", 60);
    let obj_had_sheet = sheet.is_some();
    let template = obj
        .get("模板")
        .and_then(|n| fields::line_text(&mut ctx, n, "模板", 260).map(|t| (t, n.pos)));
    let file_name = obj.opt_text(&mut ctx, "文件名", 200);
    let shared = if template.is_some() {
        Some(obj.get("共同字段").cloned().unwrap_or(Node {
            pos: doc.root.pos,
            value: Value::Map(Vec::new()),
        }))
    } else {
        obj.require(&mut ctx, "共同字段", "（每份文书共有的字段，须含「文种」）")
            .cloned()
    };
    if let Some(s) = &shared {
        if !matches!(s.value, Value::Map(_)) {
            ctx.error(
                s.pos,
                "共同字段",
                format!("应为键值表，实为{}", s.type_name()),
            );
        }
    }
    let columns = read_columns(&mut ctx, &mut obj);
    obj.finish(&mut ctx);
    let (Some((table, table_pos)), Some(shared)) = (table, shared) else {
        return Err(ctx.errors);
    };
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let table_path = base.join(&table);
    let template = template.map(|(t, pos)| (base.join(t), pos));
    let is_xlsx = table.to_ascii_lowercase().ends_with(".xlsx");
    let mut warnings = Vec::new();
    let sheets = if is_xlsx {
        sheet_names(&table_path).unwrap_or_default()
    } else {
        Vec::new()
    };
    let sheet = sheet.or_else(|| sheets.first().cloned());
    if !obj_had_sheet {
        warnings.extend(other_sheets(&src, table_pos, &sheets));
    }
    let loaded = if is_xlsx {
        read_xlsx(&table_path, sheet.as_deref())
    } else {
        read_csv(&table_path)
    };
    let (header, rows, lines) = match loaded {
        Ok(t) => t,
        Err(why) => {
            ctx.error(
                table_pos,
                "花名册",
                format!("无法读取花名册表格 {}：{why}", table_path.display()),
            );
            if let (Some(near), Some(d)) = (nearby_table(&table_path), ctx.errors.last_mut()) {
                d.hints
                    .push(format!("同一文件夹中有「{near}」，是否应为它？"));
            }
            return Err(ctx.errors);
        }
    };
    let picks = pick_columns(&mut ctx, &columns, &header, &table_path);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    if !is_xlsx {
        let wrong = full_width_separators(
            &table_path.display().to_string(),
            &rows,
            header.len(),
            &lines,
        );
        if !wrong.is_empty() {
            return Err(wrong);
        }
    }
    let rows = rows_of(rows, &picks);
    if rows.is_empty() {
        ctx.report(
            Code::Table,
            table_pos,
            "花名册",
            format!(
                "花名册表格 {} 只有表头，没有任何数据行：没有可生成的文书",
                table_path.display()
            ),
        );
        return Err(ctx.errors);
    }
    Ok(Roster {
        spec: src,
        shared,
        column_pos: columns.iter().map(|(_, _, pos)| *pos).collect(),
        columns: columns.into_iter().map(|(c, p, _)| (c, p)).collect(),
        table_name: table_path.display().to_string(),
        rows,
        table_lines: lines,
        sheet: sheet.filter(|_| is_xlsx),
        header_index: picks,
        warnings,
        spec_digest,
        template,
        file_name,
    })
}

/// `列`: each table column's name and the field path it fills, with where
/// it is mapped.
fn read_columns(ctx: &mut Ctx, obj: &mut Obj) -> Vec<(String, Vec<String>, Pos)> {
    let mut columns: Vec<(String, Vec<String>, Pos)> = Vec::new();
    if let Some(node) = obj.require(ctx, "列", "（表格列名: 字段路径，如 姓名: 党员.姓名）")
    {
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let col = fields::line_text(ctx, k, "列", 60);
                    let target = fields::line_text(
                        ctx,
                        v,
                        &format!("列.{}", col.as_deref().unwrap_or("?")),
                        100,
                    );
                    if let (Some(col), Some(target)) = (col, target) {
                        let path: Vec<String> = target
                            .split(['.', '．'])
                            .map(|p| p.trim().to_string())
                            .collect();
                        if path.iter().any(String::is_empty) || target.contains('[') {
                            ctx.error(
                                v.pos,
                                &format!("列.{col}"),
                                format!(
                                    "字段路径「{target}」有误：应写作 党员.姓名 这样以点分隔的键名"
                                ),
                            );
                            continue;
                        }
                        columns.push((col, path, k.pos));
                    }
                }
            }
            _ => ctx.error(
                node.pos,
                "列",
                format!("应为键值表（列名: 字段路径），实为{}", node.type_name()),
            ),
        }
    }
    columns
}

/// A table beside the one named whose name is near enough to be what was
/// meant (党员明单.csv for 党员名单.csv), when the named one does not exist.
fn nearby_table(table_path: &Path) -> Option<String> {
    if table_path.exists() {
        return None;
    }
    let name = table_path.file_name()?.to_str()?;
    let dir = table_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tables: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            let n = n.to_lowercase();
            n.ends_with(".csv") || n.ends_with(".xlsx")
        })
        .collect();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    crate::diag::suggest(name, &names).map(str::to_string)
}

/// Which sheet of a workbook was read when the roster named none, and the
/// others it has: a warning, when there are others.
fn other_sheets(src: &Source, table_pos: Pos, sheets: &[String]) -> Option<Diagnostic> {
    if sheets.len() < 2 {
        return None;
    }
    let others: Vec<String> = sheets[1..].iter().map(|n| format!("「{n}」")).collect();
    Some(
        src.error(
            table_pos,
            Some("花名册"),
            format!(
                "没有写「工作表」，读取的是第一个工作表「{}」；工作簿中还有 {}",
                sheets[0],
                others.join("、")
            ),
        )
        .with_code(Code::Table)
        .with_severity(crate::diag::Severity::Warning)
        .with_help(format!(
            "要读其他工作表，在花名册中加一行「工作表: {}」",
            sheets[1]
        )),
    )
}

/// The header's index of each mapped column; a column the header lacks is
/// an error at its line of 列.
fn pick_columns(
    ctx: &mut Ctx,
    columns: &[(String, Vec<String>, Pos)],
    header: &[String],
    table_path: &Path,
) -> Vec<usize> {
    let mut picks = Vec::new();
    for (col, _, pos) in columns {
        match header.iter().position(|h| h == col) {
            Some(i) => picks.push(i),
            None => ctx.error(
                *pos,
                &format!("列.{col}"),
                format!(
                    "表格 {} 的表头中没有「{col}」列；表头为：{}",
                    table_path.display(),
                    header.join("、")
                ),
            ),
        }
    }
    picks
}

/// The table's rows with data, each holding the mapped columns' cells (a
/// cell a short row lacks is empty).
fn rows_of(rows: Vec<(usize, Vec<(String, usize)>)>, picks: &[usize]) -> Vec<Row> {
    rows.into_iter()
        .filter(|(_, cells)| cells.iter().any(|(c, _)| !c.trim().is_empty()))
        .map(|(line, cells)| Row {
            line,
            cells: picks
                .iter()
                .map(|&i| {
                    cells
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| (String::new(), i + 1))
                })
                .collect(),
        })
        .collect()
}

/// Rows of a CSV typed with full-width commas (，) between the cells, as a
/// Chinese keyboard gives them: such a row reads as one long cell. Each is
/// an error at its line; the others would be blamed on missing fields.
fn full_width_separators(
    table: &str,
    rows: &[(usize, Vec<(String, usize)>)],
    columns: usize,
    lines: &[String],
) -> Vec<Diagnostic> {
    rows.iter()
        .filter(|(_, cells)| cells.len() < columns && cells.iter().any(|(c, _)| c.contains('，')))
        .map(|(line, cells)| {
            let col = cells.iter().find(|(c, _)| c.contains('，')).map_or(1, |(_, col)| *col);
            let mut d = Diagnostic::whole_file(
                table,
                Code::Table,
                format!("这一行用全角逗号「，」分隔，只读出 {} 格（表头有 {columns} 列）", cells.len()),
            )
            .with_help("表格的各格之间要用半角逗号「,」分隔：用 Excel 或 WPS 另存为 CSV，或把「，」改为「,」");
            d.pos = Some(Pos { line: *line, col });
            d.source_line = lines.get(line - 1).cloned();
            d
        })
        .collect()
}

impl Roster {
    /// Where a cell stands, as a clerk finds it in Excel: the cell's name
    /// (D11), the sheet, the column's name and the row's member.
    fn cell_hint(&self, i: usize, j: usize, col_name: &str) -> String {
        let row = &self.rows[i];
        // An XLSX cell knows its sheet column; a CSV cell its place in the
        // header, which is its column when Excel opens the file.
        let col = match self.sheet {
            Some(_) => row.cells[j].1,
            None => self.header_index[j] + 1,
        };
        let mut hint = format!("单元格 {}", cell_name(row.line, col));
        if let Some(sheet) = &self.sheet {
            hint.push_str(&format!("（工作表「{sheet}」）"));
        }
        hint.push_str(&format!("，「{col_name}」列，第 {} 行", row.line));
        if let Some(name) = self.row_name(i) {
            hint.push_str(&format!("，{name}"));
        }
        hint
    }

    /// The row's person, from the column mapped to a 姓名 field.
    pub fn row_name(&self, i: usize) -> Option<&str> {
        self.columns
            .iter()
            .zip(&self.rows[i].cells)
            .find(|((_, path), (text, _))| {
                path.last().is_some_and(|k| k == "姓名") && !text.trim().is_empty()
            })
            .map(|(_, (text, _))| text.trim())
    }

    /// The YAML tree of row `i`: the shared fields with the row's cells put
    /// in at their paths (a cell left empty leaves the shared value).
    pub fn row_doc(&self, i: usize) -> YamlDoc {
        let row = &self.rows[i];
        let mut root = self.shared.clone();
        for ((_, path), (text, col)) in self.columns.iter().zip(&row.cells) {
            if text.trim().is_empty() {
                continue;
            }
            let pos = cell_pos(row.line, *col);
            set_path(
                &mut root,
                path,
                Node {
                    pos,
                    value: Value::Str(text.clone()),
                },
            );
        }
        YamlDoc { root, index: 1 }
    }

    /// Moves diagnostics about a cell's field to that cell of the table (an
    /// empty cell included, when its field is missing), a field the 列 maps
    /// to that the paper does not have to that line of 列, and names the
    /// row in the others.
    pub fn relocate(&self, i: usize, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .map(|d| match self.place_of(i, &d) {
                Place::Cell(j) => self.at_cell(i, j, d),
                Place::Mapping(j) => self.at_mapping(j, d),
                Place::Shared => self.in_shared(i, d),
            })
            .collect()
    }

    /// Where a diagnostic of row `i` belongs.
    fn place_of(&self, i: usize, d: &Diagnostic) -> Place {
        let field = d.field.as_deref().unwrap_or_default();
        let cells = &self.rows[i].cells;
        for (j, ((_, path), (text, _))) in self.columns.iter().zip(cells).enumerate() {
            let path = path.join(".");
            let exact = field == path;
            if exact && d.code == Code::UnknownField {
                return Place::Mapping(j);
            }
            let filled = !text.trim().is_empty();
            if (filled && (exact || field.starts_with(&format!("{path}."))))
                || (!filled && exact && d.code == Code::MissingField)
            {
                return Place::Cell(j);
            }
        }
        Place::Shared
    }

    /// `d` at cell `j` of row `i`, quoting the row.
    fn at_cell(&self, i: usize, j: usize, mut d: Diagnostic) -> Diagnostic {
        let row = &self.rows[i];
        let (col_name, _) = &self.columns[j];
        let (text, col) = &row.cells[j];
        d.file = self.table_name.clone();
        d.pos = Some(Pos {
            line: row.line,
            col: *col,
        });
        d.span = None;
        // A CSV row is quoted as typed, the caret under the cell; a sheet's
        // row has no such text (its cell is named in the hint instead).
        d.source_line = match self.sheet {
            None => self.table_lines.get(row.line - 1).cloned(),
            Some(_) => None,
        };
        if text.trim().is_empty() {
            d.hints
                .push(format!("这一格是空的：「{col_name}」列每行都要填写"));
        }
        d.hints.push(self.cell_hint(i, j, col_name));
        d
    }

    /// `d`, about a field the paper does not have, at the line of 列 that
    /// maps column `j` to it: said once for the whole table.
    fn at_mapping(&self, j: usize, mut d: Diagnostic) -> Diagnostic {
        let pos = self.column_pos[j];
        let (col_name, path) = &self.columns[j];
        d.file = self.spec.name.clone();
        d.pos = Some(pos);
        d.span = None;
        d.source_line = self.spec.text.lines().nth(pos.line - 1).map(str::to_string);
        d.field = Some(format!("列.{col_name}"));
        d.shared = true;
        d.hints.push(format!(
            "「列」把表格的「{col_name}」列填到「{}」，这份文书没有这个字段：请改正「列」中的字段路径",
            path.join(".")
        ));
        d
    }

    /// `d`, about the shared fields: the row named, said once.
    fn in_shared(&self, i: usize, mut d: Diagnostic) -> Diagnostic {
        d.shared = true;
        d.hints.push(format!(
            "花名册 {} 第 {} 行的文书（共同字段中的问题）",
            self.table_name, self.rows[i].line
        ));
        d
    }

    /// The input hash of row `i`: the roster and the row's cells.
    pub fn row_digest(&self, i: usize) -> String {
        let mut text = self.spec_digest.clone();
        for (c, _) in &self.rows[i].cells {
            text.push('\u{1f}');
            text.push_str(c);
        }
        crate::input::sha256_hex(text.as_bytes())
    }
}

/// Where a diagnostic about a row's paper belongs.
enum Place {
    /// The row's cell in column `j`.
    Cell(usize),
    /// The line of 列 that maps column `j`.
    Mapping(usize),
    /// The shared fields.
    Shared,
}

/// Positions of table cells are kept apart from YAML positions: cells sit
/// in their own file, and `relocate` puts them back there.
fn cell_pos(line: usize, col: usize) -> Pos {
    Pos { line, col }
}

/// Puts `value` at `path` inside the mapping `root`, creating mappings on the
/// way and replacing what was there.
fn set_path(root: &mut Node, path: &[String], value: Node) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if !matches!(root.value, Value::Map(_)) {
        root.value = Value::Map(Vec::new());
    }
    let Value::Map(entries) = &mut root.value else {
        unreachable!()
    };
    let pos = value.pos;
    let idx = match entries
        .iter()
        .position(|(k, _)| matches!(&k.value, Value::Str(s) if s == first))
    {
        Some(i) => i,
        None => {
            let key = Node {
                pos,
                value: Value::Str(first.clone()),
            };
            entries.push((
                key,
                Node {
                    pos,
                    value: Value::Map(Vec::new()),
                },
            ));
            entries.len() - 1
        }
    };
    if rest.is_empty() {
        entries[idx].1 = value;
    } else {
        set_path(&mut entries[idx].1, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_files_are_recognised() {
        assert!(is_roster("# 花名册\n文种: 花名册\n"));
        assert!(!is_roster("文种: 整改方案\n"));
    }
}
