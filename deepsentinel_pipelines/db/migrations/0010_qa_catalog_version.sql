-- The question parser's vocabulary (video ids and zone names) is cached per database and read
-- again only when this version changes. Since 0006 qa.events is a join, so max(event_id) over it
-- scans every event (about 200 ms at 100k events, on every question); over the table it is one
-- index probe. Any new analysis changes it, current or not: a superset that only costs a re-read.
CREATE VIEW qa.catalog_version AS
    SELECT (SELECT max(event_id) FROM public.events) AS newest_event_id,
           (SELECT count(*) FROM public.videos) AS videos,
           (SELECT max(created_at) FROM public.videos) AS newest_video;

GRANT SELECT ON qa.catalog_version TO deepsentinel_reader;
