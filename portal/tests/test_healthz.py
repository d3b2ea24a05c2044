import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_answers_200_with_the_state_of_each_dependency(client, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "none (tasks run in-process)",
    }


def test_it_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_it_answers_503_when_the_database_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = None

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.skipif("not __import__('os').environ.get('REDIS_URL')", reason="needs REDIS_URL")
def test_it_sees_the_real_broker(client, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/healthz").json()["broker"] == "ok"
