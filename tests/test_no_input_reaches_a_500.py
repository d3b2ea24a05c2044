"""No input reaches a 500, and a refused input writes nothing (property-based, hypothesis).

Every form of the portal is found from the table of every URL (`ROUTES` of
test_csrf_and_safe_methods.py, with the person allowed to use it and a valid POST): the
fields are the valid POST's plus every field of the page's own forms. Into each field in
turn, hypothesis posts generated values — long, empty, NUL and other control characters,
bidirectional and zero-width characters, mixed scripts, odd dates and numbers, huge integers
— the rest of the POST staying valid. The URLs' integer arguments (role, quality, batch ids)
get huge integers too, and every column of the bulk CSV gets the same values, from upload
to confirmation.

Each example runs in a savepoint rolled back afterwards, so every one starts from the same
world. It asserts no 5xx, and, when the input is refused (a 4xx, a form shown again with its
errors, an error message), that the database is exactly as before: nothing half-written.

On PostgreSQL (DATABASE_URL set, as in CI) this is the test that matters: PostgreSQL refuses
a NUL and a value longer than its column, where SQLite stores both. `HYPOTHESIS_EXAMPLES`
sets the number of generated values per field (default 2, on top of the fixed examples;
twice that per CSV column).
"""

from __future__ import annotations

import csv
import io
import os
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.test.utils import ContextList
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roles.models import InvitationBatch
from roles.services import CSV_COLUMNS

from .security_helpers import snapshot
from .test_csrf_and_safe_methods import ROUTES, Route, client_for

pytestmark = pytest.mark.django_db

OTHER_LANGUAGE_SUFFIXES = tuple(f"_{code}" for code, _name in django_settings.LANGUAGES[1:])
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "2"))
HUGE = "99999999999999999999"

# The values every field gets at every run, before the generated ones: each is one of the
# inputs that reached a 500 or was stored when it should not have been.
FIXED_VALUES = [
    "x" * 200,  # longer than any name column
    "a" * 287 + "@example.test",  # 300: valid for Django's e-mail field (320), not the column
    "Ann\x00e",
]
# Drawn among the generated values.
ODD_VALUES = [
    "",
    "Ann\u202eenaj",  # right-to-left override
    "An\u200bn",  # zero-width space
    "Ann\x1be",
    "Ελένη-Marie O'Brien محمد",  # mixed scripts stay allowed
    "2026-02-30",
    "10000-01-01",
    "0000-01-01",
    HUGE,
    "-1",
]

CONTROL = [chr(c) for c in range(0x20)] + ["\x7f", "\x85"]
INVISIBLE = [*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"]
INVISIBLE += [*"\u200b\u200c\u200d\u2060\ufeff"]


def _around(char: str) -> str:
    return f"Jan{char}Peeters"


hostile_text = st.one_of(
    st.sampled_from(FIXED_VALUES + ODD_VALUES),
    st.text(max_size=40),  # any Unicode, controls included
    st.sampled_from(CONTROL + INVISIBLE).map(_around),
    st.integers(min_value=100, max_value=400).map(lambda n: "é" * n),
    st.integers(min_value=240, max_value=330).map(lambda n: "b" * n + "@example.test"),
    st.text(alphabet="abcdefghijÀÉÎØßŁЖЯΩمحא'- ", min_size=1, max_size=60),
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A-?[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}\Z"),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["NaN", "inf", "1e309", "٣", "１２３", "0x10", " 1 "]),
)


class _FormFields(HTMLParser):
    """The names of the fields of the page's forms that post (or get) to the page itself."""

    def __init__(self, path: str, method: str):
        super().__init__()
        self.path, self.method = path, method
        self.inside = False
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = (attrs.get("action") or "").split("?")[0]
            self.inside = (attrs.get("method") or "get").lower() == self.method and action in (
                "",
                self.path,
            )
        elif self.inside and tag in {"input", "select", "textarea"}:
            name = attrs.get("name")
            skip = not name or name == "csrfmiddlewaretoken" or attrs.get("type") == "submit"
            if not skip and name not in self.names:
                self.names.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _fields(client: Client, route: Route, world) -> list[str]:
    url = route.url(world)
    path = url.split("?")[0]
    parser = _FormFields(path, "post" if route.is_post else "get")
    response = client.get(url)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    names = list(route.data(world)) if route.is_post else []
    # A formset's forms ("co_rae-0-email", the admin's inlines) repeat a form already fuzzed
    # (or Django's own): only the fields of the valid POST are taken from them.
    # The admin's translated copies of a field ("title_nl", "title_de"...) are the same model
    # field as the first language's: that one is fuzzed.
    names += [
        n
        for n in parser.names
        if n not in names and "-" not in n and not n.endswith(OTHER_LANGUAGE_SUFFIXES)
    ]
    if not route.is_post and route.query:
        names += [n for n in re.findall(r"[?&]([^=&]+)=", route.query) if n not in names]
    return [n for n in names if n != "file"]  # the CSV file: its own test below


def _refused(response) -> bool:
    """A 4xx, a form shown again with its errors, or an error message."""
    if response.status_code >= 400:
        return True
    if any(m.level >= ERROR for m in get_messages(response.wsgi_request)):
        return True
    context = response.context
    if context is None:
        return False
    for ctx in context if isinstance(context, ContextList) else [context]:
        for value in ctx.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
            if isinstance(value, BaseFormSet) and value.is_bound and not value.is_valid():
                return True
    return False


def _in_a_savepoint(fn):
    """Run one example and undo whatever it wrote, so every example starts from the world."""
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


def _check(client, method, url, data, before, what):
    response = getattr(client, method)(url, data)
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if method == "get" or _refused(response):
        assert snapshot() == before, f"{what} was refused but changed the database"
    return response


# allauth's sign-up (the portal's SignupForm extends it) is not in ROUTES: allauth's pages are
# listed there only where the portal changes them.
SIGNUP = Route(
    "account_signup",
    lambda w: None,
    data=lambda w: {
        "email": "newcomer@example.test",
        "password1": "a-long-Passphrase-2026",
        "password2": "a-long-Passphrase-2026",
        "first_name": "New",
        "last_name": "Comer",
        "language": "fr",
        "national_number": "",
    },
)
FUZZED_ROUTES = [*ROUTES, SIGNUP]


def _targets(fields: list[str], valid: dict) -> list[tuple[str, int | None]]:
    """Each field as a whole; and each part of a field whose valid value is a line of
    "first name; last name; e-mail" (the invitation's textarea), one part at a time."""
    targets: list[tuple[str, int | None]] = []
    for field in fields:
        targets.append((field, None))
        value = valid.get(field)
        if isinstance(value, str) and ";" in value:
            targets += [(field, index) for index in range(len(value.split(";")))]
    return targets


def _splice(line: str, index: int, value: str) -> str:
    parts = [p.strip() for p in line.split(";")]
    parts[index] = value
    return "; ".join(parts)


# The URLs' own arguments: a huge integer where a key is expected, and hostile strings where
# an enterprise number, a token or a slug is (a percent-encoded NUL reaches the view as NUL).
URL_INTEGERS = (HUGE, "0", str(2**63))
URL_STRINGS = ("\x00", "a\u202eb", "9" * 300)


def test_no_value_in_any_field_reaches_a_500_and_a_refusal_writes_nothing(world, subtests):
    # One world for every route (each example is rolled back), one subtest per route.
    for route in FUZZED_ROUTES:
        with subtests.test(route=str(route)):
            _fuzz_route(world, route)


def _fuzz_route(world, route: Route) -> None:
    client = client_for(route.who(world), enforce_csrf=False)
    client.raise_request_exception = False
    fields = _fields(client, route, world)
    method = "post" if route.is_post else "get"
    url = route.url(world).split("?")[0]
    before = snapshot()

    def base_data() -> dict:
        if route.is_post:
            return route.data(world)
        return dict(re.findall(r"[?&]([^=&]+)=([^&]*)", route.query))

    for field, part in _targets(fields, base_data()):

        def post_one(value, field=field, part=part):
            data = base_data()
            data[field] = value if part is None else _splice(data[field], part, value)
            what = f"{route} {field}{'' if part is None else f'[{part}]'}={value!r}"
            _in_a_savepoint(lambda: _check(client, method, url, data, before, what))

        _for_hostile_values(post_one, max_examples=EXAMPLES)

    for name, current in route.kwargs(world).items():
        for odd in URL_INTEGERS if isinstance(current, int) else URL_STRINGS:
            try:
                path = reverse(route.name, kwargs={**route.kwargs(world), name: odd})
            except NoReverseMatch:
                continue  # the URL pattern itself refuses it (a slug, an int): nothing to post
            data = base_data() if route.is_post else {}
            _in_a_savepoint(
                lambda path=path, data=data, name=name, odd=odd: _check(
                    client, method, path, data, before, f"{route} {name}={odd!r}"
                )
            )


def _for_hostile_values(check, *, max_examples: int, **others) -> None:
    """Call `check(value, **drawn)` with the fixed values, then with generated ones."""

    def run(value, **drawn):
        check(value, **drawn)

    fixed_others = {name: [] for name in others}
    for value in reversed(FIXED_VALUES):
        run = example(value=value, **fixed_others)(run)
    run = given(value=hostile_text, **others)(run)
    settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(run)()


# --- The bulk CSV: every column, from upload to confirmation ---------------------------------

VALID_ROW = {
    "first_name": "Bo",
    "last_name": "Smith",
    "email": "bo@example.test",
    "roles": "dimona-declaration",
    "valid_until": "",
    "national_number": "",
}
assert list(VALID_ROW) == CSV_COLUMNS


def _csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8", "surrogatepass")


# Other rows of the same file: each valid but for one column.
other_rows = st.lists(st.tuples(st.sampled_from(CSV_COLUMNS), hostile_text), max_size=2)


def test_no_value_in_any_csv_column_reaches_a_500_from_upload_to_confirmation(world, subtests):
    for column in CSV_COLUMNS:
        with subtests.test(column=column):
            _fuzz_csv_column(world, column)


def _fuzz_csv_column(world, column: str) -> None:
    gl = world.chain.gl
    client = client_for(gl, enforce_csrf=False)
    client.raise_request_exception = False
    upload_url = reverse("roles:bulk_upload", kwargs={"eq_id": world.eq.pk})
    before = snapshot()

    def upload_and_confirm(value, others):
        rows = [{**VALID_ROW, column: value}]
        rows += [
            {**VALID_ROW, "email": f"other{i}@example.test", other: cell}
            for i, (other, cell) in enumerate(others)
        ]

        def run():
            upload = SimpleUploadedFile("people.csv", _csv_bytes(rows))
            response = _check(
                client, "post", upload_url, {"file": upload}, before, f"upload {column}={value!r}"
            )
            if response.status_code != 302:
                return
            batch = InvitationBatch.objects.latest("pk")
            preview = reverse("roles:bulk_preview", kwargs={"eq_id": world.eq.pk, "pk": batch.pk})
            assert client.get(preview).status_code < 500, f"preview {column}={value!r}"
            uploaded = snapshot()
            _check(client, "post", preview, {}, uploaded, f"confirm {column}={value!r}")

        _in_a_savepoint(run)

    _for_hostile_values(upload_and_confirm, max_examples=EXAMPLES * 2, others=other_rows)


def test_a_csv_file_with_a_nul_byte_or_bad_bytes_is_refused_without_a_500(world):
    client = client_for(world.chain.gl, enforce_csrf=False)
    client.raise_request_exception = False
    url = reverse("roles:bulk_upload", kwargs={"eq_id": world.eq.pk})
    before = snapshot()
    for content in (
        b"Bo\x00,Smith,bo@example.test,dimona-declaration,,\n",
        b"\x00\x00\x00",
        b"\xff\xfe\x00B\x00o",
        b"Bo,Smith,bo@example.test,dimona-declaration,,\n" * 3 + b'"unterminated',
    ):
        upload = SimpleUploadedFile("p\x00eople.csv", content)
        _in_a_savepoint(
            lambda upload=upload, content=content: _check(
                client, "post", url, {"file": upload}, before, f"upload {content!r}"
            )
        )
