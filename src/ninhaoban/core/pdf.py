"""PDF documents in Chinese: guides, receipts, notices, licences and proofs.

One small vocabulary of blocks (heading, paragraph, key-value list, table) keeps every
printed document alike. A CJK TrueType font is embedded (subset) so the text can be
extracted and searched; where none is installed, reportlab's built-in Adobe CID font
STSong-Light is used, which every PDF reader can show without embedding.
A QR code is drawn as vector squares, so it stays sharp when printed on a kiosk.
"""

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

QR_MASK = 0
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class KeyValue:
    pairs: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    rows: Sequence[Sequence[str]]
    header: bool = True
    widths: Sequence[float] | None = field(default=None)


Block = Heading | Paragraph | KeyValue | Table


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the CJK font once per process and return its name."""
    configured = os.environ.get("NHB_PDF_FONT", "")
    for path in (configured, *FONT_CANDIDATES):
        if path and os.path.exists(path):
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("NhbCJK", path, **kwargs))
            return "NhbCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=11, alignment=TA_CENTER, textColor=colors.grey
        ),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=22, spaceBefore=8),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "footer": ParagraphStyle("footer", parent=base, fontSize=9, textColor=colors.grey),
    }


class QrCode(Flowable):
    """A QR code drawn as one vector path, a rectangle per run of dark modules in a row.

    The mask is fixed instead of scored: any mask decodes, and scoring all eight costs more
    than the rest of a proof's PDF.
    """

    def __init__(self, data: str, size: float = 32 * mm) -> None:
        super().__init__()
        self.matrix = segno.make(data, error="m", mask=QR_MASK, boost_error=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        quiet = 4
        cell = self.size / (len(self.matrix) + 2 * quiet)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for y, row in enumerate(self.matrix):
            top = self.size - (y + quiet + 1) * cell
            x, width = 0, len(row)
            while x < width:
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < width and row[x]:
                    x += 1
                path.rect((start + quiet) * cell, top, (x - start) * cell, cell)
        canvas.drawPath(path, stroke=0, fill=1)


def _p(text: str, style: str) -> RLParagraph:
    return RLParagraph(escape(str(text)).replace("\n", "<br/>"), _styles()[style])


def _grid(rows: list[list[RLParagraph]], widths: Sequence[float] | None, header: bool) -> RLTable:
    table = RLTable(rows, colWidths=list(widths) if widths else None, repeatRows=int(header))
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(block: Block, page_width: float) -> list[Flowable]:
    if isinstance(block, Heading):
        return [_p(block.text, "heading")]
    if isinstance(block, Paragraph):
        return [_p(block.text, "body")]
    if isinstance(block, KeyValue):
        rows = [[_p(k, "cell"), _p(v, "cell")] for k, v in block.pairs]
        return [_grid(rows, [page_width * 0.28, page_width * 0.72], header=False)]
    if isinstance(block, Table):
        rows = [[_p(c, "cell") for c in row] for row in block.rows]
        widths = [page_width * w for w in block.widths] if block.widths else None
        return [_grid(rows, widths, header=block.header)]
    raise TypeError(f"not a PDF block: {block!r}")


def render_pdf(
    title: str,
    blocks: Sequence[Block],
    *,
    qr_url: str | None = None,
    subtitle: str = "",
    footer: str = "",
) -> bytes:
    """Render an A4 document; `widths` of a Table are fractions of the text width."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="您好办",
    )
    story: list[Flowable] = [_p(title, "title")]
    if subtitle:
        story.append(_p(subtitle, "subtitle"))
    story.append(Spacer(1, 4 * mm))
    for block in blocks:
        story.extend(_flowables(block, doc.width))
        story.append(Spacer(1, 2 * mm))
    if qr_url:
        story.append(Spacer(1, 4 * mm))
        story.append(QrCode(qr_url))
        story.append(_p(qr_url, "footer"))
    if footer:
        story.append(Spacer(1, 3 * mm))
        story.append(_p(footer, "footer"))
    doc.build(story)
    return buffer.getvalue()
