"""帮办代办 as a case sees it: a 委托书 names items of the catalog and is a PDF the resident
signs. The rules of the 委托书 itself (who may draw it up, the SMS code, revocation) are
accounts' (`accounts.services`, `accounts.selectors.check_commission`); this module adds
what needs the catalog: the items checked and named, and the document written."""

import datetime as dt
from collections.abc import Iterable

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Mandate, Staff
from ninhaoban.accounts.sources import Source
from ninhaoban.cases import clock, documents
from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import InvalidInput


def item_names(codes: Iterable[str], day: dt.date | None = None) -> dict[str, str]:
    """Each item code with the name of its version in force; a code that names no item in
    force is a 422 naming it (a 委托书 for an item no one can apply for is no use)."""
    day = day or clock.today()
    names = {}
    for code in codes:
        version = catalog.version_in_force(code, day)
        if version is None:
            raise InvalidInput(
                f"事项{code}不存在或没有现行有效的版本",
                f"item {code} does not exist or has no version in force",
                field="items",
            )
        names[code] = version.name
    return names


def draft(*, helper: Staff, resident_number: str, items: list[str], until: dt.date) -> Mandate:
    """The 委托书, drawn up by the helper for a resident of their area (not yet in force)."""
    item_names(items)
    return accounts.draft_commission(
        helper=helper,
        resident_number=resident_number,
        items=items,
        until=until,
        day=clock.today(),
    )


def document(mandate: Mandate) -> bytes:
    """The 委托书 PDF the resident reads and signs."""
    return documents.commission_pdf(mandate, item_names(mandate.items))


def sign(
    mandate: Mandate, *, helper: Staff, signature: bytes, scanned: bool, source: Source
) -> Mandate:
    """The resident signed the 委托书 as written now: its digest goes with the signature's
    into the ledger, and the confirmation code to their phone."""
    return accounts.sign_commission(
        mandate,
        helper=helper,
        signature=signature,
        scanned=scanned,
        document=document(mandate),
        source=source,
    )
