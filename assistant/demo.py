"""Demo data for `make run`: the people the product's examples name, plus Faker filler.

Every write goes through the executor, as any other caller's would: the staff accounts are
created by the owner's `users.create` run as the CLI's system principal (the operator at the
shell, who may create the first owner), and the clinic's records by the demo staff
themselves: the front desk registers contacts, books appointments and sets tasks, the
practitioner writes the notes. So the audit trail of a demo run holds every write, with its
principal. A note is written at the (past) moment the story gives it: the seed's clock is a
`ManualClock` set to that moment, so the note and its audit row agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from faker import Faker
from sqlmodel import select

from assistant.clock import ManualClock
from assistant.db.models import Role, User
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from assistant.procedures.system import CLI
from assistant.runtime import Runtime
from assistant.settings import Settings

SEED = 20261124
CLINIC_TZ = "America/Los_Angeles"
DEMO_USERS = (
    ("olivia.owner@demo-clinic.example.com", "owner", "Olivia Owens"),
    ("oscar.owner@demo-clinic.example.com", "owner", "Oscar Ortiz"),
    ("pat.practitioner@demo-clinic.example.com", "practitioner", "Pat Morgan"),
    ("fran.frontdesk@demo-clinic.example.com", "front_desk", "Fran Delgado"),
    ("vic.viewer@demo-clinic.example.com", "viewer", "Vic Chen"),
)
# (first, last, email, phone, tags) of the people the examples and tests refer to.
FIXED_CONTACTS = (
    ("Jane", "Doe", "jane.doe@example.com", "+1 415 555 0101", ("vip",)),
    ("Sam", "Lee", "sam.lee@example.com", "+1 415 555 0102", ()),
    ("Sam", "Patel", "sam.patel@example.net", "+1 415 555 0103", ("new-client",)),
    ("Priya", "Nair", "priya.nair@example.org", "+1 415 555 0104", ()),
    ("Tom", "Reed", "tom.reed@example.com", "+1 415 555 0105", ()),
    ("Maria", "Garcia", "maria.garcia@example.com", "+1 415 555 0106", ()),
    ("Ann", "Smith", "ann.smith@example.com", "+1 415 555 0107", ()),
    ("Omar", "Haddad", "omar.haddad@example.com", "+1 415 555 0108", ()),
    ("John", "Smith", "john.smith@example.com", "+1 415 555 0109", ()),
    ("Jon", "Smith", "jon.smith@example.com", "(415) 555-0109", ()),
)
FILLER_CONTACTS = 40
NOTE_TEXTS = (
    "Reports lower back pain after long runs; advised a daily stretching routine.",
    "Prefers morning sessions; works evenings.",
    "Follow-up on sleep quality: improving since the last visit.",
    "Mild knee discomfort when climbing stairs; reassess in two weeks.",
    "Asked about nutrition coaching; shared the intake form.",
    "Stress levels high due to work; discussed breathing exercises.",
    "Insurance pre-authorisation pending for the next block of sessions.",
    "Shoulder mobility better; continue the resistance band programme.",
)
TASK_TITLES = (
    "Call about insurance paperwork",
    "Send intake form",
    "Confirm next appointment",
    "Follow up on missed session",
    "Check payment status",
    "Prepare treatment plan",
)
KINDS = ("session", "initial consultation", "follow-up", "massage", "physio")


@dataclass
class SeedReport:
    created: bool
    passwords: dict[str, str] = field(default_factory=dict)
    contacts: int = 0
    notes: int = 0
    tasks: int = 0
    appointments: int = 0


async def seed_demo(settings: Settings, now: datetime) -> SeedReport:
    """Seed once; a run that finds the first demo user changes nothing."""
    from assistant import compose

    clock = ManualClock(now)
    runtime = Runtime.offline(settings, clock)
    try:
        async with runtime.sessions() as session:
            marker = await session.exec(select(User.id).where(User.email == DEMO_USERS[0][0]))
            if marker.first() is not None:
                return SeedReport(created=False)
        seeder = _Seeder(Executor(runtime, compose.procedures()), clock)
        return await seeder.run(now)
    finally:
        await runtime.close()


class _Seeder:
    def __init__(self, executor: Executor, clock: ManualClock) -> None:
        self.executor = executor
        self.clock = clock
        self.report = SeedReport(created=True)

    async def call(self, caller: Principal | None, name: str, **args: Any) -> dict[str, Any]:
        """One write through the executor, as `caller` (the CLI's system principal if None)."""
        done = await self.executor.call(caller or CLI, name, args, source="cli")
        assert isinstance(done, Done), f"{name} waits for approval; the demo seed cannot wait"
        result: dict[str, Any] = done.output.model_dump(mode="json")
        return result

    async def at(
        self, moment: datetime, caller: Principal, name: str, **args: Any
    ) -> dict[str, Any]:
        """A write the story dates in the past (a note taken weeks ago)."""
        now = self.clock.now()
        self.clock.advance(moment - now)
        try:
            return await self.call(caller, name, **args)
        finally:
            self.clock.advance(now - self.clock.now())

    async def run(self, now: datetime) -> SeedReport:
        rng = random.Random(SEED)
        fake = Faker(["en_US", "en_GB", "es_ES", "hi_IN"])
        fake.seed_instance(SEED)
        staff = await self.staff()
        practitioner, front_desk = staff[Role.practitioner], staff[Role.front_desk]

        contact_ids: list[int] = []
        for first, last, email, phone, tags in FIXED_CONTACTS:
            made = await self.contact(
                front_desk, first, last, email, phone, _birthday(rng), None, tags
            )
            contact_ids.append(made)
        for _ in range(FILLER_CONTACTS):
            first, last = fake.first_name(), fake.last_name()
            phone = f"+1 415 555 {rng.randint(1000, 9999):04d}"
            email = _email(first, last, rng.choice(["example.com", "example.org", "example.net"]))
            born, address = _birthday(rng), fake.address().replace("\n", ", ")
            tags = ()
            if rng.random() < 0.2:
                tags = (rng.choice(["vip", "new-client", "insurance"]),)
            made = await self.contact(front_desk, first, last, email, phone, born, address, tags)
            contact_ids.append(made)
        self.report.contacts = len(contact_ids)

        tz = ZoneInfo(CLINIC_TZ)
        today = now.astimezone(tz).date()
        diary = _Diary()
        for contact_id in contact_ids:
            for text in rng.sample(NOTE_TEXTS, rng.randint(0, 2)):
                written = now - timedelta(days=rng.randint(1, 90))
                await self.at(written, practitioner, "notes.add", contact_id=contact_id, body=text)
                self.report.notes += 1
            if rng.random() < 0.8:
                day = today + timedelta(days=rng.randint(0, 27))
                starts = datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 30))), tz)
                minutes = rng.choice((30, 45, 60))
                await self.call(
                    front_desk,
                    "appointments.book",
                    contact_id=contact_id,
                    starts_at=diary.free_from(starts, minutes).isoformat(),
                    duration_minutes=minutes,
                    kind=rng.choice(KINDS),
                    practitioner_id=practitioner.user_id,
                )
                self.report.appointments += 1
            if rng.random() < 0.4:
                due = datetime.combine(today + timedelta(days=rng.randint(0, 20)), time(17), tz)
                await self.call(
                    front_desk,
                    "tasks.create",
                    title=rng.choice(TASK_TITLES),
                    contact_id=contact_id,
                    assignee_id=rng.choice((practitioner, front_desk)).user_id,
                    due_at=due.isoformat(),
                )
                self.report.tasks += 1
        return self.report

    async def staff(self) -> dict[Role, Principal]:
        """The demo accounts, made by the CLI's system principal; the first of each role."""
        staff: dict[Role, Principal] = {}
        for email, role, name in DEMO_USERS:
            made = await self.call(
                None, "users.create", email=email, role=role, full_name=name, timezone=CLINIC_TZ
            )
            self.report.passwords[email] = made["password"]
            user = made["user"]
            staff.setdefault(
                Role(role),
                Principal(
                    user_id=user["id"], email=email, role=Role(role), timezone=user["timezone"]
                ),
            )
        return staff

    async def contact(
        self,
        caller: Principal,
        first: str,
        last: str,
        email: str,
        phone: str,
        born: date,
        address: str | None,
        tags: tuple[str, ...],
    ) -> int:
        made = await self.call(
            caller,
            "contacts.create",
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            date_of_birth=born.isoformat(),
            address=address,
            tags=list(tags),
            enrich=False,  # the demo's first start should not queue fifty look-ups
        )
        contact_id: int = made["id"]
        return contact_id


class _Diary:
    """The practitioner's booked times: a drawn time that clashes moves to the next free
    half hour, since `appointments.book` refuses double bookings."""

    def __init__(self) -> None:
        self.booked: list[tuple[datetime, datetime]] = []

    def free_from(self, starts: datetime, minutes: int) -> datetime:
        length = timedelta(minutes=minutes)
        while any(s < starts + length and starts < e for s, e in self.booked):
            starts += timedelta(minutes=30)
        self.booked.append((starts, starts + length))
        return starts


def _email(first: str, last: str, domain: str) -> str:
    return f"{first}.{last}@{domain}".lower().replace(" ", "")


def _birthday(rng: random.Random) -> date:
    return date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
