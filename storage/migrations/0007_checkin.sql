-- The seminar day: format and meeting link, personal tickets, door codes and who really came.
ALTER TABLE seminars ADD COLUMN format TEXT NOT NULL DEFAULT 'in_person'
    CHECK (format IN ('in_person', 'online', 'hybrid'));
ALTER TABLE seminars ADD COLUMN meeting_link TEXT;  -- online and hybrid; only seat holders see it

-- One ticket per registration: `token` goes into the QR's deep link, `code` is typed by hand.
CREATE TABLE tickets (
    registration_id  INTEGER PRIMARY KEY REFERENCES registrations (id),
    token            TEXT    NOT NULL UNIQUE,
    code             TEXT    NOT NULL UNIQUE,
    created_at       TEXT    NOT NULL
);

-- The QR shown at a seminar's entrance for self check-in.
CREATE TABLE door_codes (
    seminar_id  INTEGER PRIMARY KEY REFERENCES seminars (id),
    token       TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);

-- Who came: at most one row per registration (the primary key makes a second mark fail,
-- however many volunteers scan at once). `marked_by` is the organiser or volunteer;
-- NULL when participants marked themselves (door QR, Join).
CREATE TABLE attendance (
    registration_id  INTEGER PRIMARY KEY REFERENCES registrations (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('in_person', 'online')),
    method           TEXT    NOT NULL CHECK (method IN ('ticket', 'door', 'list', 'join')),
    marked_by        INTEGER,
    marked_at        TEXT    NOT NULL
);

-- People without a seat who scanned the door QR; organisers hear of each once.
CREATE TABLE walk_ins (
    seminar_id  INTEGER NOT NULL REFERENCES seminars (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scanned_at  TEXT    NOT NULL,
    PRIMARY KEY (seminar_id, user_id)
);

-- The organisers' summary after a seminar ends, claimed before it is sent.
CREATE TABLE attendance_summaries (
    seminar_id  INTEGER PRIMARY KEY REFERENCES seminars (id),
    sent_at     TEXT    NOT NULL
);
