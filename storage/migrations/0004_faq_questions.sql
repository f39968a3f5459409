-- FAQ entries (imported from FAQ_PATH or added by organisers) and questions to organisers.
CREATE TABLE faq_entries (
    id          TEXT PRIMARY KEY,
    lang        TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'en')),
    category    TEXT NOT NULL,
    question    TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',            -- JSON list of strings
    answer      TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('file', 'organiser')),
    updated_at  TEXT NOT NULL
);

CREATE TABLE questions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    answer        TEXT,
    answered_by   INTEGER,
    answered_at   TEXT,
    faq_entry_id  TEXT REFERENCES faq_entries (id) ON DELETE SET NULL
);
CREATE INDEX ix_questions_open ON questions (answered_at, id);
CREATE INDEX ix_questions_user ON questions (user_id, answered_at);

-- Where each question was posted for the organisers, to match their replies.
CREATE TABLE question_posts (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    question_id  INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX ix_question_posts_question ON question_posts (question_id);
