"""一件事: saving a bundle checks that its parallel plan keeps the promise it makes."""

from collections.abc import Iterable, Sequence

from django.db import transaction

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import Bundle, BundleItem, ServiceItem
from ninhaoban.catalog.rules import plan_days
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Region


@transaction.atomic
def save_bundle(
    *,
    code: str,
    name: str,
    region: Region,
    members: Sequence[tuple[ServiceItem, int]],
    promised_days: int,
    actor: str,
    description: str = "",
    aliases: Iterable[str] = (),
) -> Bundle:
    """Create or replace a bundle; `members` are (service item, stage) in display order."""
    if len(members) < 2:
        raise InvalidInput(
            "一件事至少包含两个事项", "a bundle combines at least two items", field="items"
        )
    promises = []
    for item, stage in members:
        version = selectors.current_version(item)
        if version is None:
            raise InvalidInput(
                f"{item.code}没有现行版本", f"{item.code} has no version in force", field="items"
            )
        promises.append((stage, version.promised_days))
    days = plan_days(promises)
    if days > promised_days:
        raise InvalidInput(
            f"并联办理需{days}个工作日，超过承诺的{promised_days}个工作日",
            f"the parallel plan takes {days} working days, more than the {promised_days} promised",
            field="promised_days",
        )
    bundle, _ = Bundle.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "region": region,
            "description": description,
            "promised_days": promised_days,
            "aliases": list(aliases),
        },
    )
    bundle.members.all().delete()
    BundleItem.objects.bulk_create(
        BundleItem(bundle=bundle, item=item, position=i, stage=stage)
        for i, (item, stage) in enumerate(members, start=1)
    )
    record(
        "catalog.bundle_saved",
        f"bundle:{code}",
        actor,
        {"items": [item.code for item, _ in members], "promised_days": promised_days},
    )
    return bundle
