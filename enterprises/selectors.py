"""Reads of enterprises, permission-scoped."""

import dataclasses
import functools

from django.db.models import Q

from enterprises import chain
from enterprises.models import Designation, Enterprise, EnterpriseQuality, JuridicalForm, Quality
from portal import db

HEADER_ENTERPRISES = 10

# The quality's name in every language (modeltranslation's columns beside the field's own):
# a Quality built from them answers `.name` in the active language with its fallbacks.
_QUALITY_NAMES = [
    field.attname
    for field in Quality._meta.concrete_fields
    if field.attname == "name"
    or getattr(getattr(field, "translated_field", None), "name", "") == "name"
]


def _header_rows(person, limit: int):
    order = ("enterprise__name", "enterprise_id", "kind")
    # The enterprises are chosen first, by name among the person's (the index of the
    # person's designations, then each enterprise by its key), and only their designations
    # are read and joined to their quality. Reading the person's designations in order and
    # cutting at a bound read six rows per enterprise shown, and built three model instances
    # per row, for a person of 1,000 enterprises (60 rows for ten enterprises).
    chosen = (
        Enterprise.objects.filter(
            pk__in=Designation.objects.active().filter(person_id=person).values("enterprise_id")
        )
        .order_by("name", "pk")
        .values("pk")[:limit]
    )
    return (
        Designation.objects.active()
        .filter(person_id=person, enterprise_id__in=chosen)
        .order_by(*order)
        .values_list(
            "kind",
            "enterprise_id",
            "enterprise__number",
            "enterprise__name",
            "enterprise_quality__quality_id",
            *(f"enterprise_quality__quality__{name}" for name in _QUALITY_NAMES),
        )
    )


@functools.cache
def _header_statement(limit: int) -> db.Statement:
    # Every signed-in page runs it: built and compiled once per process, planned once per
    # connection (portal.db). With select_related the ORM spent longer building, compiling
    # and instantiating it (four models a row) than PostgreSQL spent running it.
    return db.Statement(functools.partial(_header_rows, limit=limit), person=-918_273_645)


def _loaded(model, using: str, **values):
    """An instance with these fields loaded, as the ORM builds one (`from_db`): the header
    reads nothing else of it (any other field would be read on access)."""
    names = _field_order(model, frozenset(values))
    return model.from_db(using, names, [values[name] for name in names])


@functools.cache
def _field_order(model, names: frozenset) -> list[str]:
    # The model's own order of these fields, which `from_db` expects: worked out once.
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


def _quality_loaded(using, qualities: dict, quality_id: int, names) -> Quality:
    """The quality of this id with its names (`_QUALITY_NAMES`, in order), built once per
    read: `qualities` holds those already built, by id (a few, shared by many rows)."""
    quality = qualities.get(quality_id)
    if quality is None:
        quality = qualities[quality_id] = _loaded(
            Quality, using, id=quality_id, **dict(zip(_QUALITY_NAMES, names, strict=True))
        )
    return quality


def _designation_loaded(using, enterprise, eq_id, quality_id, quality_names, qualities, **values):
    """A designation read as a row (`values`: its own fields), onto its `enterprise`, with
    its activated quality and that quality's names (`_QUALITY_NAMES`, in order) when it has
    one: what the header and "My enterprises" show, and nothing else (`qualities`: as for
    `_quality_loaded`)."""
    designation = _loaded(
        Designation, using, enterprise_id=enterprise.pk, enterprise_quality_id=eq_id, **values
    )
    designation.enterprise = enterprise
    if eq_id is not None:
        enterprise_quality = _loaded(
            EnterpriseQuality, using, id=eq_id, enterprise_id=enterprise.pk, quality_id=quality_id
        )
        enterprise_quality.enterprise = enterprise
        enterprise_quality.quality = _quality_loaded(using, qualities, quality_id, quality_names)
        designation.enterprise_quality = enterprise_quality
    return designation


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderDesignation:
    """What the header shows of a designation: its kind (the menu's "Role management" is for
    local managers) and its profile's label, and nothing else: a model instance per row
    cost more to build than the row cost to read."""

    kind: str
    profile_label: str


def header_enterprises(user, limit: int = HEADER_ENTERPRISES) -> list[dict]:
    """The enterprises a person acts for, with their designations, for the page header.

    One query whatever the number of designations, and bounded: the first enterprises by
    name, so a person designated in a thousand enterprises costs every page about what a
    person designated in one costs. "My enterprises" lists them all. Each entry is the
    enterprise (its number and name loaded) and its `HeaderDesignation`s.
    """
    if user is None or not user.is_authenticated:
        return []
    using = Designation.objects.db
    qualities: dict[int, Quality] = {}
    by_enterprise: dict[int, dict] = {}
    rows = _header_statement(limit).rows(person=user.pk)
    for kind, enterprise_id, number, name, quality_id, *names in rows:
        entry = by_enterprise.get(enterprise_id)
        if entry is None:
            enterprise = _loaded(Enterprise, using, id=enterprise_id, number=number, name=name)
            entry = by_enterprise[enterprise_id] = {"enterprise": enterprise, "designations": []}
        quality = None
        if quality_id is not None:
            quality = _quality_loaded(using, qualities, quality_id, names)
        entry["designations"].append(HeaderDesignation(kind, chain.profile_label(kind, quality)))
    return list(by_enterprise.values())


# An activated quality with its enterprise and its quality, every column of the three, as
# `select_related("enterprise", "quality")` reads them.
_EQ_FIELDS = [field.attname for field in EnterpriseQuality._meta.concrete_fields]
_ENTERPRISE_FIELDS = [field.attname for field in Enterprise._meta.concrete_fields]
_QUALITY_FIELDS = [field.attname for field in Quality._meta.concrete_fields]


def _quality_row(pk):
    return (
        EnterpriseQuality.objects.filter(pk=pk)
        .order_by()
        .values_list(
            *_EQ_FIELDS,
            *(f"enterprise__{name}" for name in _ENTERPRISE_FIELDS),
            *(f"quality__{name}" for name in _QUALITY_FIELDS),
        )
    )


# Every page of a local manager opens with it (roles.permissions.managed_quality_for_user):
# compiled once per process and prepared, as the header's read (portal.db says why).
_QUALITY_ROW = db.Statement(_quality_row, pk=-918_273_644)


def enterprise_quality_by_pk(pk: int) -> EnterpriseQuality | None:
    """The activated quality `pk` with its enterprise and quality loaded, or None."""
    rows = _QUALITY_ROW.rows(pk=pk)
    if not rows:
        return None
    row, using = rows[0], EnterpriseQuality.objects.db
    first, second = len(_EQ_FIELDS), len(_EQ_FIELDS) + len(_ENTERPRISE_FIELDS)
    found = EnterpriseQuality.from_db(using, _EQ_FIELDS, row[:first])
    found.enterprise = Enterprise.from_db(using, _ENTERPRISE_FIELDS, row[first:second])
    found.quality = Quality.from_db(using, _QUALITY_FIELDS, row[second:])
    return found


def my_enterprises_queryset(user):
    """The enterprises of "My enterprises", by name, to paginate: where the person is LR
    (signing mandate), holds an active designation or is offered one.

    A UNION of three indexed reads rather than one OR (which reads the whole table), so a
    page costs the same whatever the number of enterprises.
    """
    from enterprises.models import Mandate

    if user is None or not user.is_authenticated:
        return Enterprise.objects.none()
    ids = (
        Designation.objects.filter(person=user, status=Designation.Status.ACTIVE)
        .order_by()
        .values("enterprise_id")
    )
    if user.verified_national_number:
        ids = ids.union(
            Designation.objects.filter(
                status=Designation.Status.PENDING, national_number=user.verified_national_number
            )
            .order_by()
            .values("enterprise_id"),
            Mandate.objects.representing(user).order_by().values("enterprise_id"),
        )
    return (
        Enterprise.objects.filter(pk__in=ids).select_related("registration").order_by("name", "pk")
    )


def my_enterprises(user, enterprises=None) -> list[dict]:
    """Every enterprise where the person is LR (signing mandate), or holds or was offered a
    designation: two queries whatever their number, sorted by name. `enterprises` (one page
    of `my_enterprises_queryset`) restricts the reads to them, in their order."""
    from enterprises.models import Mandate

    if user is None or not user.is_authenticated:
        return []
    if enterprises is not None:
        return _my_enterprises_page(user, enterprises)
    entries: dict[int, dict] = {}

    def entry(enterprise):
        return entries.setdefault(
            enterprise.pk,
            {"enterprise": enterprise, "is_lr": False, "designations": [], "pending": []},
        )

    if user.verified_national_number:
        mandates = Mandate.objects.representing(user).select_related("enterprise__registration")
        for mandate in mandates:
            entry(mandate.enterprise)["is_lr"] = True
    designations = _my_designations(user).select_related(
        "enterprise__registration", "enterprise_quality__quality"
    )
    for designation in designations:
        target = entry(designation.enterprise)
        (target["designations"] if designation.is_active else target["pending"]).append(designation)
    return sorted(entries.values(), key=lambda e: e["enterprise"].name.lower())


def chain_for(enterprise, *, full: bool = True) -> dict:
    """The chain of one enterprise in three queries, whatever its size.

    `full=False` is the legal representative's view: the registration and the RAE only.
    The designations are read without joins and put onto the enterprise and its qualities,
    each read once: joined, a large enterprise's hundred designations built three hundred
    more model instances (a quality and its activation per designation, and the person who
    designated, which no page of the chain shows) than the page has rows.
    """
    from enterprises.models import EnterpriseQuality, Mandate

    legal_representatives = list(
        Mandate.objects.signing().filter(enterprise=enterprise).order_by("last_name", "first_name")
    )
    designations = Designation.objects.open().filter(enterprise=enterprise)
    if not full:
        designations = designations.filter(kind=Designation.Kind.RAE)
    designations = list(designations.order_by("created_at", "pk"))
    # Every activated quality a designation names, whatever its status (an open designation
    # under a quality being deactivated still shows its quality); the active ones are listed.
    read = Q(pk__in={d.enterprise_quality_id for d in designations} - {None})
    if full:
        read |= Q(status=EnterpriseQuality.Status.ACTIVE)
    activations = {
        eq.pk: eq
        for eq in EnterpriseQuality.objects.filter(read, enterprise=enterprise)
        .select_related("quality")
        .order_by("quality__position", "quality__code")
    }
    for eq in activations.values():
        eq.enterprise = enterprise
    for d in designations:
        d.enterprise = enterprise
        if d.enterprise_quality_id is not None:
            d.enterprise_quality = activations[d.enterprise_quality_id]
    raes = [d for d in designations if d.kind == Designation.Kind.RAE]
    co_raes = [d for d in designations if d.kind == Designation.Kind.CO_RAE]
    qualities = []
    if full:
        by_quality = {
            pk: {"enterprise_quality": eq, "gls": [], "co_gls": []}
            for pk, eq in activations.items()
            if eq.status == EnterpriseQuality.Status.ACTIVE
        }
        for d in designations:
            if d.enterprise_quality_id in by_quality:
                key = "gls" if d.kind == Designation.Kind.GL else "co_gls"
                by_quality[d.enterprise_quality_id][key].append(d)
        qualities = list(by_quality.values())
    return {
        "enterprise": enterprise,
        "full": full,
        "legal_representatives": legal_representatives,
        "raes": raes,
        "co_raes": co_raes,
        "qualities": qualities,
        "pending": [d for d in designations if d.is_pending],
    }


def available_qualities(enterprise):
    from enterprises.models import Quality

    return Quality.objects.filter(is_available=True).exclude(
        pk__in=enterprise.qualities.filter(status="active").values("quality_id")
    )


CHAIN_ACTIONS = ("enterprise.", "designation.", "quality.")


def chain_history(enterprise):
    """The audit events of the chain, newest first (paginate the result)."""
    from portal.models import AuditEvent

    return (
        AuditEvent.objects.for_enterprise(enterprise)
        .filter(action__in=chain_actions())
        .order_by("-created_at", "-id")
    )


@functools.cache
def chain_actions() -> list[str]:
    """The actions of the chain's history: those of the audit trail's one vocabulary
    (`portal.models.Action`, which every event's action is one of) under CHAIN_ACTIONS.
    A list rather than prefixes (LIKE … OR LIKE …): the count of an enterprise's chain
    events is then read from the index (enterprise, action), not from every event of it."""
    from portal.models import Action

    return sorted(value for value in Action.values if value.startswith(CHAIN_ACTIONS))


def enterprise_with_number(number: str) -> Enterprise | None:
    """The registry's enterprise of a (normalised) number, or None: a plain read of the public
    registry mirror (registering it and the contact centre's look-up both start here)."""
    return Enterprise.objects.filter(number=number).select_related("registration").first()


def juridical_form_labels(codes) -> dict[str, str]:
    """{code: name in the active language} of these juridical forms, one query (none when
    there are no codes)."""
    codes = set(codes)
    return JuridicalForm.objects.filter(code__in=codes).labels() if codes else {}


REGISTRY_STOPS_LISTED = 50


def registry_stopped_registrations(limit: int = REGISTRY_STOPS_LISTED) -> tuple[list, int]:
    """The registered enterprises the registry stopped (flagged by the import), latest first:
    (the first `limit` of them, how many there are)."""
    flagged = Enterprise.objects.filter(
        registry_stopped_at__isnull=False, registration__isnull=False
    )
    return list(flagged.order_by("-registry_stopped_at", "number")[:limit]), flagged.count()


def _my_designations(user):
    """The designations "My enterprises" shows: held (active) or offered to the person's
    verified number (pending)."""
    return Designation.objects.filter(
        Q(person=user, status=Designation.Status.ACTIVE)
        | (
            Q(status=Designation.Status.PENDING, national_number=user.verified_national_number)
            if user.verified_national_number
            else Q(pk__in=[])
        )
    )


def _my_enterprises_page(user, enterprises) -> list[dict]:
    """`my_enterprises` for one page of enterprises (already read, with their registration),
    in their order: two narrow reads whatever the page holds. The designations are read as
    rows and built with only what the page shows (kind, status, quality's names), onto the
    page's own enterprises, as the header does (`_loaded`): with `select_related` the ORM
    built five instances per designation, 650 for a page of 50 enterprises, which cost more
    than the query itself."""
    from enterprises.models import Mandate

    entries = {
        enterprise.pk: {"enterprise": enterprise, "is_lr": False, "designations": [], "pending": []}
        for enterprise in enterprises
    }
    if not entries:
        return []
    for enterprise_id in (
        Mandate.objects.representing(user)
        .filter(enterprise_id__in=entries)
        .values_list("enterprise_id", flat=True)
    ):
        entries[enterprise_id]["is_lr"] = True
    rows = (
        _my_designations(user)
        .filter(enterprise_id__in=entries)
        .order_by("enterprise_id", "kind", "created_at")  # Designation's ordering, per enterprise
        .values_list(
            "pk",
            "kind",
            "status",
            "enterprise_id",
            "enterprise_quality_id",
            "enterprise_quality__quality_id",
            *(f"enterprise_quality__quality__{name}" for name in _QUALITY_NAMES),
        )
    )
    using = Designation.objects.db
    qualities: dict[int, Quality] = {}
    for pk, kind, status, enterprise_id, eq_id, quality_id, *names in rows:
        entry = entries[enterprise_id]
        designation = _designation_loaded(
            using, entry["enterprise"], eq_id, quality_id, names, qualities,
            id=pk, kind=kind, status=status,
        )  # fmt: skip
        (entry["designations"] if designation.is_active else entry["pending"]).append(designation)
    return list(entries.values())
