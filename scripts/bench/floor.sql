-- The floor: the bare work of a delta night done by the sqlite3 CLI, for comparison with
-- `prenum run`. bench.sh prepends the ATTACH of Prenum's state database (as `s`) and the
-- temp table `ordered` (subscriber, benefit, v1, needs_consent) filled from the configuration,
-- and replaces :watermark, :day, :history, :payments and :cases.
-- It selects the night's changed records (DISTINCT entity_id after the watermark), joins them
-- to the present subscriptions and each subscriber's ordered benefits, applies the visibility
-- rules that need no history (not cancelled, in the window, after the person's from-date,
-- executed only for format 1, consent where the purpose needs it) and writes one CSV row per
-- subscriber and record. It does not compare with what was sent before, order, sign or fsync.
CREATE TEMP TABLE changed_payment AS
    SELECT DISTINCT entity_id AS id FROM change_log WHERE seq > :watermark AND entity = 'payment';
CREATE TEMP TABLE changed_case AS
    SELECT DISTINCT entity_id AS id FROM change_log WHERE seq > :watermark AND entity = 'case';

.mode csv
.output :payments
SELECT sub.subscriber, p.pnr, p.id, p.benefit, p.company, p.status, p.period_from, p.period_to,
       p.payment_date, p.gross_ore, p.tax_ore,
       (SELECT group_concat(d.kind || ':' || d.amount_ore) FROM payment_deduction d WHERE d.payment_id = p.id)
FROM changed_payment c
JOIN payment p ON p.id = c.id
JOIN s.subscription sub ON sub.pnr = p.pnr AND sub.present = 1
JOIN ordered o ON o.subscriber = sub.subscriber AND o.benefit = p.benefit
WHERE p.status <> 'cancelled'
  AND p.payment_date >= max(date(':day', '-:history days'), ifnull(sub.from_date, ''))
  AND (o.v1 = 0 OR p.status = 'executed')
  AND (o.needs_consent = 0 OR sub.consent = 1);

.output :cases
SELECT sub.subscriber, b.pnr, b.id, b.benefit, b.decision, b.opened_on, b.closed_on, b.extent_pct, b.daily_amount_ore
FROM changed_case c
JOIN benefit_case b ON b.id = c.id
JOIN s.subscription sub ON sub.pnr = b.pnr AND sub.present = 1
JOIN ordered o ON o.subscriber = sub.subscriber AND o.benefit = b.benefit
WHERE (b.closed_on IS NULL OR b.closed_on >= max(date(':day', '-:history days'), ifnull(sub.from_date, '')))
  AND (o.needs_consent = 0 OR sub.consent = 1);
.output stdout
