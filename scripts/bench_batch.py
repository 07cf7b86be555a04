#!/usr/bin/env python3
"""Batch benchmark (not a test): papers and pages per second, size and peak memory.

Usage: python3 scripts/bench_batch.py [--names digits|chinese|both] [-j N] [--bin PATH] [N ...]
       (default: both name scenarios, all cores, 1000 10000 papers)

Builds a roster of N members whose shared fields are the 党性分析材料 fixture
(each member's name from the table), then times `wenshu batch` writing DOCX
only, PDF only, and both, and reads the process's peak resident memory from
the kernel (wait4); the last line of each scenario adds one merged print file
of all N papers. Two name scenarios:

- digits:  党员00000, 党员00001, …: every paper draws the same glyphs;
- chinese: distinct three-character names (王晓明, …, from benches/names.txt):
  every new name may add glyphs to the embedded font subsets, as real
  rosters do.

pages/s counts the pages of the PDF files; KiB/page is PDF bytes per page;
CPU s is the process's user + system time (on a busy machine wall time
says little; CPU time does).
Needs `cargo build --release` first.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The release build, in $CARGO_TARGET_DIR when that is set.
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / "release/wenshu"
FIXTURE = ROOT / "fixtures/党性分析材料-个人.yaml"


def chinese_names(n):
    """The first n distinct names of benches/names.txt (its header says how)."""
    lines = [l for l in (ROOT / "benches/names.txt").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    surnames, given = lines
    out = []
    for i in range(n):
        j = (i * 7919 + 4231) % 1_000_000
        out.append(surnames[j % 100] + given[j // 100 % 100] + given[j // 10000])
    return out


def names(kind, n):
    return chinese_names(n) if kind == "chinese" else [f"党员{i:05d}" for i in range(n)]


def roster(dir, members):
    fixture = FIXTURE.read_text(encoding="utf-8")
    shared = "\n".join("  " + line if line.strip() else "" for line in fixture.splitlines())
    (dir / "roster.yaml").write_text(
        f"文种: 花名册\n花名册: members.csv\n共同字段:\n{shared}\n列:\n  姓名: 党员.姓名\n", encoding="utf-8")
    (dir / "members.csv").write_text("姓名\n" + "\n".join(members) + "\n", encoding="utf-8")


PAGE = re.compile(rb"/Type /Page[\s>/]")


def run(dir, fmt, jobs, bin=BIN):
    """(seconds, CPU seconds, peak RSS in MB, output bytes, PDF bytes, PDF pages)."""
    out = dir / "out"
    shutil.rmtree(out, ignore_errors=True)
    args = [str(bin), "batch", str(dir / "roster.yaml"), "-o", str(out)]
    if jobs:
        args += ["-j", str(jobs)]
    if fmt.endswith("+merge"):
        fmt = fmt[: -len("+merge")]
        args += ["--merge", str(out / "merged.pdf")]
    start = time.monotonic()
    p = subprocess.Popen(args + ["--format", fmt],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.monotonic() - start
    if status != 0:
        sys.exit(f"wenshu batch failed ({status})")
    size = pdf_bytes = pages = 0
    for f in out.iterdir():
        size += f.stat().st_size
        if f.suffix == ".pdf" and f.name != "merged.pdf":
            data = f.read_bytes()
            pdf_bytes += len(data)
            pages += len(PAGE.findall(data))
    shutil.rmtree(out)
    return secs, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, size, pdf_bytes, pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--names", choices=["digits", "chinese", "both"], default="both")
    ap.add_argument("-j", "--jobs", type=int, default=0, help="threads (default: all cores)")
    ap.add_argument("--formats", default="docx,pdf,docx+pdf,pdf+merge")
    ap.add_argument("--bin", type=pathlib.Path, default=BIN, help="the wenshu binary (to compare builds)")
    a = ap.parse_args()
    if not a.bin.exists():
        sys.exit("build first: cargo build --release")
    kinds = ["digits", "chinese"] if a.names == "both" else [a.names]
    formats = [f.replace("docx+pdf", "docx,pdf") for f in a.formats.split(",")]
    print(f"cores: {os.cpu_count()}, threads: {a.jobs or 'all'}")
    print("papers\tnames\tformat\tseconds\tCPU s\tpapers/s\tpages/s\tKiB/page\tpeak RSS MB\toutput MB")
    for n in a.sizes:
        for kind in kinds:
            with tempfile.TemporaryDirectory() as tmp:
                d = pathlib.Path(tmp)
                roster(d, names(kind, n))
                per_paper = None
                for fmt in formats:
                    secs, cpu, rss, size, pdf_bytes, pages = run(d, fmt, a.jobs, a.bin)
                    if pages:
                        per_paper = pages / n
                    pps = f"{n * per_paper / secs:.0f}" if per_paper and "pdf" in fmt else "-"
                    kib = f"{pdf_bytes / pages / 1024:.1f}" if pages else "-"
                    print(f"{n}\t{kind}\t{fmt}\t{secs:.2f}\t{cpu:.2f}\t{n / secs:.0f}\t{pps}\t{kib}\t{rss:.0f}\t{size / 1e6:.0f}",
                          flush=True)


if __name__ == "__main__":
    main()
