"""One register per language: *vous* in French, *u* in Dutch, *Sie* in German.

Scans the project's catalogues (which also carry allauth's texts shown on the portal,
accounts/allauth_texts.py) for the informal words, as whole words. Dutch "je" is only
informal as a pronoun, and the catalogue has no other use of it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

INFORMAL = {
    "fr": ["tu", "toi", "ton", "tes", "ta", "te", "t'"],
    "nl": ["je", "jij", "jou", "jouw", "jullie", "jezelf"],
    "de": ["du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines"],
}


def translations(language: str) -> list[str]:
    """Every msgstr of the project's catalogue, joined across its continuation lines."""
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    entries, current = [], None
    for line in path.read_text().splitlines():
        if line.startswith("msgstr"):
            current = [re.sub(r'^msgstr(\[\d\])? "|"$', "", line)]
            entries.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line[1:-1])
        else:
            current = None
    return ["".join(parts) for parts in entries if "".join(parts)][1:]  # [0]: the header


@pytest.mark.parametrize("language", sorted(INFORMAL))
def test_the_catalogue_speaks_one_register(language):
    words = "|".join(re.escape(word) for word in INFORMAL[language])
    informal = re.compile(rf"(?<![\w’'-])({words})(?![\w-])", re.IGNORECASE)
    found = [text for text in translations(language) if informal.search(text)]
    assert found == [], found


def test_allauth_s_informal_texts_are_overridden():
    """Each text of allauth whose Dutch or German says je / du is in the project's catalogue
    (a new allauth version adding one fails here, listing it)."""
    import gettext

    import allauth

    ours = {language: set(translations(language)) for language in ("nl", "de")}
    base = Path(allauth.__file__).parent / "locale"
    problems = []
    for language in ("nl", "de"):
        words = "|".join(INFORMAL[language])
        informal = re.compile(rf"(?<![\w-])({words})(?![\w-])", re.IGNORECASE)
        with (base / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        project = gettext.translation("django", settings.LOCALE_PATHS[0], [language])
        for msgid, text in catalogue._catalog.items():
            if not isinstance(msgid, str) or not msgid or not informal.search(text):
                continue
            if msgid in IRRELEVANT:
                continue
            if project.gettext(msgid) == msgid or informal.search(project.gettext(msgid)):
                problems.append((language, msgid))
    assert problems == [], problems
    assert ours["nl"] and ours["de"]


# allauth texts of features the portal does not use (usernames, phone numbers) or of
# templates the portal replaces (templates/account/email/).
IRRELEVANT = {
    "The phone number and/or password you specified are not correct.",
    "The username and/or password you specified are not correct.",
    "Username can not be used. Please use other username.",
    "In case you forgot, your username is %(username)s.",
    "You have verified phone number %(phone)s.",
    "Your phone number is still pending verification.",
    "You are receiving this mail because the following change was made to your account:",
    "Thank you for using %(site_name)s!\n%(site_domain)s",
    "You're receiving this email because user %(user_display)s has given your email address "
    "to register an account on %(site_domain)s.",
    "If you do not recognize this change then please take proper security precautions "
    "immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n"
    "- Browser: %(user_agent)s\n- Date: %(timestamp)s",
}
