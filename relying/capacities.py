"""In which capacity a person may act in an application, and what they hold there now.

The one place that answers, for the capacity screen, the tokens, introspection, refresh,
the decision API and the revocation events alike. Every answer is read from the database
when asked (`RoleAttribution.objects.effective()`): there is no cache to wait for when a
manager ends a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q

from enterprises.models import Enterprise, EnterpriseQuality
from enterprises.numbers import looks_like_number, normalize_enterprise_number
from relying.models import ApplicationClient, Capacity
from roles.models import RoleAttribution


@dataclass(frozen=True)
class Option:
    """One choice of the capacity screen: an enterprise and the quality that manages the
    roles (its own, or under a mandate the provider's), or the citizen.

    Under a mandate (`mandate_id` set), `enterprise` is the client C acted for and
    `enterprise_quality` the provider P's quality that receives the mandate: "for C, through
    P". One provider quality stands for many clients, so the key names all three."""

    enterprise: Enterprise | None
    enterprise_quality: EnterpriseQuality | None
    mandate_id: int | None = None

    @property
    def key(self) -> str:
        if self.enterprise is None:
            return CITIZEN_KEY
        key = f"{self.enterprise.pk}-{self.enterprise_quality.pk}"
        return f"{key}-{self.mandate_id}" if self.mandate_id else key

    @property
    def is_citizen(self) -> bool:
        return self.enterprise is None

    @property
    def provider(self) -> Enterprise | None:
        """The enterprise acted through (the mandatary), under a mandate."""
        return self.enterprise_quality.enterprise if self.mandate_id else None


CITIZEN_KEY = "citizen"
CITIZEN = Option(enterprise=None, enterprise_quality=None)
# "<enterprise id>-<enterprise quality id>[-<mandate id>]": anything else is no capacity.
_KEY = re.compile(r"(\d{1,18})-(\d{1,18})(?:-(\d{1,18}))?")
# The capacity screen shows this many enterprises at a time, whatever the person holds.
PAGE_SIZE = 20
MAX_SEARCH_LENGTH = 100
# The screen lists, by name and a page at a time, at most this many capacities. Sorting
# them by name reads every one with the rule of `effective()`: for a provider's employee
# acting for 10,000 or 100,000 clients that would cost in proportion to the clients on
# every request, for 500 pages nobody reads. Above it the screen asks for a search (the
# client's name or number: the registry's trigram index finds it), which lists again
# once it narrows the choice to at most this many.
LIST_AT_MOST = 1000


@dataclass(frozen=True)
class Offer:
    """What the capacity screen offers: one page of enterprises (`options`), how many match
    in all (`count`), and whether the citizen is offered too (never when narrowed)."""

    options: list[Option]
    count: int
    page: int
    pages: int
    citizen: bool
    search: str = ""
    # More than LIST_AT_MOST capacities match: none is listed, a search (narrower) is asked.
    too_many: bool = False

    @property
    def choices(self) -> list[Option]:
        return [*self.options, *([CITIZEN] if self.citizen else [])]

    @property
    def total(self) -> int:
        # Too many to list is never "one" or "none": the person is shown the search.
        return self.count + (1 if self.citizen else 0) + (LIST_AT_MOST if self.too_many else 0)

    @property
    def searchable(self) -> bool:
        """The search is shown: the person searched, or holds more than one page."""
        return bool(self.search or self.pages > 1 or self.too_many)

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.options else 0

    @property
    def last(self) -> int:
        return self.first + len(self.options) - 1 if self.options else 0


def may_act(person) -> bool:
    """Only an active account with a verified national number carries any power."""
    return bool(person and person.is_active and person.verified_national_number)


def _effective(on=None, *, but_for_mandates: bool = False):
    attributions = RoleAttribution.objects
    if but_for_mandates:  # the mandates' rule then checked apart (`offer`)
        return attributions.effective_but_for_mandates(on).filter(role__is_available=True)
    return attributions.effective(on).filter(role__is_available=True)


def effective_in(application, on=None, *, but_for_mandates: bool = False):
    """Everyone's effective attributions of this application's roles (still offered): what
    `holdings` narrows to one person, and the decision API to the people it is asked about.
    `on`: the day (today by default)."""
    return _effective(on, but_for_mandates=but_for_mandates).filter(role__application=application)


def holdings(person, application, *, but_for_mandates: bool = False):
    """The person's effective attributions of this application's roles, everywhere."""
    return effective_in(application, but_for_mandates=but_for_mandates).filter(person=person)


def in_capacity(attributions, *, enterprise_id, enterprise_quality_id, mandate_id):
    """The attributions behind one capacity: the enterprise acted for, the quality that
    manages them, and the mandate they are held under (or none: the enterprise's own)."""
    attributions = attributions.filter(
        enterprise_id=enterprise_id, enterprise_quality_id=enterprise_quality_id
    )
    if mandate_id is None:
        return attributions.filter(mandate__isnull=True)
    return attributions.filter(mandate_id=mandate_id)


def role_codes_held(keys) -> dict[tuple[int, int, int, int | None, int], list[str]]:
    """`role_codes` for many capacities in one query: for each (person id, enterprise id,
    enterprise quality id, mandate id or None, application id) of `keys`, the codes held
    there now (absent: none)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = (
        _effective()
        .filter(
            person_id__in={key[0] for key in keys},
            enterprise_id__in={key[1] for key in keys},
            enterprise_quality_id__in={key[2] for key in keys},
            role__application_id__in={key[4] for key in keys},
        )
        .values_list(
            "person_id",
            "enterprise_id",
            "enterprise_quality_id",
            "mandate_id",
            "role__application_id",
            "role__code",
        )
        .distinct()
    )
    held: dict[tuple, set[str]] = {}
    for *key, code in rows:
        key = tuple(key)
        if key in keys:
            held.setdefault(key, set()).add(code)
    return {key: sorted(codes) for key, codes in held.items()}


_NUMBER_LIKE = frozenset(" .-/BEbe0123456789")


def _matching(search: str) -> Q:
    """The enterprises a search on the screen finds: by name, or, for a search written as
    an enterprise number ("0403.170.701", "BE 0403170701", "170 701"), by its digits."""
    if looks_like_number(search):
        try:
            # A whole enterprise number: that enterprise, through the unique index.
            return Q(enterprise__number=normalize_enterprise_number(search))
        except ValidationError:
            pass  # not a valid number: its digits may still be part of one
    found = Q(enterprise__name__icontains=search)
    digits = "".join(ch for ch in search if ch.isdigit())
    if len(digits) >= 3 and set(search) <= _NUMBER_LIKE:
        found |= Q(enterprise__number__contains=digits)
    return found


def clean_search(raw: str) -> str:
    """The search as typed, made harmless: printable characters only (no NUL, no direction
    overrides), spaces collapsed, at most MAX_SEARCH_LENGTH characters."""
    kept = "".join(ch for ch in raw[: MAX_SEARCH_LENGTH * 4] if ch.isprintable())
    return " ".join(kept.split())[:MAX_SEARCH_LENGTH]


def _held_capacities(person, registration, enterprise_number: str, **but_for_mandates):
    held = holdings(person, registration.application, **but_for_mandates)
    if enterprise_number:
        held = held.filter(enterprise__number=enterprise_number)
    return held


def _options_of(triples) -> list[Option]:
    """Options for (enterprise id, enterprise quality id, mandate id) triples, in their
    order: two queries whatever their number (the qualities with their enterprise, the
    enterprises acted for)."""
    triples = list(triples)
    if not triples:
        return []
    qualities = EnterpriseQuality.objects.select_related("enterprise", "quality").in_bulk(
        {eq for _e, eq, _m in triples}
    )
    enterprises = {eq.enterprise_id: eq.enterprise for eq in qualities.values()}
    missing = {e for e, _eq, _m in triples} - enterprises.keys()
    if missing:
        enterprises.update(Enterprise.objects.in_bulk(missing))
    return [
        Option(enterprise=enterprises[e], enterprise_quality=qualities[eq], mandate_id=m)
        for e, eq, m in triples
        if e in enterprises and eq in qualities
    ]


def _by_name(attributions, limit: int) -> list[tuple]:
    """The first `limit` capacities of these attributions, as the screen orders them: the
    enterprise's name and number, its own quality before the providers it is reached
    through. (enterprise id, enterprise quality id, mandate id, *sort keys) each."""
    return list(
        attributions.values_list(
            "enterprise_id",
            "enterprise_quality_id",
            "mandate_id",
            "enterprise__name",
            "enterprise__number",
            "enterprise_quality__quality__position",
        )
        .order_by(
            "enterprise__name",
            "enterprise__number",
            F("mandate_id").asc(nulls_first=True),
            "enterprise_quality__quality__position",
            "enterprise_quality_id",
        )
        .distinct()[:limit]
    )


def offer(
    person,
    registration: ApplicationClient,
    *,
    enterprise_number: str = "",
    search: str = "",
    page: int = 1,
) -> Offer:
    """The capacities offered on the screen, a page at a time: enterprises by name (under
    each, its own quality before the providers it is reached through), the citizen on every
    page after them. A constant number of queries whatever the person holds: the
    capacities by name, their mandates in effect, and `_options_of` for the page (when
    there are too many to list: the capacities, the person's own enterprises, and theirs).

    `enterprise_number` (the application's `enterprise` parameter, already normalised)
    narrows the choice to that enterprise; the citizen is then not offered. `search`
    narrows it to the clients whose number or name match.

    What it reads is bounded whatever the person holds: at most LIST_AT_MOST + 1 capacities,
    by name, of the attributions that hold by every rule of `effective()` but the mandate's
    (sorting by name needs no more: that rule is the costly one, a look-up of the mandate
    and both parties per row), then that last rule once for their mandates
    (`ClientMandate.objects.in_effect`). Both are `effective()`'s own definitions."""
    from mandates.models import ClientMandate

    citizen = registration.allow_citizens and not enterprise_number and not search
    if not may_act(person):
        return Offer(options=[], count=0, page=1, pages=1, citizen=False, search=search)
    held = _held_capacities(person, registration, enterprise_number, but_for_mandates=True)
    if search:
        held = held.filter(_matching(search))
    candidates = _by_name(held, LIST_AT_MOST + 1)
    if len(candidates) > LIST_AT_MOST:
        # The person's own enterprises (roles held there, not through a provider) are still
        # listed when they fit on one page: an employee of a provider acting for thousands
        # of clients finds their employer without a search. No mandate's rule to check.
        own = [] if search else _by_name(held.filter(mandate__isnull=True), PAGE_SIZE + 1)
        own = own if len(own) <= PAGE_SIZE else []
        return Offer(
            options=_options_of((e, eq, m) for e, eq, m, *_sort in own),
            count=len(own),
            page=1,
            pages=1,
            citizen=citizen,
            search=search,
            too_many=True,
        )
    mandate_ids = {m for _e, _eq, m, *_sort in candidates if m is not None}
    in_effect = set()
    if mandate_ids:
        mandates = ClientMandate.objects.in_effect().filter(pk__in=mandate_ids)
        in_effect = set(mandates.values_list("pk", flat=True))
    triples = [(e, eq, m) for e, eq, m, *_sort in candidates if m is None or m in in_effect]
    count = len(triples)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, page), pages)
    return Offer(
        options=_options_of(triples[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
        count=count,
        page=page,
        pages=pages,
        citizen=citizen,
        search=search,
    )


def option_for(
    person, registration: ApplicationClient, key: str, *, enterprise_number: str = ""
) -> Option | None:
    """The option `key` names, if it is one the person may choose now, else None."""
    if not may_act(person) or not isinstance(key, str):
        return None
    if key == CITIZEN_KEY:
        return CITIZEN if registration.allow_citizens and not enterprise_number else None
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    enterprise_id, eq_id, mandate_id = (int(part) if part else None for part in match.groups())
    held = in_capacity(
        _held_capacities(person, registration, enterprise_number),
        enterprise_id=enterprise_id,
        enterprise_quality_id=eq_id,
        mandate_id=mandate_id,
    )
    if not held.exists():
        return None
    options = _options_of([(enterprise_id, eq_id, mandate_id)])
    return options[0] if options else None


def role_codes(capacity: Capacity, application) -> list[str]:
    """The codes of this application's roles the person holds in the capacity, now."""
    if capacity.is_citizen:
        return []
    return sorted(
        _of(capacity, holdings(capacity.person, application))
        .values_list("role__code", flat=True)
        .distinct()
    )


def _of(capacity: Capacity, attributions):
    return in_capacity(
        attributions,
        enterprise_id=capacity.enterprise_id,
        enterprise_quality_id=capacity.enterprise_quality_id,
        mandate_id=capacity.mandate_id,
    )


def is_current(capacity: Capacity, registration: ApplicationClient) -> bool:
    """Does the capacity still give access? False the moment the last role behind it has
    ended, been revoked, deactivated or expired, the quality was deactivated, the
    enterprise's registration is gone, or the mandate it is held under is no longer in
    effect; and for anyone whose account or verified number is gone."""
    person = capacity.person
    if not may_act(person):
        return False
    if capacity.is_citizen:
        return registration.allow_citizens
    return _of(capacity, holdings(person, registration.application)).exists()


def for_grant(grant_id: str | None) -> Capacity | None:
    if not grant_id:
        return None
    return (
        Capacity.objects.select_related(
            "person",
            "enterprise",
            "enterprise_quality__quality",
            "enterprise_quality__enterprise",
            "mandate__group",
            "client__application_registration__application__quality",
        )
        .filter(grant_id=grant_id)
        .first()
    )
