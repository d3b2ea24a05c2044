"""Every state change of a mandate: the database, its audit event, and the e-mail to both
enterprises' access managers (RAE and co-RAEs), in each one's language."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from enterprises.models import Enterprise, EnterpriseQuality
from mandates import rules, services
from mandates.models import ClientMandate
from mandates.rules import Side
from portal.models import Action, AuditEvent
from portal.refusals import Refusal
from tests.personas import build_chain, mandate_between, run_on_commit

pytestmark = pytest.mark.django_db
State = ClientMandate.State


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def _managers(*chains) -> set[str]:
    return {c.rae.email for c in chains} | {c.co_rae.email for c in chains}


def _propose(client_chain, provider, group, start, end=None, *, by=None, side=Side.MANDATOR):
    actor_chain = client_chain if side is Side.MANDATOR else provider
    other = provider if side is Side.MANDATOR else client_chain
    return services.mandate_propose(
        actor=by or actor_chain.rae,
        enterprise=actor_chain.enterprise,
        side=side,
        other=other.enterprise,
        group=group,
        start_date=start,
        end_date=end,
    )


def test_a_proposal_is_audited_and_told_to_both_sides(
    client_chain, provider, declarations, next_quarter
):
    mail.outbox.clear()
    mandate = run_on_commit(lambda: _propose(client_chain, provider, declarations, next_quarter))
    assert mandate.state == State.PROPOSED
    assert mandate.proposed_by == client_chain.rae
    assert mandate.proposed_by_side == Side.MANDATOR
    assert mandate.expires_at > timezone.now() + timedelta(days=29)
    event = AuditEvent.objects.get(action=Action.MANDATE_PROPOSED)
    assert event.enterprise == client_chain.enterprise
    assert event.details["mandatary"] == provider.enterprise.number
    assert _recipients() == _managers(client_chain, provider)
    assert all(declarations.name in m.subject or "Mandate" in m.subject for m in mail.outbox)


def test_the_mail_speaks_each_recipients_language(
    client_chain, provider, declarations, next_quarter
):
    provider.rae.language = "nl"
    provider.rae.save(update_fields=["language"])
    mail.outbox.clear()
    run_on_commit(lambda: _propose(client_chain, provider, declarations, next_quarter))
    [dutch] = [m for m in mail.outbox if provider.rae.email in m.to]
    assert "Mandaat voorgesteld" in dutch.subject or "Mandaat voorgesteld" in dutch.body


def test_the_other_side_validates_and_both_are_told(
    client_chain, provider, declarations, next_quarter
):
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    mail.outbox.clear()
    mandate = run_on_commit(
        lambda: services.mandate_validate(
            actor=provider.co_rae, mandate=mandate, enterprise=provider.enterprise
        )
    )
    assert mandate.state == State.ACTIVE
    assert mandate.answered_by == provider.co_rae and mandate.answered_at
    assert (
        AuditEvent.objects.filter(
            action=Action.MANDATE_VALIDATED, target_id=str(mandate.pk)
        ).count()
        == 1
    )
    assert _recipients() == _managers(client_chain, provider)


def test_the_proposing_side_cannot_validate_its_own_proposal(
    client_chain, provider, declarations, next_quarter
):
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    for actor in (client_chain.rae, client_chain.co_rae):
        with pytest.raises(Refusal):
            services.mandate_validate(
                actor=actor, mandate=mandate, enterprise=client_chain.enterprise
            )
    # Nor from the other enterprise's side by the same person (an RAE of both).
    with pytest.raises(Refusal):
        services.mandate_validate(
            actor=client_chain.rae, mandate=mandate, enterprise=provider.enterprise
        )
    assert ClientMandate.objects.get(pk=mandate.pk).state == State.PROPOSED


def test_a_provider_may_propose_and_the_client_validates(
    client_chain, provider, declarations, next_quarter
):
    mandate = _propose(client_chain, provider, declarations, next_quarter, side=Side.MANDATARY)
    assert mandate.mandator == client_chain.enterprise and mandate.mandatary == provider.enterprise
    with pytest.raises(Refusal):
        services.mandate_validate(
            actor=provider.rae, mandate=mandate, enterprise=provider.enterprise
        )
    services.mandate_validate(
        actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
    )
    assert ClientMandate.objects.get(pk=mandate.pk).state == State.ACTIVE


def test_refusal_by_the_other_side(client_chain, provider, declarations, next_quarter):
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    mail.outbox.clear()
    run_on_commit(
        lambda: services.mandate_refuse(
            actor=provider.rae, mandate=mandate, enterprise=provider.enterprise
        )
    )
    mandate.refresh_from_db()
    assert mandate.state == State.REFUSED and mandate.answered_by == provider.rae
    assert AuditEvent.objects.filter(action=Action.MANDATE_REFUSED).count() == 1
    assert _recipients() == _managers(client_chain, provider)
    with pytest.raises(Refusal):  # answered: a second answer changes nothing
        services.mandate_validate(
            actor=provider.rae, mandate=mandate, enterprise=provider.enterprise
        )


@pytest.mark.parametrize("side", ["client", "provider"])
def test_either_side_ends_an_active_mandate_at_once(
    client_chain, provider, declarations, next_quarter, side
):
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(date.today()),
    )
    assert ClientMandate.objects.in_effect().filter(pk=mandate.pk).exists()
    ender = client_chain if side == "client" else provider
    mail.outbox.clear()
    run_on_commit(
        lambda: services.mandate_end(
            actor=ender.co_rae, mandate=mandate, enterprise=ender.enterprise
        )
    )
    mandate.refresh_from_db()
    assert mandate.state == State.ENDED and mandate.ended_by == ender.co_rae
    assert not ClientMandate.objects.in_effect().filter(pk=mandate.pk).exists()
    assert _recipients() == _managers(client_chain, provider)
    with pytest.raises(Refusal):
        services.mandate_end(actor=ender.rae, mandate=mandate, enterprise=ender.enterprise)


def test_only_access_managers_act(client_chain, provider, declarations, next_quarter):
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    for outsider in (provider.gl, provider.co_gl, provider.lr, provider.user):
        with pytest.raises(Refusal):
            services.mandate_validate(
                actor=outsider, mandate=mandate, enterprise=provider.enterprise
            )
    with pytest.raises(Refusal):
        _propose(client_chain, provider, declarations, next_quarter, by=client_chain.gl)
    assert ClientMandate.objects.count() == 1


# --- The rules ---------------------------------------------------------------------------------


def test_quarterly_groups_start_and_end_on_quarter_boundaries(
    client_chain, provider, declarations, next_quarter
):
    with pytest.raises(Refusal) as start:
        _propose(client_chain, provider, declarations, next_quarter + timedelta(days=1))
    assert start.value.code == "quarter_start"
    with pytest.raises(Refusal) as end:
        _propose(
            client_chain, provider, declarations, next_quarter, next_quarter + timedelta(days=40)
        )
    assert end.value.code == "quarter_end"
    good = _propose(
        client_chain, provider, declarations, next_quarter, rules.quarter_end(next_quarter)
    )
    assert good.end_date == rules.quarter_end(next_quarter)


def test_a_non_quarterly_group_takes_any_day(client_chain, provider, ebox):
    start = date.today() + timedelta(days=3)
    mandate = _propose(client_chain, provider, ebox, start, start + timedelta(days=10))
    assert mandate.state == State.PROPOSED


@pytest.mark.parametrize(
    "start,end,code",
    [
        (date.today() + timedelta(days=10), date.today() + timedelta(days=5), "dates_order"),
        (date.today() - timedelta(days=30), date.today() - timedelta(days=2), "end_past"),
    ],
)
def test_wrong_dates_are_refused(client_chain, provider, ebox, start, end, code):
    with pytest.raises(Refusal) as refused:
        _propose(client_chain, provider, ebox, start, end)
    assert refused.value.code == code
    assert not ClientMandate.objects.exists()


def test_the_quarter_helpers():
    assert rules.quarter_start(date(2027, 5, 17)) == date(2027, 4, 1)
    assert rules.quarter_end(date(2027, 5, 17)) == date(2027, 6, 30)
    assert rules.quarter_end(date(2027, 12, 1)) == date(2027, 12, 31)
    assert rules.next_quarter_start(date(2027, 12, 1)) == date(2028, 1, 1)
    assert rules.is_quarter_start(date(2027, 7, 1)) and not rules.is_quarter_start(date(2027, 7, 2))
    assert rules.is_quarter_end(date(2027, 9, 30)) and not rules.is_quarter_end(date(2027, 9, 29))


def test_an_enterprise_cannot_mandate_itself(provider, declarations, next_quarter):
    with pytest.raises(Refusal) as refused:
        services.mandate_propose(
            actor=provider.rae,
            enterprise=provider.enterprise,
            side=Side.MANDATOR,
            other=provider.enterprise,
            group=declarations,
            start_date=next_quarter,
        )
    assert refused.value.code == "itself"


def test_the_mandatary_needs_an_activated_quality_of_the_group(
    client_chain, declarations, next_quarter
):
    plain = build_chain(name="No Secretariat")  # only the employer quality
    with pytest.raises(Refusal) as refused:
        _propose(client_chain, plain, declarations, next_quarter)
    assert refused.value.code == "quality_missing"


def test_a_deactivated_quality_no_longer_counts(client_chain, provider, declarations, next_quarter):
    EnterpriseQuality.objects.filter(pk=provider.secretariat.pk).update(status="inactive")
    with pytest.raises(Refusal) as refused:
        _propose(client_chain, provider, declarations, next_quarter)
    assert refused.value.code == "quality_missing"


def test_both_enterprises_active_and_registered(client_chain, provider, declarations, next_quarter):
    from enterprises.tests.factories import EnterpriseFactory

    unregistered = EnterpriseFactory()
    with pytest.raises(Refusal) as refused:
        services.mandate_propose(
            actor=provider.rae,
            enterprise=provider.enterprise,
            side=Side.MANDATARY,
            other=unregistered,
            group=declarations,
            start_date=next_quarter,
        )
    assert refused.value.code == "not_registered"
    Enterprise.objects.filter(pk=client_chain.enterprise.pk).update(
        status=Enterprise.Status.STOPPED
    )
    client_chain.enterprise.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        _propose(client_chain, provider, declarations, next_quarter, by=client_chain.rae)
    assert refused.value.code == "inactive"


def test_an_overlapping_proposal_is_refused_naming_the_provider(
    client_chain, provider, other_provider, declarations, next_quarter
):
    mandate_between(
        client_chain, provider, group="social-security-declarations", start=next_quarter
    )
    with pytest.raises(Refusal) as refused:
        _propose(client_chain, other_provider, declarations, rules.next_quarter_start(next_quarter))
    assert refused.value.code == "overlap"
    message = " ".join(refused.value.messages)
    assert provider.enterprise.name in message and provider.enterprise.number_display in message


def test_an_overlapping_validation_is_refused(
    client_chain, provider, other_provider, declarations, next_quarter
):
    first = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    second = mandate_between(
        client_chain,
        other_provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    services.mandate_validate(actor=provider.rae, mandate=first, enterprise=provider.enterprise)
    with pytest.raises(Refusal) as refused:
        services.mandate_validate(
            actor=other_provider.rae, mandate=second, enterprise=other_provider.enterprise
        )
    assert refused.value.code == "overlap"
    assert ClientMandate.objects.get(pk=second.pk).state == State.PROPOSED


def test_periods_that_only_touch_do_not_overlap(
    client_chain, provider, other_provider, declarations, next_quarter
):
    end = rules.quarter_end(next_quarter)
    mandate_between(
        client_chain, provider, group="social-security-declarations", start=next_quarter, end=end
    )
    later = mandate_between(
        client_chain,
        other_provider,
        group="social-security-declarations",
        start=end + timedelta(days=1),
    )
    assert later.state == State.ACTIVE


def test_another_group_does_not_overlap(client_chain, provider, other_provider, next_quarter):
    mandate_between(
        client_chain, provider, group="social-security-declarations", start=next_quarter
    )
    assert (
        mandate_between(client_chain, other_provider, group="ebox", start=next_quarter).state
        == State.ACTIVE
    )


# --- Transfer ----------------------------------------------------------------------------------


def test_a_transfer_ends_the_old_mandate_the_day_before_the_new_one(
    client_chain, provider, other_provider, declarations
):
    current = rules.quarter_start(date.today())
    old = mandate_between(
        client_chain, provider, group="social-security-declarations", start=current
    )
    boundary = rules.next_quarter_start(date.today())
    mail.outbox.clear()
    proposal = run_on_commit(
        lambda: services.mandate_transfer(
            actor=client_chain.rae,
            mandate=old,
            enterprise=client_chain.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=boundary,
        )
    )
    assert proposal.state == State.PROPOSED and proposal.transfer_of == old
    assert ClientMandate.objects.get(pk=old.pk).state == State.ACTIVE  # until validated
    assert AuditEvent.objects.filter(action=Action.MANDATE_TRANSFER_PROPOSED).count() == 1
    assert _recipients() == _managers(client_chain, other_provider)

    mail.outbox.clear()
    run_on_commit(
        lambda: services.mandate_validate(
            actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
        )
    )
    old.refresh_from_db()
    proposal.refresh_from_db()
    assert old.state == State.TRANSFERRED
    assert old.end_date == boundary - timedelta(days=1)
    assert proposal.state == State.ACTIVE and proposal.start_date == boundary
    # No gap, no overlap: each day is held by exactly one provider.
    for day in (boundary - timedelta(days=1), boundary, boundary + timedelta(days=1)):
        holders = ClientMandate.objects.in_effect(day).filter(mandator=client_chain.enterprise)
        assert holders.count() == 1, day
    assert (
        ClientMandate.objects.in_effect(boundary - timedelta(days=1))
        .get(mandator=client_chain.enterprise)
        .mandatary
        == provider.enterprise
    )
    assert (
        ClientMandate.objects.in_effect(boundary).get(mandator=client_chain.enterprise).mandatary
        == other_provider.enterprise
    )
    assert (
        AuditEvent.objects.filter(action=Action.MANDATE_TRANSFERRED, target_id=str(old.pk)).count()
        == 1
    )
    assert _recipients() == _managers(client_chain, provider, other_provider)


def test_a_transfer_is_the_mandators_and_starts_on_a_quarter(
    client_chain, provider, other_provider
):
    current = rules.quarter_start(date.today())
    old = mandate_between(
        client_chain, provider, group="social-security-declarations", start=current
    )
    boundary = rules.next_quarter_start(date.today())
    with pytest.raises(Refusal):
        services.mandate_transfer(
            actor=provider.rae,
            mandate=old,
            enterprise=provider.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=boundary,
        )
    with pytest.raises(Refusal) as refused:
        services.mandate_transfer(
            actor=client_chain.rae,
            mandate=old,
            enterprise=client_chain.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=boundary + timedelta(days=1),
        )
    assert refused.value.code == "quarter_start"
    with pytest.raises(Refusal) as refused:
        services.mandate_transfer(
            actor=client_chain.rae,
            mandate=old,
            enterprise=client_chain.enterprise,
            new_mandatary=provider.enterprise,
            start_date=boundary,
        )
    assert refused.value.code == "same_provider"
    assert ClientMandate.objects.count() == 1


def test_a_transfer_of_a_mandate_ended_meanwhile_is_refused(client_chain, provider, other_provider):
    old = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(date.today()),
    )
    proposal = services.mandate_transfer(
        actor=client_chain.rae,
        mandate=old,
        enterprise=client_chain.enterprise,
        new_mandatary=other_provider.enterprise,
        start_date=rules.next_quarter_start(date.today()),
    )
    services.mandate_end(actor=provider.rae, mandate=old, enterprise=provider.enterprise)
    with pytest.raises(Refusal) as refused:
        services.mandate_validate(
            actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
        )
    assert refused.value.code == "transfer_of_inactive"


# --- Expiry ----------------------------------------------------------------------------------


def test_unanswered_proposals_expire_by_beat(
    client_chain, provider, declarations, next_quarter, settings
):
    from mandates import tasks

    assert (
        settings.CELERY_BEAT_SCHEDULE["mandates-expire-proposals"]["task"]
        == tasks.expire_proposals.name
    )
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    assert services.proposals_expire(now=timezone.now() + timedelta(days=29)) == 0
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=settings.MANDATE_PROPOSAL_DAYS, minutes=1)
    assert run_on_commit(lambda: services.proposals_expire(now=later)) == 1
    mandate.refresh_from_db()
    assert mandate.state == State.EXPIRED
    assert AuditEvent.objects.get(action=Action.MANDATE_EXPIRED).actor is None
    assert _recipients() == _managers(client_chain, provider)
    assert services.proposals_expire(now=later) == 0  # idempotent


def test_the_beat_task_expires_what_is_due(client_chain, provider, declarations, next_quarter):
    from mandates import tasks

    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=next_quarter,
        active=False,
    )
    ClientMandate.objects.filter(pk=mandate.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.expire_proposals.apply().get() == 1
    assert ClientMandate.objects.get(pk=mandate.pk).state == State.EXPIRED


def test_the_proposal_days_are_a_setting(
    client_chain, provider, declarations, next_quarter, settings
):
    settings.MANDATE_PROPOSAL_DAYS = 5
    mandate = _propose(client_chain, provider, declarations, next_quarter)
    assert mandate.expires_at < timezone.now() + timedelta(days=5, minutes=1)


# --- The selector the applications' side uses ----------------------------------------------------


def test_in_effect_for(client_chain, provider, declarations):
    from mandates.selectors import in_effect_for
    from roles.models import Application

    start = rules.quarter_start(date.today())
    mandate = mandate_between(
        client_chain, provider, group="social-security-declarations", start=start
    )
    dimona = Application.objects.get(code="dimona")
    ebox_app = Application.objects.get(code="ebox-enterprise")
    assert list(
        in_effect_for(
            mandatary=provider.enterprise, mandator=client_chain.enterprise, application=dimona
        )
    ) == [mandate]
    assert not in_effect_for(mandatary=provider.enterprise, application=ebox_app).exists()
    assert not in_effect_for(mandatary=provider.enterprise, on=start - timedelta(days=1)).exists()
    Enterprise.objects.filter(pk=client_chain.enterprise.pk).update(
        status=Enterprise.Status.STOPPED
    )
    assert not in_effect_for(mandatary=provider.enterprise).exists()
