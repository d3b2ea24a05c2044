from unittest import mock

import pytest
from celery import shared_task

from portal import outbox
from portal.celery import app
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db
CALLS: list[int] = []


@shared_task(name="portal.tests.record")
def record(value: int) -> None:
    CALLS.append(value)


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_it_runs_the_task_after_commit_and_marks_the_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(record.name, 7)
        assert CALLS == []  # nothing before the transaction commits
    assert CALLS == [7]
    message.refresh_from_db()
    assert message.enqueued_at is not None


def test_a_broker_outage_keeps_the_message_for_the_sweeper(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(outbox, "tasks_run_in_process", return_value=False),
        mock.patch.object(app, "send_task", side_effect=ConnectionError("redis down")),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox.enqueue(record.name, 8)
        message.refresh_from_db()
        assert message.enqueued_at is None
        assert "redis down" in message.last_error
        assert outbox.sweep() == 0  # still down: nothing lost, nothing marked

    with (
        mock.patch.object(outbox, "tasks_run_in_process", return_value=False),
        mock.patch.object(app, "send_task") as send_task,
    ):
        assert outbox.sweep() == 1  # broker back: published exactly once
        assert outbox.sweep() == 0
    send_task.assert_called_once_with("portal.tests.record", args=[8], eta=None)
    assert OutboxMessage.objects.get(pk=message.pk).enqueued_at is not None


def test_a_delayed_message_reaches_the_broker_with_its_eta(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(outbox, "tasks_run_in_process", return_value=False),
        mock.patch.object(app, "send_task") as send_task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = outbox.enqueue(record.name, 9, countdown=30)
    eta = send_task.call_args.kwargs["eta"]
    assert eta == message.eta
    assert 29 <= (eta - message.created_at).total_seconds() <= 31


def test_a_task_name_no_task_is_registered_as_is_refused_at_once():
    with pytest.raises(outbox.UnknownTask, match=r"roles\.send_invitation'"):
        outbox.enqueue("roles.send_invitation", 1)  # the real one ends in "s"
    with pytest.raises(TypeError):
        outbox.enqueue(record, 1)  # a task object: services name tasks, never import them
    assert not OutboxMessage.objects.exists()


def test_the_start_up_check_knows_every_declared_task_name(settings):
    from portal.checks import check_task_names, declared_task_names

    declared = declared_task_names()
    assert declared["roles.send_invitations"] == "roles.task_names.SEND_INVITATIONS"
    assert declared["enterprises.send_designation_link"].startswith("enterprises.task_names.")
    assert check_task_names() == []
    settings.CELERY_BEAT_SCHEDULE = {"typo": {"task": "roles.expire_dew", "schedule": 60.0}}
    [error] = check_task_names()
    assert error.id == "portal.E001"
    assert "roles.expire_dew" in error.msg
