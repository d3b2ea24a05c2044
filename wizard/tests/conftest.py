from html.parser import HTMLParser

import pytest

from accounts.tests.factories import UserFactory
from tests.personas import make_editor


class LinkParser(HTMLParser):
    """The hrefs inside <main> (the page itself, not the portal's header and footer)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


def links_in(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return parser.links


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def staff_outsider(db):
    return UserFactory(is_staff=True)
