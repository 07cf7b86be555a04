//! Tables: CSV and XLSX files read into rows of located cells.
//!
//! Owns the generic reading of the spreadsheets users bring (a roster's
//! member list, a phase record's returned ballots): text encodings as Excel
//! writes them (UTF-8 with or without BOM, GBK/GB18030; UTF-16 refused with
//! advice), RFC 4180 quoting, sheets of a workbook, and the line and column
//! of every cell, so a mistake can be shown at its cell. It never knows what
//! a column means: the roster and the record decide that.

use std::path::Path;

use crate::diag::Pos;
use crate::input::typed::Date;

/// Reads a CSV file's text: UTF-8 (with or without BOM), or GB18030 as
/// Excel on Chinese Windows saves it, accepted only without a single
/// undecodable byte. The header check that follows catches the rest.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let bytes = crate::input::read_capped(path).map_err(|e| e.to_string())?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("文件是 UTF-16 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”".into());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| t.into_owned())
            .ok_or("文件既不是 UTF-8 编码，也不是 GBK/GB18030 编码")?,
    };
    if text.contains('\0') {
        return Err("文件含有空字符（NUL），不是文本文件".into());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// One CSV record: the line it starts on and its fields with their columns.
pub(crate) struct CsvRecord {
    pub line: usize,
    pub cells: Vec<(String, usize)>,
}

/// RFC 4180 CSV: fields separated by commas, optionally in double quotes
/// (a doubled quote inside stands for one; quoted fields may span lines).
/// Unquoted fields are trimmed; blank lines are skipped.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<CsvRecord>, (Pos, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut col) = (1usize, 1usize);
    let mut record = CsvRecord {
        line: 1,
        cells: Vec::new(),
    };
    let mut field = String::new();
    let mut field_col = 1;
    let mut quoted = false;
    let mut at_field_start = true;
    let mut after_quote = false;
    loop {
        let c = chars.next();
        let here = Pos { line, col };
        match c {
            Some('\n') => {
                line += 1;
                col = 1;
            }
            Some(_) => col += 1,
            None => {}
        }
        if quoted {
            match c {
                Some('"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    col += 1;
                    field.push('"');
                }
                Some('"') => {
                    quoted = false;
                    after_quote = true;
                }
                Some(ch) => field.push(ch),
                None => return Err((here, "引号没有闭合".into())),
            }
            continue;
        }
        match c {
            Some('"') if at_field_start => {
                quoted = true;
                at_field_start = false;
                field_col = here.col;
            }
            Some('"') => {
                return Err((
                    here,
                    "引号只能出现在字段开头（字段中的引号请写成两个）".into(),
                ))
            }
            Some(',') | Some('\n') | None => {
                let value = if after_quote {
                    std::mem::take(&mut field)
                } else {
                    std::mem::take(&mut field).trim().to_string()
                };
                let blank_line = record.cells.is_empty() && value.is_empty() && !after_quote;
                if !(blank_line && c != Some(',')) {
                    record.cells.push((value, field_col));
                }
                after_quote = false;
                at_field_start = true;
                field_col = col;
                if c != Some(',') {
                    if !record.cells.is_empty() {
                        out.push(std::mem::replace(
                            &mut record,
                            CsvRecord {
                                line,
                                cells: Vec::new(),
                            },
                        ));
                    } else {
                        record.line = line;
                    }
                    if c.is_none() {
                        return Ok(out);
                    }
                }
            }
            Some(ch) if after_quote && !ch.is_whitespace() => {
                return Err((here, "右引号后只能是逗号或换行".into()))
            }
            Some(ch) => {
                if at_field_start {
                    if ch.is_whitespace() {
                        field_col = col;
                        continue;
                    }
                    at_field_start = false;
                    field_col = here.col;
                }
                if !after_quote {
                    field.push(ch);
                }
            }
        }
    }
}

pub(crate) type Table = (Vec<String>, Vec<(usize, Vec<(String, usize)>)>, Vec<String>);

pub(crate) fn read_csv(path: &Path) -> Result<Table, String> {
    let text = read_text(path)?;
    let records = parse_csv(&text).map_err(|(pos, why)| format!("第 {} 行：{why}", pos.line))?;
    let mut it = records.into_iter();
    let header = it.next().ok_or("表格是空的")?;
    let header: Vec<String> = header
        .cells
        .into_iter()
        .map(|(c, _)| c.trim().trim_start_matches('\u{FEFF}').to_string())
        .collect();
    let rows = it.map(|r| (r.line, r.cells)).collect();
    Ok((header, rows, text.lines().map(str::to_string).collect()))
}

/// The largest sheet a roster may use: rows and columns, counted from A1.
/// A district's members fit many times over; calamine's `worksheet_range`
/// allocates the whole bounding box, so one cell at XFD1048576 asked for
/// 512 GB. Cells are read one by one instead, and a cell with content
/// beyond these is refused by name.
pub(crate) const MAX_SHEET_ROWS: u32 = 100_000;
pub(crate) const MAX_SHEET_COLS: u32 = 256;
/// Most bytes one part of an XLSX package may inflate to, and all of them
/// together: a 16 MB file can hold a zip bomb of many GB.
const MAX_XLSX_PART_BYTES: u64 = 64 * 1024 * 1024;
const MAX_XLSX_BYTES: u64 = 256 * 1024 * 1024;
/// Most distinct strings a workbook may declare: calamine reserves room for
/// the declared count before reading one.
const MAX_SHARED_STRINGS: u64 = 1_000_000;

pub(crate) fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, String> {
    use calamine::Reader;
    let mut book = open_xlsx(path)?;
    let names = book.sheet_names().to_vec();
    let name =
        match sheet {
            Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
                format!("没有名为「{s}」的工作表；工作表有：{}", names.join("、"))
            })?,
            None => names.first().cloned().ok_or("工作簿中没有工作表")?,
        };
    let cells = read_cells(&mut book, &name)?;
    let first_row = cells.keys().next().copied().ok_or("工作表是空的")? as usize;
    let first_col = cells
        .values()
        .filter_map(|r| r.first().map(|(c, _)| *c))
        .min()
        .unwrap_or(0) as usize;
    // Each row from the sheet's first column, a gap as an empty cell.
    let dense = |row: &[(u32, String)]| -> Vec<(String, usize)> {
        let end = row.last().map_or(first_col, |(c, _)| *c as usize + 1);
        let mut out: Vec<(String, usize)> =
            (first_col..end).map(|c| (String::new(), c + 1)).collect();
        for (c, text) in row {
            out[*c as usize - first_col].0 = text.clone();
        }
        out
    };
    let mut rows_iter = cells.iter();
    let (_, header_row) = rows_iter.next().ok_or("工作表是空的")?;
    let header: Vec<String> = dense(header_row).into_iter().map(|(t, _)| t).collect();
    // Lines are indexed from the sheet's first row; a row without content
    // quotes as an empty line.
    let last_row = cells.keys().next_back().copied().unwrap_or(0) as usize;
    let mut lines = vec![String::new(); last_row + 1];
    lines[first_row] = header.join(" | ");
    let mut rows = Vec::new();
    for (&r, row) in rows_iter {
        let cells = dense(row);
        lines[r as usize] = cells
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        rows.push((r as usize + 1, cells));
    }
    Ok((header, rows, lines))
}

/// The sheet's cells with content, row by row (0-based), each row's cells
/// in column order, read one at a time; a cell beyond the stated size is
/// refused, naming the sheet and the cell.
fn read_cells<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
) -> Result<std::collections::BTreeMap<u32, Vec<(u32, String)>>, String> {
    use calamine::DataRef;
    let mut reader = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| format!("工作表「{sheet}」无法读取（{e}）"))?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| format!("工作表「{sheet}」无法读取（{e}）"))?
    {
        let (r, c) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => s.trim().to_string(),
            DataRef::SharedString(s) => s.trim().to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
            DataRef::DateTime(dt) => excel_date(dt.as_f64()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::Error(e) => format!("#{e:?}"),
        };
        if r >= MAX_SHEET_ROWS || c >= MAX_SHEET_COLS {
            return Err(format!(
                "工作表「{sheet}」的单元格 {} 有内容，超出花名册表格的范围（最多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLS} 列）；请删去该单元格的内容",
                cell_name(r as usize + 1, c as usize + 1)
            ));
        }
        let row = rows.entry(r).or_default();
        match row.binary_search_by_key(&c, |(col, _)| *col) {
            Ok(i) => row[i].1 = text,
            Err(i) => row.insert(i, (c, text)),
        }
    }
    Ok(rows)
}

/// Refuses an XLSX package that would inflate past the caps, or declares
/// more shared strings than it may, before calamine reads any of it.
fn check_package(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let bad = |e: &dyn std::fmt::Display| format!("不是有效的 XLSX 文件（{e}）");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| bad(&e))?;
        let name = part.name().map_err(|e| bad(&e))?.into_owned();
        let mut head = Vec::new();
        (&mut part)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| bad(&e))?;
        let rest = std::io::copy(
            &mut (&mut part).take(MAX_XLSX_PART_BYTES),
            &mut std::io::sink(),
        )
        .map_err(|e| bad(&e))?;
        let size = head.len() as u64 + rest;
        total += size;
        if size > MAX_XLSX_PART_BYTES || total > MAX_XLSX_BYTES {
            return Err(format!(
                "XLSX 文件解压后过大（{name} 超过 {MAX_XLSX_PART_BYTES} 字节，或全部超过 {MAX_XLSX_BYTES} 字节）"
            ));
        }
        if name.ends_with("sharedStrings.xml") {
            let head = String::from_utf8_lossy(&head);
            let declared = head
                .split_once("uniqueCount=\"")
                .and_then(|(_, v)| v.split('"').next())
                .and_then(|v| v.trim().parse::<u64>().ok());
            if declared.is_some_and(|n| n > MAX_SHARED_STRINGS) {
                return Err(format!(
                    "XLSX 文件声明的不同文字过多（超过 {MAX_SHARED_STRINGS} 个）"
                ));
            }
        }
    }
    Ok(())
}

/// The names of a workbook's sheets, in order.
pub(crate) fn sheet_names(path: &Path) -> Result<Vec<String>, String> {
    use calamine::Reader;
    Ok(open_xlsx(path)?.sheet_names().to_vec())
}

/// Opens a workbook read through the capped reader, after checking that
/// its package does not inflate past the caps.
fn open_xlsx(path: &Path) -> Result<calamine::Xlsx<std::io::Cursor<Vec<u8>>>, String> {
    use calamine::Reader;
    let bytes = crate::input::read_capped(path).map_err(|e| e.to_string())?;
    check_package(&bytes)?;
    calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("不是有效的 XLSX 文件（{e}）"))
}

/// A cell's name as Excel shows it: row 11, column 4 → `D11`.
pub fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8(letters).unwrap_or_default())
}

/// An Excel serial date (days since 1899-12-30) as 2026-01-05.
fn excel_date(serial: f64) -> String {
    let d = Date::from_days(serial.floor() as i64 - 25_569);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(usize, Vec<String>)> {
        parse_csv(text)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.cells.into_iter().map(|c| c.0).collect()))
            .collect()
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(11, 4), "D11");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(2, 27), "AA2");
        assert_eq!(cell_name(1_048_576, 16_384), "XFD1048576");
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(46027.0), "2026-01-05");
        assert_eq!(excel_date(1.0), "1899-12-31");
    }

    #[test]
    fn csv_files_from_excel_utf8_bom_or_gbk_are_read_utf16_refused() {
        let dir = std::env::temp_dir().join(format!("wenshu-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "编号,评价\r\n1,好\r\n2,一般化\r\n";
        let cases: [(&str, Vec<u8>); 2] = [
            (
                "bom.csv",
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            ),
            ("gbk.csv", encoding_rs::GBK.encode(text).0.into_owned()),
        ];
        for (name, bytes) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(
                read_text(&path).unwrap(),
                "编号,评价\n1,好\n2,一般化\n",
                "{name}"
            );
        }
        let path = dir.join("utf16.csv");
        std::fs::write(&path, b"\xFF\xFE,\x00").unwrap();
        assert!(read_text(&path).unwrap_err().contains("UTF-16"));
        assert!(read_text(&dir.join("missing.csv"))
            .unwrap_err()
            .contains("不存在"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn csv_quotes_blank_lines_and_positions() {
        let got = cells("编号,评价\n1,好\n\n2,\"较,好\"\n3 , 一般化 \n\"4\",\"a\"\"b\"\n");
        assert_eq!(
            got,
            vec![
                (1, vec!["编号".into(), "评价".into()]),
                (2, vec!["1".into(), "好".into()]),
                (4, vec!["2".into(), "较,好".into()]),
                (5, vec!["3".into(), "一般化".into()]),
                (6, vec!["4".into(), "a\"b".into()]),
            ]
        );
        let r = parse_csv("a,b\n1,  好").unwrap();
        assert_eq!(r[1].cells[1], ("好".to_string(), 5));
        assert_eq!(
            cells("a\n\"多\n行\"\nx")[1],
            (2, vec!["多\n行".to_string()])
        );
        assert!(parse_csv("a,\"b\n").is_err());
        assert!(parse_csv("a,b\"c\n").is_err());
        assert_eq!(cells("a,,b\n").len(), 1);
        assert_eq!(cells("a,,b\n")[0].1.len(), 3);
    }
}
