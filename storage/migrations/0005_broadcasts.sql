-- Broadcasts as persisted jobs: every recipient has a status, claimed before sending.
CREATE TABLE broadcasts (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by           INTEGER NOT NULL,
    audience             TEXT    NOT NULL CHECK (audience IN ('all', 'confirmed', 'waitlist')),
    seminar_id           INTEGER REFERENCES seminars (id),
    source_chat_id       INTEGER NOT NULL,
    source_message_id    INTEGER NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('running', 'stopped', 'done')),
    progress_chat_id     INTEGER,
    progress_message_id  INTEGER,
    created_at           TEXT    NOT NULL,
    finished_at          TEXT
);

CREATE TABLE broadcast_recipients (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id),
    user_id       INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'stopped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX ix_broadcast_recipients_status ON broadcast_recipients (broadcast_id, status);
