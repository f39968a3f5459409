"""Who is in the sandbox: the people a visitor can be, the staff group and the sample crowd."""

from __future__ import annotations

from dataclasses import dataclass

SANDBOX_TOKEN = "700000001:SANDBOX-local-only"
BOT_USERNAME = "seminar_sandbox_bot"
BOT_NAME = "Семинары НКО (песочница)"

STAFF_CHAT_ID = -1007000000001
STAFF_CHAT_TITLE = "Оргкомитет"


@dataclass(frozen=True, slots=True)
class Person:
    key: str  # the page's name for the person
    user_id: int
    first_name: str
    last_name: str
    username: str
    language_code: str
    phone: str


ANNA = Person("anna", 7001, "Анна", "Петрова", "anna_p", "ru", "+79123456701")
JOHN = Person("john", 7002, "John", "Smith", "john_s", "en", "+79123456702")
OLGA = Person("olga", 7003, "Ольга", "Иванова", "olga_org", "ru", "+79123456703")

# The visitor can be any of these; Olga is the organiser (ADMIN_IDS) and writes in the
# staff group chat too.
PEOPLE = (ANNA, JOHN, OLGA)
ORGANISER = OLGA

# Participants who already hold seats, so that one seminar is nearly full.
CROWD = tuple(
    Person(f"crowd{n}", 7100 + n, name, surname, f"crowd{n}", "ru", f"+7912555{n:04d}")
    for n, (name, surname) in enumerate(
        [
            ("Мария", "Кузнецова"),
            ("Дмитрий", "Соколов"),
            ("Елена", "Попова"),
            ("Игорь", "Лебедев"),
        ],
        start=1,
    )
)
