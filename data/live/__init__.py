"""How the campaign stays current: Argilla webhooks (the subscription, the inbox of deliveries, the
batches applied as they state), polling otherwise."""
