import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.tests.factories import UserFactory
from portal.audit import Action, audit
from portal.models import AppendOnlyError, AuditEvent
from portal.request_context import reset_ip, set_ip

pytestmark = pytest.mark.django_db


def test_it_records_actor_action_target_details_and_ip():
    actor = UserFactory(first_name="Anne", last_name="Martin")
    token = set_ip("192.0.2.7")
    try:
        event = audit(
            actor=actor, action=Action.ACCOUNT_UPDATED, target=actor, details={"why": "test"}
        )
    finally:
        reset_ip(token)
    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_label == f"Anne Martin <{actor.email}>"
    assert event.action == "account.updated"
    assert event.target_type == "accounts.user"
    assert event.target_id == str(actor.pk)
    assert event.details == {"why": "test"}
    assert event.ip_address == "192.0.2.7"


def test_it_refuses_changes_through_the_orm():
    event = audit(actor=None, action=Action.ACCOUNT_UPDATED)
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "account.updated"


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the database triggers exist on PostgreSQL"
)
def test_the_database_refuses_raw_updates_and_deletes():
    event = audit(actor=None, action=Action.ACCOUNT_UPDATED)
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "account.updated"


def test_it_is_written_in_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit(actor=None, action=Action.CBE_IMPORT)
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="cbe.import").exists()


def test_the_admin_shows_it_read_only(admin_client):
    event = audit(actor=None, action=Action.CBE_IMPORT)
    assert admin_client.get("/admin/portal/auditevent/").status_code == 200
    page = admin_client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    assert admin_client.post(f"/admin/portal/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/portal/auditevent/add/").status_code == 403
