"""People's choices of how they appear, as every render reads them: the current `Appearance`
(looked up again only when the store's stamp changes, one stat or one small Redis read), and the
recording of a choice from any process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from data.model.appearance import CHOICES, Appearance, Choice
from data.state.appearance import ChoiceStore
from data.times import utc_now

log = logging.getLogger(__name__)


class AppearanceFeed:
    def __init__(self, store: ChoiceStore, key: bytes):
        self.store, self.key = store, key
        self._lock = threading.Lock()
        self._stamp: object = object()  # never a real stamp: the first call reads
        self._current = Appearance(key=key)

    def current(self) -> Appearance:
        """Everyone's choices as last recorded (the last good ones if the store cannot be read)."""
        try:
            stamp = self.store.stamp()
            if stamp != self._stamp:
                with self._lock:
                    self._current, self._stamp = Appearance(self.store.read(), self.key), stamp
        except Exception as error:  # Redis away: the choices known keep applying
            log.warning("appearance choices unreadable (%s): the last ones known apply", type(error).__name__)
        return self._current

    def choose(self, username: str, choice: str) -> bool:
        """Record `username`'s choice; False if it could not be kept (nothing changed then)."""
        if choice not in CHOICES:
            raise ValueError(f"a choice is one of {', '.join(CHOICES)}")
        try:
            self.store.put({username: Choice(choice, utc_now())})
        except Exception as error:
            log.warning("a choice of appearance could not be recorded (%s)", type(error).__name__)
            return False
        return True

    def recorded(self) -> dict[str, Choice]:
        """Every choice recorded, for the state repo."""
        return self.store.read()

    def adopt(self, choices: Mapping[str, Choice]) -> None:
        """Choices restored from elsewhere (the state repo): each person's latest wins."""
        if choices:
            self.store.put(choices)
