-- A broadcast to one seminar's people starts with a line naming the seminar: the text sent
-- (sendMessage) or the caption that replaces the copied one (copyMessage), as HTML.
ALTER TABLE broadcasts ADD COLUMN body_kind TEXT CHECK (body_kind IN ('text', 'caption'));
ALTER TABLE broadcasts ADD COLUMN body_html TEXT;
