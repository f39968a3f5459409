-- A published FAQ draft's message («опубликован (Имя)») stays recorded as 'published', so
-- that /forget_me, which removes an entry published in the participant's own words, can
-- say so in it. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE staff_posts_new (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    question_id  INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('draft', 'answered', 'overview', 'published')),
    PRIMARY KEY (chat_id, message_id, question_id)
);
INSERT INTO staff_posts_new (chat_id, message_id, question_id, kind)
    SELECT chat_id, message_id, question_id, kind FROM staff_posts;
DROP TABLE staff_posts;
ALTER TABLE staff_posts_new RENAME TO staff_posts;
CREATE INDEX ix_staff_posts_question ON staff_posts (question_id, kind);
