-- A seminar's first published start, kept when it is moved: reports for funders give the
-- planned and the actual date. Existing seminars take their current start; new ones get
-- theirs from the trigger, whatever code creates them.
ALTER TABLE seminars ADD COLUMN planned_starts_at TEXT;
UPDATE seminars SET planned_starts_at = starts_at;
CREATE TRIGGER seminars_planned_start AFTER INSERT ON seminars
WHEN NEW.planned_starts_at IS NULL
BEGIN
    UPDATE seminars SET planned_starts_at = NEW.starts_at WHERE id = NEW.id;
END;
