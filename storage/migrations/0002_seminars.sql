-- Seminars, participants' profiles and registrations (seats and waitlist).
CREATE TABLE profiles (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    full_name     TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    phone         TEXT NOT NULL,
    consent_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE seminars (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    starts_at         TEXT    NOT NULL,               -- UTC, ISO 8601
    duration_minutes  INTEGER NOT NULL DEFAULT 120 CHECK (duration_minutes > 0),
    place             TEXT    NOT NULL,
    capacity          INTEGER NOT NULL CHECK (capacity >= 1),
    status            TEXT    NOT NULL DEFAULT 'published'
                      CHECK (status IN ('published', 'cancelled')),
    created_by        INTEGER,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX ix_seminars_status_start ON seminars (status, starts_at);

CREATE TABLE registrations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,   -- also the waitlist order
    seminar_id         INTEGER NOT NULL REFERENCES seminars (id),
    user_id            INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL: anonymised
    status             TEXT    NOT NULL CHECK (status IN ('confirmed', 'waitlist', 'cancelled')),
    attendance         TEXT    CHECK (attendance IN ('yes', 'no')),
    created_at         TEXT    NOT NULL,
    status_changed_at  TEXT    NOT NULL
);
-- One live registration per user and seminar: a double press cannot make two.
CREATE UNIQUE INDEX ux_registrations_live
    ON registrations (seminar_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX ix_registrations_seminar_status ON registrations (seminar_id, status, id);
CREATE INDEX ix_registrations_user ON registrations (user_id);
