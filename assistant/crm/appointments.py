"""Appointments: booked with a practitioner, listed by date, cancelled (kept for the record)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, Field, model_validator
from sqlmodel import col, select

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import MINE, Command, Slot, contact, pattern, procedure
from assistant.db.models import Appointment, Contact, User
from assistant.errors import Conflict
from assistant.procedures.context import CLINICAL_ROLES, CallContext
from assistant.procedures.registry import ALL_STAFF
from assistant.procedures.types import Id, Input, ListInput, Page, paginate
from assistant.procedures.undo import Kept, Reversal, changed_since
from assistant.when import Clock

# "for 45 minutes" as a duration, where the NER read it as a time.
DURATION = pattern(
    r"\b(?:for\s+)?(?P<duration_minutes>\d+(?:\.\d+)?\s*(?:min(?:ute)?s?|h(?:ou)?rs?|hours?)"
    r"|half an hour|an hour|one hour)\b"
)


class AppointmentBook(Input):
    contact_id: Id
    starts_at: AwareDatetime
    duration_minutes: int = Field(default=30, ge=5, le=480)
    kind: str = Field(default="session", min_length=1, max_length=50)
    practitioner_id: Id | None = Field(
        default=None, description="Unset: the caller when they are a practitioner or owner."
    )


class AppointmentList(ListInput):
    date_from: AwareDatetime | None = None
    date_to: AwareDatetime | None = None
    contact_id: Id | None = None
    practitioner_id: Id | None = None
    mine: bool = Field(default=False, description="Only the caller's own schedule.")
    include_cancelled: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> AppointmentList:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        return self


class AppointmentRef(Input):
    appointment_id: Id


class AppointmentOut(BaseModel):
    id: int
    contact_id: int
    practitioner_id: int | None
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    kind: str
    status: str
    created_at: datetime


def _out(row: Appointment) -> AppointmentOut:
    return AppointmentOut(
        **row.model_dump(),
        ends_at=row.starts_at + timedelta(minutes=row.duration_minutes),
    )


async def _overlapping(
    ctx: CallContext, practitioner_id: int, start: datetime, end: datetime
) -> Appointment | None:
    # Appointments last at most 8 hours, so only those starting in [start - 8h, end) can overlap.
    rows = await ctx.session.exec(
        select(Appointment).where(
            Appointment.practitioner_id == practitioner_id,
            Appointment.status == "booked",
            col(Appointment.starts_at) < end,
            col(Appointment.starts_at) > start - timedelta(hours=8),
        )
    )
    for row in rows.all():
        if row.starts_at + timedelta(minutes=row.duration_minutes) > start:
            return row
    return None


async def _clash_words(ctx: CallContext, clash: Appointment) -> str:
    """ "Pat Morgan already has Jane Doe from 3:00-3:45 pm on Tue 8 Dec", in the caller's
    time zone: the chat and the pages say it as the calendar shows it."""
    contact = await ctx.session.get(Contact, clash.contact_id)
    name = f"{contact.first_name} {contact.last_name or ''}".strip() if contact else "a client"
    if clash.practitioner_id == ctx.principal.user_id:
        holder = "You already have"
    else:
        who = await ctx.session.get(User, clash.practitioner_id)
        holder = f"{who.full_name if who is not None else 'The practitioner'} already has"
    clock = Clock.of(ctx.principal.timezone)
    ends = clash.starts_at + timedelta(minutes=clash.duration_minutes)
    return (
        f"{holder} {name} from {clock.span(clash.starts_at, ends)} on {clock.day(clash.starts_at)}"
    )


def _keep_booking(args: AppointmentBook, out: AppointmentOut, _: None) -> Kept:
    return {
        "appointment_id": out.id,
        "contact_id": out.contact_id,
        "row": out.model_dump(mode="json"),
    }


async def _booking_changed(ctx: CallContext, kept: Kept) -> str | None:
    row = await ctx.session.get(Appointment, kept["appointment_id"])
    if row is None:
        return f"appointment {kept['appointment_id']} no longer exists"
    if row.status != "booked":
        return f"appointment {row.id} was {row.status} since"
    if changed_since(kept["row"], _out(row)):
        return f"appointment {row.id} changed since it was booked"
    return None


async def _cancel_booking(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("appointments.cancel", {"appointment_id": kept["appointment_id"]})


@procedure(
    "appointments.book",
    summary="Book an appointment for a contact",
    input=AppointmentBook,
    output=AppointmentOut,
    roles=STAFF,
    undo=Reversal(
        keep=_keep_booking,
        check=_booking_changed,
        revert=_cancel_booking,
        says="cancelled the appointment",
    ),
    examples=[
        "book [Sam Lee](CONTACT) for [next Tuesday](DATE) at [3pm](TIME)"
        " for [45 minutes](DURATION)",
    ],
    command=Command(
        (
            contact("Who is the appointment for?"),
            Slot(
                "starts_at",
                "when",
                "day and time, as written (e.g. 'next Tuesday at 3pm')",
                target=("starts_at",),
                labels=("DATE", "TIME"),
                required=True,
                question="When should I book it?",
                option="needs_time",
            ),
            Slot(
                "duration_minutes",
                "duration",
                "length, as written (e.g. '45 minutes')",
                target=("duration_minutes",),
                labels=("DURATION",),
            ),
        ),
        patterns=(DURATION,),
    ),
    classified=True,
)
async def book(ctx: CallContext, args: AppointmentBook) -> AppointmentOut:
    await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    practitioner = args.practitioner_id
    if practitioner is None and ctx.principal.role in CLINICAL_ROLES:
        practitioner = ctx.principal.user_id
    elif practitioner is not None:
        await get_or_404(ctx.session, User, practitioner, "practitioner")
    end = args.starts_at + timedelta(minutes=args.duration_minutes)
    if practitioner is not None:
        clash = await _overlapping(ctx, practitioner, args.starts_at, end)
        if clash is not None:
            raise Conflict(
                await _clash_words(ctx, clash),
                fields={"starts_at": f"overlaps appointment {clash.id}"},
            )
    row = Appointment(
        contact_id=args.contact_id,
        practitioner_id=practitioner,
        starts_at=args.starts_at,
        duration_minutes=args.duration_minutes,
        kind=args.kind,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    return _out(row)


@procedure(
    "appointments.list",
    summary="List appointments in a date range, soonest first",
    input=AppointmentList,
    output=Page[AppointmentOut],
    roles=ALL_STAFF,
    examples=[
        "what's on my schedule [friday](DATE)?",
        "appointments for [Jane Doe](CONTACT)",
    ],
    command=Command(
        (
            Slot(
                "date",
                "range",
                "the day or week, as written (e.g. 'friday', 'next week')",
                target=("date_from", "date_to"),
                labels=("DATE",),
            ),
            contact("", required=False),
            Slot("mine", "flag", "true for the user's own schedule", target=("mine",), option=MINE),
        )
    ),
    classified=True,
)
async def list_(ctx: CallContext, args: AppointmentList) -> Page[AppointmentOut]:
    query = select(Appointment)
    if not args.include_cancelled:
        query = query.where(Appointment.status == "booked")
    if args.date_from is not None:
        query = query.where(col(Appointment.starts_at) >= args.date_from)
    if args.date_to is not None:
        query = query.where(col(Appointment.starts_at) < args.date_to)
    if args.contact_id is not None:
        query = query.where(Appointment.contact_id == args.contact_id)
    practitioner = ctx.principal.user_id if args.mine else args.practitioner_id
    if practitioner is not None:
        query = query.where(Appointment.practitioner_id == practitioner)
    query = query.order_by(col(Appointment.starts_at), col(Appointment.id))
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[AppointmentOut](items=[_out(r) for r in rows], total=total)


@procedure(
    "appointments.get",
    summary="One appointment by id (for a record link)",
    input=AppointmentRef,
    output=AppointmentOut,
    roles=ALL_STAFF,
)
async def get(ctx: CallContext, args: AppointmentRef) -> AppointmentOut:
    return _out(await get_or_404(ctx.session, Appointment, args.appointment_id, "appointment"))


@procedure(
    "appointments.cancel",
    summary="Cancel an appointment",
    input=AppointmentRef,
    output=AppointmentOut,
    roles=STAFF,
    examples=[
        "cancel [Sam](CONTACT)'s [Tuesday](DATE) appointment",
    ],
    command=Command(
        (
            contact("Whose appointment should I cancel?"),
            Slot(
                "appointment",
                "record",
                "the appointment's day and time, as written",
                target=("appointment_id",),
                labels=("DATE", "TIME"),
                required=True,
                question="Which appointment should I cancel?",
                option="appointment",
            ),
        )
    ),
    classified=True,
)
async def cancel(ctx: CallContext, args: AppointmentRef) -> AppointmentOut:
    row = await get_or_404(ctx.session, Appointment, args.appointment_id, "appointment")
    if row.status == "cancelled":
        raise Conflict(f"appointment {row.id} is already cancelled")
    row.status = "cancelled"
    ctx.session.add(row)
    await ctx.session.flush()
    return _out(row)
