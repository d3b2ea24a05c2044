"""The decision API's answers: may this person act with this role of the calling
application, for this enterprise, now?

Allowed iff the person may act at all (`capacities.may_act`: an active account with a
verified national number) and one of their effective attributions
(`capacities.effective_in`, i.e. `RoleAttribution.objects.effective()`) is of that role,
in that enterprise, and the role is one of the caller's application. Nothing else grants:
the reasons below are read only for the questions already denied, to tell the application
why, and never turn a denial into a permit.

A batch is answered in a constant number of queries, whatever its size: one for the
effective attributions of the people asked about (with those people), then, only when
something was denied, the people (one query per kind of subject), the roles, the
enterprises and the attributions behind the denials (one each). A question about another
application's role reads nothing about that role's holders: the answer is
`not_this_application`, as for a code that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from allauth.idp.oidc.adapter import get_adapter
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.utils import timezone

from accounts.selectors import accounts_with_verified_numbers
from accounts.validators import normalize_national_number
from enterprises.models import Enterprise, EnterpriseQuality
from enterprises.numbers import normalize_enterprise_number
from portal import db
from relying import capacities, selectors
from relying.models import ApplicationClient
from roles.models import Role, RoleAttribution

# The kinds of subject: the `sub` the portal gives this client, or a national number (only
# for clients allowed to receive national numbers).
SUBJECT_USER = "user"
SUBJECT_NRN = "egovnrn"
SUBJECT_TYPES = (SUBJECT_USER, SUBJECT_NRN)

# Reason codes of a denial, with the sentence for the application's administrators. Stable
# codes: applications branch on them; the sentences may be reworded. They are written for
# the applications' teams, in English, the language AuthZEN's `reason_admin` is keyed by.
REASON_LANGUAGE = "en"
REASONS: dict[str, str] = {
    "nrn_not_allowed": "This application is not allowed to ask about national numbers.",
    "unknown_subject": "No active account of the portal matches this subject.",
    "unverified": "The person's national number is not verified: they hold no power yet.",
    "not_this_application": "This application has no role with this code.",
    "enterprise_unknown": "No enterprise has this number in the registry.",
    "enterprise_inactive": (
        "The enterprise is stopped or not registered on the portal, or the quality of this "
        "role is not activated there."
    ),
    "not_yet_valid": "The person holds this role there, but not yet: it starts later.",
    "expired": "The person held this role there until its end date, which has passed.",
    "ended": "The person held this role there; it was ended, revoked or deactivated.",
    "mandate_ended": (
        "The person held this role for this enterprise through a provider, under a mandate "
        "between the two enterprises that is no longer in effect (ended, transferred, or past "
        "its end date)."
    ),
    "no_role": "The person does not hold this role for this enterprise.",
}

_ENDED = (
    RoleAttribution.Status.ENDED,
    RoleAttribution.Status.REVOKED,
    RoleAttribution.Status.DEACTIVATED,
)


@dataclass(frozen=True)
class Question:
    """One evaluation: subject (kind and identifier), the enterprise number as the caller
    wrote it, the role code."""

    subject_type: str
    subject_id: str
    enterprise: str
    role: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # The number of the provider the role is (allowed) or was (`mandate_ended`) held
    # through; empty when held in the enterprise itself.
    through: str = ""

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, "")


ALLOWED = Decision(allowed=True)


def decide(registration: ApplicationClient, questions: Sequence[Question]) -> list[Decision]:
    """One decision per question, in order, for the application of `registration`."""
    numbers = {q.enterprise: _enterprise_number(q.enterprise) for q in questions}
    return _judged(registration, questions, numbers, _granted(registration, questions, numbers))


def evaluate(token_hash: str | None, question: Question) -> Decision | None:
    """The decision on one question for the application whose client-credentials token has
    this hash, or None when no application has it (the caller is refused). The API's most
    frequent call: the caller and the question's holder are read in one statement (the
    caller's row, with the holder of an effective attribution of that application's role,
    if any), compiled once and prepared (`portal.db`). The rules are the same as `decide`'s:
    `selectors.callers` for the caller, `effective_in` and `may_act` for the grant."""
    if token_hash is None:
        return None
    number = _enterprise_number(question.enterprise)
    if question.subject_type == SUBJECT_USER:
        statement, subject = _CALLER_ONE_BY_PK, _pk_candidate(question.subject_id)
    else:
        statement, subject = _CALLER_ONE_BY_NRN, _national_number(question.subject_id) or None
    if subject is None or not number:
        # Nobody, or no enterprise, could match: only the caller is read, then the reason.
        registration = selectors.caller_by_hash(token_hash)
        return None if registration is None else decide(registration, [question])[0]
    found = statement.rows(
        hash=token_hash,
        now=timezone.now(),
        subject=subject,
        number=number,
        role=question.role,
        on=timezone.localdate(),
    )
    if not found:
        return None
    registration = selectors.registration_from_row(found[0])
    holder = found[0][-1]
    granted = {}
    if holder is not None:
        holder = _json_value(holder)
        keys = _keys(registration, get_adapter(), _holder_from_json(holder))
        granted = {(key, number, question.role): holder["through"] or "" for key in keys}
    (decision,) = _judged(registration, [question], {question.enterprise: number}, granted)
    return decision


def _judged(registration, questions, numbers, granted: dict) -> list[Decision]:
    """The decisions: allowed where `granted` holds the question (naming the provider when
    the role is held only through one), else denied with the reason (read only for the
    denials)."""
    decisions: list[Decision] = []
    denied: list[int] = []
    for index, q in enumerate(questions):
        through = granted.get((_subject_key(registration, q), numbers[q.enterprise], q.role))
        if through is not None:
            decisions.append(Decision(allowed=True, through=through) if through else ALLOWED)
        else:
            decisions.append(Decision(allowed=False))
            denied.append(index)
    if denied:
        asked = [questions[i] for i in denied]
        people = _people(registration, asked)
        for index, (reason, through) in zip(
            denied, _reasons(registration, asked, people, numbers), strict=True
        ):
            decisions[index] = Decision(allowed=False, reason=reason, through=through)
    return decisions


def _subject_key(registration: ApplicationClient, q: Question) -> tuple[str, str] | None:
    """How the subject of `q` is matched against the holders found: the `sub` exactly as
    written, or the national number normalised (only for clients allowed it)."""
    if q.subject_type == SUBJECT_USER:
        return (SUBJECT_USER, q.subject_id)
    if registration.allow_nrn:
        number = _national_number(q.subject_id)
        return (SUBJECT_NRN, number) if number else None
    return None


# What `capacities.may_act` and the adapter's `sub` read of a holder, read as values (a
# model instance is rebuilt from them, never saved).
# The provider an attribution is held through (its enterprise number), None when held in
# the enterprise itself.
_THROUGH = "mandate__mandatary__number"
_HOLDER_FIELDS = (
    "person_id",
    "person__is_active",
    "person__national_number",
    "person__national_number_verified",
)


def _holder(values):
    pk, is_active, national_number, verified = values
    return get_user_model()(
        pk=pk,
        is_active=is_active,
        national_number=national_number,
        national_number_verified=verified,
    )


def _holder_from_json(value):
    """`_holder` of the JSON object `_holder_json` builds. A `Statement` returns it as text
    (Django has psycopg leave JSON undecoded, for its fields to decode); the ORM's path, on
    SQLite, decodes it, with booleans as 0/1."""
    value = _json_value(value)
    return _holder(
        (
            value["pk"],
            bool(value["is_active"]),
            value["national_number"],
            bool(value["verified"]),
        )
    )


def _json_value(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def _holder_json():
    return JSONObject(
        pk="person_id",
        is_active="person__is_active",
        national_number="person__national_number",
        verified="person__national_number_verified",
        through=_THROUGH,
    )


def _holders(application_id, asked: Q, numbers, roles, on):
    """The effective attributions of the people `asked` about, with what `_holder` and the
    granted keys read: the one query of `_granted`."""
    return (
        capacities.effective_in(application_id, on)
        .filter(asked)
        .filter(enterprise__number__in=numbers, role__code__in=roles)
        .order_by()
        .values_list(*_HOLDER_FIELDS, _THROUGH, "enterprise__number", "role__code")
    )


def _person(by_number: bool, subject):
    """The person asked about, as the attributions' `person_id` is matched: the account's
    primary key, or with `by_number` the account whose national number is verified (`_keys`
    names a holder by `verified_national_number`; a unique index says there is at most
    one). Looked up on its own, so that the attribution is found through the unique index
    of (enterprise, role, person) rather than by reading the enterprise's attributions."""
    if not by_number:
        return subject
    return Subquery(
        get_user_model()
        .objects.filter(national_number=subject, national_number_verified=True)
        .values("pk")[:1]
    )


def _subject_marker(by_number: bool):
    return "\x00subject" if by_number else -7_000_002


def _one(by_number: bool) -> db.Statement:
    return db.Statement(
        lambda application, subject, number, role, on: _holders(
            application, Q(person_id=_person(by_number, subject)), [number], [role], on
        ),
        application=-7_000_001,
        subject=_subject_marker(by_number),
        number="\x00number",
        role="\x00role",
        on=db.MARKER_DATE,
    )


# The questions of a batch as arrays, matched as triples against the attribution, its
# enterprise's number and its role's code. Raw SQL only for that match (PostgreSQL's
# `unnest`), naming the tables as this queryset joins them (each once, under its own name,
# as `effective_in` joins them); the rule itself is `effective_in`'s.
_TRIPLES = (
    '("enterprises_enterprise"."number", "roles_role"."code", "roles_roleattribution"."person_id")'
    " IN (SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[]))"
)


def _batch_by_pk(application, numbers, codes, people, on):
    return (
        capacities.effective_in(application, on)
        # A constant text; the questions are bound parameters, never part of it.
        .filter(RawSQL(_TRIPLES, (numbers, codes, people), output_field=BooleanField()))  # noqa: S611
        .order_by()
        .values_list(*_HOLDER_FIELDS, _THROUGH, "enterprise__number", "role__code")
    )


_BATCH_BY_PK = db.Statement(
    _batch_by_pk,
    application=-7_000_001,
    numbers=["\x00numbers"],
    codes=["\x00codes"],
    people=[-7_000_003],
    on=db.MARKER_DATE,
)
_ONE_BY_PK = _one(by_number=False)
_ONE_BY_NRN = _one(by_number=True)


def _caller_with_holder(by_number: bool) -> db.Statement:
    """The caller's row (`selectors.callers`) with, as a last value, the holder of an
    effective attribution of the caller's application's role `role` in enterprise `number`
    whose person is `subject` (`_person`), as a JSON object, or None."""

    def build(hash, now, subject, number, role, on):
        holder = (
            capacities.effective_in(OuterRef("application_id"), on)
            .filter(person_id=_person(by_number, subject), enterprise__number=number)
            .filter(role__code=role)
            # Held in the enterprise itself first: then no provider is named.
            .order_by(F("mandate_id").asc(nulls_first=True))
            .values(json=_holder_json())[:1]
        )
        return (
            selectors.callers(hash, now)
            .annotate(holder=Subquery(holder))
            .values_list(*selectors.CALLER_VALUES, "holder")
        )

    return db.Statement(
        build,
        hash="\x00hash",
        now=db.MARKER_DATETIME,
        subject=_subject_marker(by_number),
        number="\x00number",
        role="\x00role",
        on=db.MARKER_DATE,
    )


_CALLER_ONE_BY_PK = _caller_with_holder(by_number=False)
_CALLER_ONE_BY_NRN = _caller_with_holder(by_number=True)


def _granted(registration, questions, numbers) -> dict:
    """{(subject key, enterprise number, role code): provider} that the rule grants, among
    those asked: one query for the whole batch. The provider is the number of the one the
    role is held through, "" when it is held in the enterprise itself (which wins: then the
    access owes nothing to a mandate), else the lowest number of those it is held through.
    The people are narrowed in SQL by what identifies them (primary key, national number),
    then judged by `capacities.may_act` and matched by the
    `sub` allauth's adapter gives this client, so that "007" is not the account "7" and an
    adapter with other subjects fails closed."""
    pks = {_pk_candidate(q.subject_id) for q in questions if q.subject_type == SUBJECT_USER}
    pks.discard(None)
    nrns = {
        key[1]
        for q in questions
        if q.subject_type == SUBJECT_NRN and (key := _subject_key(registration, q))
    }
    enterprise_numbers = {n for n in numbers.values() if n}
    if not (pks or nrns) or not enterprise_numbers:
        return {}
    asked = Q()
    if pks:
        asked |= Q(person_id__in=pks)
    if nrns:
        asked |= Q(person__national_number__in=nrns)
    roles = {q.role for q in questions}
    if len(questions) == 1:
        # The API's most frequent call: one question, its SQL compiled once (portal.db).
        statement, subject = (_ONE_BY_PK, *pks) if pks else (_ONE_BY_NRN, *nrns)
        (number,) = enterprise_numbers
        (role,) = roles
        held = statement.rows(
            application=registration.application_id,
            subject=subject,
            number=number,
            role=role,
            on=timezone.localdate(),
        )
    elif not nrns and connection.vendor == "postgresql":
        # A batch about accounts: the questions themselves, as three arrays, in one
        # statement of constant text (prepared whatever the batch's size).
        triples = [
            (numbers[q.enterprise], q.role, _pk_candidate(q.subject_id))
            for q in questions
            if numbers[q.enterprise] and _pk_candidate(q.subject_id) is not None
        ]
        held = _BATCH_BY_PK.rows(
            application=registration.application_id,
            numbers=[number for number, _role, _pk in triples],
            codes=[role for _number, role, _pk in triples],
            people=[pk for _number, _role, pk in triples],
            on=timezone.localdate(),
        )
    else:
        held = _holders(
            registration.application_id, asked, enterprise_numbers, roles, timezone.localdate()
        )
    adapter = get_adapter()
    granted: dict[tuple, str] = {}
    # Each person judged and named once, however many of their attributions were read.
    keys: dict[tuple, list[tuple[str, str]]] = {}
    for *holder, through, enterprise_number, role_code in held:
        holder = tuple(holder)
        if holder not in keys:
            keys[holder] = _keys(registration, adapter, _holder(holder))
        for key in keys[holder]:
            asked = (key, enterprise_number, role_code)
            granted[asked] = min(granted.get(asked, through or ""), through or "")
    return granted


def _keys(registration, adapter, person) -> list[tuple[str, str]]:
    """The subject keys a holder answers to for this client (its `sub`, and its verified
    national number for clients allowed it), or none if the person may not act."""
    if not capacities.may_act(person):
        return []
    return [
        (SUBJECT_USER, adapter.get_user_sub(registration.client, person)),
        *([(SUBJECT_NRN, person.verified_national_number)] if registration.allow_nrn else []),
    ]


# --- Who is asked about ---------------------------------------------------------------------


def _people(registration: ApplicationClient, questions: Sequence[Question]) -> dict:
    """{(subject type, id): account} for the subjects that name an active account."""
    found: dict[tuple[str, str], object] = {}
    subs = {q.subject_id for q in questions if q.subject_type == SUBJECT_USER}
    if subs:
        # The `sub` is whatever allauth's adapter gives this client: the candidates are read
        # by primary key in one query, then kept only if the adapter gives them this very
        # `sub` (so "007" is not the account "7", and a pairwise adapter fails closed).
        candidates = {pk for pk in map(_pk_candidate, subs) if pk is not None}
        adapter = get_adapter()
        for user in get_user_model().objects.filter(pk__in=candidates, is_active=True):
            sub = adapter.get_user_sub(registration.client, user)
            if sub in subs:
                found[(SUBJECT_USER, sub)] = user
    if registration.allow_nrn:
        written = {
            q.subject_id: _national_number(q.subject_id)
            for q in questions
            if q.subject_type == SUBJECT_NRN
        }
        if any(written.values()):
            accounts = accounts_with_verified_numbers({n for n in written.values() if n})
            for raw, number in written.items():
                account = accounts.get(number)
                if account is not None and account.is_active:
                    found[(SUBJECT_NRN, raw)] = account
    return found


def _pk_candidate(sub: str):
    try:
        value = get_user_model()._meta.pk.to_python(sub)
    except ValidationError:
        return None
    # A number beyond the column's range is nobody (and must not reach the database).
    if isinstance(value, int) and not 0 < value < 2**63:
        return None
    return value


def _national_number(value: str) -> str:
    try:
        return normalize_national_number(value)
    except ValidationError:
        return ""


def _enterprise_number(value: str) -> str:
    try:
        return normalize_enterprise_number(value)
    except ValidationError:
        return ""


# --- Why a question was denied ------------------------------------------------------------


def _reasons(registration, questions, people, numbers) -> list[tuple[str, str]]:
    """The reason of each denied question, in order, with the provider acted through when
    the reason is a mandate's end: the first link of the chain that is missing (the
    subject, the role, the enterprise, the attribution, the mandate behind it)."""
    reasons: list[str | None] = [None] * len(questions)
    for i, q in enumerate(questions):
        person = people.get((q.subject_type, q.subject_id))
        if q.subject_type == SUBJECT_NRN and not registration.allow_nrn:
            reasons[i] = "nrn_not_allowed"
        elif person is None:
            reasons[i] = "unknown_subject"
        elif not capacities.may_act(person):
            reasons[i] = "unverified"
    open_ = [i for i, r in enumerate(reasons) if r is None]
    roles = {}
    if open_:
        roles = {
            role.code: role
            for role in Role.objects.filter(
                code__in={questions[i].role for i in open_},
                application_id=registration.application_id,
                is_available=True,
            )
        }
        for i in open_:
            if questions[i].role not in roles:
                reasons[i] = "not_this_application"
    open_ = [i for i in open_ if reasons[i] is None]
    enterprises = {}
    if open_:
        enterprises = {
            row["number"]: row
            for row in Enterprise.objects.filter(
                number__in={numbers[questions[i].enterprise] for i in open_}
            ).values("id", "number", "status", "registration__id")
        }
        for i in open_:
            row = enterprises.get(numbers[questions[i].enterprise])
            if row is None:
                reasons[i] = "enterprise_unknown"
            elif row["status"] != Enterprise.Status.ACTIVE or row["registration__id"] is None:
                reasons[i] = "enterprise_inactive"
    open_ = [i for i in open_ if reasons[i] is None]
    if open_:
        keys = {
            i: (
                people[(questions[i].subject_type, questions[i].subject_id)].pk,
                enterprises[numbers[questions[i].enterprise]]["id"],
                roles[questions[i].role].pk,
            )
            for i in open_
        }
        history: dict[tuple[int, int, int], list[dict]] = {}
        today = timezone.localdate()
        for row in (
            RoleAttribution.objects.annotate(
                # Held under a mandate that will not give access again: read in the same query.
                mandate_over=_mandate_over(today)
            )
            .filter(
                person_id__in={k[0] for k in keys.values()},
                enterprise_id__in={k[1] for k in keys.values()},
                role_id__in={k[2] for k in keys.values()},
            )
            .values(
                "person_id",
                "enterprise_id",
                "role_id",
                "status",
                "valid_from",
                "valid_until",
                "updated_at",
                "enterprise_quality__status",
                "mandate_id",
                "mandate_over",
                "mandate__mandatary__number",
            )
        ):
            key = (row["person_id"], row["enterprise_id"], row["role_id"])
            history.setdefault(key, []).append(row)
        for i in open_:
            reasons[i] = _attribution_reason(history.get(keys[i], []), today)
    return [reason if isinstance(reason, tuple) else (reason, "") for reason in reasons]  # type: ignore[misc]


def _mandate_over(today):
    """True for an attribution held under a mandate that no longer holds, is past its end,
    or is between parties no longer both active and registered: the mandate will not give
    access again (`ClientMandate.objects.in_effect` on no day from `today` on). A mandate
    that starts later is not over."""
    from mandates.models import ClientMandate

    holds = (
        ClientMandate.objects.holding()
        .not_over(today)
        .between_active_parties()
        .filter(pk=OuterRef("mandate_id"))
    )
    return ExpressionWrapper(Q(mandate__isnull=False) & ~Exists(holds), output_field=BooleanField())


def _attribution_reason(rows: list[dict], today) -> str | tuple[str, str]:
    """What the attributions of one (person, enterprise, role) say about a denial: an active
    one wins (its quality deactivated, not started yet, past its end), then one whose
    mandate is over (with the provider it was held through), else the latest one that
    ended (its mandate's end, when that is why)."""
    lapsed = [row for row in rows if row["mandate_over"]]
    active = [
        row
        for row in rows
        if row["status"] == RoleAttribution.Status.ACTIVE and not row["mandate_over"]
    ]
    for row in active:
        if row["enterprise_quality__status"] != EnterpriseQuality.Status.ACTIVE:
            return "enterprise_inactive"
    for row in active:
        if row["valid_from"] > today:
            return "not_yet_valid"
    for row in active:
        if row["valid_until"] is not None and row["valid_until"] < today:
            return "expired"
    for row in lapsed:
        if row["status"] == RoleAttribution.Status.ACTIVE:
            return ("mandate_ended", row["mandate__mandatary__number"])
    over = [row for row in rows if row["status"] != RoleAttribution.Status.ACTIVE]
    if over:
        latest = max(over, key=lambda row: row["updated_at"])
        if latest["mandate_over"] and latest["status"] in (
            RoleAttribution.Status.ENDED,
            RoleAttribution.Status.EXPIRED,
        ):
            return ("mandate_ended", latest["mandate__mandatary__number"])
        if latest["status"] == RoleAttribution.Status.EXPIRED:
            return "expired"
        if latest["status"] in _ENDED:
            return "ended"
    return "no_role"
