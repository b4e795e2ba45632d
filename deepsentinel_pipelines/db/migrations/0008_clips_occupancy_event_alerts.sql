-- Event clips, occupancy per second, and webhook deliveries of alerts on events.
-- One clip per notable event; the row goes with its event when a re-run replaces the events.
CREATE TABLE event_clips (
    event_id  bigint PRIMARY KEY REFERENCES events (event_id) ON DELETE CASCADE,
    video_id  text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    clip_key  text NOT NULL,
    start_s   double precision NOT NULL,
    end_s     double precision NOT NULL,
    frames    integer NOT NULL,
    width     integer NOT NULL,
    height    integer NOT NULL
);
CREATE INDEX event_clips_video ON event_clips (video_id);

-- People per second of video: zone 'frame' is the whole frame, other names are camera zones.
CREATE TABLE occupancy (
    video_id    text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    zone        text NOT NULL,
    second      integer NOT NULL,
    people      integer NOT NULL,  -- most people seen in one analysed frame of this second
    mean_people real NOT NULL,     -- mean over the analysed frames of this second
    PRIMARY KEY (video_id, zone, second)
);

-- One row per alert-worthy event, keyed by what identifies the event across re-runs (event
-- ids change when a re-run replaces the events), so each event is posted once.
CREATE TABLE event_alerts (
    alert_key    text PRIMARY KEY,
    video_id     text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    event_id     bigint,
    rule         text NOT NULL,
    payload      jsonb NOT NULL,
    delivered    boolean NOT NULL DEFAULT false,
    http_status  integer,
    error        text,
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX event_alerts_pending ON event_alerts (video_id) WHERE NOT delivered;

CREATE VIEW qa.occupancy AS
    SELECT video_id, zone, second, people, mean_people FROM public.occupancy;

CREATE VIEW qa.event_clips AS
    SELECT event_id, video_id, clip_key FROM public.event_clips;

GRANT SELECT ON qa.occupancy, qa.event_clips TO deepsentinel_reader;
