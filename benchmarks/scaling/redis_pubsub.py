"""Redis pub/sub as the event bus uses it: one connection per open event stream, each
subscribed to its user's channel, and event ids published one by one.

Opens --streams subscriber connections (one channel each, as `EventBus.subscribe` does),
publishes --events ids spread over the channels from one client, and reports publishes/s
and deliveries/s until the last id arrives, and the publish-to-delivery latency.
Run: .venv/bin/python benchmarks/scaling/redis_pubsub.py --redis-url redis://127.0.0.1:6379/0
       [--streams 1 100 1000] [--events 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

from redis.asyncio import Redis


async def run(url: str, streams: int, events: int) -> tuple[float, float, float, float]:
    redis: Redis = Redis.from_url(url)
    prefix = f"bench:pubsub:{uuid.uuid4().hex[:8]}:"
    latencies: list[float] = []
    done = asyncio.Event()
    per_channel = events // streams

    async def subscriber(n: int, ready: asyncio.Event) -> None:
        pubsub = redis.pubsub()
        await pubsub.subscribe(f"{prefix}{n}")
        ready.set()
        got = 0
        try:
            while got < per_channel:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30)
                if message is None:
                    continue
                latencies.append(time.perf_counter() - float(message["data"]))
                got += 1
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
        if len(latencies) >= per_channel * streams:
            done.set()

    readies = [asyncio.Event() for _ in range(streams)]
    tasks = [asyncio.create_task(subscriber(n, readies[n])) for n in range(streams)]
    await asyncio.gather(*(r.wait() for r in readies))
    started = time.perf_counter()
    for i in range(per_channel * streams):
        await redis.publish(f"{prefix}{i % streams}", repr(time.perf_counter()))
    published = time.perf_counter() - started
    await asyncio.wait_for(done.wait(), timeout=120)
    delivered = time.perf_counter() - started
    await asyncio.gather(*tasks)
    await redis.aclose()
    ms = sorted(x * 1000 for x in latencies)
    total = per_channel * streams
    p99 = ms[int(0.99 * (len(ms) - 1))]
    return total / published, total / delivered, statistics.median(ms), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    print("streams  publishes/s  deliveries/s  p50 ms  p99 ms")
    for streams in args.streams:
        pub, delivered, p50, p99 = asyncio.run(run(args.redis_url, streams, args.events))
        print(f"{streams:7d}  {pub:11.0f}  {delivered:12.0f}  {p50:6.1f}  {p99:6.1f}")


if __name__ == "__main__":
    main()
