//! The template's package: reading the parts that can hold tags, and
//! writing a filled copy.
//!
//! Owns the zip container. Every entry the filling does not change is copied
//! raw (its compressed bytes, CRC and date as they were), so styles,
//! numbering, section properties, images, fonts and settings come out byte
//! for byte as Word wrote them; only parts whose text changed are compressed
//! anew, dated as in the template, so identical input gives identical bytes.
//! It never looks inside a part: [`super::scan`] does.

use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use zip::ZipArchive;

/// Largest template accepted: a form with a letterhead image is well under
/// a megabyte; this leaves room for photos without letting a stray video in.
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest text part read (uncompressed): a long document.xml is a few MB;
/// the cap stops a zip bomb before it fills memory.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Deflate level of the rewritten parts: the level docx.rs measured for a
/// paper's per-paper parts (fast, and the parts stay small).
const PART_LEVEL: i64 = 2;

const TEMPLATE_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml";
const DOCUMENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const CONTENT_TYPES: &str = "[Content_Types].xml";

/// An open template package.
#[derive(Clone)]
pub struct Package {
    archive: ZipArchive<Cursor<Arc<[u8]>>>,
    /// The content types rewritten for a Word template (.dotx) so that the
    /// output is a document; `None` when they stay as they are.
    content_types: Option<(usize, String)>,
    /// The template's size, to size the output's buffer.
    size: usize,
}

/// A part that can hold tags: the body, headers, footers, foot- and endnotes.
pub struct TextPart {
    pub index: usize,
    pub name: String,
    pub xml: String,
}

/// Whether an entry is a part whose text can hold tags.
fn holds_text(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else {
        return false;
    };
    let numbered = |prefix: &str| {
        file.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".xml"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    file == "document.xml"
        || file == "footnotes.xml"
        || file == "endnotes.xml"
        || numbered("header")
        || numbered("footer")
}

impl Package {
    /// Opens the package and reads its text parts. `Err` is a Chinese reason.
    pub fn read(bytes: Vec<u8>) -> Result<(Package, Vec<TextPart>), String> {
        let not_docx = "不是 Word 文档（.docx）：如是旧的 .doc 格式或加了密码，请在 Word 中“另存为” .docx 并去掉密码";
        let size = bytes.len();
        let bytes: Arc<[u8]> = bytes.into();
        let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_docx.to_string())?;
        let mut parts = Vec::new();
        let mut content_types = None;
        for i in 0..archive.len() {
            let mut entry = archive
                .by_index(i)
                .map_err(|e| format!("{not_docx}（{e}）"))?;
            let name = entry
                .name()
                .map_err(|e| format!("{not_docx}（{e}）"))?
                .into_owned();
            if !holds_text(&name) && name != CONTENT_TYPES {
                continue;
            }
            let mut xml = String::new();
            (&mut entry)
                .take(MAX_PART_BYTES + 1)
                .read_to_string(&mut xml)
                .map_err(|e| format!("无法读取其中的 {name}：{e}"))?;
            if xml.len() as u64 > MAX_PART_BYTES {
                return Err(format!(
                    "其中的 {name} 解压后超过 {MAX_PART_BYTES} 字节，不像正常的文档"
                ));
            }
            if name == CONTENT_TYPES {
                if xml.contains(TEMPLATE_TYPE) {
                    content_types = Some((i, xml.replace(TEMPLATE_TYPE, DOCUMENT_TYPE)));
                }
            } else {
                parts.push(TextPart {
                    index: i,
                    name,
                    xml,
                });
            }
        }
        if !parts.iter().any(|p| p.name == "word/document.xml") {
            return Err(format!("{not_docx}（包中没有 word/document.xml）"));
        }
        Ok((
            Package {
                archive,
                content_types,
                size,
            },
            parts,
        ))
    }

    /// The filled package: `replaced` gives new contents for some entries
    /// (by index); every other entry is copied raw, in the original order.
    pub fn write(&self, replaced: &[(usize, &str)]) -> Result<Vec<u8>, String> {
        let mut archive = self.archive.clone();
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(self.size + 64 * 1024)));
        let fail = |e: &dyn std::fmt::Display| format!("写入 DOCX 失败：{e}");
        for i in 0..archive.len() {
            let new = replaced
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, xml)| *xml)
                .or(self
                    .content_types
                    .as_ref()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, x)| x.as_str()));
            let entry = archive.by_index_raw(i).map_err(|e| fail(&e))?;
            match new {
                None => zip.raw_copy_file(entry).map_err(|e| fail(&e))?,
                Some(xml) => {
                    let name = entry.name().map_err(|e| fail(&e))?.into_owned();
                    let mut options = crate::docx::zip_options(PART_LEVEL);
                    if let Some(t) = entry.last_modified() {
                        options = options.last_modified_time(t);
                    }
                    drop(entry);
                    zip.start_file(name, options).map_err(|e| fail(&e))?;
                    zip.write_all(xml.as_bytes()).map_err(|e| fail(&e))?;
                }
            }
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parts() {
        for yes in [
            "word/document.xml",
            "word/header1.xml",
            "word/footer12.xml",
            "word/footnotes.xml",
        ] {
            assert!(holds_text(yes), "{yes}");
        }
        for no in [
            "word/styles.xml",
            "word/headerx.xml",
            "docProps/core.xml",
            "word/_rels/document.xml.rels",
        ] {
            assert!(!holds_text(no), "{no}");
        }
    }

    #[test]
    fn not_a_zip_is_a_chinese_reason() {
        let e = Package::read(b"\xD0\xCF\x11\xE0 old doc".to_vec())
            .err()
            .unwrap();
        assert!(e.contains(".doc"), "{e}");
    }
}
