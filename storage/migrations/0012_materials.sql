-- Materials of a seminar: the organiser's messages, copied to participants (copyMessage),
-- so files, photos and links reach them as sent.
CREATE TABLE materials (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    seminar_id    INTEGER NOT NULL REFERENCES seminars (id),
    from_chat_id  INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX ix_materials_seminar ON materials (seminar_id, id);

-- One sending of a seminar's materials to an audience, with its report to the admin.
CREATE TABLE material_sends (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    seminar_id  INTEGER NOT NULL REFERENCES seminars (id),
    audience    TEXT    NOT NULL CHECK (audience IN ('attendees', 'registered')),
    admin_id    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    reported_at TEXT
);

-- Each recipient's delivery, claimed (pending → claimed) right before the copies leave:
-- never twice; a row left claimed by a killed process is not resent.
CREATE TABLE material_deliveries (
    send_id      INTEGER NOT NULL REFERENCES material_sends (id),
    user_id      INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'skipped')),
    finished_at  TEXT,
    PRIMARY KEY (send_id, user_id)
);
CREATE INDEX ix_material_deliveries_pending ON material_deliveries (status, send_id);
