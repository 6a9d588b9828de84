"""The notes the platform writes into a case are stored in Chinese and shown in the reader's
language, with what a person typed inside them kept as typed."""

import datetime as dt
import re

import pytest
from django.utils import translation

from ninhaoban.cases import materials, notes
from ninhaoban.exchange.datasets import DATA_SETS

HAN = re.compile(r"[\u4e00-\u9fff]")
TYPED = "申请人要求补充现场照片"


def english(text: str) -> str:
    with translation.override("en"):
        return notes.shown(text)


def written() -> list[str]:
    day = dt.date(2027, 1, 4)
    return [
        notes.write(notes.EXTEND, days=10, reason=TYPED),
        notes.write(notes.SUSPEND, procedure="检验", reason=TYPED),
        notes.write(notes.POSTED, method="邮政快递送达", tracking_no="SF1234567890"),
        notes.write(
            notes.RECALENDAR,
            reason=notes.write(notes.CALENDAR_NOTICE, year=2027),
            old=notes.date(day),
            new=notes.date(day + dt.timedelta(days=3)),
            provisional=notes.PROVISIONAL,
        ),
        notes.write(
            notes.RECALENDAR,
            reason=notes.write(notes.CALENDAR_WORKDAY, day=day, reason=TYPED),
            old=notes.date(day),
            new=notes.date(day),
            provisional="",
        ),
        notes.write(notes.CALENDAR_RESTDAY, day=day, reason=TYPED),
        notes.write(notes.LABELLED, label="准予许可", text=TYPED),
        notes.DERIVED,
        notes.STAFF_ASKED % {"number": 7},
        notes.DEEMED_ACCEPTED,
        materials.NOT_FOUND_NOTE,
        materials.NO_CONSENT_NOTE,
        materials.UNASKED_NOTE,
        materials.GENERATED_NOTE,
        materials.GOVERNMENT_NOTE,
        materials.TEMPLATE_NOTE,
        materials.NOT_OWNED_NOTE,
        notes.PREFILL_ACCOUNT,
        *(notes.write(notes.PREFILL_SHARED, name=name) for name, _ in DATA_SETS.values()),
    ]


@pytest.mark.parametrize("note", written())
def test_every_platform_note_reads_in_english_but_what_was_typed(note):
    shown = english(note).replace(TYPED, "")
    assert not HAN.search(shown), shown
    assert (TYPED in note) == (TYPED in english(note))


@pytest.mark.parametrize("note", written())
def test_in_chinese_a_note_is_shown_as_stored(note):
    with translation.override("zh-hans"):
        assert notes.shown(note) == note


def test_dates_and_nested_notes_in_english():
    note = notes.write(
        notes.RECALENDAR,
        reason=notes.write(notes.CALENDAR_NOTICE, year=2027),
        old=notes.date(dt.date(2027, 1, 4)),
        new=notes.date(dt.date(2027, 1, 7)),
        provisional=notes.PROVISIONAL,
    )
    assert english(note) == (
        "Because the public holidays of 2027 were published, the time limit moved from "
        "2027-01-04 to 2027-01-07 (provisional); the number of working days is unchanged"
    )


def test_a_typed_note_matching_no_template_stays_as_typed():
    assert english(TYPED) == TYPED
    assert english("") == ""
