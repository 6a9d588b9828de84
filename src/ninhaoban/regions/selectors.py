"""Reads of the region tree that other apps need."""

from django.db.models import Q

from ninhaoban.core.errors import NotFound
from ninhaoban.regions.models import Region, code_prefix, normalize_region_code


def get_region(code: str) -> Region:
    normalized = normalize_region_code(code)
    try:
        return Region.objects.select_related("parent").get(code=normalized)
    except Region.DoesNotExist:
        raise NotFound(
            f"行政区划代码{code}不存在", f"no region with code {code}", field="region"
        ) from None


def subtree_q(field: str, code_or_prefix: str) -> Q:
    """Rows whose region code (in `field`) lies in the subtree of a region.

    A range on the 12-digit code, not LIKE 'prefix%', so that SQLite and PostgreSQL both
    answer it from the plain index on that column.
    """
    prefix = code_prefix(code_or_prefix) if len(code_or_prefix) == 12 else code_or_prefix
    return Q(**{f"{field}__gte": prefix.ljust(12, "0"), f"{field}__lte": prefix.ljust(12, "9")})


def subtree(region: Region):
    return Region.objects.filter(subtree_q("code", region.code))


def ancestors(region: Region) -> list[Region]:
    """The region and every region above it, nearest first."""
    chain, node = [], region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain
