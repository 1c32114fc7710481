"""Wall time per phase of a long operation: what the import benchmarks print to find where time goes."""

import time


class PhaseClock:
    """Seconds per named phase, in the order first reached; ``lap(name)`` closes the phase just run.

    A phase lapped twice adds up (a loop's iterations, say), so the figures always sum to the total.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.monotonic()

    def lap(self, phase: str) -> None:
        now = time.monotonic()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now
