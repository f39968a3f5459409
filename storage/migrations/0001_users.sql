-- Everyone who ever wrote to the bot, and dialog state that survives restarts.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,            -- Telegram user id
    first_name     TEXT    NOT NULL DEFAULT '',
    last_name      TEXT,
    username       TEXT,
    language_code  TEXT,                           -- as Telegram reports it
    language       TEXT CHECK (language IN ('ru', 'en')),  -- chosen with /language
    is_active      INTEGER NOT NULL DEFAULT 1,     -- 0 after 403 / chat not found
    created_at     TEXT    NOT NULL,
    last_seen_at   TEXT    NOT NULL
);

CREATE TABLE fsm_states (
    key    TEXT PRIMARY KEY,
    state  TEXT,
    data   TEXT NOT NULL DEFAULT '{}'
);
