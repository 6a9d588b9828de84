"""`ninhaoban exemptions`: how many materials each 一件事 (or one item) still needs handed in."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.catalog.selectors import bundles
from ninhaoban.core.errors import DomainError
from ninhaoban.licences import selectors
from ninhaoban.licences.selectors import EXEMPT_KINDS, ExemptionKind, ExemptionReport

KIND_WORDS = {
    ExemptionKind.LICENCE: "电子证照",
    ExemptionKind.SHARED: "共享数据",
    ExemptionKind.GOVERNMENT: "部门核发",
    ExemptionKind.GENERATED: "平台生成申请表",
    ExemptionKind.TEMPLATE: "示范文本",
}


class Command(BaseCommand):
    help = "免提交 report per bundle or item. 一件事、事项免提交材料统计。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bundle", default="", help="一件事编号 (default: every bundle)")
        parser.add_argument("--item", default="", help="实施编码")
        parser.add_argument("--applicant", default="", help="证件号码: count for this applicant")

    def handle(self, *args, **options) -> None:
        try:
            reports = self._reports(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        for r in reports:
            split = "、".join(f"{KIND_WORDS[k]}{r.count(k)}" for k in EXEMPT_KINDS if r.count(k))
            self.stdout.write(
                f"{r.name}（{r.code}）: {r.items}个事项合计{r.asked}份材料 → 一套{r.total}份，"
                f"免提交{r.exempt}份（{split or '无'}），申请人提交{r.handed_in}份，"
                f"免提交率{r.exempt_rate:.0%}，资源共享率{r.sharing_rate:.0%}"
            )
            for line in r.lines:
                mark = "免提交" if line.exempt else "需提交"
                self.stdout.write(f"    [{mark}] {line.name}（{line.reason}）")

    def _reports(self, options: dict) -> list[ExemptionReport]:
        applicant = None
        if options["applicant"]:
            applicant = applicant_by_identifier(options["applicant"])
            if applicant is None:
                raise CommandError("申请人不存在 / no such applicant")
        if options["item"]:
            return [selectors.item_exemptions(options["item"], applicant)]
        codes = [options["bundle"]] if options["bundle"] else [b.code for b in bundles()]
        return [selectors.bundle_exemptions(code, applicant) for code in codes]
