"""Questions to organisers, the staff messages each one was posted as, and the other
staff messages that show a question's words (drafts, confirmations, overviews)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor
from storage.models import Question, StaffPostKind
from storage.timecodec import from_db, to_db


def _question(row: sqlite3.Row) -> Question:
    return Question(
        id=row["id"],
        user_id=row["user_id"],
        text=row["text"],
        created_at=from_db(row["created_at"]),
        answer=row["answer"],
        answered_by=row["answered_by"],
        answered_at=from_db(row["answered_at"]) if row["answered_at"] else None,
        faq_entry_id=row["faq_entry_id"],
    )


class QuestionRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def create(
        self, user_id: int, text: str, now: datetime, source_message_id: int | None = None
    ) -> Question | None:
        """The new question; None if this user's question from that message already exists."""
        row = await self._db.fetch_one(
            "INSERT INTO questions (user_id, text, created_at, source_message_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *",
            (user_id, text, to_db(now), source_message_id),
        )
        return _question(row) if row else None

    async def get(self, question_id: int) -> Question | None:
        row = await self._db.fetch_one("SELECT * FROM questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def count_open(self, user_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM questions WHERE user_id = ? AND answered_at IS NULL",
            (user_id,),
        )
        assert row is not None
        return int(row["n"])

    async def open_questions(self, limit: int) -> list[Question]:
        """Unanswered questions, oldest first (those blanked by /forget_me left out)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM questions WHERE answered_at IS NULL AND text <> '' ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_question(row) for row in rows]

    async def count_all_open(self) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM questions WHERE answered_at IS NULL AND text <> ''"
        )
        assert row is not None
        return int(row["n"])

    async def mark_answered(
        self, question_id: int, answer: str, answered_by: int, now: datetime
    ) -> bool:
        """Record the answer unless the question already has one; True if this one won."""
        changed = await self._db.execute(
            """
            UPDATE questions SET answer = ?, answered_by = ?, answered_at = ?
            WHERE id = ? AND answered_at IS NULL
            """,
            (answer, answered_by, to_db(now), question_id),
        )
        return changed == 1

    async def set_faq_entry(self, question_id: int, entry_id: str) -> bool:
        """Link the question to the FAQ entry made from it, once; True if linked now."""
        changed = await self._db.execute(
            "UPDATE questions SET faq_entry_id = ? WHERE id = ? AND faq_entry_id IS NULL",
            (entry_id, question_id),
        )
        return changed == 1

    async def add_post(self, chat_id: int, message_id: int, question_id: int) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO question_posts (chat_id, message_id, question_id)"
            " VALUES (?, ?, ?)",
            (chat_id, message_id, question_id),
        )

    async def question_of_post(self, chat_id: int, message_id: int) -> int | None:
        row = await self._db.fetch_one(
            "SELECT question_id FROM question_posts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return int(row["question_id"]) if row else None

    async def posts(self, question_id: int) -> list[tuple[int, int]]:
        """(chat_id, message_id) of every staff message showing the question."""
        rows = await self._db.fetch_all(
            "SELECT chat_id, message_id FROM question_posts WHERE question_id = ?"
            " ORDER BY chat_id, message_id",
            (question_id,),
        )
        return [(row["chat_id"], row["message_id"]) for row in rows]

    async def of_user(self, user_id: int) -> list[Question]:
        rows = await self._db.fetch_all(
            "SELECT * FROM questions WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_question(row) for row in rows]

    async def blank_user(self, user_id: int) -> int:
        """Keep that the user's questions were asked and answered (for statistics), but
        not their texts nor the answers (which may quote them), nor the link to the person."""
        return await self._db.execute(
            """
            UPDATE questions
            SET user_id = NULL, text = '',
                answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END
            WHERE user_id = ?
            """,
            (user_id,),
        )

    async def save_draft(
        self, question_id: int, question: str, answer: str, admin_id: int, now: datetime
    ) -> None:
        await self._db.execute(
            """
            INSERT INTO faq_drafts (question_id, question, answer, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (question_id) DO UPDATE SET
                question = excluded.question,
                answer = excluded.answer,
                updated_by = excluded.updated_by,
                updated_at = excluded.updated_at
            """,
            (question_id, question, answer, admin_id, to_db(now)),
        )

    async def draft(self, question_id: int) -> tuple[str, str] | None:
        """(question, answer) of the FAQ draft made from the question, if any."""
        row = await self._db.fetch_one(
            "SELECT question, answer FROM faq_drafts WHERE question_id = ?", (question_id,)
        )
        return (row["question"], row["answer"]) if row else None

    async def delete_draft(self, question_id: int) -> bool:
        """True if there was a draft to delete."""
        deleted = await self._db.execute(
            "DELETE FROM faq_drafts WHERE question_id = ?", (question_id,)
        )
        return deleted == 1

    async def add_staff_post(
        self, chat_id: int, message_id: int, question_id: int, kind: StaffPostKind
    ) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO staff_posts (chat_id, message_id, question_id, kind)"
            " VALUES (?, ?, ?, ?)",
            (chat_id, message_id, question_id, kind.value),
        )

    async def staff_posts(
        self, question_id: int, kinds: tuple[StaffPostKind, ...] = tuple(StaffPostKind)
    ) -> list[tuple[int, int, StaffPostKind]]:
        """(chat_id, message_id, kind) of the staff messages of these kinds showing the question."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._db.fetch_all(
            f"SELECT chat_id, message_id, kind FROM staff_posts"
            f" WHERE question_id = ? AND kind IN ({marks}) ORDER BY chat_id, message_id",
            (question_id, *(kind.value for kind in kinds)),
        )
        return [(row["chat_id"], row["message_id"], StaffPostKind(row["kind"])) for row in rows]

    async def forget_staff_post(self, chat_id: int, message_id: int) -> None:
        """The message no longer shows anyone's words: nothing more to edit in it."""
        await self._db.execute(
            "DELETE FROM staff_posts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
