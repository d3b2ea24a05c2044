"""The registered names of the designation chain's Celery tasks, declared once.

`enterprises/services.py` enqueues by these names and never imports `enterprises.tasks`
(which imports the services): see `roles/task_names.py`.
"""

SEND_DESIGNATION_LINK = "enterprises.send_designation_link"
EXPIRE_DESIGNATION_LINKS = "enterprises.expire_designation_links"
NOTIFY_RAE_REPLACED = "enterprises.notify_rae_replaced"
NOTIFY_REGISTRY_STOPPED = "enterprises.notify_registry_stopped"
