"""Build benchmarks/pii/data/clinic_pii.json: clinic log lines and notes, labelled by construction.

Templates were written by hand to read like our own logs and staff notes; the values (names of
many origins, contacts, identifiers) come from hand-written lists below, not from the Faker
lists the scrubber's name gazetteer uses. Each slot's position is recorded as it is filled, so
the labels are exact. Run: .venv/bin/python benchmarks/pii/build_data.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).parent / "data" / "clinic_pii.json"

NAMES = [
    "Jane Doe",
    "Oluwaseun Adebayo",
    "Priya Raghunathan",
    "Siobhan O'Connor",
    "Nguyen Thi Lan",
    "Mateus Carvalho",
    "Aroha Ngata",
    "Kwame Mensah",
    "Yusuf Demir",
    "Dmitri Volkov",
    "Thandiwe Dlamini",
    "Hiroshi Tanaka",
    "Fatima Al-Sayed",
    "Ines Moreau",
    "Bogdan Kowalczyk",
    "Lakshmi Iyer",
    "Jamal Washington",
    "Olga Petrenko",
    "Sean McAllister",
    "Ayesha Siddiqui",
    "Juan Pablo Herrera",
    "Mei Lin Chen",
    "Chidi Okafor",
    "Tenzin Dorje",
    "Sofia Rossi",
    "Emily Hartley",
    "Marcus Bell",
    "Rania Haddad",
    "Henrik Lindqvist",
    "Camila Duarte",
    "Ngozi Eze",
    "Tomasz Nowak",
    "Leilani Kahale",
    "Arjun Mehta",
    "Zainab Bello",
]
TITLED = ["Dr. Okonkwo", "Ms. Brennan", "Mr. Takahashi", "Mrs. Delacroix", "Dr. Abernathy"]
CAPS = ["JANE DOE", "KWAME MENSAH", "SIOBHAN O'CONNOR", "ARJUN MEHTA", "OLGA PETRENKO"]
EMAILS = [
    "jane.doe@gmail.com",
    "o.adebayo@yahoo.co.uk",
    "priya.r@outlook.com",
    "siobhan.oc@eircom.net",
    "kmensah77@hotmail.com",
    "y.demir@posteo.de",
    "thandi.d@webmail.co.za",
    "h.tanaka@icloud.com",
    "ines.moreau@orange.fr",
    "jamal.w@protonmail.com",
    "lakshmi.iyer@rediffmail.com",
    "camila.duarte@uol.com.br",
    "arjun.mehta+clinic@gmail.com",
    "zbello@fastmail.com",
]
PHONES = [
    "(617) 555-0142",
    "+1 415 555 0199",
    "617-555-0123",
    "+44 20 7946 0958",
    "020 7946 0311",
    "+61 2 9876 5432",
    "(312) 555-0176",
    "+1-202-555-0164",
    "+49 30 901820",
    "212.555.0187",
    "+33 1 23 45 67 89",
    "(646) 555-0110",
]
MRNS = ["00123456", "A1234567", "MRN-778812", "4471209", "00987123", "B7730021", "55120983"]
INSURANCE = [
    "XJH123456789",
    "W123456789",
    "POL-2023-99812",
    "ZGP884512307",
    "1EG4-TE5-MK73",
    "MBR55091234",
    "H20491187",
    "AET-7781-2290",
]
DOBS = ["03/14/1985", "1985-03-14", "14 March 1990", "July 4, 1978", "12/01/2001", "1969-11-30",
        "2/9/1955", "September 21, 1983", "30.06.1992"]  # fmt: skip
ADDRESSES = [
    "42 Oak Street, Springfield, IL 62704",
    "1187 Maple Avenue, Apt 4B, Boston, MA 02118",
    "14 Baker Street, London NW1 6XE",
    "77 Harbour Road, Dublin",
    "9 Elm Court",
    "250 West Lake Drive, Suite 300, Chicago, IL 60601",
    "3 Rose Lane, Leeds LS6 2QR",
    "5120 Sunset Boulevard, Los Angeles, CA 90027",
    "18 Kingfisher Way",
    "601 Pine Terrace",
]

TEMPLATES = [
    # log-like
    "INFO contact created contact_id=812 name={PERSON}",
    "booking confirmed for {PERSON} (MRN {MRN}) on 2024-05-02 10:30",
    "sent reminder to {EMAIL} for appointment 4411",
    "smtp delivery failed for {EMAIL}: 550 mailbox unavailable",
    "duplicate candidate: {PERSON} <-> {PERSON} score=0.93",
    "enrichment: phone {PHONE} normalised for contact 5521",
    "eligibility check ok: member ID {INS}, plan gold",
    "eligibility check failed for policy no. {INS}: not found",
    "patient lookup mrn={MRN} returned 1 row",
    'payload rejected: {{"mrn": "{MRN}", "dob": "{DOB}"}}',
    "DOB {DOB} does not match record for {PERSON}",
    "WARNING chart #{MRN} has no primary practitioner",
    "caller {PHONE} left a voicemail at 09:12",
    "draft ready for {PERSON} <{EMAIL}>",
    "merge request: keep {PERSON}, remove duplicate 993",
    "ValueError: no contact matches {EMAIL}",
    "KeyError: '{PERSON}' in resolver cache",
    "address update for contact 77: {ADDR}",
    "job 1182 failed: SMTP timeout sending to {EMAIL}",
    "search query matched {PERSON}, {PERSON}",
    "insurance id {INS} expired 2023-12-31",
    "subscriber ID: {INS} (primary)",
    "imported row 14: {PERSON}, {EMAIL}, {PHONE}",
    "audit: {PERSON} viewed note 3310",
    "sms queued to {PHONE}",
    "contact {CAPS} imported from legacy CSV",
    "{TITLED} signed the treatment plan",
    "Medicare MBI {INS} verified",
    "worker started: 4 jobs, queue depth 12",
    "GET /api/rpc/contacts.search 200 13ms",
    "approval 551 expired after 24h",
    "cron purge_expired_sessions removed 3 sessions",
    "llm: 212 prompt tokens, 48 completion tokens, 1.8s",
    # note-like
    "{PERSON} called to reschedule; prefers mornings. Call back on {PHONE}.",
    "New client {PERSON}, DOB {DOB}, referred by {TITLED}.",
    "Pt {PERSON} (MRN: {MRN}) reports lower back pain for two weeks.",
    "{PERSON} was born {DOB} and moved to {ADDR} last month.",
    "Spoke with {PERSON}'s daughter; she asked us to e-mail {EMAIL} instead.",
    "Insurance: member ID {INS}; group no. 4410. Patient {PERSON}.",
    "Session with {PERSON} went well. Next visit in 3 weeks.",
    "Emergency contact: {PERSON}, {PHONE}.",
    "{TITLED} asked for the intake form of {PERSON} before Friday.",
    "Home visit at {ADDR} confirmed with {PERSON}.",
    "Client prefers text messages to {PHONE}; no voicemail.",
    "{CAPS} - DOB: {DOB} - MRN {MRN} - policy number {INS}",
    "Reminder: {PERSON} is allergic to latex.",
    "Discussed sleep hygiene. {PERSON} will keep a diary.",
    "Mailing address: {ADDR}.",
    "Please forward the invoice to {EMAIL} and copy {PERSON}.",
    "Follow-up with {PERSON} about the blood test results.",
    "Patient's date of birth is {DOB}; verified against ID.",
    "No-show today. Tried {PHONE} twice.",
    "Will book a follow-up in May; the clinic closes early on Friday.",
    "Reviewed the treatment plan; no changes this week.",
]

SLOTS = {
    "PERSON": ("PERSON", NAMES), "CAPS": ("PERSON", CAPS), "TITLED": ("PERSON", TITLED),
    "EMAIL": ("EMAIL_ADDRESS", EMAILS), "PHONE": ("PHONE_NUMBER", PHONES),
    "MRN": ("MEDICAL_RECORD_NUMBER", MRNS), "INS": ("INSURANCE_ID", INSURANCE),
    "DOB": ("DATE_OF_BIRTH", DOBS), "ADDR": ("STREET_ADDRESS", ADDRESSES),
}  # fmt: skip
SLOT = re.compile(r"\{\{|\}\}|\{([A-Z]+)\}")


def fill(template: str, rng: random.Random) -> dict[str, object]:
    text, spans, cursor = [], [], 0
    length = 0
    for match in SLOT.finditer(template):
        literal = template[cursor : match.start()]
        text.append(literal)
        length += len(literal)
        cursor = match.end()
        if match.group(1) is None:
            text.append(match.group()[0])
            length += 1
            continue
        entity, values = SLOTS[match.group(1)]
        value = rng.choice(values)
        if match.group(1) == "TITLED":  # only the name after the title is personal data
            title, _, name = value.partition(" ")
            text.append(title + " ")
            length += len(title) + 1
            value = name
        spans.append({"entity_type": entity, "entity_value": value,
                      "start_position": length, "end_position": length + len(value)})  # fmt: skip
        text.append(value)
        length += len(value)
    text.append(template[cursor:])
    return {"full_text": "".join(text), "spans": spans}


def main() -> None:
    rng = random.Random(20240502)
    examples = [fill(t, rng) for _ in range(3) for t in TEMPLATES]
    for example in examples:
        for span in example["spans"]:  # type: ignore[attr-defined]
            assert (
                example["full_text"][span["start_position"] : span["end_position"]]
                == span["entity_value"]
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(examples)} examples to {OUT}")


if __name__ == "__main__":
    main()
