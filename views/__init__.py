"""The page scripts: each composes components for one page (declared in components/navigation.py)."""
