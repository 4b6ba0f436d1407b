"""Abuse sizes benchmark: how long the largest accepted input of each kind takes, and how fast
/healthz answers while it runs (the tests only check that one byte more is refused).

Runs against a running server (`make run`, or `assistant serve`) with an API token of an
owner or practitioner; it creates one contact and one note of its own. For each input kind it
sends the largest request the documented limits accept, `--repeat` times in a row, while
another client asks /healthz every 10 ms. Writes abuse.json and abuse.md into --out.
Run: .venv/bin/python benchmarks/abuse/run.py --url http://127.0.0.1:8000 --token TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from assistant.settings import ApiSettings

HERE = Path(__file__).parent
Request = Callable[[httpx.AsyncClient], Any]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def cases(contact_id: int, api: ApiSettings) -> dict[str, Request]:
    """Kind -> the largest request of that kind the limits accept."""
    pad = api.max_body_bytes - 64
    body = b'{"query": "a"' + b" " * pad + b"}"
    messages = [{"role": "user", "content": "x" * (api.max_chars // api.max_messages - 1)}]
    return {
        "request body (ASSISTANT_API_MAX_BODY_BYTES)": lambda c: c.post(
            "/api/rpc/contacts.search", content=body,
            headers={"Content-Type": "application/json"},
        ),
        "note body (10,000 characters)": lambda c: c.post(
            "/api/rpc/notes.add", json={"contact_id": contact_id, "body": "n" * 10_000}
        ),
        "contact fields (every field at its maximum)": lambda c: c.post(
            "/api/rpc/contacts.update",
            json={"contact_id": contact_id, "first_name": "F" * 100, "last_name": "L" * 100,
                  "address": "a" * 500},
        ),
        "page of contacts (limit 200)": lambda c: c.post(
            "/api/rpc/contacts.search", json={"limit": 200}
        ),
        "chat message (10,000 characters)": lambda c: c.post(
            "/api/chat", json={"message": "hello " * 1666}
        ),
        "/v1 messages (ASSISTANT_API_MAX_MESSAGES x content)": lambda c: c.post(
            "/v1/chat/completions",
            json={"model": "assistant", "max_tokens": 1,
                  "messages": messages * api.max_messages},
        ),
    }  # fmt: skip


async def heartbeat(client: httpx.AsyncClient, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await client.get("/healthz")
        out.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.01)


async def measure(url: str, token: str, repeat: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as client,
        httpx.AsyncClient(base_url=url, timeout=30) as health,
    ):
        made = await client.post(
            "/api/rpc/contacts.create", json={"first_name": "Bench", "last_name": "Abuse"}
        )
        made.raise_for_status()
        results = {}
        for kind, send in cases(made.json()["id"], ApiSettings()).items():
            beats: list[float] = []
            stop = asyncio.Event()
            beating = asyncio.create_task(heartbeat(health, stop, beats))
            took, statuses = [], []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = await send(client)
                await response.aread()
                took.append((time.perf_counter() - t0) * 1000)
                statuses.append(response.status_code)
            stop.set()
            await beating
            results[kind] = {
                "status": sorted(set(statuses)),
                "p50_ms": round(percentile(took, 0.5), 1),
                "max_ms": round(max(took), 1),
                "healthz_p50_ms": round(percentile(beats, 0.5), 1),
                "healthz_p99_ms": round(percentile(beats, 0.99), 1),
                "healthz_samples": len(beats),
            }
    return {"url": url, "repeat": repeat, "machine": platform.platform(), "results": results}


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Abuse sizes: the largest accepted inputs",
        "",
        f"{report['repeat']} requests per kind against {report['url']} ({report['machine']}).",
        "",
        "| input | status | p50 ms | max ms | /healthz p50 ms | /healthz p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for kind, r in report["results"].items():
        status = "/".join(str(s) for s in r["status"])
        lines.append(
            f"| {kind} | {status} | {r['p50_ms']} | {r['max_ms']} | {r['healthz_p50_ms']} "
            f"| {r['healthz_p99_ms']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="an owner's or practitioner's API token")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    report = asyncio.run(measure(args.url, args.token, args.repeat))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abuse.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "abuse.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
