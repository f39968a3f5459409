-- /forget_me detaches a person's past registrations from their id but gives them one opaque
-- number, the same on all of them, so the report still counts that person once among the
-- people (never by name). Registrations forgotten before this migration have none.
ALTER TABLE registrations ADD COLUMN forgotten_person INTEGER;
