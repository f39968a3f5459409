"""Feedback after a seminar: who is due the survey or its reminder, answers, results.

Surveys and reminders are outbox deliveries (kinds below, ref the registration id).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Executor
from storage.timecodec import to_db

SURVEY_KIND = "survey"
REMINDER_KIND = "survey_reminder"


class FeedbackField(StrEnum):
    USEFUL = "useful"
    NEXT_TOPIC = "next_topic"


@dataclass(frozen=True, slots=True)
class SurveyRecipient:
    registration_id: int
    seminar_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class FeedbackAnswers:
    registration_id: int
    rating: int | None
    useful: str | None
    next_topic: str | None


@dataclass(frozen=True, slots=True)
class FeedbackComment:
    rating: int | None
    useful: str | None
    next_topic: str | None
    full_name: str


@dataclass(frozen=True, slots=True)
class FeedbackTotals:
    surveyed: int
    responded: int
    distribution: dict[int, int]  # rating 1…5 → how many gave it

    @property
    def average(self) -> float | None:
        total = sum(self.distribution.values())
        if not total:
            return None
        return sum(rating * count for rating, count in self.distribution.items()) / total


# Attendees of the seminar; when nobody was marked at all, every seat holder.
_AUDIENCE = """
    FROM registrations AS r
    WHERE r.seminar_id = ?
      AND r.status = 'confirmed'
      AND r.user_id IS NOT NULL
      AND (
          EXISTS (SELECT 1 FROM attendance AS a WHERE a.registration_id = r.id)
          OR NOT EXISTS (
              SELECT 1 FROM attendance AS a JOIN registrations AS m ON m.id = a.registration_id
              WHERE m.seminar_id = r.seminar_id
          )
      )
"""


def _recipient(row: sqlite3.Row) -> SurveyRecipient:
    return SurveyRecipient(
        registration_id=row["registration_id"],
        seminar_id=row["seminar_id"],
        user_id=row["user_id"],
    )


class FeedbackRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def survey_recipients(self, seminar_id: int) -> list[SurveyRecipient]:
        """Who is due the survey of this seminar and has not had it queued yet."""
        rows = await self._db.fetch_all(
            f"""
            SELECT r.id AS registration_id, r.seminar_id, r.user_id
            {_AUDIENCE}
              AND NOT EXISTS (
                  SELECT 1 FROM outbox AS o
                  WHERE o.kind = 'survey' AND o.ref = CAST(r.id AS TEXT)
              )
            ORDER BY r.id
            """,
            (seminar_id,),
        )
        return [_recipient(row) for row in rows]

    async def reminder_recipients(
        self, surveyed_before: datetime, surveyed_after: datetime
    ) -> list[SurveyRecipient]:
        """Surveyed (sent) in the window, no rating yet, and no reminder queued."""
        rows = await self._db.fetch_all(
            """
            SELECT r.id AS registration_id, r.seminar_id, r.user_id
            FROM outbox AS d
            JOIN registrations AS r ON r.id = CAST(d.ref AS INTEGER)
            WHERE d.kind = 'survey' AND d.status = 'sent'
              AND d.updated_at <= ? AND d.updated_at > ?
              AND r.user_id IS NOT NULL
              AND NOT EXISTS (
                  SELECT 1 FROM feedback AS f
                  WHERE f.registration_id = r.id AND f.rating IS NOT NULL
              )
              AND NOT EXISTS (
                  SELECT 1 FROM outbox AS x
                  WHERE x.kind = 'survey_reminder' AND x.ref = d.ref
              )
            ORDER BY d.updated_at, r.id
            """,
            (to_db(surveyed_before), to_db(surveyed_after)),
        )
        return [_recipient(row) for row in rows]

    async def get(self, registration_id: int) -> FeedbackAnswers | None:
        row = await self._db.fetch_one(
            "SELECT * FROM feedback WHERE registration_id = ?", (registration_id,)
        )
        if row is None:
            return None
        return FeedbackAnswers(
            registration_id=row["registration_id"],
            rating=row["rating"],
            useful=row["useful"],
            next_topic=row["next_topic"],
        )

    async def set_rating(self, registration_id: int, rating: int, now: datetime) -> None:
        await self._db.execute(
            """
            INSERT INTO feedback (registration_id, rating, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (registration_id) DO UPDATE SET rating = excluded.rating,
                                                        updated_at = excluded.updated_at
            """,
            (registration_id, rating, to_db(now)),
        )

    async def set_text(
        self, registration_id: int, field: FeedbackField, text: str, now: datetime
    ) -> None:
        column = field.value  # one of two fixed column names, never user input
        await self._db.execute(
            f"""
            INSERT INTO feedback (registration_id, {column}, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (registration_id) DO UPDATE SET {column} = excluded.{column},
                                                        updated_at = excluded.updated_at
            """,
            (registration_id, text, to_db(now)),
        )

    async def totals(self, seminar_id: int) -> FeedbackTotals:
        # Surveyed: the survey was sent, or may have been (uncertain after a crash), or was
        # answered whatever its record says; so the rate never exceeds 100 %.
        surveyed = await self._db.fetch_one(
            """
            SELECT COUNT(*) AS n FROM registrations AS r
            WHERE r.seminar_id = ?
              AND (
                  EXISTS (
                      SELECT 1 FROM outbox AS d
                      WHERE d.kind = 'survey' AND d.ref = CAST(r.id AS TEXT)
                        AND d.status IN ('sent', 'uncertain')
                  )
                  OR EXISTS (
                      SELECT 1 FROM feedback AS f
                      WHERE f.registration_id = r.id AND f.rating IS NOT NULL
                  )
              )
            """,
            (seminar_id,),
        )
        rows = await self._db.fetch_all(
            """
            SELECT f.rating, COUNT(*) AS n FROM feedback AS f
            JOIN registrations AS r ON r.id = f.registration_id
            WHERE r.seminar_id = ? AND f.rating IS NOT NULL
            GROUP BY f.rating
            """,
            (seminar_id,),
        )
        distribution = {rating: 0 for rating in range(1, 6)}
        for row in rows:
            distribution[row["rating"]] = row["n"]
        return FeedbackTotals(
            surveyed=surveyed["n"] if surveyed else 0,
            responded=sum(distribution.values()),
            distribution=distribution,
        )

    async def answers(self, seminar_id: int) -> list[FeedbackComment]:
        """Every answer of the seminar, oldest registration first; names from the profile."""
        rows = await self._db.fetch_all(
            """
            SELECT f.rating, f.useful, f.next_topic,
                   COALESCE(p.full_name, u.first_name, '') AS full_name
            FROM feedback AS f
            JOIN registrations AS r ON r.id = f.registration_id
            LEFT JOIN profiles AS p ON p.user_id = r.user_id
            LEFT JOIN users AS u ON u.id = r.user_id
            WHERE r.seminar_id = ?
            ORDER BY r.id
            """,
            (seminar_id,),
        )
        return [
            FeedbackComment(
                rating=row["rating"],
                useful=row["useful"],
                next_topic=row["next_topic"],
                full_name=row["full_name"],
            )
            for row in rows
        ]

    async def forget_texts(self, user_id: int) -> None:
        """/forget_me: the user's written answers go; ratings stay for the statistics."""
        await self._db.execute(
            """
            UPDATE feedback SET useful = NULL, next_topic = NULL
            WHERE registration_id IN (SELECT id FROM registrations WHERE user_id = ?)
            """,
            (user_id,),
        )
