"""Slot vocabularies, each split into a training part and a held-out (dev) part.

The dev part shares no entries with the training part, so dev scores measure how the model
copes with bodies, tags and names it never saw, as staff text will be.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Vocab:
    locales: tuple[str, ...]
    names: tuple[str, ...]
    notes: tuple[str, ...]
    tasks: tuple[str, ...]
    instructions: tuple[str, ...]
    tags: tuple[str, ...]
    domains: tuple[str, ...]


# Names Faker's locales under-represent; typed as staff would type them.
_HAND_NAMES = (
    "Priya Patel", "Omar Haddad", "Wei Chen", "Aisha Bello", "Hiroshi Tanaka", "Nguyen Van An",
    "Kwame Mensah", "Fatima Zahra", "Ji-woo Park", "Santiago Ruiz", "Olumide Adeyemi",
    "Mei Lin", "Arjun Sharma", "Yusuf Demir", "Siobhan O'Brien", "Liam McCarthy", "Zainab Ali",
    "Dmitri Ivanov", "Ana Lucia Ferreira", "Tomasz Nowak", "Chidi Okafor", "Leilani Kahale",
    "Rahul Gupta", "Sofia Rossi", "Jean-Luc Moreau", "Hamid Karimi", "Nia Johnson",
    "Carlos de la Cruz", "Mohammed Al-Farsi", "Kofi Boateng", "Anh Tran", "Ravi Iyer",
    "Mariam Hussain", "Ines Garcia", "Tariq Aziz", "Yuki Sato", "Sun-hee Kim", "Amara Diallo",
    "Jose Martinez", "Ewa Kowalska", "Sam Lee", "Jane Doe", "Tom Reed", "Ann Smith",
    "John Smith", "Maria Garcia", "Noah Williams", "Emma Brown", "Lucas Silva", "Chloe Martin",
)
_HAND_NAMES_DEV = (
    "Deepa Nair", "Tunde Bakare", "Xiao Wang", "Layla Hassan", "Kenji Watanabe", "Bao Pham",
    "Efua Asante", "Min-jun Choi", "Valentina Lopez", "Ngozi Eze", "Rania Khalil", "Sione Taufa",
    "Vikram Singh", "Giulia Bianchi", "Aoife Byrne", "Pierre Dubois", "Katarzyna Wojcik",
    "Hassan Ahmadi", "Thandiwe Dlamini", "Mateo Herrera", "Ola Nordmann", "Kai Nakamura",
)

TRAIN = Vocab(
    locales=("en_US", "en_GB", "es_ES", "de_DE", "fr_FR", "it_IT", "pl_PL", "en_IN", "nl_NL",
             "yo_NG", "en_AU", "ga_IE"),
    names=_HAND_NAMES,
    notes=(
        "prefers morning sessions", "allergic to latex", "reports less pain in the lower back",
        "wants to try acupuncture next time", "missed two sessions in a row",
        "insurance card expires in June", "mentioned trouble sleeping", "BP 130/85 today",
        "started a new medication for migraines", "asked about payment plans",
        "knee feels better after the last session", "prefers to be called Bobby",
        "pregnant, due in October", "runs marathons, training for Boston",
        "do not call before 10am", "referred by Dr. Alvarez", "left shoulder still stiff",
        "needs a wheelchair accessible room", "discussed home exercise plan",
        "anxious about needles", "goal is to walk without a cane by summer",
        "recovering from ACL surgery", "would like female practitioners only",
        "pays cash, no insurance", "had a fall at home last week", "diabetic, check feet",
        "works night shifts so afternoons are best", "cancelled due to flu",
        "responded well to deep tissue massage", "headaches are less frequent",
        "speaks Spanish at home, interpreter helpful", "moving to Denver in the spring",
        "uses a CPAP machine", "vegetarian", "son will drive her to appointments",
        "complains of numbness in the right hand", "posture has improved a lot",
        "worried about the cost of treatment", "prefers text messages over calls",
        "follow up on MRI results", "sensitive to strong scents, no oils",
    ),
    tasks=(
        "call {p} insurer", "send the intake forms to {n}", "order more massage oil",
        "renew the clinic license", "check {p} lab results", "follow up with {n} about billing",
        "update the price list", "email {n} the exercise sheet", "book the room for the workshop",
        "review {p} treatment plan", "print new consent forms", "confirm {p} referral",
        "pay the linen service", "send {n} a receipt", "chase the unpaid invoice from {n}",
        "call the landlord about the heating", "ask {n} for a new insurance card",
        "restock the first aid kit", "back up the computer", "write a review of {p} progress",
        "prepare the monthly report", "call {n} back", "fax the records to Dr. Kim",
        "schedule a team meeting", "send a birthday card to {n}",
    ),
    instructions=(
        "his missed appointment", "her missed appointment", "the new opening hours",
        "rescheduling next week", "the invoice from March", "how the treatment went",
        "bringing the insurance card", "our holiday closure", "the exercises we discussed",
        "the cancellation policy", "the results of the assessment", "booking a follow-up visit",
        "the parking changes", "filling in the intake form", "the price change in January",
        "thanking them for the referral", "her upcoming session", "his outstanding balance",
    ),
    tags=(
        "vip", "new client", "new patient", "follow-up needed", "insurance pending", "no-show",
        "prenatal", "sports injury", "chronic pain", "pediatric", "senior", "high priority",
        "wheelchair", "spanish speaker", "referral", "inactive", "post-op", "athlete",
        "workers comp", "payment plan", "late payer", "migraine",
    ),
    domains=("gmail.com", "yahoo.com", "outlook.com", "example.com", "hotmail.co.uk",
             "icloud.com", "proton.me", "clinic.org"),
)

DEV = Vocab(
    locales=("pt_BR", "sv_SE", "tr_TR", "vi_VN", "en_CA", "da_DK"),
    names=_HAND_NAMES_DEV,
    notes=(
        "tolerates heat packs well", "neck pain worse in the evenings",
        "has a dog allergy, keep the room clean", "wants sessions every two weeks",
        "plays tennis twice a week", "recently widowed, be gentle", "blood sugar was high",
        "asked for a copy of her records", "prefers the upstairs room",
        "hip mobility improved by 20 degrees", "coming back after a long break",
        "pain level 6 out of 10", "can only do Fridays",
    ),
    tasks=(
        "send {n} the invoice", "call the plumber", "check {p} insurance coverage",
        "reorder printer paper", "remind {n} about the forms", "file {p} paperwork",
        "update the website hours", "text {n} the new address",
    ),
    instructions=(
        "the test results", "his next visit", "the new therapist joining",
        "paying the remaining balance", "what to bring next time", "the missed payment",
    ),
    tags=("diabetic", "elderly", "student", "returning", "allergy", "needs interpreter",
          "overdue", "family plan"),
    domains=("mail.com", "gmx.de", "fastmail.fm", "aol.com"),
)
