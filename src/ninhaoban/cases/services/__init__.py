"""The only writers of the cases tables: intake, transitions, steps, bundles, escalation."""

from ninhaoban.cases.services.base import SYSTEM_ACTOR, Actor
from ninhaoban.cases.services.intake import next_case_no, plan_for, preview, submit
from ninhaoban.cases.services.steps import close, complete_step, decide, deliver, start_review
from ninhaoban.cases.services.transitions import (
    Incomplete,
    accept,
    auto_accept,
    extend,
    missing_materials,
    refuse,
    reopen,
    request_correction,
    resume,
    supply_correction,
    suspend,
    withdraw,
)

__all__ = [
    "SYSTEM_ACTOR",
    "Actor",
    "Incomplete",
    "accept",
    "auto_accept",
    "close",
    "complete_step",
    "decide",
    "deliver",
    "extend",
    "missing_materials",
    "next_case_no",
    "plan_for",
    "preview",
    "refuse",
    "reopen",
    "request_correction",
    "resume",
    "start_review",
    "submit",
    "supply_correction",
    "suspend",
    "withdraw",
]
