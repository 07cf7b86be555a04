#!/usr/bin/env python3
"""Variants of the shipped fixtures, for probing the layout (not a test).

Usage: vary_fixtures.py OUT_DIR N [SEED]

Writes N YAML files into OUT_DIR, each a fixture paper (a phase record, a
请示, a plan, an analysis, a 两个具体, a 小结) whose long text values had
clauses repeated or dropped, or a common phrase put in — the way real
papers differ from ours in length, so that their tables, headings and
signature blocks fall elsewhere on the pages. The same SEED gives the same
files. The files the fixtures name (the previous phase's record, a survey's
CSV) are copied beside them. Standard library only: the YAML is edited as
text, only plain one-line values of 12 characters or more (those of 30 or
fewer may have length limits: they only lose a clause), with full-width
punctuation only, so every variant stays valid.

`tests/pdf.rs` renders a set of them and checks that LibreOffice breaks
every line and page of their DOCX where our PDF does; by hand:

    python3 scripts/vary_fixtures.py 变体 100 7
    for f in 变体/*.yaml; do wenshu render "$f" -o "变体/输出/$(basename "$f" .yaml)"; done
"""
import pathlib
import random
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = [
    "阶段记录-1.yaml",
    "阶段记录-1-人社局第一党支部.yaml",
    "阶段记录-2.yaml",
    "阶段记录-2-离退休党支部.yaml",
    "阶段记录-3.yaml",
    "转段申请-1.yaml",
    "转段申请-监察大队.yaml",
    "整改方案-单位-执法大队.yaml",
    "整改方案-单位.yaml",
    "整改方案-个人.yaml",
    "党性分析材料-领导干部.yaml",
    "两个具体.yaml",
    "阶段小结-1.yaml",
]
# Files the fixtures above name, copied beside the variants.
NAMED = ["阶段记录-1.yaml", "阶段记录-2.yaml", "阶段记录-2-满意度测评.csv"]
PHRASES = ["确保2026年底前全部完成。", "形成长效机制。", "（试行）", "达到30%以上，", "由原来的46天缩短到28天，"]
# A plain one-line value: `key: value` or `- value`, not quoted or a block.
VALUE = re.compile(r"^(\s*(?:- |[^\s#:][^:#]*: ))([^\s'\"|>&*!{\[%@`#].*)$")
HAN = re.compile(r"[\u4e00-\u9fff]")


def vary(text, rng):
    """Repeats, drops or adds clauses of `text` (split after ，。；); a value
    of 30 characters or fewer only loses one (fields that short may have a
    length limit)."""
    parts = [p for p in re.split(r"(?<=[，。；])", text) if p]
    if len(text) <= 30:
        if len(parts) > 1 and rng.random() < 0.5:
            del parts[rng.randrange(len(parts))]
        return "".join(parts)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.5:
            parts.insert(rng.randrange(len(parts)), rng.choice(parts))
        elif r < 0.8 and len(parts) > 1:
            del parts[rng.randrange(len(parts))]
        else:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(PHRASES))
    out = "".join(parts)
    return out if len(out) > 30 else text


def variant(source, rng):
    lines = []
    for line in source.splitlines():
        m = VALUE.match(line)
        if m and len(m.group(2)) >= 12 and HAN.search(m.group(2)) and re.search("[，。；]", m.group(2)) \
                and " #" not in m.group(2) and ": " not in m.group(2):
            line = m.group(1) + vary(m.group(2), rng)
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(out, n, seed):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in NAMED:
        shutil.copy(ROOT / "fixtures" / name, out / name)
    for i in range(n):
        rng = random.Random(seed * 100_000 + i)
        name = FIXTURES[i % len(FIXTURES)]
        text = variant((ROOT / "fixtures" / name).read_text(encoding="utf-8"), rng)
        (out / f"{i:03d}-{name}").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 1)
