-- Core tables for videos, detections, tracks and events.
-- {embedding_dim} is replaced by the configured embedding model's dimension.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE videos (
    video_id     text PRIMARY KEY,
    s3_bucket    text NOT NULL,
    s3_key       text NOT NULL,
    camera       text NOT NULL DEFAULT 'default',
    container    text NOT NULL,
    codec        text NOT NULL,
    fps          double precision NOT NULL,
    frame_count  integer NOT NULL,
    duration_s   double precision NOT NULL,
    width        integer NOT NULL,
    height       integer NOT NULL,
    rotation     integer NOT NULL DEFAULT 0,
    size_bytes   bigint NOT NULL,
    sha256       text NOT NULL,
    thumbnail_key text,
    summary      text,
    people_count integer,
    analysis_fps double precision,
    frames_analyzed integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE detections (
    video_id   text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    frame_idx  integer NOT NULL,
    t_s        double precision NOT NULL,
    track_id   integer,
    class_id   integer NOT NULL,
    class_name text NOT NULL,
    score      real NOT NULL,
    x1 real NOT NULL, y1 real NOT NULL, x2 real NOT NULL, y2 real NOT NULL,
    -- 17 COCO keypoints flattened as x, y, confidence (51 values), NULL without pose output
    keypoints  real[]
);
CREATE INDEX detections_video_frame ON detections (video_id, frame_idx);
CREATE INDEX detections_video_track ON detections (video_id, track_id);

CREATE TABLE tracks (
    video_id   text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    track_id   integer NOT NULL,
    class_name text NOT NULL,
    first_s    double precision NOT NULL,
    last_s     double precision NOT NULL,
    n_frames   integer NOT NULL,
    mean_score real NOT NULL,
    PRIMARY KEY (video_id, track_id)
);

CREATE TABLE events (
    event_id      bigserial PRIMARY KEY,
    video_id      text NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    event_type    text NOT NULL,
    start_s       double precision NOT NULL,
    end_s         double precision NOT NULL,
    track_id      integer,
    zone          text,
    confidence    real NOT NULL,
    attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
    description   text NOT NULL,
    highlight_key text,
    embedding     vector({embedding_dim}),
    search_text   tsvector GENERATED ALWAYS AS (
        to_tsvector('english', event_type || ' ' || coalesce(zone, '') || ' ' || description)
    ) STORED,
    CHECK (end_s >= start_s)
);
CREATE INDEX events_video_time ON events (video_id, start_s);
CREATE INDEX events_type ON events (event_type);
CREATE INDEX events_search_text ON events USING gin (search_text);
CREATE INDEX events_embedding_hnsw ON events USING hnsw (embedding vector_cosine_ops);
