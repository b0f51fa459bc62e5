"""Thin tasks of the partner API: one webhook delivery, and the sweep of what is left undelivered."""

from celery import shared_task

from bookings.notifications import notifications_requeue

from .webhooks import WEBHOOK, webhook_deliver

# Network errors and non-2xx answers (OSErrors) retry with exponential backoff (30 s, 1 min, 2 min…
# at most 10 min, jittered); past max_retries the sweep goes on, backing off further (api.webhooks).
DELIVERY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "time_limit": 60,
    "soft_time_limit": 50,
}


@shared_task(**DELIVERY)
def deliver_webhook(delivery_id: int) -> int:
    return webhook_deliver(delivery_id)


@shared_task(time_limit=300, soft_time_limit=280)
def sweep_webhooks() -> int:
    return notifications_requeue(WEBHOOK)
