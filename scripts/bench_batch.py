#!/usr/bin/env python3
"""Batch benchmark (not a test): papers per second and peak memory.

Usage: python3 scripts/bench_batch.py [N ...]      (default: 1000 10000)

Builds a roster of N members whose shared fields are the 党性分析材料 fixture
(each member's name from the table), then times `wenshu batch` writing DOCX
only, PDF only, and both, on all cores, and reads the process's peak resident
memory from the kernel (wait4); the last line adds one merged print file of
all N papers. Needs `cargo build --release` first.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/wenshu"


def roster(dir, n):
    fixture = (ROOT / "fixtures/党性分析材料-个人.yaml").read_text(encoding="utf-8")
    shared = "\n".join("  " + line if line.strip() else "" for line in fixture.splitlines())
    (dir / "roster.yaml").write_text(
        f"文种: 花名册\n花名册: members.csv\n共同字段:\n{shared}\n列:\n  姓名: 党员.姓名\n", encoding="utf-8")
    rows = "\n".join(f"党员{i:05d}" for i in range(n))
    (dir / "members.csv").write_text(f"姓名\n{rows}\n", encoding="utf-8")


def run(dir, fmt):
    out = dir / "out"
    shutil.rmtree(out, ignore_errors=True)
    args = [str(BIN), "batch", str(dir / "roster.yaml"), "-o", str(out)]
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
    size = sum(f.stat().st_size for f in out.iterdir())
    shutil.rmtree(out)
    return secs, usage.ru_maxrss / 1024, size


def main():
    if not BIN.exists():
        sys.exit("build first: cargo build --release")
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    print(f"cores: {os.cpu_count()}")
    print("papers\tformat\tseconds\tpapers/s\tpeak RSS MB\toutput MB")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            d = pathlib.Path(tmp)
            roster(d, n)
            for fmt in ["docx", "pdf", "docx,pdf", "pdf+merge"]:
                secs, rss, size = run(d, fmt)
                print(f"{n}\t{fmt}\t{secs:.2f}\t{n / secs:.0f}\t{rss:.0f}\t{size / 1e6:.0f}", flush=True)


if __name__ == "__main__":
    main()
