-- Certificates: what is printed is kept, so sending one again gives the same document.
-- `delivery` is claimed (pending → claimed) right before the PDF is sent, so it never goes
-- twice; a row left `claimed` by a killed process is not resent (the holder can get it
-- from /my). /forget_me clears `user_id` and `full_name`; the certificate stays valid.
CREATE TABLE certificates (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    number        TEXT    NOT NULL UNIQUE,
    seminar_id    INTEGER NOT NULL REFERENCES seminars (id),
    user_id       INTEGER,
    full_name     TEXT,
    title         TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL,
    minutes       INTEGER NOT NULL,
    issued_by     INTEGER,
    issued_at     TEXT    NOT NULL,
    delivery      TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (delivery IN ('pending', 'claimed', 'sent', 'failed', 'skipped')),
    delivered_at  TEXT,
    UNIQUE (seminar_id, user_id)
);
CREATE INDEX ix_certificates_pending ON certificates (delivery, id);
CREATE INDEX ix_certificates_user ON certificates (user_id);
