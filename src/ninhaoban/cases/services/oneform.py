"""一表申请 at intake: the one form checked against the catalog's 字段库, the city's model
texts the applicant chose instead of an upload, and what the platform already knew of the
applicant (prefill) with where it came from.

The prefill is computed again at submission, on the server, from the same records: a value
the applicant typed over is flagged to the clerk as corrected whatever the page sent, and
the case keeps, beside the form, which fields were prefilled from which source
(`PROVENANCE`), never a copy of the source's data.

Shared data (another department's) fills the form only after the applicant asked for it
("用共享数据预填"): that consent is the applicant's, not a case's (no case exists yet), with
the purpose 预填, and each query it allows is traced with that purpose. Without it nothing is
asked of any department; withdrawn half-way, those fields count as typed by the applicant.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ninhaoban.accounts.models import Applicant
from ninhaoban.cases import materials, notes
from ninhaoban.catalog import oneform
from ninhaoban.catalog.models import FieldKind, MaterialSource, ServiceItemVersion
from ninhaoban.catalog.oneform import Field
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.idnumbers import mask_id_number, mask_phone
from ninhaoban.exchange import selectors as exchange_selectors
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.datasets import data_set_name
from ninhaoban.exchange.models import PREFILL, SELF, Consent, ConsentBasis
from ninhaoban.licences import selectors as licences
from ninhaoban.licences import services as licence_services

# the keys of `Case.form` that say how the form was filled, not what it says
PROVENANCE = "prefilled"
CORRECTED = "corrected"
TEMPLATES = "templates"
META_KEYS = (PROVENANCE, CORRECTED, TEMPLATES)


class FormInvalid(InvalidInput):
    """Fields of the one form that are wrong: every one named, each beside its field."""

    code = "form_invalid"

    def __init__(self, errors: Mapping[str, InvalidInput]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors))
        super().__init__(
            "申请表有误：" + "；".join(e.message_zh for e in self.errors.values()),
            "the form has errors: " + "; ".join(e.message_en for e in self.errors.values()),
            field=first,
        )


def fields_of(versions: Sequence[ServiceItemVersion]) -> list[Field]:
    return oneform.fields_for(versions)


def checked(fields: Sequence[Field], given: Mapping[str, Any]) -> dict[str, str]:
    """The one form's values as stored; FormInvalid names every wrong field."""
    values, errors = oneform.check_all(fields, given)
    if errors:
        raise FormInvalid(errors)
    return {k: v for k, v in values.items() if v}


def chosen_templates(needs: Sequence[materials.Need], keys: Iterable[str]) -> set[str]:
    """The materials the applicant wants the city's model text for; asking it for one whose
    items do not all allow a template is refused, naming the material."""
    by_key = {n.key: n for n in needs}
    chosen = set()
    for key in keys:
        need = by_key.get(key)
        if need is None:
            raise InvalidInput(
                f"本申请没有材料“{key}”",
                f"no material {key} in this application",
                field="templates",
            )
        if not need.template:
            raise InvalidInput(
                f"材料“{need.name}”不能以示范文本代替，请上传",
                f"'{need.name}' cannot be met by a model text: upload it",
                field=f"template-{key}",
            )
        chosen.add(key)
    return chosen


def unfilled(need: materials.Need, fields: Sequence[Field], values: Mapping[str, str]) -> str:
    """What keeps the platform from writing this document from the form ("" when nothing)."""
    gaps = oneform.missing(fields, need.fields, values)
    if not gaps:
        return ""
    return "申请表未填写：" + "、".join(f.label for f in gaps)


def written(need: materials.Need, chosen: set[str]) -> bool:
    """Whether the platform writes this document from the form."""
    return need.source == MaterialSource.GENERATED or need.key in chosen


@dataclass(frozen=True)
class Known:
    """A value the platform already holds for a field, and where it holds it."""

    value: str
    source: str  # the field's prefill code
    label: str  # the source in words, for the applicant and the clerk


def known_values(
    applicant: Applicant, fields: Sequence[Field], *, actor: str, role: str
) -> dict[str, Known]:
    """What the applicant's own records and licences say for these fields: their account
    (person or organization) and the licences they hold, read in their own session (each
    licence read leaves its trace, as intake's own reads do); and, only while the applicant's
    prefill consent is live, what the shared data sets it names say."""
    found: dict[str, Known] = {}
    held: dict[str, Any] = {}
    shared = _shared_values(applicant, fields, actor=actor)
    for f in fields:
        kind = f.prefill_kind
        value, label = "", ""
        if kind in ("person", "organization") and _kind_matches(applicant, kind):
            attribute = f.prefill.split(".", 1)[1]
            value, label = str(getattr(applicant, attribute, "") or ""), notes.PREFILL_ACCOUNT
        elif kind == "licence":
            _, code, key = f.prefill.split(":")
            if code not in held:
                held[code] = licences.valid_licence_for(applicant, code)
                if held[code] is not None:
                    licence_services.trace_licence_read(
                        held[code], actor=actor, role=role, purpose="一表申请预填"
                    )
            licence = held[code]
            if licence is not None:
                value = str((licence.fields or {}).get(key) or "")
                label = f"电子证照：{licence.licence_type.name}"
        elif kind == "shared":
            _, data_key, key = f.prefill.split(":")
            value = _scalar((shared.get(data_key) or {}).get(key))
            label = notes.write(notes.PREFILL_SHARED, name=data_set_name(data_key))
        if value:
            found[f.key] = Known(value[: f.max_length], f.prefill, label)
    return found


def shared_keys(fields: Sequence[Field]) -> list[str]:
    """The shared data sets these fields may be filled from."""
    keys = [f.prefill.split(":")[1] for f in fields if f.prefill_kind == "shared"]
    return sorted(set(keys))


def _shared_values(
    applicant: Applicant, fields: Sequence[Field], *, actor: str
) -> dict[str, dict[str, Any]]:
    """Each consented data set's record, asked once, as the applicant asking about
    themselves (role SELF) with the purpose 预填; an answer that is no record, down or refused
    fills nothing (the applicant types the field)."""
    keys = shared_keys(fields)
    consent = exchange_selectors.prefill_consent(applicant) if keys else None
    if consent is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for data_key in keys:
        if data_key not in consent.data_keys:
            continue
        result = exchange.fetch_shared_data(
            applicant=applicant, data_key=data_key, purpose=PREFILL, actor=actor, role=SELF
        )
        if result.available:
            out[data_key] = result.data
    return out


def _scalar(value: object) -> str:
    return str(value) if isinstance(value, str | int | float) and value != "" else ""


def consent_to_prefill(applicant: Applicant, fields: Sequence[Field], *, channel: str) -> Consent:
    """The applicant asks (用共享数据预填) that this form be filled from their shared data:
    consent to the data sets its fields name, for the applicant, with the purpose 预填."""
    keys = shared_keys(fields)
    if not keys:
        raise InvalidInput(
            "本申请表没有可用共享数据预填的内容",
            "nothing in this form can be filled from shared data",
            field="prefill",
        )
    basis = ConsentBasis.KIOSK if channel == "kiosk" else ConsentBasis.SESSION
    return exchange.grant_consent(
        applicant=applicant, data_keys=keys, channel=channel, basis=basis, purpose=PREFILL
    )


def prefill_consented(applicant: Applicant) -> bool:
    return exchange_selectors.prefill_consent(applicant) is not None


def withdraw_prefill(applicant: Applicant) -> None:
    """The applicant takes back their prefill consent: nothing more is asked with it."""
    consent = exchange_selectors.prefill_consent(applicant)
    if consent is None:
        raise InvalidInput(
            "没有可撤回的共享数据预填同意",
            "there is no consent to prefill from shared data to withdraw",
            field="prefill",
        )
    exchange.revoke_consent(consent)


def _kind_matches(applicant: Applicant, kind: str) -> bool:
    return applicant.is_person == (kind == "person")


def shown(f: Field, value: str) -> str:
    """How a known value stands in the form's input: an ID number or a phone masked, as
    every page shows them (the platform fills in the whole number again at submission)."""
    if f.kind == FieldKind.ID_NUMBER:
        return mask_id_number(value)
    if f.kind == FieldKind.PHONE:
        return mask_phone(value)
    return value


def with_known(
    fields: Sequence[Field], known: Mapping[str, Known], given: Mapping[str, Any]
) -> dict[str, Any]:
    """The form with what the platform knows where the applicant left it as shown (masked)
    or blank: a prefilled value is confirmed by leaving it, corrected by typing another."""
    out = dict(given)
    for f in fields:
        found = known.get(f.key)
        typed = str(given.get(f.key) or "").strip()
        if found is not None and typed in ("", shown(f, found.value)):
            out[f.key] = found.value
    return out


def stripped(form: Mapping[str, Any]) -> dict[str, Any]:
    """The form as given, without the keys only intake writes."""
    return {k: v for k, v in form.items() if k not in META_KEYS}


def provenance(known: Mapping[str, Known], values: Mapping[str, str]) -> dict[str, Any]:
    """Which fields were prefilled (and from where), and which of those the applicant
    changed: what the clerk is shown beside the form."""
    prefilled = {k: v.label for k, v in known.items()}
    corrected = sorted(k for k, v in known.items() if values.get(k, "") != v.value)
    return {PROVENANCE: prefilled, CORRECTED: corrected}
