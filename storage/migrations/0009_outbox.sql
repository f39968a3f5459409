-- One outbox for everything the bot sends on its own (bot/services/outbox.py): broadcasts,
-- reminders, notices. A row is claimed (pending → sending) only when its request is about to
-- leave; a row found in `sending` at start-up has an unknown outcome and becomes `uncertain`.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    ref          TEXT    NOT NULL,
    chat_id      INTEGER NOT NULL,
    priority     INTEGER NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}',
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'failed',
                                   'uncertain', 'stopped', 'skipped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT    NOT NULL,
    retry_until  TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (kind, ref, chat_id)
);
CREATE INDEX ix_outbox_queue ON outbox (priority, due_at, id) WHERE status = 'pending';
CREATE INDEX ix_outbox_ref ON outbox (kind, ref, status);

INSERT INTO outbox (kind, ref, chat_id, priority, status, attempts, due_at, created_at,
                    updated_at)
SELECT 'broadcast', CAST(r.broadcast_id AS TEXT), r.user_id, 1,
       CASE r.status WHEN 'sending' THEN 'uncertain' ELSE r.status END,
       r.attempts, b.created_at, b.created_at, COALESCE(r.updated_at, b.created_at)
FROM broadcast_recipients AS r JOIN broadcasts AS b ON b.id = r.broadcast_id;
DROP TABLE broadcast_recipients;

INSERT INTO outbox (kind, ref, chat_id, priority, status, attempts, due_at, created_at,
                    updated_at)
SELECT 'reminder', seminar_id || ':' || offset_seconds, user_id, 0,
       CASE status WHEN 'claimed' THEN 'uncertain' ELSE status END,
       1, claimed_at, claimed_at, COALESCE(finished_at, claimed_at)
FROM reminder_deliveries;
DROP TABLE reminder_deliveries;

-- Updates whose handling finished: an update Telegram delivers again after a crash is skipped.
CREATE TABLE handled_updates (
    update_id   INTEGER PRIMARY KEY,
    handled_at  TEXT    NOT NULL
);
