import shutil
import subprocess

import pytest
import segno

from ninhaoban.core.pdf import Heading, KeyValue, Paragraph, QrCode, Table, render_pdf


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_chinese_text_is_extractable(tmp_path):
    pdf = render_pdf(
        "个体工商户设立登记办事指南",
        [
            Heading("申请材料"),
            Paragraph("经营者身份证明"),
            KeyValue([("承诺时限", "1个工作日")]),
            Table([["材料", "来源"], ["营业执照", "电子证照（免提交）"]]),
        ],
        qr_url="http://127.0.0.1:8000/verify/x",
        footer="咸宁市政务服务和大数据管理局",
    )
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    for phrase in (
        "个体工商户设立登记办事指南",
        "经营者身份证明",
        "1个工作日",
        "电子证照（免提交）",
    ):
        assert phrase in text


def test_qr_matrix_is_the_url():
    url = "http://127.0.0.1:8000/verify/abc"
    expected = segno.make(url, error="m", mask=0, boost_error=False)
    assert QrCode(url).matrix == expected.matrix


def test_unknown_block_is_refused():
    with pytest.raises(TypeError):
        render_pdf("x", ["not a block"])
