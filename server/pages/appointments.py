"""Appointment pages: a practitioner's day and week, booking (a clash is refused in words),
cancelling, and one appointment's own page.

Reads and writes go through the executor (appointments.list, .book, .cancel, .get and
users.directory for the practitioner picker), exactly as the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.errors import Conflict, InvalidInput
from assistant.procedures.context import CLINICAL_ROLES, Principal
from assistant.procedures.executor import Executor
from assistant.when import Clock
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import act_then_back, call, contact_names, may, require, staff
from server.pages.forms import FormError, field_errors
from server.pages.moments import day_bounds, moment, parse_day, read_date, read_time, today, week_of
from server.pages.paging import PageNo
from server.pages.picker import picked_contact, picker_value
from server.pages.shell import render, safe_next, see_other, seen

DAY_PAGE = 50
WEEK_MOST = 200  # appointments.list's page size: more than any practitioner's week
DURATIONS = [(15, "15 min"), (30, "30 min"), (45, "45 min"), (60, "1 hr"), (90, "1 hr 30 min"),
             (120, "2 hr")]  # fmt: skip
FORM_FIELDS = ("contact", "practitioner_id", "date", "time", "duration_minutes", "kind")
NOTICES = {
    "booked": "Appointment booked.",
    "cancelled": "Appointment cancelled.",
    "already-cancelled": "That appointment was already cancelled.",
}
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


class BookForm(BaseModel):
    contact: str = ""
    contact_id: str = ""
    practitioner_id: str = ""
    date: str = ""
    time: str = ""
    duration_minutes: str = "30"
    kind: str = ""


class CancelForm(BaseModel):
    next: str = ""


async def practitioners(executor: Executor, principal: Principal) -> list[Any]:
    """Who can be booked: the clinical staff from users.directory."""
    return [m for m in await staff(executor, principal) if m.role in CLINICAL_ROLES]


def chosen_practitioner(principal: Principal, people: list[Any], wanted: str) -> Any | None:
    """The one asked for, else me when I see clients, else the first practitioner."""
    by_id = {str(m.id): m for m in people}
    if wanted in by_id:
        return by_id[wanted]
    if str(principal.user_id) in by_id:
        return by_id[str(principal.user_id)]
    return people[0] if people else None


def rows(items: list[Any], names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"appointment": a, "contact": names.get(a.contact_id, "A contact")} for a in items]


# --- the calendar ---------------------------------------------------------------------------


@get("/appointments", include_in_schema=False)
async def calendar(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    view: FromQuery[str] = "week",
    on: Annotated[str, QueryParameter(name="date")] = "",
    practitioner: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    notice: FromQuery[str] = "",
    booked: FromQuery[int | None] = None,
) -> Template:
    events_after = await seen(runtime, principal)  # before reading: an event meanwhile replays
    tz = principal.timezone
    now_day = today(runtime.clock.now(), tz)
    day = parse_day(on, now_day)
    view = "day" if view == "day" else "week"
    people = await practitioners(executor, principal)
    who = chosen_practitioner(principal, people, practitioner)
    days = [day] if view == "day" else week_of(day)
    start, end = day_bounds(days[0], tz)[0], day_bounds(days[-1], tz)[1]
    at = PageNo.of(page, DAY_PAGE if view == "day" else WEEK_MOST)
    items: list[Any] = []
    total = 0
    if who is not None:
        found = await call(
            executor, principal, "appointments.list", practitioner_id=who.id,
            date_from=start, date_to=end, limit=at.limit, offset=at.offset,
        )  # fmt: skip
        items, total = found.items, found.total
    names = await contact_names(executor, principal, (a.contact_id for a in items))
    clock = Clock.of(tz)
    by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in days}
    for row in rows(items, names):
        by_day.setdefault(clock.local(row["appointment"].starts_at).date(), []).append(row)
    step = timedelta(days=1 if view == "day" else 7)
    here = f"/appointments?view={view}&date={day.isoformat()}&practitioner={who.id if who else ''}"
    return await render(
        request, runtime, principal, "appointments/calendar.html", page="appointments",
        events_after=events_after,
        view=view, day=day, today=now_day, here=here, days=days, by_day=by_day,
        previous=day - step, following=day + step,
        people=people, who=who, booked=booked,
        notice=NOTICES.get(notice),
        can_book=may(executor, principal, "appointments.book"),
        can_cancel=may(executor, principal, "appointments.cancel"),
        **at.context(total, "/appointments", view=view, date=day.isoformat(),
                     practitioner=who.id if who else None),
    )  # fmt: skip


# --- booking ------------------------------------------------------------------------------


async def _form(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    form: BookForm,
    errors: dict[str, str] | None = None,
) -> Template:
    people = await practitioners(executor, principal)
    return await render(
        request, runtime, principal, "appointments/form.html", page="appointments.new",
        form=form, form_contact={"id": form.contact_id, "text": form.contact},
        people=[(m.id, m.full_name) for m in people], durations=DURATIONS,
        errors=errors or {}, status_code=422 if errors else 200,
    )  # fmt: skip


@get("/appointments/new", include_in_schema=False)
async def new_appointment(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    practitioner: FromQuery[str] = "",
    on: Annotated[str, QueryParameter(name="date")] = "",
    time: FromQuery[str] = "",
    contact_id: FromQuery[int | None] = None,
) -> Template:
    people = await practitioners(executor, principal)
    who = chosen_practitioner(principal, people, practitioner)
    day = parse_day(on, today(runtime.clock.now(), principal.timezone))
    names = await contact_names(executor, principal, [contact_id])
    chosen = picker_value(contact_id if contact_id in names else None, names)
    form = BookForm(
        contact=chosen["text"], contact_id=chosen["id"], date=day.isoformat(),
        practitioner_id=str(who.id) if who else "", time=time[:5],
    )  # fmt: skip
    return await _form(request, runtime, executor, principal, form)


async def _booking(
    executor: Executor, principal: Principal, data: BookForm, people: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The practitioner and appointments.book's arguments; every field's problem at once."""
    errors: dict[str, str] = {}
    who = people.get(data.practitioner_id)
    if who is None:
        errors["practitioner_id"] = "Choose who the appointment is with"
    parts: dict[str, Any] = {}
    for name, read in (("date", read_date), ("time", read_time)):
        try:
            if not getattr(data, name).strip():
                raise FormError(f"enter the {name}", fields={name: f"Enter the {name}"})
            parts[name] = read(getattr(data, name), name)
        except FormError as exc:
            errors.update(exc.fields or {})
    try:
        contact_id = await picked_contact(
            executor, principal, "contact", data.contact_id, data.contact, required=True
        )
    except FormError as exc:
        errors.update(exc.fields or {})
    if errors or who is None:
        raise FormError("check the form", fields=errors)
    args: dict[str, Any] = {
        "contact_id": contact_id,
        "practitioner_id": who.id,
        "starts_at": moment(parts["date"], parts["time"], principal.timezone),
        "duration_minutes": int(data.duration_minutes) if data.duration_minutes.isdigit() else 0,
    }
    if data.kind.strip():
        args["kind"] = data.kind.strip()
    return who, args


@post("/appointments/new", include_in_schema=False)
async def book(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: Annotated[BookForm, FormBody],
) -> Template | Redirect:
    await require(executor, principal, "appointments.book")
    people = {str(m.id): m for m in await practitioners(executor, principal)}
    try:
        who, args = await _booking(executor, principal, data, people)
        try:
            made = await call(executor, principal, "appointments.book", **args)
        except Conflict as exc:  # "Pat Morgan already has Jane Doe from ...", in my zone
            words = f"{exc.message}. Choose another time."
            raise FormError(words, fields={"time": words}) from None
    except InvalidInput as exc:
        errors = field_errors(exc, FORM_FIELDS)
        return await _form(request, runtime, executor, principal, data, errors)
    return see_other(
        "/appointments", view="week", date=data.date, practitioner=who.id,
        notice="booked", booked=made.id,
    )  # fmt: skip


# --- one appointment ------------------------------------------------------------------------


@post("/appointments/{appointment_id:int}/cancel", include_in_schema=False)
async def cancel(
    executor: ExecutorDep,
    principal: PrincipalDep,
    appointment_id: FromPath[int],
    data: Annotated[CancelForm, FormBody],
) -> Redirect:
    back = safe_next(data.next, f"/appointments/{appointment_id}")
    args = {"appointment_id": appointment_id}
    return await act_then_back(
        executor, principal, "appointments.cancel", args, back, ("cancelled", "already-cancelled")
    )


@get("/appointments/{appointment_id:int}", include_in_schema=False)
async def appointment_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    appointment_id: FromPath[int],
    notice: FromQuery[str] = "",
) -> Template:
    """A record link (`/appointments/7`) opens the appointment itself."""
    found = await call(executor, principal, "appointments.get", appointment_id=appointment_id)
    names = await contact_names(executor, principal, [found.contact_id])
    people = {m.id: m.full_name for m in await staff(executor, principal)}
    return await render(
        request, runtime, principal, "appointments/detail.html", page="appointment",
        a=found, contact=names.get(found.contact_id, "A contact"), contact_id=found.contact_id,
        practitioner=people.get(found.practitioner_id) if found.practitioner_id else None,
        can_cancel=may(executor, principal, "appointments.cancel"),
        notice=NOTICES.get(notice),
    )  # fmt: skip


routes = [calendar, new_appointment, book, cancel, appointment_page]
