"""`ninhaoban inspections verify PLAN|--all`: recompute published draws from public data;
`ninhaoban inspections bundle PLAN`: print a plan's public bundle (for the offline verifier);
`ninhaoban inspections import-objects FILE.xlsx`: 检查对象名录 from a workbook;
`ninhaoban inspections item|inspector|avoid|project|complaint … --as USER`: the registers
and the complaints' steps, in the name (and within the scope) of a department's staff
member, as on the console."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.inspections import selectors, services
from ninhaoban.regions.models import Department
from ninhaoban.regions.selectors import department_ids_by_uscc, departments_by_id

REGISTER_ACTIONS = {
    "item": ("add", "edit", "retire"),
    "inspector": ("add", "deactivate"),
    "avoid": ("add", "end"),
    "project": ("add", "announce", "bid"),
    "complaint": ("accept", "refuse", "pause", "resume", "suspend", "decide"),
}


class Command(BaseCommand):
    help = "双随机一公开: verify draws, print a draw's public bundle, import objects."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ver = sub.add_parser("verify", help="recompute a plan's draw (or every drawn plan's)")
        ver.add_argument("plan", nargs="?", help="the plan's code")
        ver.add_argument("--all", action="store_true", help="every drawn plan")
        bun = sub.add_parser("bundle", help="print the public bundle of a drawn plan (JSON)")
        bun.add_argument("plan")
        imp = sub.add_parser("import-objects", help="columns 统一社会信用代码, 行业 (header row)")
        imp.add_argument("file")
        for register, actions in REGISTER_ACTIONS.items():
            reg = sub.add_parser(register, help=f"{register}: {', '.join(actions)} (--as USER)")
            reg.add_argument("verb", choices=actions)
            reg.add_argument(
                "key", help="item code, user name (add) or 执法证号, project code, complaint number"
            )
            reg.add_argument("--as", dest="user", required=True, help="the staff member acting")
            reg.add_argument("--department", default="", help="the department's USCC (add)")
            reg.add_argument("--name", default="")
            reg.add_argument("--basis", default="", help="检查依据 of a check item")
            reg.add_argument("--cert", default="", help="执法证号 of a new inspector")
            reg.add_argument("--region", default="", help="an inspector's region code")
            reg.add_argument("--uscc", default="", help="the object (avoid) or bidder (bid)")
            reg.add_argument(
                "--reason", default="", help="回避事由; a refusal's or decision's text"
            )
            reg.add_argument("--kind", default="", help="an announcement's or a pause's kind")
            reg.add_argument("--on", default="", help="the announcement's date, YYYY-MM-DD")
            reg.add_argument("--outcome", default="", help="a decision: upheld|dismissed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] in REGISTER_ACTIONS:
                self._register(options)
            else:
                getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _register(self, o: dict[str, Any]) -> None:
        user = User.objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"no user {o['user']} 没有该用户")
        verb, key = o["verb"], o["key"]
        what = (o["action"], verb)
        if what == ("item", "add"):
            services.add_check_item(
                user, _department(o), code=key, name=o["name"], legal_basis=o["basis"]
            )
        elif what == ("item", "edit"):
            item = selectors.check_item_for(user, key)
            services.edit_check_item(user, item, name=o["name"], legal_basis=o["basis"])
        elif what == ("item", "retire"):
            services.retire_check_item(user, selectors.check_item_for(user, key))
        elif what == ("inspector", "add"):
            services.add_inspector(
                user, _department(o), username=key, cert_no=o["cert"], region_code=o["region"]
            )
        elif what == ("inspector", "deactivate"):
            services.deactivate_inspector(user, selectors.inspector_for(user, key))
        elif what == ("avoid", "add"):
            inspector = selectors.inspector_for(user, key)
            services.avoid(user, inspector, uscc=o["uscc"], reason=o["reason"])
        elif what == ("avoid", "end"):
            found = selectors.avoidances_of(user).filter(
                inspector__cert_no=key, target__uscc=o["uscc"]
            )
            avoidance = found.first()
            if avoidance is None:
                raise CommandError(f"no avoidance {key} {o['uscc']} 没有该回避关系")
            services.end_avoidance(user, avoidance)
        elif o["action"] == "complaint":
            complaint = selectors.complaint_for(user, key)
            services.act_on_complaint(
                user, complaint, verb, reason=o["reason"], kind=o["kind"], outcome=o["outcome"]
            )
        elif what == ("project", "add"):
            services.add_project(user, _department(o), code=key, name=o["name"])
        elif what == ("project", "announce"):
            try:
                day = dt.date.fromisoformat(o["on"])
            except ValueError:
                raise CommandError("--on YYYY-MM-DD 日期格式应为YYYY-MM-DD") from None
            services.announce_step(user, selectors.project_for(user, key), o["kind"], day)
        else:
            services.register_bidder(user, selectors.project_for(user, key), uscc=o["uscc"])
        self.stdout.write(f"{o['action']} {verb} {key}: done 已保存并存证")

    def _verify(self, options: dict[str, Any]) -> None:
        if options["all"] == bool(options["plan"]):
            raise CommandError("give a plan's code or --all 请指定计划编号或 --all")
        plans = (
            list(selectors.drawn_plans())
            if options["all"]
            else [selectors.public_plan(options["plan"])]
        )
        failed = []
        for plan in plans:
            result = selectors.verify_plan(plan)
            if result.matches:
                self.stdout.write(f"{plan.code} MATCH 抽取结果一致")
                for line in result.checks:
                    self.stdout.write(f"  OK {line}")
            else:
                failed.append(plan.code)
                self.stdout.write(f"{plan.code} MISMATCH 抽取结果不一致: {result.problem}")
        if failed:
            raise CommandError(f"{len(failed)} of {len(plans)} draws do not verify: {failed}")
        self.stdout.write(f"{len(plans)} draws verified 已复核")

    def _bundle(self, options: dict[str, Any]) -> None:
        data = selectors.bundle(selectors.public_plan(options["plan"]))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def _import_objects(self, options: dict[str, Any]) -> None:
        try:
            raw = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        count = services.import_objects_xlsx(raw, actor="system")
        self.stdout.write(f"imported {count} objects 已导入{count}户")


def _department(o: dict[str, Any]) -> Department:
    ids = department_ids_by_uscc([o["department"]])
    found = departments_by_id(ids.values()).get(ids.get(o["department"], 0))
    if found is None:
        raise CommandError(f"no department {o['department']!r} 没有该部门（--department USCC）")
    return found
