#!/usr/bin/env python3
"""Fill benchmark (not a test): documents per second filling an office's own
two-page Word template, wenshu against docxtpl on the same template and data.

Usage: python3 scripts/bench_fill.py [N]        (default: 1000)

Builds a two-page template with python-docx (a header tag, about forty
paragraphs with tags, an inline loop, a {%tr%} row loop over five items, a
page break) and a roster of N rows, then times
  - `wenshu batch` on the roster (DOCX only) with all cores and with -j 1,
  - docxtpl (pip install docxtpl) rendering the same N documents in one
    Python process, loading the template once per document as its API needs.
Needs `cargo build --release` first.
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from docx import Document
from docx.enum.text import WD_BREAK

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/wenshu"
ITEMS = [{"内容": f"第{i}项整改：理论学习不够系统，联系群众不够紧密", "期限": f"2026年{i}月"} for i in range(1, 6)]


def template(path):
    doc = Document()
    doc.sections[0].header.paragraphs[0].add_run("{{ 单位 }} 民主评议表")
    doc.add_heading("党员民主评议表", 0)
    for page in range(2):
        doc.add_paragraph("姓名：{{ 姓名 }}　编号：{{ 编号 }}　党龄：{{ 党龄 }} 年")
        for i in range(18):
            doc.add_paragraph(
                f"第{page + 1}页第{i + 1}段：{{{{ 姓名 }}}}同志在本次先进性教育活动中认真学习党章，"
                "对照检查，查找问题，制定整改措施，按期完成各阶段任务。评议等次：{{ 评议等次 }}。")
        doc.add_paragraph("学习：{% for 课 in 学习 %}{{ 课 }}{% if not loop.last %}、{% endif %}{% endfor %}")
        table = doc.add_table(rows=4, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "整改事项", "完成时限"
        table.rows[1].cells[0].text = "{%tr for 项 in 整改事项 %}"
        table.rows[2].cells[0].text = "{{ 项.内容 }}"
        table.rows[2].cells[1].text = "{{ 项.期限 }}"
        table.rows[3].cells[0].text = "{%tr endfor %}"
        if page == 0:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(path)


def rows(n):
    return [{"姓名": f"党员{i:05d}", "编号": f"PY-{i:05d}", "党龄": str(i % 40 + 1), "评议等次": "优秀"} for i in range(n)]


def roster(dir, n):
    shared = {"单位": "某某县财政局机关党支部", "学习": ["党章", "党的二十大报告"], "整改事项": ITEMS}
    lines = ["文种: 花名册", "模板: 模板.docx", "花名册: 党员.csv", '文件名: "{{ 姓名 }}"', "共同字段:",
             f"  单位: {shared['单位']}", "  学习: [党章, 党的二十大报告]", "  整改事项:"]
    for it in ITEMS:
        lines += [f"    - 内容: {it['内容']}", f"      期限: {it['期限']}"]
    lines += ["列:", "  姓名: 姓名", "  编号: 编号", "  党龄: 党龄", "  评议等次: 评议等次"]
    (dir / "roster.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv = "姓名,编号,党龄,评议等次\n" + "".join(f"{r['姓名']},{r['编号']},{r['党龄']},{r['评议等次']}\n" for r in rows(n))
    (dir / "党员.csv").write_text(csv, encoding="utf-8")
    return shared


def time_wenshu(dir, n, jobs):
    out = dir / f"wenshu-{jobs or 'all'}"
    args = [str(BIN), "batch", str(dir / "roster.yaml"), "-o", str(out), "--format", "docx"]
    if jobs:
        args += ["-j", str(jobs)]
    t = time.perf_counter()
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    secs = time.perf_counter() - t
    made = len(list(out.glob("*.docx")))
    assert made == n, made
    return n / secs


def time_docxtpl(dir, n, shared):
    from docxtpl import DocxTemplate
    out = dir / "docxtpl"
    out.mkdir()
    t = time.perf_counter()
    for r in rows(n):
        doc = DocxTemplate(str(dir / "模板.docx"))
        doc.render({**shared, **r, "学习": shared["学习"], "整改事项": shared["整改事项"]})
        doc.save(str(out / f"{r['姓名']}.docx"))
    return n / (time.perf_counter() - t)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as d:
        dir = pathlib.Path(d)
        template(dir / "模板.docx")
        shared = roster(dir, n)
        cores = os.cpu_count()
        print(f"{n} 份两页模板（{cores} 核）：")
        print(f"  wenshu batch，全部核心：{time_wenshu(dir, n, None):8.1f} 份/秒")
        print(f"  wenshu batch，-j 1：    {time_wenshu(dir, n, 1):8.1f} 份/秒")
        print(f"  docxtpl（单进程）：     {time_docxtpl(dir, n, shared):8.1f} 份/秒")


if __name__ == "__main__":
    main()
