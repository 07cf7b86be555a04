"""Prints, with python-docx, the text of a DOCX body in reading order as a
JSON list: each non-empty paragraph (a line break as "\\n") and each table
row as its cells' text joined by " | ". Used to compare two papers' text."""
import json
import sys

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

doc = Document(sys.argv[1])
out = []
for el in doc.element.body.iterchildren():
    tag = el.tag.rsplit('}', 1)[-1]
    if tag == 'p':
        text = Paragraph(el, doc).text
        if text.strip():
            out.append(text)
    elif tag == 'tbl':
        for row in Table(el, doc).rows:
            out.append(' | '.join(c.text for c in row.cells))
print(json.dumps(out, ensure_ascii=False))
