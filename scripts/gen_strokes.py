#!/usr/bin/env python3
"""Writes src/collate/strokes.bin: the total stroke count (Unihan
kTotalStrokes, its first value: the count for mainland China's forms) of
every character of the CJK blocks a name uses, one byte each, in the order
of collate::STROKE_RANGES. Characters without a count get 0.

Source: Debian's unicode-data package (Unicode 15.0), file
/usr/share/unicode/Unihan_IRGSources.txt.bz2. Run again when updating it:
    apt-get install unicode-data && python3 scripts/gen_strokes.py
"""
import bz2, pathlib

RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
counts = {}
with bz2.open("/usr/share/unicode/Unihan_IRGSources.txt.bz2", "rt", encoding="utf-8") as f:
    for line in f:
        if "\tkTotalStrokes\t" in line:
            cp, _, value = line.rstrip("\n").split("\t")
            counts[int(cp[2:], 16)] = int(value.split()[0])
out = bytearray()
for lo, hi in RANGES:
    for cp in range(lo, hi + 1):
        out.append(min(counts.get(cp, 0), 255))
path = pathlib.Path(__file__).resolve().parent.parent / "src/collate/strokes.bin"
path.write_bytes(bytes(out))
print(f"{path}: {len(out)} bytes, {sum(1 for b in out if b)} characters with a count")
