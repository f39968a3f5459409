-- Feedback after a seminar: one row of answers per registration, changed in place.
CREATE TABLE feedback (
    registration_id  INTEGER PRIMARY KEY REFERENCES registrations (id),
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    useful           TEXT,
    next_topic       TEXT,
    updated_at       TEXT    NOT NULL
);

-- The survey and its one reminder: a row is claimed before sending, so neither goes twice
-- (a row left `claimed` by a killed process is not retried).
CREATE TABLE feedback_deliveries (
    registration_id  INTEGER NOT NULL REFERENCES registrations (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('survey', 'reminder')),
    status           TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    claimed_at       TEXT    NOT NULL,
    finished_at      TEXT,
    PRIMARY KEY (registration_id, kind)
);
CREATE INDEX ix_feedback_deliveries_kind ON feedback_deliveries (kind, status, claimed_at);
