"""The browser fixtures of tests/e2e, for the 存证查询 page's in-browser proof check."""

from tests.e2e.conftest import chromium, page  # noqa: F401
