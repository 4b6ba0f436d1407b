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
        self._stops = [_StopMatcher(s) for s in dict.fromkeys((*req.stop, *stop)) if s]
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
        """Emit what can no longer start a stop string; hold the rest. Each character advances
        every stop's matcher once (amortised), so a stop string of length L costs O(1) per
        character rather than O(L^2) per token."""
        for at, char in enumerate(piece):
            done = [len(m.stop) for m in self._stops if m.step(char)]
            if done:  # the longest of the stops ending here starts first
                self.stopped = True
                text = self._pending + piece[: at + 1]
                self._pending = ""
                kept = text[: len(text) - max(done)]
                return [TextDelta(kept)] if kept else []
        pending = self._pending + piece
        hold = max((m.state for m in self._stops), default=0)
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


class _StopMatcher:
    """Knuth-Morris-Pratt over a stream: `state` is the length of the longest prefix of the
    stop string that the text fed so far ends with."""

    def __init__(self, stop: str) -> None:
        self.stop = stop
        self.state = 0
        self._fail = [0] * len(stop)
        k = 0
        for i in range(1, len(stop)):
            while k and stop[i] != stop[k]:
                k = self._fail[k - 1]
            if stop[i] == stop[k]:
                k += 1
            self._fail[i] = k

    def step(self, char: str) -> bool:
        """Feed one character; True when the stop string has just been completed."""
        k = self.state
        while k and char != self.stop[k]:
            k = self._fail[k - 1]
        if char == self.stop[k]:
            k += 1
        self.state = k
        return k == len(self.stop)
