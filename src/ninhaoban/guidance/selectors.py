"""Searching: what the API, the pages and the command call. Reads only; a search is not
recorded (it changes nothing and carries no one's personal data)."""

import functools
from dataclasses import dataclass

from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.selectors import Place
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.guidance import index
from ninhaoban.guidance.engine import MAX_LIMIT, MAX_QUERY_CHARS, Hit
from ninhaoban.regions.models import Level
from ninhaoban.regions.selectors import ancestors, get_region


@dataclass(frozen=True)
class Result:
    kind: str
    code: str
    name: str
    score: float
    region_code: str
    region_name: str
    level: str
    department: str
    items: list[dict[str, str]]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "score": self.score,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "level": self.level,
            "department": self.department,
            "items": self.items,
        }


def _result(hit: Hit) -> Result:
    doc = hit.document
    return Result(
        kind=doc.kind,
        code=doc.code,
        name=doc.name,
        score=hit.score,
        region_code=doc.region_code,
        region_name=doc.region_name,
        level=doc.level,
        department=doc.department,
        items=[{"code": code, "name": name} for code, name in doc.items],
    )


@functools.lru_cache(maxsize=8192)
def region_scope(code: str) -> frozenset[str]:
    """The codes a person in that region can be served under: the region and its ancestors,
    plus the province above the city (items defined there apply everywhere below). Cached:
    a region's place in the tree does not change, and walking up costs a query per level.
    An unknown code raises, and lru_cache keeps no answer for it."""
    region = get_region(code)
    codes = {r.code for r in ancestors(region)}
    codes.add(region.code[:2].ljust(12, "0"))
    return frozenset(codes)


def search(q: str, *, region: str = "", level: str = "", limit: int = 10) -> list[Result]:
    """Best first; an empty query answers an empty list, an over-long one is a 422."""
    if level and level not in Level.values:
        raise InvalidInput(
            f"层级“{level}”无效，应为 {', '.join(Level.values)} 之一",
            f"level '{level}' is invalid: one of {', '.join(Level.values)}",
            field="level",
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"结果条数应在1到{MAX_LIMIT}之间",
            f"limit must be between 1 and {MAX_LIMIT}",
            field="limit",
        )
    regions = region_scope(region) if region else None
    hits = index.current().search(q, regions=regions, level=level or None, limit=limit)
    return [_result(h) for h in hits]


EXAMPLES = ["开饭店", "生孩子要办什么", "取公积金", "社保证明", "身份证过期了", "gjj"]


def nearest_places(results: list[Result], region_code: str) -> dict[str, Place]:
    """就近办: for each item found, the hall nearest the applicant's region that takes it in
    (docs: the 进驻 register); nothing without a region to be near to."""
    if not region_code:
        return {}
    found = {}
    for result in results:
        if result.kind != "item":
            continue
        places = catalog.where_to_apply(catalog.get_item(result.code), region_code, limit=1)
        if places:
            found[result.code] = places[0]
    return found


def search_page(q: str, region_code: str) -> tuple[dict, int]:
    """What a search page shows (the query, the region, the results or the error) and its
    status: the portal's and the terminal's search pages render the same context."""
    context: dict = {"q": q, "examples": EXAMPLES, "max_chars": MAX_QUERY_CHARS, "nearest": {}}
    try:
        context["region"] = get_region(region_code) if region_code else None
        context["results"] = search(q, region=region_code)
        region = context["region"]
        context["nearest"] = nearest_places(context["results"], region.code if region else "")
    except DomainError as exc:
        context["error"] = exc
        return context, exc.status
    return context, 200
