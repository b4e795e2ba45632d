-- Question-answering sessions and run-failure incidents.
CREATE TABLE qa_sessions (
    session_id uuid PRIMARY KEY,
    source     text NOT NULL DEFAULT 'cli',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE qa_interactions (
    interaction_id bigserial PRIMARY KEY,
    session_id     uuid NOT NULL REFERENCES qa_sessions (session_id) ON DELETE CASCADE,
    question       text NOT NULL,
    sql            text,
    retrieved_ids  bigint[] NOT NULL DEFAULT '{}',
    cited_ids      bigint[] NOT NULL DEFAULT '{}',
    answer         text NOT NULL,
    refused        boolean NOT NULL DEFAULT false,
    latencies_ms   jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE incidents (
    incident_id   bigserial PRIMARY KEY,
    run_id        text NOT NULL UNIQUE,
    job_name      text NOT NULL,
    partition_key text,
    failed_step   text,
    error         text NOT NULL,
    log_excerpt   text NOT NULL DEFAULT '',
    notified      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now()
);
