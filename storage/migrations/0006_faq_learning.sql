-- The FAQ learns from its organisers: questions it could not answer confidently, and
-- wordings organisers attached to existing entries (kept apart from faq_entries, so
-- that a re-import of FAQ_PATH, which rewrites the file's aliases, keeps them).
CREATE TABLE faq_misses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    lang        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    wording     TEXT    NOT NULL,                      -- normalised text, groups repeats
    created_at  TEXT    NOT NULL
);
CREATE INDEX ix_faq_misses_wording ON faq_misses (wording);
CREATE INDEX ix_faq_misses_user ON faq_misses (user_id);
CREATE INDEX ix_faq_misses_created ON faq_misses (created_at);

CREATE TABLE faq_learned_aliases (
    entry_id    TEXT NOT NULL REFERENCES faq_entries (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (entry_id, text)
);
