"""The admin reads the chain, the attributions, the invitations and the audit trail; it never
changes them. Every change of those goes through a service (audit event and guardian grants in
one transaction), so even a superuser gets 403 on their add, change and delete pages, and a
person's national number and its verification are read-only on the person's admin page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from enterprises.models import Designation, EnterpriseQuality, Registration
from portal.models import AuditEvent
from roles.models import AccessLink, AccessRequest, Invitation, InvitationBatch, RoleAttribution
from tests.personas import signed_in

from .personas import build_world
from .security_helpers import snapshot

pytestmark = pytest.mark.django_db

READ_ONLY = [
    Designation,
    Registration,
    EnterpriseQuality,
    RoleAttribution,
    Invitation,
    InvitationBatch,
    AccessLink,
    AccessRequest,
    AuditEvent,
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label)
def test_the_admin_only_reads(model):
    w = build_world()
    assert model in admin.site._registry
    client = signed_in(w.admin)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    before = snapshot()
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200  # the view page
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {}).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), {"status": "revoked"}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302, 403)
    assert snapshot() == before


def test_a_persons_national_number_is_read_only_in_the_admin():
    w = build_world()
    person = w.declared
    client = signed_in(w.admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("national_number", "national_number_verified", "national_number_source"):
        assert name not in form.fields
    client.post(
        url,
        {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "language": "fr",
            "is_active": "on",
            "national_number": "85073003328",
            "national_number_verified": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    person.refresh_from_db()
    assert not person.national_number_verified
    assert person.national_number != "85073003328"


@pytest.mark.parametrize("typed", ["Eve \u202eRLO", "Eve\u200b", "Eve\x07"])
def test_the_admins_text_fields_refuse_what_every_form_refuses(typed):
    """A name typed by staff meets the portal's text rule (portal.admin_text), as sign-up
    and the account settings do; the person's names stay as they were."""
    w = build_world()
    person = w.declared
    before = (person.first_name, person.last_name)
    client = signed_in(w.admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.post(
        url,
        {
            "email": person.email,
            "first_name": typed,
            "last_name": person.last_name,
            "language": "fr",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "first_name" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == before


def test_every_admin_form_field_of_text_is_guarded():
    from django import forms
    from django.test import RequestFactory

    from portal.text import SafeTextValidator

    request = RequestFactory().get("/")
    w = build_world()
    request.user = w.admin
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for db_field in model._meta.get_fields():
            if getattr(db_field, "get_internal_type", lambda: "")() in ("CharField", "TextField"):
                field = model_admin.formfield_for_dbfield(db_field, request)
                # Choices are chosen, not typed; passwords and hidden fields are not shown.
                typed = isinstance(field, forms.CharField) and not isinstance(
                    field.widget, forms.PasswordInput
                )
                if typed and not field.widget.is_hidden:
                    assert any(isinstance(v, SafeTextValidator) for v in field.validators), (
                        model,
                        db_field.name,
                    )
                    checked += 1
    assert checked > 20
