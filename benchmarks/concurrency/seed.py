"""The clinic the load runs against: staff with API tokens and the contacts their commands
name, written straight into the deployment's database before the server starts."""

from __future__ import annotations

from pathlib import Path

CONTACTS = (("Jane", "Doe"), ("Sam", "Lee"), ("Priya", "Shah"), ("Tom", "Brown"))


async def seed(database_url: str, keys: Path, users: int) -> list[str]:
    """`users` practitioners (they may run every command of the mix); returns their tokens."""
    from assistant.auth.tokens import create_token
    from assistant.auth.users import create_user
    from assistant.db.engine import create_engine, session_factory
    from assistant.db.models import Contact
    from assistant.privacy.keys import load_keyring

    db = create_engine(database_url, keyring=load_keyring(keys))
    tokens = []
    try:
        async with session_factory(db)() as session, session.begin():
            for i in range(users):
                user = await create_user(
                    session,
                    email=f"load{i}@clinic.example.com",
                    role="practitioner",
                    password=f"load-benchmark-{i}-password",
                )
                tokens.append((await create_token(session, user, name="bench"))[1])
            for first, last in CONTACTS:
                session.add(Contact(first_name=first, last_name=last))
    finally:
        await db.dispose()
    return tokens
