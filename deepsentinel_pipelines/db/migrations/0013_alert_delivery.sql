-- Alert delivery that never stalls. A failed alert waits longer after each attempt
-- (next_attempt_at) and after a capped number of attempts is parked (failed_at): the retry
-- sensor takes only alerts that are due and not parked, fewest attempts first, so alerts a
-- receiver keeps rejecting never hold back newer ones. The frame and clip keys are kept so each
-- attempt signs fresh links (a link signed at run time dies after 7 days).
ALTER TABLE event_alerts
    ADD COLUMN frame_key       text,
    ADD COLUMN clip_key        text,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN failed_at       timestamptz;

DROP INDEX event_alerts_pending;
CREATE INDEX event_alerts_due ON event_alerts (attempts, next_attempt_at)
    WHERE NOT delivered AND failed_at IS NULL;
CREATE INDEX event_alerts_failed ON event_alerts (failed_at) WHERE failed_at IS NOT NULL;
