"""The app's own HTTP routes, on the dashboard's port beside Streamlit's pages: each path declared
once, for what serves it (app.py, server/), what links to it (components/, data/live/) and nginx's
configuration (scripts/serve.py)."""

WEBHOOKS = "/webhooks/argilla"  # POST: Argilla's deliveries (server/webhooks.py), sent to the writer
CHANGES = "/_tablero/changes"  # GET: has what an open page shows changed? (server/changes.py)
CARD = "/_tablero/card.png"  # GET: a shared link's picture card (server/previews.py)
MAPS = "/_tablero/maps/"  # GET MAPS + name: the map shapes, from assets/maps (server/maps.py)
STARTING = "/_tablero/starting.html"  # nginx's page while no worker answers (scripts/serve.py)
API = "/api/v1"  # GET: the read-only API (server/api/), its OpenAPI document at API + "/openapi.json"
HEALTH = "/_tablero/health"  # GET: liveness and readiness, for the Space and uptime monitors (server/health.py)
CAMPAIGNS = "/c/"  # CAMPAIGNS + slug + any path above: that campaign's (server/campaign_paths.py)
CAMPAIGN_HEADER = "x-tablero-campaign"  # the slug of such a request, as the app behind it reads it
