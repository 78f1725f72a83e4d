"""The report as a PDF: WeasyPrint (imported on first use) renders the page's self-contained HTML
with DejaVu Sans from matplotlib's fonts (every Vietnamese letter), may load nothing but data: URIs
and those font files, and returns the characters no font could draw with the PDF. No Flask.
"""
from __future__ import annotations

import dataclasses
import logging
import os

FONT_FAMILY = "Report Sans"
_FONT_FILES = {("normal", "normal"): "DejaVuSans.ttf", ("bold", "normal"): "DejaVuSans-Bold.ttf",
               ("normal", "italic"): "DejaVuSans-Oblique.ttf", ("bold", "italic"): "DejaVuSans-BoldOblique.ttf"}


def font_dir() -> str:
    """DejaVu Sans as shipped by matplotlib (a pinned package): every Vietnamese letter, no system font needed."""
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


def font_face_css() -> str:
    from urllib.parse import quote

    rules = []
    for (weight, style_), name in _FONT_FILES.items():
        url = "file://" + quote(os.path.join(font_dir(), name))
        rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: {style_}; '
                     f'src: url("{url}") format("truetype"); }}')
    return "\n".join(rules)


@dataclasses.dataclass
class PdfResult:
    pdf: bytes
    missing_glyphs: list  # ".notdef" warnings: characters no font could draw
    warnings: list  # every warning WeasyPrint logged


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _fetcher():
    from weasyprint.urls import URLFetcher

    allowed = {os.path.realpath(os.path.join(font_dir(), n)) for n in _FONT_FILES.values()}

    class LocalOnly(URLFetcher):
        """data: URIs and our font files only: rendering never reaches the network or other files."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit

                if os.path.realpath(unquote(urlsplit(url).path)) in allowed:
                    return super().fetch(url, headers)
            raise ValueError(f"the report may not load {url[:80]!r}")

    return LocalOnly()


def pdf_bytes(html: str) -> PdfResult:
    """Render ``html`` (self-contained: styles inline, images as data URIs) with WeasyPrint."""
    import weasyprint

    logger = logging.getLogger("weasyprint")
    capture = _Capture()
    logger.addHandler(capture)
    try:
        pdf = weasyprint.HTML(string=html, url_fetcher=_fetcher(), media_type="print").write_pdf()
    finally:
        logger.removeHandler(capture)
    missing = [m for m in capture.messages if ".notdef" in m]
    return PdfResult(pdf, missing, capture.messages)
