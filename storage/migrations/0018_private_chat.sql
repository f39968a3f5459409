-- When a user first wrote to the bot in a private chat. The "Everyone" broadcast reaches only
-- users who did: someone seen only in the staff group never started the bot, and Telegram
-- refuses to write to them. Users recorded before this migration keep the old behaviour.
ALTER TABLE users ADD COLUMN private_chat_at TEXT;
UPDATE users SET private_chat_at = created_at;
