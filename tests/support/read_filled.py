"""Reads a filled DOCX with python-docx (the way a Python user would) and
prints what it holds as JSON: paragraphs with their runs' text, bold and
italic; table rows; header and footer text."""
import json
import sys

from docx import Document


def runs(p):
    return [[r.text, r.bold, r.italic] for r in p.runs]


doc = Document(sys.argv[1])
sec = doc.sections[0]
print(json.dumps({
    "paragraphs": [{"text": p.text, "runs": runs(p)} for p in doc.paragraphs],
    "tables": [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables],
    "header": [p.text for p in sec.header.paragraphs],
    "footer": [p.text for p in sec.footer.paragraphs],
}, ensure_ascii=False))
