"""Tidy frames and what is computed from them: pure pandas, no I/O."""
