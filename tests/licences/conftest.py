from tests.exchange.conftest import _clean_exchange_state, sandbox, sources

__all__ = ["_clean_exchange_state", "sandbox", "sources"]
