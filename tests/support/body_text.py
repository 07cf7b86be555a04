"""Prints, with python-docx, the text of a DOCX body in reading order as a
JSON list: each non-empty paragraph (a line break as "\\n") and each table
row as its cells' text joined by " | ". Used to compare two papers' text.
A header row's cells are cut into lines between words to fit their
columns, which are sized from the content: the cuts are layout, not text,
and are joined here."""
import json
import sys

from docx import Document
from docx.oxml.ns import qn
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
            pr = row._tr.trPr
            header = pr is not None and pr.find(qn('w:tblHeader')) is not None
            cells = [c.text.replace('\n', '') if header else c.text for c in row.cells]
            out.append(' | '.join(cells))
print(json.dumps(out, ensure_ascii=False))
