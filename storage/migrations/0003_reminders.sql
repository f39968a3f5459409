-- Reminder deliveries: a row is claimed before sending, so nothing goes out twice.
CREATE TABLE reminder_deliveries (
    seminar_id      INTEGER NOT NULL REFERENCES seminars (id),
    user_id         INTEGER NOT NULL,
    offset_seconds  INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    claimed_at      TEXT    NOT NULL,
    finished_at     TEXT,
    PRIMARY KEY (seminar_id, user_id, offset_seconds)
);

-- The organisers' summary that goes with a seminar's first reminder.
CREATE TABLE reminder_summaries (
    seminar_id  INTEGER PRIMARY KEY REFERENCES seminars (id),
    sent_at     TEXT NOT NULL
);
