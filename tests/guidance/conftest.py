import pytest

from ninhaoban.guidance import index


@pytest.fixture(autouse=True)
def fresh_index():
    """The index lives in the process; a test's rolled-back catalog must not leak into the
    next test through it."""
    index.forget()
    yield
    index.forget()


@pytest.fixture
def synonyms(db) -> None:
    """The demo synonym table on top of the demo catalog the session already holds."""
    from ninhaoban.demo import guidance as demo_guidance

    demo_guidance.seed()
