-- One row per confident answer the bot gave from the FAQ: only when, never who or what,
-- so the funders' report can count them.
CREATE TABLE faq_answers (
    id           INTEGER PRIMARY KEY,
    answered_at  TEXT    NOT NULL
);
CREATE INDEX faq_answers_answered_at ON faq_answers (answered_at);
