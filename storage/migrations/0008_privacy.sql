-- Privacy hardening: who asked to be forgotten, and FAQ drafts an admin reviews.

-- Set by /forget_me; such a user is out of the "Everyone" audience until a new /start.
ALTER TABLE users ADD COLUMN forgotten_at TEXT;

-- "Add to FAQ" makes a draft from the question and its answer; an admin sees it, may
-- rewrite either text, and only then publishes it. Forgetting the asker deletes it.
CREATE TABLE faq_drafts (
    question_id  INTEGER PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
    question     TEXT    NOT NULL,
    answer       TEXT    NOT NULL,
    updated_by   INTEGER NOT NULL,
    updated_at   TEXT    NOT NULL
);
