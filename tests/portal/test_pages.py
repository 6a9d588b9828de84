import pytest

pytestmark = pytest.mark.django_db


def test_figures_page_shows_levels(client):
    page = client.get("/figures/").content.decode()
    assert "咸宁市民之家" in page and "崇阳县政务服务中心" in page
    assert 'lang="zh-hans"' in page


def test_english_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_openapi_docs(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/regions/{code}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_pages_use_no_cdn(client):
    page = client.get("/").content.decode()
    assert "https://" not in page and "http://" not in page.replace('xmlns="http://', "")


def test_console_requires_login(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]
