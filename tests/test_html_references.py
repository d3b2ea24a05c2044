"""Every `aria-describedby`, `aria-labelledby` and `for` of a page points at an element of
that page.

A reference to a missing id is silent in a browser: the help text or the error is simply
not read out with its field (the help texts once used ids ending in `-help` while the
fields named `<id>_helptext`). The pages with forms are rendered as the person who uses
them, blank and after a refused submission (so the error lists and `aria-invalid` are
there too), and every reference is checked against the ids of the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import TestCase
from django.urls import reverse

from tests.personas import World, build_world

from .test_csrf_and_safe_methods import client_for

REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "for")


class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCE_ATTRIBUTES and value is not None:
                # aria-* take a list of ids; `for` takes one (a space would be an error too).
                targets = value.split() if name != "for" else [value]
                if not targets:
                    self.references.append((tag, name, ""))
                self.references.extend((tag, name, target) for target in targets)

    handle_startendtag = handle_starttag


def dangling_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return [
        f"<{tag} {name}={target!r}>"
        for tag, name, target in parser.references
        if target not in parser.ids
    ]


def reference_count(html: str) -> int:
    parser = _References()
    parser.feed(html)
    return len(parser.references)


@dataclass(frozen=True)
class Page:
    name: str
    who: Callable[[World], object]  # None: anonymous
    url: Callable[[World], str]
    post: dict | None = None  # a refused submission, so that field errors show
    must_describe: tuple[str, ...] = field(default=())  # ids that must exist (help, errors)


def _eq(w: World) -> int:
    return w.chain.employer.pk


PAGES = [
    Page("sign-up", lambda w: None, lambda w: reverse("account_signup")),
    Page(
        "sign-up refused",
        lambda w: None,
        lambda w: reverse("account_signup"),
        post={"email": "not-an-address", "national_number": "123"},
        must_describe=("id_email_error", "id_national_number_helptext"),
    ),
    Page("sign-in", lambda w: None, lambda w: reverse("account_login")),
    Page(
        "sign-in refused",
        lambda w: None,
        lambda w: reverse("account_login"),
        post={"login": "nobody@example.test", "password": "wrong"},
    ),
    Page("profile settings", lambda w: w.chain.user, lambda w: reverse("accounts:settings")),
    Page(
        "profile settings refused",
        lambda w: w.chain.user,
        lambda w: reverse("accounts:settings"),
        post={"first_name": "", "last_name": "", "language": "xx", "national_number": "1"},
        must_describe=("id_language_error",),
    ),
    Page("role profile", lambda w: w.chain.user, lambda w: reverse("roles:profile")),
    Page("e-mail change", lambda w: w.chain.user, lambda w: reverse("roles:profile_email")),
    Page(
        "enterprise search",
        lambda w: None,
        lambda w: reverse("enterprises:search") + "?q=Boulangerie",
        must_describe=("id_q_helptext",),
    ),
    Page(
        "enterprise search refused",
        lambda w: None,
        lambda w: reverse("enterprises:search") + "?q=" + "x" * 400,
        must_describe=("id_q_helptext", "id_q_error"),
    ),
    Page(
        "register: number",
        lambda w: w.lr_new,
        lambda w: reverse("enterprises:register") + "?number=12",
        must_describe=("id_number_helptext", "id_number_error"),
    ),
    Page(
        "register: designate the RAE",
        lambda w: w.lr_new,
        lambda w: reverse("enterprises:register_designate", args=[w.unregistered.number]),
    ),
    Page(
        "register: designate the RAE refused",
        lambda w: w.lr_new,
        lambda w: reverse("enterprises:register_designate", args=[w.unregistered.number]),
        post={"rae-first_name": "A", "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"},
    ),
    Page(
        "designate a co-RAE",
        lambda w: w.chain.rae,
        lambda w: reverse("enterprises:designate_co_rae", args=[w.enterprise.number]),
    ),
    Page(
        "designate a co-RAE refused",
        lambda w: w.chain.rae,
        lambda w: reverse("enterprises:designate_co_rae", args=[w.enterprise.number]),
        post={"first_name": "A", "national_number": "1", "language": "xx"},
        must_describe=("id_national_number_helptext", "id_national_number_error"),
    ),
    Page(
        "designate a GL",
        lambda w: w.chain.rae,
        lambda w: reverse("enterprises:designate_gl", args=[w.enterprise.number, _eq(w)]),
    ),
    Page(
        "activate a quality",
        lambda w: w.chain.rae,
        lambda w: reverse("enterprises:quality_activate", args=[w.enterprise.number]),
    ),
    Page(
        "attribution list with its filters",
        lambda w: w.chain.gl,
        lambda w: reverse("roles:list", args=[_eq(w)]),
    ),
    Page("invitation form", lambda w: w.chain.gl, lambda w: reverse("roles:invite", args=[_eq(w)])),
    Page(
        "invitation form refused",
        lambda w: w.chain.gl,
        lambda w: reverse("roles:invite", args=[_eq(w)]),
        post={"people": "not, a, valid line", "valid_until": "yesterday"},
    ),
    Page(
        "direct attribution", lambda w: w.chain.gl, lambda w: reverse("roles:direct", args=[_eq(w)])
    ),
    Page(
        "direct attribution refused",
        lambda w: w.chain.gl,
        lambda w: reverse("roles:direct", args=[_eq(w)]),
        post={"national_number": "1"},
    ),
    Page("link form", lambda w: w.chain.gl, lambda w: reverse("roles:links", args=[_eq(w)])),
    Page(
        "link form refused",
        lambda w: w.chain.gl,
        lambda w: reverse("roles:links", args=[_eq(w)]),
        post={"label": "", "max_uses": "-1", "expires_on": "soon"},
    ),
    Page(
        "bulk upload", lambda w: w.chain.gl, lambda w: reverse("roles:bulk_upload", args=[_eq(w)])
    ),
    Page(
        "contact-centre identity check",
        lambda w: w.agent,
        lambda w: reverse("identity_check"),
    ),
    Page(
        "contact-centre identity check refused",
        lambda w: w.agent,
        lambda w: reverse("identity_check"),
        post={"reason": "x"},
    ),
    Page(
        "contact-centre look-up",
        lambda w: w.agent,
        lambda w: reverse("enterprises:contact_centre"),
        must_describe=("id_reason_helptext",),
    ),
    Page(
        "contact-centre look-up refused",
        lambda w: w.agent,
        lambda w: reverse("enterprises:contact_centre"),
        post={"number": "12", "reason": "x"},
        must_describe=("id_reason_helptext", "id_reason_error", "id_number_error"),
    ),
]


class EveryReferenceResolves(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def _render(self, page: Page) -> str:
        client = client_for(page.who(self.world), enforce_csrf=False)
        url = page.url(self.world)
        response = client.post(url, page.post) if page.post is not None else client.get(url)
        # A refused submission renders its form again (200); nothing here redirects.
        self.assertEqual(response.status_code, 200, f"{page.name}: {url}")
        return response.content.decode()

    def test_every_reference_of_every_form_page_points_at_an_element_of_the_page(self):
        problems = {}
        checked = 0
        for page in PAGES:
            html = self._render(page)
            checked += reference_count(html)
            dangling = dangling_references(html)
            missing = [i for i in page.must_describe if f'id="{i}"' not in html]
            if dangling or missing:
                problems[page.name] = {"dangling": dangling, "missing ids": missing}
        self.assertEqual(problems, {})
        # The pages do have references to check (labels at the very least).
        self.assertGreater(checked, 3 * len(PAGES))

    def test_a_field_with_help_and_errors_is_described_by_both_and_marked_invalid(self):
        page = next(p for p in PAGES if p.name == "contact-centre look-up refused")
        html = self._render(page)
        self.assertInHTML(
            '<textarea name="reason" cols="40" rows="3" maxlength="500" required'
            ' aria-invalid="true" aria-describedby="id_reason_helptext id_reason_error"'
            ' id="id_reason">\nx</textarea>',
            html,
        )
        self.assertIn('<label for="id_reason">', html)


def test_the_checker_finds_a_dangling_reference():
    html = '<label for="a">A</label><input id="a" aria-describedby="a-help b_helptext">'
    html += '<div id="b_helptext"></div><section aria-labelledby="t"></section>'
    assert dangling_references(html) == [
        "<input aria-describedby='a-help'>",
        "<section aria-labelledby='t'>",
    ]
