"""The data layer: no Streamlit here. Arrows point one way (checked by import-linter, see pyproject.toml):

    feeds  ->  live | state  ->  sources  ->  model

`model` is pure pandas (tidy frames, aggregates, exports); `sources` read Argilla and the Hub;
`live` keeps the campaign current (webhooks, polling); `state` keeps what was read (snapshots, the
Hub repo, the demo); `feeds` run it all per process. `config`, `errors`, `times` and `text` are
shared by every layer.
"""
