"""The two PDF checkers the suite runs on every PDF the site publishes, and what they report.

- `page-validation` (the Rust validator `page`), profiles PDF/A-3a and PDF/UA-1: what it reports as
  failed rules;
- `pdfua` (built on pikepdf, the same as `pdfua check`): its findings of every severity (errors,
  warnings, infos), and the rules it could not run.

pdfua 0.1.3 cannot run its rule UA-14-001 («heading elements are not empty») under pikepdf 10:
it asks any /K for an `is_integer` attribute, which a pikepdf Array refuses with a ValueError
rather than an AttributeError, so the rule stops at the first heading and reports itself
skipped. That rule alone may be skipped; `empty_headings` checks the same thing here."""

import io
import tempfile

import page
import pdfua
import pikepdf

PROFILES = (page.ValidationProfile.PDF_A_3A, page.ValidationProfile.PDF_UA_1)
PDFUA_MAY_SKIP = {"UA-14-001"}


def conformance_failures(content: bytes) -> list[str]:
    """Everything both checkers hold against the PDF `content`, one line each: [] when it passes."""
    failures = []
    for profile in PROFILES:
        report = page.validate_pdf_bytes(content, profile=profile)
        failures += [f"page {profile.value}: {failure.rule_id} {failure.message}" for failure in report.failures]
        if not report.is_compliant and not report.failures:
            failures.append(f"page {profile.value}: not compliant")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:  # pdfua reads a path
        file.write(content)
        file.flush()
        report = pdfua.validate(file.name)
    failures += [f"pdfua: {finding.rule_id} {finding.severity.name} {finding.message}" for finding in report.findings]
    failures += [
        f"pdfua: {outcome.rule_id} not run: {outcome.skipped_reason}"
        for outcome in report.skipped
        if outcome.rule_id not in PDFUA_MAY_SKIP
    ]
    failures += [f"empty heading {role}" for role in empty_headings(content)]
    return failures


def empty_headings(content: bytes) -> list[str]:
    """The headings (/H1 to /H6) of the structure tree that mark no content (what UA-14-001 checks)."""
    pdf = pikepdf.open(io.BytesIO(content))
    empty = []
    stack = [pdf.Root.get("/StructTreeRoot")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            role = str(node.get("/S", ""))
            if role in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"} and not _marks_content(node):
                empty.append(role)
            if "/K" in node:
                stack.append(node.K)
    return empty


def _marks_content(node) -> bool:
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in kids:
        if isinstance(kid, int):
            return True
        if isinstance(kid, pikepdf.Dictionary) and (kid.get("/Type") == "/MCR" or _marks_content(kid)):
            return True
    return False
