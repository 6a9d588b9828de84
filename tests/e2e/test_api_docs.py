"""The API documentation and the icon in a real browser, with the network cut off from
everything but the platform: the page must render from the deployment's own files."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def offline_page(chromium, live_server, transactional_db):
    """A tab that may reach the live server only; every other request is aborted and kept
    in `tab.blocked`, every console error and page error in `tab.errors`."""
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url)
    blocked: list[str] = []
    errors: list[str] = []

    def only_the_platform(route) -> None:
        if route.request.url.startswith(live_server.url + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_platform)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.blocked, tab.errors = blocked, errors
    yield tab
    context.close()


def test_api_docs_list_the_operations_offline(offline_page):
    offline_page.goto("/api/v1/docs")
    summaries = offline_page.locator(".opblock-summary-path")
    summaries.first.wait_for()
    paths = {text.replace("\u200b", "") for text in summaries.all_inner_texts()}
    assert "/api/v1/ledger/checkpoint" in paths
    assert "/api/v1/guidance/search" in paths
    assert len(paths) > 30
    assert offline_page.blocked == []
    assert offline_page.errors == []


def test_pages_without_an_icon_link_get_one_from_favicon_ico(offline_page):
    offline_page.goto("/admin/login/")
    response = offline_page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"] == "image/vnd.microsoft.icon"
    offline_page.goto("/")
    href = offline_page.locator('link[rel="icon"]').get_attribute("href")
    icon = offline_page.request.get(href)
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"
    assert offline_page.blocked == []
    assert offline_page.errors == []
