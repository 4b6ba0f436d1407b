"""Turns the text pieces of local engines into events: text deltas, stop strings, tool calls.

llama.cpp and transformers both produce text one token at a time; this keeps their event
logic identical. A call is buffered and parsed once complete, so the streamed call is by
construction the one parsing the whole reply gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from inference.base import ChatRequest, Event, FinishReason, TextDelta, ToolCallError
from inference.tools import ToolCallFormat, parse_call

Mode = Literal["undecided", "text", "call"]


class ReplyAssembler:
    """Feed text pieces; read events. `stopped` turns true when a stop string matched."""

    def __init__(self, req: ChatRequest, fmt: ToolCallFormat, stop: Sequence[str] = ()) -> None:
        self._req = req
        self._fmt = fmt
        self._stops = [s for s in (*req.stop, *stop) if s]
        self._pending = ""
        self._call = ""
        self.stopped = False
        self.mode: Mode = "call" if req.must_call else ("undecided" if req.active_tools else "text")

    def feed(self, piece: str) -> list[Event]:
        if self.stopped or not piece:
            return []
        if self.mode == "undecided":
            stripped = (self._pending + piece).lstrip()
            if not stripped:
                self._pending += piece
                return []
            self.mode = "call" if stripped.startswith(self._fmt.opener) else "text"
            piece, self._pending = self._pending + piece, ""
        if self.mode == "call":
            self._call += piece
            return []
        return self._text(piece)

    def _text(self, piece: str) -> list[Event]:
        pending = self._pending + piece
        hits = [i for i in (pending.find(s) for s in self._stops) if i >= 0]
        if hits:
            self.stopped = True
            self._pending = ""
            return [TextDelta(pending[: min(hits)])] if min(hits) else []
        hold = max(
            (n for s in self._stops for n in range(1, len(s)) if pending.endswith(s[:n])),
            default=0,
        )
        emit, self._pending = pending[: len(pending) - hold], pending[len(pending) - hold :]
        return [TextDelta(emit)] if emit else []

    def finish(self, reason: FinishReason) -> tuple[list[Event], FinishReason]:
        """Flush what is held; parse the call. A call cut off by max_tokens is an error."""
        if self.mode != "call":
            tail: list[Event] = (
                [] if self.stopped or not self._pending else [TextDelta(self._pending)]
            )
            self._pending = ""
            return tail, "stop" if self.stopped else reason
        if not self._call.strip():
            if self._req.must_call:
                raise ToolCallError("the model produced no tool call")
            return [], reason
        try:
            call = parse_call(self._call, self._req.active_tools, self._fmt)
        except ToolCallError as exc:
            if reason == "length":
                raise ToolCallError(f"the tool call was cut off by max_tokens: {exc}") from exc
            raise
        return [call], "tool_calls"
