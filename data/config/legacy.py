"""Names that the board's first deployment wrote into things that outlive a release, kept byte for
byte: the labels keys were derived with (a new label would void every certificate signed with the
Argilla key's key and sign everyone out), the marker of the state repo's manifest (a repo written
before must still be read) and the description of the webhooks it made (found and renamed, not
duplicated). They name that deployment and are never shown; everything the board shows of whose it
is comes from `[site]` (data/config/campaign.py). This is the one file that may name it
(tests/test_site.py)."""

CERTIFICATE_KEY_LABEL = b"tablero-somos600m certificates"
COOKIE_KEY_LABEL = b"tablero-somos600m cookies"
STATE_REPO_MARKER = "tablero-somos600m"
WEBHOOK_DESCRIPTION = "Tablero #Somos600M: keeps its ranking live (created and managed by the dashboard)"
