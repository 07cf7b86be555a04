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
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        _ => e.to_string(),
    })?;
    if !meta.is_file() {
        return Err("不是文件".into());
    }
    if meta.len() > crate::input::MAX_FILE_BYTES {
        return Err(format!(
            "文件过大（{} 字节），上限 {} 字节",
            meta.len(),
            crate::input::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
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
    let records = parse_csv(&text)
        .map_err(|(pos, why)| format!("第 {} 行：{why}", pos.line))?;
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

pub(crate) fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, String> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e| format!("不是有效的 XLSX 文件（{e}）"))?;
    let names = book.sheet_names().to_vec();
    let name =
        match sheet {
            Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
                format!("没有名为「{s}」的工作表；工作表有：{}", names.join("、"))
            })?,
            None => names.first().cloned().ok_or("工作簿中没有工作表")?,
        };
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let text = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => {
                if *b {
                    "是".into()
                } else {
                    "否".into()
                }
            }
            Data::DateTime(dt) => excel_date(dt.as_f64()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let mut rows_iter = range.rows().enumerate();
    let header: Vec<String> = rows_iter
        .next()
        .ok_or("工作表是空的")?
        .1
        .iter()
        .map(&text)
        .collect();
    let mut rows = Vec::new();
    let mut lines = vec![header.join(" | ")];
    for (i, row) in rows_iter {
        let cells: Vec<(String, usize)> = row
            .iter()
            .enumerate()
            .map(|(c, d)| (text(d), first_col + c + 1))
            .collect();
        lines.push(
            cells
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
        );
        rows.push((first_row + i + 1, cells));
    }
    // Lines are indexed from the sheet's first row.
    let mut padded = vec![String::new(); first_row];
    padded.extend(lines);
    Ok((header, rows, padded))
}

/// The names of a workbook's sheets, in order.
pub(crate) fn sheet_names(path: &Path) -> Result<Vec<String>, String> {
    use calamine::{open_workbook, Reader, Xlsx};
    let book: Xlsx<_> = open_workbook(path).map_err(|e| format!("不是有效的 XLSX 文件（{e}）"))?;
    Ok(book.sheet_names().to_vec())
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
