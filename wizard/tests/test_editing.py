"""Editors change drafts in the admin; the public sees a change only once it is published."""

import pytest
from django.urls import reverse
from reversion.models import Version

from portal.models import AuditEvent
from wizard.models import Link, Page


def change_data(page: Page, **overrides) -> dict:
    """The admin change form's POST data for the page as it is, with overrides."""
    data = {
        "slug": page.slug,
        "kind": page.kind,
        "parent": page.parent_id or "",
        "position": page.position,
    }
    for field in ("title", "body", "footer"):
        for code in ("fr", "nl", "de", "en"):
            data[f"{field}_{code}"] = getattr(page, f"{field}_{code}") or ""
    choices = list(page.choices.all())
    data.update(
        {
            "choices-TOTAL_FORMS": len(choices),
            "choices-INITIAL_FORMS": len(choices),
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000,
        }
    )
    for i, choice in enumerate(choices):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-page": page.pk,
                f"choices-{i}-position": choice.position,
                f"choices-{i}-kind": choice.kind,
                f"choices-{i}-target": choice.target_id,
            }
        )
        for code in ("fr", "nl", "de", "en"):
            data[f"choices-{i}-label_{code}"] = getattr(choice, f"label_{code}") or ""
    links = list(page.links.all())
    data.update(
        {
            "links-TOTAL_FORMS": len(links),
            "links-INITIAL_FORMS": len(links),
            "links-MIN_NUM_FORMS": 0,
            "links-MAX_NUM_FORMS": 1000,
        }
    )
    for i, link in enumerate(links):
        data.update(
            {
                f"links-{i}-id": link.pk,
                f"links-{i}-page": page.pk,
                f"links-{i}-position": link.position,
                f"links-{i}-key": link.key,
                f"links-{i}-kind": link.kind,
                f"links-{i}-target_page": link.target_page_id or "",
                f"links-{i}-action": link.action,
                f"links-{i}-url": link.url,
            }
        )
    data.update(overrides)
    return data


def change_url(page: Page) -> str:
    return reverse("admin:wizard_page_change", args=[page.pk])


def public(client, slug: str) -> str:
    return client.get(reverse("wizard:page", kwargs={"slug": slug})).content.decode()


@pytest.mark.django_db
def test_an_edit_is_public_only_after_publishing(
    client, editor, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="lr-who-is")
    anonymous = client.__class__()
    assert "Si votre entreprise est enregistrée" in public(anonymous, "lr-who-is")  # now cached

    client.force_login(editor)
    data = change_data(page, body_fr="Texte **révisé** par la rédaction.")
    response = client.post(change_url(page), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.body_fr == "Texte **révisé** par la rédaction."
    assert page.has_unpublished_changes

    html = public(anonymous, "lr-who-is")
    assert "révisé" not in html
    assert "Si votre entreprise est enregistrée" in html

    preview = client.get(reverse("admin:wizard_page_preview", args=[page.pk]))
    assert preview.status_code == 200
    assert "Texte <strong>révisé</strong> par la rédaction." in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:wizard_page_publish", args=[page.pk]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.has_unpublished_changes
    html = public(anonymous, "lr-who-is")
    assert "Texte <strong>révisé</strong> par la rédaction." in html
    assert AuditEvent.objects.filter(
        action="wizard.page_published", target_id=str(page.pk)
    ).exists()


@pytest.mark.django_db
def test_publish_admin_action(client, editor, django_capture_on_commit_callbacks):
    page = Page.objects.get(slug="contact")
    Page.objects.filter(pk=page.pk).update(title_nl="Contacteer ons")
    client.force_login(editor)
    client.cookies["portal_language"] = "nl"
    assert "<h1>Contact</h1>" in public(client, "contact")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:wizard_page_changelist"),
            {"action": "publish_selected", "_selected_action": [page.pk]},
        )
    assert response.status_code == 302
    assert "<h1>Contacteer ons</h1>" in public(client, "contact")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>Bonjour",
        '<img src=x onerror="alert(1)">Bonjour',
        "[Bonjour](javascript:alert(1))",
        '<a href="javascript:alert(1)" onclick="alert(1)">Bonjour</a>',
        '<iframe src="https://evil.example"></iframe>Bonjour',
        '<p style="x" onmouseover="alert(1)">Bonjour</p>',
    ],
)
def test_editor_script_payloads_come_out_inert(
    client, editor, payload, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="lr-who-is")
    client.force_login(editor)
    response = client.post(change_url(page), change_data(page, body_fr=payload))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:wizard_page_publish", args=[page.pk]))
    client.logout()
    html = public(client, "lr-who-is")
    body = html.split('<div class="wizard-body">')[1].split("</div>")[0]
    assert "Bonjour" in body
    for needle in (
        "<script",
        "onerror",
        "javascript:",
        "onclick",
        "<iframe",
        "onmouseover",
        "style=",
    ):
        assert needle not in body.lower(), needle


@pytest.mark.django_db
def test_a_staff_member_outside_the_editors_cannot_edit(client, staff_outsider):
    page = Page.objects.get(slug="contact")
    client.force_login(staff_outsider)
    assert client.get(reverse("admin:wizard_page_changelist")).status_code == 403
    assert client.get(change_url(page)).status_code == 403
    assert client.post(change_url(page), change_data(page, title_fr="Piraté")).status_code == 403
    assert client.post(reverse("admin:wizard_page_publish", args=[page.pk])).status_code == 403
    assert client.get(reverse("admin:wizard_page_preview", args=[page.pk])).status_code == 403
    page.refresh_from_db()
    assert page.title_fr == "Contact"


@pytest.mark.django_db
def test_preview_is_staff_only(client):
    page = Page.objects.get(slug="contact")
    response = client.get(reverse("admin:wizard_page_preview", args=[page.pk]))
    assert response.status_code == 302  # to the admin sign-in
    assert "preview" not in response.get("Location", "").split("next=")[0]


@pytest.mark.django_db
def test_text_using_an_undefined_link_is_refused(client, editor):
    page = Page.objects.get(slug="contact")
    client.force_login(editor)
    data = change_data(page, body_fr="Voir [ailleurs](link:nowhere)")
    response = client.post(change_url(page), data)
    assert response.status_code == 200
    assert "nowhere" in response.content.decode()
    page.refresh_from_db()
    assert "nowhere" not in page.body_fr


@pytest.mark.django_db
def test_deleting_a_link_the_text_uses_is_refused(client, editor):
    page = Page.objects.get(slug="contact")
    client.force_login(editor)
    data = change_data(page, **{"links-0-DELETE": "on"})
    response = client.post(change_url(page), data)
    assert response.status_code == 200
    assert page.links.filter(key="contact").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fields", "error_field"),
    [
        ("page", {}, "target_page"),
        ("action", {"action": "format_disk"}, "action"),
        ("external", {}, "url"),
        ("external", {"url": "http://example.org/"}, "url"),
        ("external", {"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_a_link_pointing_nowhere_is_refused(client, editor, kind, fields, error_field):
    page = Page.objects.get(slug="contact")
    client.force_login(editor)
    data = change_data(page)
    data.update(
        {
            "links-TOTAL_FORMS": 2,
            "links-1-page": page.pk,
            "links-1-position": 5,
            "links-1-key": "extra",
            "links-1-kind": kind,
            "links-1-target_page": "",
            "links-1-action": "",
            "links-1-url": "",
        }
    )
    data.update({f"links-1-{name}": value for name, value in fields.items()})
    response = client.post(change_url(page), data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.forms[1].errors.get(error_field)
    assert not page.links.filter(key="extra").exists()


@pytest.mark.django_db
def test_a_page_that_others_link_to_cannot_be_deleted(client, editor):
    page = Page.objects.get(slug="lr-register")
    client.force_login(editor)
    response = client.post(reverse("admin:wizard_page_delete", args=[page.pk]), {"post": "yes"})
    assert response.status_code == 200  # the "cannot delete: protected" page
    assert Page.objects.filter(pk=page.pk).exists()


@pytest.mark.django_db
def test_publishing_a_page_that_links_to_a_draft_is_refused(editor):
    from django.core.exceptions import ValidationError

    from wizard.services import pages_publish

    draft = Page.objects.create(slug="new-answer", title_fr="Nouveau", kind="answer")
    page = Page.objects.get(slug="contact")
    Link.objects.create(page=page, key="draft", kind="page", target_page=draft)
    with pytest.raises(ValidationError):
        pages_publish(actor=editor, pages=[page])
    pages_publish(actor=editor, pages=[page, draft])
    page.refresh_from_db()
    assert page.published["links"]["draft"]["page"] == "new-answer"


@pytest.mark.django_db
def test_history_records_who_changed_what_and_restores_a_version(client, editor):
    page = Page.objects.get(slug="lr-who-is")
    client.force_login(editor)
    original = page.body_fr
    client.post(change_url(page), change_data(page, body_fr="Version deux"))
    versions = Version.objects.get_for_object(page)
    assert versions.count() >= 1
    latest = versions.first()
    assert latest.revision.user == editor
    history = client.get(reverse("admin:wizard_page_history", args=[page.pk]))
    assert history.status_code == 200
    assert editor.email in history.content.decode() or str(editor) in history.content.decode()

    # Restore the version saved before "Version deux" (the loader's publication).
    client.post(
        change_url(page), change_data(Page.objects.get(pk=page.pk), body_fr="Version trois")
    )
    first = (
        Version.objects.get_for_object(page)
        .order_by("pk")
        .filter(serialized_data__contains="Version deux")
        .first()
    )
    restore_url = reverse("admin:wizard_page_revision", args=[page.pk, first.pk])
    form_page = client.get(restore_url)
    assert form_page.status_code == 200
    assert Page.objects.get(pk=page.pk).body_fr == "Version trois"
    assert "Version deux" in form_page.content.decode()  # the form holds the old version
    response = client.post(
        restore_url, change_data(Page.objects.get(pk=page.pk), body_fr="Version deux")
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body_fr == "Version deux"
    assert original != page.body_fr
    # Restoring changes the draft only: the public page is what was published.
    assert "Version" not in public(client.__class__(), "lr-who-is")


@pytest.mark.django_db
def test_the_editors_group_has_only_wizard_and_history_permissions():
    from django.contrib.auth.models import Group

    from portal.groups import WIZARD_EDITORS

    group = Group.objects.get(name=WIZARD_EDITORS)
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"wizard", "reversion"}
    assert group.permissions.filter(codename="change_page").exists()
