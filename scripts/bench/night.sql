-- One heavy simulated night (the monthly payout) applied to a register through its journal
-- triggers, never writing change_log directly. The caller runs it with sqlite3 after
--   CREATE TEMP TABLE knob(name TEXT PRIMARY KEY, value INTEGER);
--   INSERT INTO knob VALUES ('rows', N), ('day', '2026-10-21');   (day is text)
-- and it produces exactly N journal rows, each on a different record, whatever the register's
-- size, so that a 100k and a 1M register get the same night:
--   40 % payment updates: first the payout (preliminary payments due by the end of next month
--        turn executed, as many as the register has), the rest retroactive corrections
--        (+100 kr gross) of executed payments, spread over the persons in a hashed order;
--    2 % new deductions (GARNISHMENT) on other executed payments (one U row on the payment);
--    3 % case updates: open granted cases close today, closed ones get a corrected daily amount;
--   the rest: next month's preliminary payments for ongoing granted cases, inserted. A register
--        with fewer ongoing cases than needed registers further months ahead for the same
--        cases (period and payment date one month later per round), so the count is exact.
-- It prints the number of journal rows it produced.
.bail on
.headers off
.mode list
BEGIN;
CREATE TEMP TABLE mark AS SELECT ifnull((SELECT max(seq) FROM change_log), 0) AS before;
INSERT INTO knob SELECT 'updates', value * 40 / 100 FROM knob WHERE name = 'rows';
INSERT INTO knob SELECT 'deductions', value * 2 / 100 FROM knob WHERE name = 'rows';
INSERT INTO knob SELECT 'cases', value * 3 / 100 FROM knob WHERE name = 'rows';

-- The payout.
CREATE TEMP TABLE touched(id INTEGER PRIMARY KEY);
INSERT INTO touched
    SELECT id FROM payment
    WHERE status = 'preliminary' AND payment_date < date((SELECT value FROM knob WHERE name = 'day'), 'start of month', '+2 months')
    ORDER BY payment_date, id
    LIMIT (SELECT value FROM knob WHERE name = 'updates');
UPDATE payment SET status = 'executed' WHERE id IN touched;

-- Retroactive corrections, up to the update share.
CREATE TEMP TABLE corrected(id INTEGER PRIMARY KEY);
INSERT INTO corrected
    SELECT id FROM payment
    WHERE status = 'executed' AND id NOT IN touched
    ORDER BY (id * 2654435761) % 4294967291, id
    LIMIT max(0, (SELECT value FROM knob WHERE name = 'updates') - (SELECT count(*) FROM touched));
UPDATE payment SET gross_ore = gross_ore + 10000, tax_ore = CASE WHEN tax_ore > 0 THEN tax_ore + 3000 ELSE 0 END
    WHERE id IN corrected;
INSERT INTO touched SELECT id FROM corrected;

-- Deductions on payments not touched yet (from the other end of the hashed order).
INSERT INTO payment_deduction(payment_id, kind, amount_ore)
    SELECT id, 'GARNISHMENT', max(100, gross_ore / 10 / 100 * 100) FROM payment
    WHERE status = 'executed' AND id NOT IN touched
      AND NOT EXISTS (SELECT 1 FROM payment_deduction d WHERE d.payment_id = payment.id)
    ORDER BY (id * 2654435761) % 4294967291 DESC, id
    LIMIT (SELECT value FROM knob WHERE name = 'deductions');

-- Case decisions.
UPDATE benefit_case
    SET closed_on = CASE WHEN closed_on IS NULL THEN (SELECT value FROM knob WHERE name = 'day') ELSE closed_on END,
        daily_amount_ore = CASE WHEN closed_on IS NULL THEN daily_amount_ore ELSE daily_amount_ore + 100 END
    WHERE id IN (SELECT id FROM benefit_case ORDER BY (id * 2654435761) % 4294967291, id
                 LIMIT (SELECT value FROM knob WHERE name = 'cases'));

-- Next month's preliminary payments fill the night up to exactly N journal rows.
INSERT INTO knob SELECT 'fill', (SELECT value FROM knob WHERE name = 'rows') - (max(seq) - (SELECT before FROM mark))
    FROM change_log;
CREATE TEMP TABLE ongoing(k INTEGER PRIMARY KEY, pnr TEXT, benefit TEXT, daily INTEGER);
INSERT INTO ongoing(pnr, benefit, daily)
    SELECT pnr, benefit, daily_amount_ore FROM benefit_case
    WHERE decision = 'granted' AND (closed_on IS NULL OR closed_on >= (SELECT value FROM knob WHERE name = 'day'))
    ORDER BY (id * 2654435761) % 4294967291, id;
INSERT INTO ongoing(pnr, benefit, daily)     -- a register without ongoing cases uses any case
    SELECT pnr, benefit, daily_amount_ore FROM benefit_case WHERE NOT EXISTS (SELECT 1 FROM ongoing);
INSERT INTO knob SELECT 'ongoing', count(*) FROM ongoing;
WITH RECURSIVE n(i) AS (
    SELECT 0 WHERE (SELECT value FROM knob WHERE name = 'fill') > 0
    UNION ALL
    SELECT i + 1 FROM n WHERE i + 1 < (SELECT value FROM knob WHERE name = 'fill')
), item(i, round, k) AS (
    SELECT i, i / (SELECT value FROM knob WHERE name = 'ongoing'), 1 + i % (SELECT value FROM knob WHERE name = 'ongoing') FROM n
)
INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
    SELECT o.pnr, o.benefit, CASE WHEN o.benefit IN ('SA', 'AE') AND o.k % 3 = 0 THEN 'PM' ELSE 'FK' END, 'preliminary',
           date(d.day, 'start of month', '+' || (item.round + 1) || ' months'),
           date(d.day, 'start of month', '+' || (item.round + 2) || ' months', '-1 day'),
           date(d.day, 'start of month', '+' || (item.round + 1) || ' months', '+24 days'),
           coalesce(o.daily, 50000) * 20, coalesce(o.daily, 50000) * 20 * 30 / 100 / 100 * 100, d.day || 'T02:00:00Z'
    FROM item
    JOIN ongoing o ON o.k = item.k
    CROSS JOIN (SELECT value AS day FROM knob WHERE name = 'day') AS d;

SELECT max(seq) - (SELECT before FROM mark) FROM change_log;
COMMIT;
