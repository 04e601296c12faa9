"""What WeasyPrint leaves undone for PDF/A-3a and PDF/UA-1, done in the finisher on its PDF
objects (pydyf) before they are written: one pass over the objects, no second reading of the file.

- A list item (LI) holds only its label (Lbl, the bullet) and its body (LBody): WeasyPrint puts
  the block children of an `<li>` (its paragraphs) straight into the LI; they go into one LBody.
- A table's header cell (TH) says what it heads (/Scope): WeasyPrint gives each header cell an
  ID and each data cell the IDs of its headers (its row's `scope="row"` headers and its column's),
  but no scope. A header cell that a data cell of its own row names is a row header; any other,
  a column header.
- A stream's data that ends with a carriage return (one compressed stream in 256 does) is
  followed by CR LF, not LF alone, before `endstream`: a reader takes a CR LF as one end of line,
  and would count the data one byte short of its /Length.
"""

import pydyf

LIST_ITEM_PARTS = {"/Lbl", "/LBody"}
STREAM_END = b"\nendstream\nendobj"  # how pydyf ends a stream object, after its data


def repair_tags(pdf: pydyf.PDF) -> None:
    """Complete the structure tree WeasyPrint wrote into `pdf` (see the module's docstring)."""
    elements = [obj for obj in pdf.objects if isinstance(obj, dict) and obj.get("Type") == "/StructElem"]
    for element in elements:
        if element["S"] == "/LI":
            _wrap_list_item_body(pdf, element)
        elif element["S"] == "/TR":
            _scope_header_cells(pdf, element)


def _element(pdf: pydyf.PDF, kid) -> dict | None:
    """The structure element a /K entry refers to, or None (a marked-content number, another object)."""
    if not isinstance(kid, bytes):
        return None
    target = pdf.objects[int(kid.split()[0])]
    return target if isinstance(target, dict) and target.get("Type") == "/StructElem" else None


def _wrap_list_item_body(pdf: pydyf.PDF, item: dict) -> None:
    kids = pydyf.Array()
    body = None
    for kid in item["K"]:
        element = _element(pdf, kid)
        if element is None or element["S"] in LIST_ITEM_PARTS:
            # (A marked-content number stays where the parent tree says it is: WeasyPrint puts
            # none straight into a list item.)
            kids.append(kid)
            body = None
            continue
        if body is None:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference})
            if "Pg" in item:
                body["Pg"] = item["Pg"]
            pdf.add_object(body)
            kids.append(body.reference)
        body["K"].append(kid)
        element["P"] = body.reference
    item["K"] = kids


def _scope_header_cells(pdf: pydyf.PDF, row: dict) -> None:
    cells = [cell for kid in row["K"] if (cell := _element(pdf, kid)) is not None]
    named = {_text(header) for cell in cells if cell["S"] == "/TD" for header in cell.get("A", {}).get("Headers", ())}
    for cell in cells:
        if cell["S"] == "/TH":
            attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = "/Row" if "ID" in cell and _text(cell["ID"]) in named else "/Column"


def _text(value) -> str:
    return value.string if isinstance(value, pydyf.String) else str(value)


def end_streams_unambiguously(pdf: pydyf.PDF) -> None:
    """Have `pdf` write CR LF before `endstream` after data ending with CR (see the module's
    docstring). Every object, the object and cross-reference streams made while writing
    included, goes out through `write_line`, which counts the bytes the offsets are taken from."""
    write_line = pdf.write_line

    def write_line_with_clear_stream_ends(content: bytes, output) -> None:
        if content.endswith(b"\r" + STREAM_END):
            content = content[: -len(STREAM_END)] + b"\r" + STREAM_END
        write_line(content, output)

    pdf.write_line = write_line_with_clear_stream_ends
