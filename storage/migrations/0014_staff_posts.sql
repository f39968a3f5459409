-- Staff messages besides the question posts that carry a participant's words: the FAQ
-- drafts an admin reviews, the answered question's confirmation with its FAQ buttons,
-- and the /questions overview (one row per question it lists). /forget_me edits them
-- all; publishing or cancelling a draft closes its draft messages.
CREATE TABLE staff_posts (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    question_id  INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('draft', 'answered', 'overview')),
    PRIMARY KEY (chat_id, message_id, question_id)
);
CREATE INDEX ix_staff_posts_question ON staff_posts (question_id, kind);
