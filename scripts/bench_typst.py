#!/usr/bin/env python3
"""wenshu against Typst on the same paper (a comparison, not a test; not in CI).

Usage: python3 scripts/bench_typst.py [N] [-j P]    (default: 300 papers, P = cores)

Installs Typst's Python binding from PyPI if it is missing (typst 0.15.2),
writes the 党性分析材料 fixture as Typst markup (its paragraphs as wenshu's DOCX
has them, read with python-docx) in the faces wenshu resolves (`wenshu fonts`)
on GB/T 9704's grid (A4, 28 characters × 22 lines of 28.95 pt, 16 pt body),
then makes N PDFs with distinct Chinese names (benches/names.txt, as
scripts/bench_batch.py draws them) both ways, P at a time:

- Typst: P processes, each reusing one Compiler for its papers (the name goes
  in through sys.inputs), writing each PDF to disk;
- wenshu: `wenshu batch -j P --format pdf` over a roster of the same names.

Prints for each pages/s, KiB per page, CPU seconds and peak memory, and the
ratio. Needs `cargo build --release` first.
"""
import argparse
import importlib.metadata
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench_batch  # noqa: E402  (the roster and names of the batch benchmark)

ROOT = bench_batch.ROOT
BIN = bench_batch.BIN
TYPST = "0.15.2"
PAGE = re.compile(rb"/Type\s*/Page[\s>/]")


def ensure_typst():
    if importlib.util.find_spec("typst") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--root-user-action=ignore", f"typst=={TYPST}"], check=True)


def resolved_fonts():
    """role → (Typst's family name, file) for the faces `wenshu fonts` reports."""
    import typst
    out = subprocess.run([str(BIN), "fonts"], capture_output=True, text=True, check=True).stdout
    files = {}
    for line in out.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 3:
            path, _, index = cols[2].partition("#")
            files[cols[0]] = (path, int(index or 0))
    dirs = sorted({str(pathlib.Path(p).parent) for p, _ in files.values()})
    known = {(f.path, f.index): f.family for f in typst.Fonts(font_paths=dirs).fonts()}
    return {role: (known[f], f[0]) for role, f in files.items()}


def paragraphs(tmp):
    """(style, text) of the fixture's paper, from wenshu's own DOCX."""
    import docx
    out = tmp / "docx"
    subprocess.run([str(BIN), "render", "--format", "docx", str(bench_batch.FIXTURE), "-o", str(out)],
                   check=True, capture_output=True)
    d = docx.Document(str(next(out.glob("*.docx"))))
    return [(p.style.name, p.text) for p in d.paragraphs]


def typst_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_source(paras, fonts):
    fam = {role: typst_string(f[0]) for role, f in fonts.items()}
    title_weight = '"bold"' if "Bold" in fonts["标题"][1] else '"regular"'
    src = [f"""#let name = sys.inputs.at("name", default: "林晓雯")
#let LINE = 28.95pt
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),
  footer: context {{
    let n = counter(page).get().first()
    align(if calc.odd(n) {{ right }} else {{ left }},
      text(font: {fam['宋体']}, size: 14pt)[— #n —])
  }})
// 28 cells of 15.79 pt a line, lines 28.95 pt apart, Latin in the Latin face.
#set text(font: ((name: {fam['西文']}, covers: "latin-in-cjk"), {fam['正文']}), size: 16pt,
  lang: "zh", region: "cn", tracking: -0.2071pt, top-edge: 0.88em, bottom-edge: -0.12em)
#set par(leading: LINE - 16pt, spacing: LINE - 16pt, justify: true,
  first-line-indent: (amount: 2em, all: true))
#let plain(body) = {{ set par(first-line-indent: 0em); body }}
"""]
    for style, text in paras:
        if style in ("Subtitle", "Signature"):
            # The member's name, as the roster's 党员.姓名 fills it.
            text_expr = typst_string(text[: -len("林晓雯")]) + " + name" if text.endswith("林晓雯") else typst_string(text)
        else:
            text_expr = typst_string(text)
        if not text.strip():
            src.append("#v(LINE - 16pt)")
        elif style == "Title":
            src.append(f"#plain(align(center, text(font: {fam['标题']}, size: 22pt, weight: {title_weight}, tracking: 0pt, {text_expr})))")
        elif style == "Subtitle":
            src.append(f"#plain(align(center, text(font: {fam['楷体']}, {text_expr})))")
        elif style == "Heading 1":
            src.append(f"#par(text(font: {fam['黑体']}, {text_expr}))")
        elif style == "Heading 2":
            src.append(f"#par(text(font: {fam['楷体']}, {text_expr}))")
        elif style in ("Signature", "Date"):
            src.append(f"#plain(align(right)[#({text_expr})#h(4em)])")
        else:
            src.append(f"#par({text_expr})")
    return "\n".join(src) + "\n"


def prepare(tmp):
    """Writes tmp/paper.typ and tmp/fonts (the font directories); compiles once."""
    import typst
    fonts = resolved_fonts()
    src = tmp / "paper.typ"
    src.write_text(typst_source(paragraphs(tmp), fonts), encoding="utf-8")
    dirs = sorted({str(pathlib.Path(f[1]).parent) for f in fonts.values()})
    (tmp / "fonts").write_text(os.pathsep.join(dirs), encoding="utf-8")
    typst.Compiler(str(src), font_paths=dirs).compile(output=str(tmp / "check.pdf"))


def worker(k, p, tmp, out_dir):
    """Process k of p: papers k, k + p, … with one reused compiler."""
    import typst
    tmp = pathlib.Path(tmp)
    names = (tmp / "names.txt").read_text(encoding="utf-8").split("\n")
    dirs = (tmp / "fonts").read_text(encoding="utf-8").split(os.pathsep)
    compiler = typst.Compiler(str(tmp / "paper.typ"), font_paths=dirs)
    for i in range(k, len(names), p):
        compiler.compile(output=str(pathlib.Path(out_dir) / f"{i:05d}.pdf"), sys_inputs={"name": names[i]})


def measure(argv_list):
    """Runs the commands at once; (wall seconds, CPU seconds, peak RSS MB of the largest)."""
    start = time.monotonic()
    procs = [subprocess.Popen(a, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for a in argv_list]
    cpu, rss = 0.0, 0.0
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"{p.args[:3]} failed ({status})")
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
    return time.monotonic() - start, cpu, rss


def pdf_figures(dir):
    pages = size = 0
    for f in dir.glob("*.pdf"):
        data = f.read_bytes()
        size += len(data)
        pages += len(PAGE.findall(data))
    return pages, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=300)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--bin", type=pathlib.Path, default=BIN, help="the wenshu binary")
    ap.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--prepare", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.prepare:
        return prepare(pathlib.Path(a.prepare))
    if a.worker:
        k, p, tmp, out_dir = a.worker
        return worker(int(k), int(p), tmp, out_dir)
    if not a.bin.exists():
        sys.exit("build first: cargo build --release")
    ensure_typst()
    names = bench_batch.chinese_names(a.n)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "names.txt").write_text("\n".join(names), encoding="utf-8")
        # Outside the clock and this process (which must stay small for its
        # children's peak memory to be theirs): the markup, checked by a
        # first compile.
        subprocess.run([sys.executable, __file__, "--prepare", str(tmp)], check=True)

        tout = tmp / "typst"
        tout.mkdir()
        t_secs, t_cpu, t_rss = measure([
            [sys.executable, __file__, "--worker", str(k), str(a.jobs), str(tmp), str(tout)]
            for k in range(a.jobs)])
        t_pages, t_size = pdf_figures(tout)

        wdir = tmp / "wenshu"
        wdir.mkdir()
        bench_batch.roster(wdir, names)
        w_secs, w_cpu, w_rss = measure([[str(a.bin), "batch", str(wdir / "roster.yaml"), "-o", str(wdir / "out"),
                                         "-j", str(a.jobs), "--format", "pdf"]])
        w_pages, w_size = pdf_figures(wdir / "out")

    print(f"{a.n} papers of 党性分析材料 with distinct names, {a.jobs} at a time, on {os.cpu_count()} cores")
    print("\tpages\tseconds\tpages/s\tCPU s\tpages per CPU s\tKiB/page\tpeak RSS MB")
    version = importlib.metadata.version("typst")
    rows = [(f"Typst {version}", t_pages, t_secs, t_cpu, t_size, t_rss),
            ("wenshu", w_pages, w_secs, w_cpu, w_size, w_rss)]
    for label, pages, secs, cpu, size, rss in rows:
        print(f"{label}\t{pages}\t{secs:.2f}\t{pages / secs:.0f}\t{cpu:.2f}\t{pages / cpu:.0f}\t{size / pages / 1024:.1f}\t{rss:.0f}")
    print(f"wenshu / Typst: {(w_pages / w_secs) / (t_pages / t_secs):.1f}× in pages/s, "
          f"{(w_pages / w_cpu) / (t_pages / t_cpu):.1f}× in pages per CPU second")


if __name__ == "__main__":
    main()
