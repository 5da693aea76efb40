"""Adapters to the upstreams (Argilla, the Hub): each reads raw frames and raises `SourceError`."""
