-- The bot message whose «Задать вопрос организаторам» sent the question: a second press on
-- the same message finds the question already there and sends nothing.
ALTER TABLE questions ADD COLUMN source_message_id INTEGER;
CREATE UNIQUE INDEX ux_questions_source ON questions (user_id, source_message_id)
    WHERE source_message_id IS NOT NULL;
