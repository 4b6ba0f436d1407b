"""How long a log call blocks its caller while the scrubber is slow (target: well under 1 ms).

The scrubber runs on the pipeline's own thread, so a log call only formats and enqueues; this
measures that with a scrubber that takes --scrub-ms per record (the unit tests only check that
the call returns before scrubbing, never how fast).
Run: .venv/bin/python benchmarks/logging/log_call.py [--calls 2000] [--scrub-ms 5]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import time

from assistant.privacy.logging import configure_logging


class SlowScrubber:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def load(self) -> None:
        return None

    def scrub(self, text: str) -> str:
        time.sleep(self.seconds)
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--scrub-ms", type=float, default=5.0)
    args = parser.parse_args()
    handle = configure_logging(
        "INFO", "json", stream=io.StringIO(), scrubber=SlowScrubber(args.scrub_ms / 1000)
    )
    log = logging.getLogger("bench")
    took = []
    try:
        for i in range(args.calls):
            started = time.perf_counter()
            log.info("record %d for Jane Doe 617-555-0142", i)
            took.append((time.perf_counter() - started) * 1000)
    finally:
        handle.close()
    took.sort()
    p99 = took[int(len(took) * 0.99) - 1]
    print(
        f"log call: p50 {statistics.median(took):.3f} ms, p99 {p99:.3f} ms, max {took[-1]:.3f} ms"
        f" over {args.calls} calls (scrubber {args.scrub_ms} ms/record)"
    )


if __name__ == "__main__":
    main()
