"""The registered names of the portal's own Celery tasks (beat's housekeeping), declared once."""

OUTBOX_SWEEP = "portal.outbox_sweep"
PRUNE_LEDGERS = "portal.prune_ledgers"
PING = "portal.ping"
