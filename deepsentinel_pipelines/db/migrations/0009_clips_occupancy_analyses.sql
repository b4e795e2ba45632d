-- Clips and occupancy belong to an analysis like events and tracks (0006): a run writes them
-- under its own analysis id, the qa views read the current analysis only. Alerts stay per
-- video: they record deliveries across re-runs, keyed by event content (0008).
ALTER TABLE event_clips
    ADD COLUMN analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE CASCADE;
ALTER TABLE occupancy
    ADD COLUMN analysis_id bigint REFERENCES analyses (analysis_id) ON DELETE CASCADE;
ALTER TABLE occupancy DROP CONSTRAINT occupancy_pkey;
CREATE UNIQUE INDEX occupancy_analysis_zone_second
    ON occupancy (video_id, analysis_id, zone, second) NULLS NOT DISTINCT;
CREATE INDEX event_clips_analysis ON event_clips (analysis_id);

-- CREATE OR REPLACE keeps the reader role's grants (the columns do not change).
CREATE OR REPLACE VIEW qa.occupancy AS
    SELECT o.video_id, o.zone, o.second, o.people, o.mean_people
    FROM public.occupancy o
    JOIN public.videos v ON v.video_id = o.video_id
    WHERE o.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;

CREATE OR REPLACE VIEW qa.event_clips AS
    SELECT c.event_id, c.video_id, c.clip_key
    FROM public.event_clips c
    JOIN public.videos v ON v.video_id = c.video_id
    WHERE c.analysis_id IS NOT DISTINCT FROM v.current_analysis_id;
