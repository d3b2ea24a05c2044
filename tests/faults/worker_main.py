"""`celery -A portal worker` with a short Redis visibility timeout, for the test where the
whole worker is SIGKILLed: its unacknowledged message is given to the next worker only once
that timeout has passed (600 s in production, a few seconds here).

Usage: python -m tests.faults.worker_main <celery worker arguments...>
"""

import os
import sys

from portal.celery import app

timeout = int(os.environ["FAULTS_VISIBILITY_TIMEOUT"])
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": timeout,
    "unacked_restore_interval": 1,
}
app.worker_main(["worker", *sys.argv[1:]])
