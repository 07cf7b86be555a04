//! Collation of Chinese text: the order a list of members is printed in.
//!
//! Party documents list names by 姓氏笔画: by the number of strokes of the
//! first character, then of the next. Owns that order (stroke counts from
//! Unihan's kTotalStrokes, the mainland form's count, generated into
//! `strokes.bin` by `scripts/gen_strokes.py` from Debian's unicode-data),
//! the pinyin order on request (the `pinyin` crate's readings), and code
//! point order. Characters of equal count keep code point order, so the
//! order is total and the same on every run. It never knows what a field
//! means.

/// The ranges `strokes.bin` covers, one byte per code point, in file order:
/// CJK Extension A, the Unified Ideographs, the Compatibility Ideographs and
/// Extension B (rare characters of personal names).
const STROKE_RANGES: [(u32, u32); 4] = [
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
];

static STROKES: &[u8] = include_bytes!("strokes.bin");

/// How names are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// 姓氏笔画: stroke count, character by character.
    Strokes,
    /// 拼音: Mandarin reading with its tone, character by character.
    Pinyin,
    /// Unicode code points.
    CodePoint,
}

impl Order {
    /// The names a user gives on the command line.
    pub fn parse(s: &str) -> Option<Order> {
        match s {
            "笔画" | "姓氏笔画" | "strokes" => Some(Order::Strokes),
            "拼音" | "pinyin" => Some(Order::Pinyin),
            "码位" | "codepoint" => Some(Order::CodePoint),
            _ => None,
        }
    }
}

/// The total stroke count of a Han character, if Unihan gives one.
pub fn strokes(c: char) -> Option<u8> {
    let cp = c as u32;
    let mut offset = 0usize;
    for (lo, hi) in STROKE_RANGES {
        if (lo..=hi).contains(&cp) {
            let n = STROKES[offset + (cp - lo) as usize];
            return (n > 0).then_some(n);
        }
        offset += (hi - lo + 1) as usize;
    }
    None
}

/// A key whose byte order is the order of `text` under `order`.
pub fn key(text: &str, order: Order) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 4);
    for c in text.trim().chars() {
        match order {
            Order::Strokes => {
                // Characters without a count (Latin, digits) come first.
                out.push(strokes(c).unwrap_or(0));
                out.extend_from_slice(&(c as u32).to_be_bytes());
            }
            Order::Pinyin => {
                use pinyin::ToPinyin;
                match c.to_pinyin() {
                    Some(p) => out.extend_from_slice(p.with_tone_num_end().as_bytes()),
                    None => out.extend(c.to_string().bytes()),
                }
                out.push(0);
                out.extend_from_slice(&(c as u32).to_be_bytes());
            }
            Order::CodePoint => out.extend_from_slice(&(c as u32).to_be_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str], order: Order) -> Vec<String> {
        let mut v: Vec<&str> = names.to_vec();
        v.sort_by_key(|n| key(n, order));
        v.into_iter().map(str::to_string).collect()
    }

    #[test]
    fn stroke_counts_come_from_unihan() {
        assert_eq!(strokes('丁'), Some(2));
        assert_eq!(strokes('王'), Some(4));
        assert_eq!(strokes('张'), Some(7));
        assert_eq!(strokes('林'), Some(8));
        assert_eq!(strokes('𠀾'), Some(10));
        assert_eq!(strokes('A'), None);
    }

    #[test]
    fn names_by_surname_strokes_then_the_next_character() {
        let names = ["林晓雯", "王华", "丁一", "张三", "王丽"];
        // 丁2 王4 王4 张7 林8; 王华 (华6) before 王丽 (丽7).
        assert_eq!(
            sorted(&names, Order::Strokes),
            ["丁一", "王华", "王丽", "张三", "林晓雯"]
        );
    }

    #[test]
    fn names_by_pinyin_on_request() {
        let names = ["张三", "陈堃", "李明", "林晓雯"];
        assert_eq!(
            sorted(&names, Order::Pinyin),
            ["陈堃", "李明", "林晓雯", "张三"]
        );
    }

    #[test]
    fn order_names_are_read() {
        assert_eq!(Order::parse("笔画"), Some(Order::Strokes));
        assert_eq!(Order::parse("拼音"), Some(Order::Pinyin));
        assert_eq!(Order::parse("随便"), None);
    }
}
