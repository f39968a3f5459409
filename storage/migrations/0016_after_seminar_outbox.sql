-- Surveys, survey reminders, materials and certificates become kinds of the outbox
-- (bot/services/outbox.py): their own claim tables go.
--
-- A sending of materials or an issue of certificates is a batch: its outbox rows have refs
-- `<batch id>:<item id>` (the material, or the certificate), and its admin gets one report
-- when no row of the batch is left to send.
CREATE TABLE delivery_batches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    admin_id     INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    reported_at  TEXT
);
CREATE INDEX ix_delivery_batches_unreported ON delivery_batches (kind) WHERE reported_at IS NULL;

INSERT INTO delivery_batches (id, kind, title, admin_id, created_at, reported_at)
SELECT ms.id, 'materials', s.title, ms.admin_id, ms.created_at, ms.reported_at
FROM material_sends AS ms JOIN seminars AS s ON s.id = ms.seminar_id;

INSERT INTO outbox (kind, ref, chat_id, priority, status, attempts, due_at, created_at,
                    updated_at)
SELECT 'materials', d.send_id || ':' || m.id, d.user_id, 1,
       CASE d.status WHEN 'claimed' THEN 'uncertain' WHEN 'skipped' THEN 'blocked'
                     ELSE d.status END,
       d.status <> 'pending', ms.created_at, ms.created_at, COALESCE(d.finished_at, ms.created_at)
FROM material_deliveries AS d
JOIN material_sends AS ms ON ms.id = d.send_id
JOIN materials AS m ON m.seminar_id = ms.seminar_id;
DROP TABLE material_deliveries;
DROP TABLE material_sends;

-- Certificates issued before: one batch, already reported (nobody waits for its report).
INSERT INTO delivery_batches (kind, title, admin_id, created_at, reported_at)
SELECT 'certificate', '', COALESCE(MIN(issued_by), 0), MIN(issued_at), MIN(issued_at)
FROM certificates HAVING COUNT(*) > 0;
INSERT INTO outbox (kind, ref, chat_id, priority, payload, status, attempts, due_at,
                    created_at, updated_at)
SELECT 'certificate', (SELECT MAX(id) FROM delivery_batches) || ':' || c.id, c.user_id, 1,
       json_object('certificate_id', c.id),
       CASE c.delivery WHEN 'claimed' THEN 'uncertain' WHEN 'skipped' THEN 'blocked'
                       ELSE c.delivery END,
       c.delivery <> 'pending', c.issued_at, c.issued_at, COALESCE(c.delivered_at, c.issued_at)
FROM certificates AS c WHERE c.user_id IS NOT NULL;
DROP INDEX ix_certificates_pending;
ALTER TABLE certificates DROP COLUMN delivery;
ALTER TABLE certificates DROP COLUMN delivered_at;

-- Surveys and their reminders: ref is the registration.
INSERT INTO outbox (kind, ref, chat_id, priority, status, attempts, due_at, created_at,
                    updated_at)
SELECT CASE d.kind WHEN 'survey' THEN 'survey' ELSE 'survey_reminder' END,
       CAST(d.registration_id AS TEXT), r.user_id, 1,
       CASE d.status WHEN 'claimed' THEN 'uncertain' WHEN 'skipped' THEN 'blocked'
                     ELSE d.status END,
       1, d.claimed_at, d.claimed_at, COALESCE(d.finished_at, d.claimed_at)
FROM feedback_deliveries AS d JOIN registrations AS r ON r.id = d.registration_id
WHERE r.user_id IS NOT NULL;
DROP TABLE feedback_deliveries;
