"""Declare a procedure once; the HTTP route, LLM tool, NLU label and policy all come from it.

`@procedure(...)` marks a handler with its declaration and registers nothing: registries are
composed at the root (assistant/compose.py), so the app, the worker, the CLI and a test's
temporary registry are built by one function and no module holds a registry of its own.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from assistant.db.models import Role
from assistant.procedures.command import Command
from assistant.procedures.undo import Undo

if TYPE_CHECKING:
    from assistant.procedures.context import CallContext

Risk = Literal["low", "medium", "high", "critical"]
PolicyLevel = Literal["auto", "confirm", "approve"]
"""Runs at once; waits for its requester's click; waits for a second person's approval."""
ALL_STAFF = frozenset(Role)
APPROVERS = frozenset({Role.owner, Role.practitioner})

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)
Handler = Callable[["CallContext", Any], Awaitable[BaseModel]]
# Which records a call targets, as (table name, id) pairs; an approval binds to their versions.
Targets = Callable[[Any], list[tuple[str, int]]]
# A one-line, human summary of a call for approvers, given the target rows as they are now.
Describe = Callable[[Any, dict[tuple[str, int], Any]], str]
# What a call will touch, with names: {"counts": {type: n}, "records": [{type, id, name}], ...}.
ImpactOf = Callable[[Any, Any, dict[tuple[str, int], Any]], Awaitable[dict[str, Any]]]
# The values an approver starts editing from: the call's fields, or what they stand for.
EditValues = Callable[[Any, dict[tuple[str, int], Any]], dict[str, Any]]
# Raises a typed error when a call may not be requested as its targets stand (checked before
# an approval binds it, so an approver never approves what is still changing).
Precondition = Callable[[Any, dict[tuple[str, int], Any]], None]


CHAT = "chat"
"""The intent of a message that asks for no procedure."""
DECLARATION = "__procedure__"
_MARK = re.compile(r"\[([^\[\]]+)\]\([A-Z]+\)")


class DuplicateProcedure(ValueError):
    pass


EditKind = Literal["text", "textarea", "email", "keep"]


@dataclass(frozen=True)
class EditField:
    """An argument an approver may change before approving. `keep` picks which of the
    call's records an id field holds: the field that held the chosen id takes the old one."""

    name: str
    label: str
    kind: EditKind = "text"


def unmarked(example: str) -> str:
    """An example as a user types it: `[Jane Doe](CONTACT)` marks a mention (LABELLING.md)."""
    return _MARK.sub(r"\1", example)


def tool_name(name: str) -> str:
    """OpenAI function names allow no dot: `notes.add` is the tool `notes_add`."""
    return name.replace(".", "_")


def as_asked(summary: str) -> str:
    """A summary as a request, without the notes in brackets or after a colon, to follow
    "I could not" or "may not": "look up a contact's details offline"."""
    short = summary.split(" (", 1)[0].split(":", 1)[0].strip()
    return short[:1].lower() + short[1:]


@dataclass(frozen=True)
class Procedure:
    name: str
    summary: str
    input: type[BaseModel]
    output: type[BaseModel]
    roles: frozenset[Role]
    risk: Risk
    handler: Handler
    marked_examples: tuple[str, ...] = ()
    """Examples in the labelling markup; they join the classifier's training data."""
    approver_roles: frozenset[Role] = APPROVERS
    targets: Targets | None = None
    describe: Describe | None = None
    command: Command | None = None
    """How the procedure is asked for in words; None: only by API (and no chat command)."""
    classified: bool = False
    """Whether the NLU classifier has this procedure as an intent (needs `command`)."""

    @property
    def examples(self) -> tuple[str, ...]:
        """The examples as a user would type them."""
        return tuple(unmarked(e) for e in self.marked_examples)

    internal: bool = False
    """Only jobs (for their requester) and the system principals that list it may call it;
    no route, no tool, not in `GET /api/rpc`."""
    precondition: Precondition | None = None
    policy: PolicyLevel | None = None
    """The declared default policy; None: `approve` for a critical procedure, else `auto`."""
    floor: PolicyLevel | None = None
    """The lowest policy a clinic may choose; None: `approve` if critical, else `auto`."""
    impact: ImpactOf | None = None
    """What a call will touch (the preview); None: its target records."""
    edits: tuple[EditField, ...] = ()
    edit_values: EditValues | None = None

    @property
    def default_policy(self) -> PolicyLevel:
        if self.policy is not None:
            return self.policy
        return "approve" if self.risk == "critical" else "auto"

    @property
    def policy_floor(self) -> PolicyLevel:
        if self.floor is not None:
            return self.floor
        return "approve" if self.risk == "critical" else "auto"

    undo: Undo | None = None
    """How a run of it is undone, or why it cannot be (assistant/procedures/undo.py)."""

    @property
    def tool_name(self) -> str:
        return tool_name(self.name)

    @property
    def resource(self) -> str:
        return self.name.split(".", 1)[0]

    def tool_schema(self) -> dict[str, Any]:
        """The OpenAI `tools` entry for this procedure."""
        return {
            "type": "function",
            "function": {
                "name": self.tool_name,
                "description": self.summary,
                "parameters": self.input.model_json_schema(),
            },
        }


@dataclass
class Registry:
    _by_name: dict[str, Procedure] = field(default_factory=dict)

    def add(self, proc: Procedure) -> Procedure:
        if proc.name in self._by_name:
            raise DuplicateProcedure(f"procedure {proc.name!r} is declared twice")
        if any(p.tool_name == proc.tool_name for p in self._by_name.values()):
            raise DuplicateProcedure(f"tool name {proc.tool_name!r} is taken")
        self._by_name[proc.name] = proc
        return proc

    def get(self, name: str) -> Procedure | None:
        return self._by_name.get(name)

    def by_tool_name(self, name: str) -> Procedure | None:
        return next((p for p in self._by_name.values() if p.tool_name == name), None)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def commands(self) -> list[Procedure]:
        """The procedures a chat command can ask for (they declare a `Command`)."""
        return [p for p in self if p.command is not None]

    def intents(self) -> list[str]:
        """The NLU classifier's labels: the procedures it knows, then `chat`."""
        return [*(p.name for p in self if p.classified), CHAT]

    def intent_labels(self) -> dict[str, frozenset[str]]:
        """Per intent, the entity labels its arguments are read from (none for chat)."""
        labels = {p.name: p.command.labels for p in self if p.classified and p.command}
        return {**labels, CHAT: frozenset()}

    def __iter__(self) -> Iterator[Procedure]:
        return iter(sorted(self._by_name.values(), key=lambda p: p.name))

    def __len__(self) -> int:
        return len(self._by_name)

    def procedure(self, name: str, **declaration: Any) -> Callable[[Any], Any]:
        """Declare and add in one step (a test's or a plugin's own registry)."""

        def decorate(fn: Any) -> Any:
            procedure(name, **declaration)(fn)
            self.add(getattr(fn, DECLARATION))
            return fn

        return decorate


def procedure(
    name: str,
    *,
    summary: str,
    input: type[In],
    output: type[Out],
    roles: frozenset[Role] | set[Role],
    risk: Risk = "low",
    examples: tuple[str, ...] | list[str] = (),
    approver_roles: frozenset[Role] | set[Role] = APPROVERS,
    targets: Callable[[In], list[tuple[str, int]]] | None = None,
    describe: Callable[[In, dict[tuple[str, int], Any]], str] | None = None,
    command: Command | None = None,
    classified: bool = False,
    internal: bool = False,
    precondition: Callable[[In, dict[tuple[str, int], Any]], None] | None = None,
    policy: PolicyLevel | None = None,
    floor: PolicyLevel | None = None,
    impact: ImpactOf | None = None,
    edits: tuple[EditField, ...] = (),
    edit_values: Callable[[In, dict[tuple[str, int], Any]], dict[str, Any]] | None = None,
    undo: Undo | None = None,
) -> Callable[
    [Callable[[CallContext, In], Awaitable[Out]]], Callable[[CallContext, In], Awaitable[Out]]
]:
    """Declare the decorated handler as a procedure; `declared()` finds it in its module.

    `examples` may mark their mentions (`add a note to [Jane Doe](CONTACT): [...](BODY)`);
    those of a `classified` procedure are part of the classifier's training data.
    """
    if classified and command is None:
        raise ValueError(f"procedure {name!r}: the classifier needs a command to fill")
    if risk == "critical" and floor not in (None, "approve"):
        raise ValueError(f"procedure {name!r}: a critical procedure's floor is approve")
    unknown = {f.name for f in edits} - set(input.model_fields)
    if unknown:
        raise ValueError(f"procedure {name!r}: editable fields {sorted(unknown)} are no inputs")

    def decorate(
        fn: Callable[[CallContext, In], Awaitable[Out]],
    ) -> Callable[[CallContext, In], Awaitable[Out]]:
        declared = Procedure(
            name=name,
            summary=summary,
            input=input,
            output=output,
            roles=frozenset(roles),
            risk=risk,
            handler=fn,
            marked_examples=tuple(examples),
            approver_roles=frozenset(approver_roles),
            targets=targets,
            describe=describe,
            command=command,
            classified=classified,
            internal=internal,
            precondition=precondition,
            policy=policy,
            floor=floor,
            impact=impact,
            edits=tuple(edits),
            edit_values=edit_values,
            undo=undo,
        )
        setattr(fn, DECLARATION, declared)
        return fn

    return decorate


def declared(modules: Iterable[ModuleType]) -> list[Procedure]:
    """The procedures declared in these modules, in the modules' and their source's order."""
    found: list[Procedure] = []
    for module in modules:
        for value in vars(module).values():
            proc = getattr(value, DECLARATION, None)
            if isinstance(proc, Procedure) and value.__module__ == module.__name__:
                found.append(proc)
    return found
