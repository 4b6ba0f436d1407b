"""Demo data for `make run`: the people the product's examples name, plus Faker filler."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faker import Faker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.auth.passwords import generate_password
from assistant.auth.users import create_user
from assistant.crm.common import phone_digits
from assistant.db.models import Appointment, Contact, ContactTag, Note, Tag, Task, User

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


async def seed_demo(session: AsyncSession, now: datetime) -> SeedReport:
    """Seed once; a second run finds the first demo user and changes nothing."""
    marker = await session.exec(select(User).where(User.email == DEMO_USERS[0][0]))
    if marker.first() is not None:
        return SeedReport(created=False)
    rng = random.Random(SEED)
    fake = Faker(["en_US", "en_GB", "es_ES", "hi_IN"])
    fake.seed_instance(SEED)
    report = SeedReport(created=True)

    users: dict[str, User] = {}
    for email, role, name in DEMO_USERS:
        password = generate_password()
        user = await create_user(
            session, email=email, role=role, password=password, full_name=name, timezone=CLINIC_TZ
        )
        users.setdefault(role, user)
        report.passwords[email] = password

    tags: dict[str, Tag] = {}
    contacts: list[Contact] = []
    for first, last, email, phone, contact_tags in FIXED_CONTACTS:
        contact = Contact(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            phone_digits=phone_digits(phone),  # what a search by phone matches
            date_of_birth=_birthday(rng),
        )
        session.add(contact)
        await session.flush()
        for name in contact_tags:
            await _tag(session, tags, contact, name)
        contacts.append(contact)
    for _ in range(FILLER_CONTACTS):
        first, last = fake.first_name(), fake.last_name()
        phone = f"+1 415 555 {rng.randint(1000, 9999):04d}"
        contact = Contact(
            first_name=first,
            last_name=last,
            email=_email(first, last, rng.choice(["example.com", "example.org", "example.net"])),
            phone=phone,
            phone_digits=phone_digits(phone),
            date_of_birth=_birthday(rng),
            address=fake.address().replace("\n", ", "),
        )
        session.add(contact)
        await session.flush()
        if rng.random() < 0.2:
            await _tag(session, tags, contact, rng.choice(["vip", "new-client", "insurance"]))
        contacts.append(contact)
    report.contacts = len(contacts)

    practitioner, front_desk = users["practitioner"], users["front_desk"]
    tz = ZoneInfo(CLINIC_TZ)
    today = now.astimezone(tz).date()
    for contact in contacts:
        assert contact.id is not None
        for text in rng.sample(NOTE_TEXTS, rng.randint(0, 2)):
            session.add(
                Note(
                    contact_id=contact.id,
                    author_id=practitioner.id,
                    body=text,
                    created_at=now - timedelta(days=rng.randint(1, 90)),
                )
            )
            report.notes += 1
        if rng.random() < 0.8:
            day = today + timedelta(days=rng.randint(0, 27))
            starts = datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 30))), tz)
            session.add(
                Appointment(
                    contact_id=contact.id,
                    practitioner_id=practitioner.id,
                    starts_at=starts,
                    duration_minutes=rng.choice((30, 45, 60)),
                    kind=rng.choice(KINDS),
                )
            )
            report.appointments += 1
        if rng.random() < 0.4:
            due = datetime.combine(today + timedelta(days=rng.randint(0, 20)), time(17), tz)
            session.add(
                Task(
                    title=rng.choice(TASK_TITLES),
                    contact_id=contact.id,
                    assignee_id=rng.choice((practitioner, front_desk)).id,
                    created_by=front_desk.id,
                    due_at=due,
                )
            )
            report.tasks += 1
    await session.flush()
    return report


def _email(first: str, last: str, domain: str) -> str:
    return f"{first}.{last}@{domain}".lower().replace(" ", "")


def _birthday(rng: random.Random) -> date:
    return date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))


async def _tag(session: AsyncSession, tags: dict[str, Tag], contact: Contact, name: str) -> None:
    if name not in tags:
        tags[name] = (await session.exec(select(Tag).where(Tag.name == name))).first() or Tag(
            name=name
        )
        session.add(tags[name])
        await session.flush()
    session.add(ContactTag.link(contact, tags[name]))
