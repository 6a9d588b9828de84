from django.http import HttpRequest
from ninja import Router, Schema

from ninhaoban.core.text import BoundedInt
from ninhaoban.guidance import selectors

router = Router(tags=["guidance"])


class BundleItemOut(Schema):
    code: str
    name: str


class ResultOut(Schema):
    kind: str
    code: str
    name: str
    score: float
    region_code: str
    region_name: str
    level: str
    department: str
    items: list[BundleItemOut]


@router.get(
    "/search",
    response=list[ResultOut],
    summary="智能导办搜索 / find items and bundles from plain words",
    description=(
        "口语、规范名称、拼音全拼或首字母（gjj）、错一个字均可；region 为办事人所在区划代码，"
        "只返回本区划及上级区划可办的事项。空查询返回空列表，超过64字返回422。"
        " / Colloquial words, official names, full pinyin or initials, one wrong character; "
        "`region` keeps what can be done in that region and its ancestors. An empty query "
        "answers an empty list, one over 64 characters a 422."
    ),
)
def search(
    request: HttpRequest, q: str = "", region: str = "", level: str = "", limit: BoundedInt = 10
) -> list[dict]:
    return [r.as_dict() for r in selectors.search(q, region=region, level=level, limit=limit)]
