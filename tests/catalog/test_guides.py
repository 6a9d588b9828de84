import io
import shutil
import subprocess

import pytest

from ninhaoban.catalog import guides, selectors
from ninhaoban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db

CITY = "421200000000"


def item(name: str, region: str = CITY) -> ServiceItem:
    return (
        selectors.list_items(region=region).get(item__base__name=name, item__region_id=region).item
    )


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        )
        text = done.stdout.decode("utf-8")
    else:
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def test_guide_page_tells_everything_at_once(client):
    food = item("食品经营许可", "421223000000")
    page = client.get(f"/catalog/items/{food.code}/").content.decode()
    guide = guides.guide_for(food)
    assert "食品经营许可" in page and "崇阳县政务服务中心" in page
    for material in guide.materials:
        assert material.name in page
    assert "电子证照，免提交" in page and "承诺5个工作日" in page and "最多跑一次" in page
    assert "市场监督管理局" in page and guide.halls[0].hours in page


def test_guide_pdf_contains_the_name_and_every_material(client):
    transfer = item("不动产转移登记")
    response = client.get(f"/catalog/items/{transfer.code}/guide.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "不动产转移登记" in text
    for material in guides.guide_for(transfer).materials:
        assert "".join(material.name.split()) in text
    assert "不动产登记费" in text and "咸宁市民之家" in text


def test_unknown_item_is_a_404_page(client):
    response = client.get("/catalog/items/NOPE/")
    assert response.status_code == 404 and "NOPE" in response.content.decode()


def test_catalog_list_filters_by_region_department_and_type(client):
    page = client.get("/catalog/", {"region": "421224000000"}).content.decode()
    assert "通山县市场监督管理局" in page and "赤壁市市场监督管理局" not in page
    page = client.get("/catalog/", {"department": "housing_fund"}).content.decode()
    assert "个人住房公积金提取" in page and "结婚登记" not in page
    page = client.get("/catalog/", {"type": "05"}).content.decode()
    assert "最低生活保障申请" in page and "企业设立登记" not in page
    page = client.get("/catalog/", {"q": "公积金", "region": CITY}).content.decode()
    assert "个人住房公积金缴存证明" in page and "食品经营许可" not in page
    assert client.get("/catalog/", {"region": "x", "page": "99"}).status_code == 200


def test_bundle_lists_a_shared_material_once(client):
    bundle = selectors.get_bundle("qiye-kaiban")
    merged = guides.bundle_guide(bundle)
    names = [m.name for m in merged.materials]
    licence = [m for m in merged.materials if "营业执照" in m.name]
    assert len(licence) == 1 and len(licence[0].items) == 4
    assert len(names) < merged.requested_total
    assert merged.plan_days == 1 == bundle.promised_days
    page = client.get("/catalog/bundles/qiye-kaiban/").content.decode()
    assert page.count("<td>营业执照</td>") == 1 and "企业设立登记" in page
    assert "住房公积金单位缴存登记" in page and "1</div>" in page


def test_bundle_merges_by_licence_type_and_data_key():
    merged = guides.bundle_guide(selectors.get_bundle("ershoufang-jiaoyi"))
    by_name = {m.name: m for m in merged.materials}
    assert len(by_name["不动产权证书"].items) == 3
    assert len(by_name["婚姻状况信息"].items) == 2
    assert len(by_name["不动产买卖合同"].items) == 2
    assert merged.plan_days == 5


def test_every_demo_bundle_has_a_page_and_a_pdf(client):
    assert "企业开办" in client.get("/catalog/bundles/").content.decode()
    for code in ["qiye-kaiban", "ershoufang-jiaoyi", "xinshenger-chusheng", "tuixiu"]:
        assert client.get(f"/catalog/bundles/{code}/").status_code == 200
    text = pdf_text(client.get("/catalog/bundles/kaiban-canyindian/guide.pdf").content)
    assert "开办餐饮店" in text and "食品经营许可" in text and "营业执照" in text
