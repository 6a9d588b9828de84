"""The cases fixtures (a settable today, the demo licence types) for the supervision tests."""

from tests.cases.conftest import licence_types, today

__all__ = ["licence_types", "today"]
