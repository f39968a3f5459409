-- Programmes: a named series of seminars; completing it means attending at least
-- `required` of its seminars.
CREATE TABLE programmes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    required    INTEGER NOT NULL CHECK (required >= 1),
    created_at  TEXT    NOT NULL
);
ALTER TABLE seminars ADD COLUMN programme_id INTEGER REFERENCES programmes (id);

-- Certificates: what is printed is kept, so sending one again gives the same document.
-- `delivery` is claimed (pending → claimed) right before the PDF is sent, so it never goes
-- twice; a row left `claimed` by a killed process is not resent (the holder can get it
-- from /my). /forget_me clears `user_id` and `full_name`; the certificate stays valid.
CREATE TABLE certificates (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    number        TEXT    NOT NULL UNIQUE,
    seminar_id    INTEGER REFERENCES seminars (id),      -- a seminar's certificate, or
    programme_id  INTEGER REFERENCES programmes (id),    -- a programme's
    user_id       INTEGER,
    full_name     TEXT,
    title         TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL,
    ends_at       TEXT    NOT NULL,  -- the last seminar's start (a programme), else starts_at
    minutes       INTEGER NOT NULL,
    issued_by     INTEGER,
    issued_at     TEXT    NOT NULL,
    delivery      TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (delivery IN ('pending', 'claimed', 'sent', 'failed', 'skipped')),
    delivered_at  TEXT,
    CHECK ((seminar_id IS NULL) <> (programme_id IS NULL)),
    UNIQUE (seminar_id, user_id),
    UNIQUE (programme_id, user_id)
);
CREATE INDEX ix_certificates_pending ON certificates (delivery, id);
CREATE INDEX ix_certificates_user ON certificates (user_id);
