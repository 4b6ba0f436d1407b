"""Declare a procedure once; the HTTP route, LLM tool, NLU label and policy all come from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from assistant.db.models import Role

if TYPE_CHECKING:
    from assistant.procedures.context import CallContext

Risk = Literal["low", "medium", "high", "critical"]
ALL_STAFF = frozenset(Role)
APPROVERS = frozenset({Role.owner, Role.practitioner})

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)
Handler = Callable[["CallContext", Any], Awaitable[BaseModel]]
# Which records a call targets, as (table name, id) pairs; an approval binds to their versions.
Targets = Callable[[Any], list[tuple[str, int]]]
# A one-line, human summary of a call for approvers, given the target rows as they are now.
Describe = Callable[[Any, dict[tuple[str, int], Any]], str]
# Raises a typed error when a call may not be requested as its targets stand (checked before
# an approval binds it, so an approver never approves what is still changing).
Precondition = Callable[[Any, dict[tuple[str, int], Any]], None]


class DuplicateProcedure(ValueError):
    pass


def tool_name(name: str) -> str:
    """OpenAI function names allow no dot: `notes.add` is the tool `notes_add`."""
    return name.replace(".", "_")


@dataclass(frozen=True)
class Procedure:
    name: str
    summary: str
    input: type[BaseModel]
    output: type[BaseModel]
    roles: frozenset[Role]
    risk: Risk
    handler: Handler
    examples: tuple[str, ...] = ()
    approver_roles: frozenset[Role] = APPROVERS
    targets: Targets | None = None
    describe: Describe | None = None
    precondition: Precondition | None = None

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

    def intent_labels(self) -> list[str]:
        """The NLU classifier's labels: every procedure plus `chat`."""
        return [*self.names(), "chat"]

    def __iter__(self) -> Iterator[Procedure]:
        return iter(sorted(self._by_name.values(), key=lambda p: p.name))

    def __len__(self) -> int:
        return len(self._by_name)

    def procedure(
        self,
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
        precondition: Callable[[In, dict[tuple[str, int], Any]], None] | None = None,
    ) -> Callable[
        [Callable[[CallContext, In], Awaitable[Out]]], Callable[[CallContext, In], Awaitable[Out]]
    ]:
        def decorate(
            fn: Callable[[CallContext, In], Awaitable[Out]],
        ) -> Callable[[CallContext, In], Awaitable[Out]]:
            self.add(
                Procedure(
                    name=name,
                    summary=summary,
                    input=input,
                    output=output,
                    roles=frozenset(roles),
                    risk=risk,
                    handler=fn,
                    examples=tuple(examples),
                    approver_roles=frozenset(approver_roles),
                    targets=targets,
                    describe=describe,
                    precondition=precondition,
                )
            )
            return fn

        return decorate


def load_registry() -> Registry:
    """The project's procedures; importing the CRM modules declares them on this registry."""
    from assistant.crm import REGISTRY

    return REGISTRY
