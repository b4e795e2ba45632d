"""Hostile SQL a model could be talked into writing, by kind (the corpus of issue 10's review).

Every statement must be refused by the guard; run unvalidated on the reader login it must fail
or stay harmless (see ``test_hostile_corpus.py``).
"""

from __future__ import annotations

_COLUMNS_13 = ", ".join(f"c{i}" for i in range(1, 14))

ALIAS_COLUMN_LISTS = [
    f"SELECT e.c12 FROM qa.events AS e({_COLUMNS_13})",
    f"SELECT e.c13 FROM qa.events AS e({_COLUMNS_13})",
    "SELECT t.event_id FROM qa.events AS t(video_id, event_id)",
    f"SELECT count(e.c12) FROM qa.events e({_COLUMNS_13})",
    f"SELECT x.c12 FROM (SELECT * FROM qa.events) AS x({_COLUMNS_13})",
    "WITH w AS (SELECT event_id FROM qa.events) SELECT z.a FROM w AS z(a)",
    f"SELECT e.c12 FROM qa.events e({_COLUMNS_13}) JOIN qa.videos v ON v.video_id = e.c2",
]

CARTESIAN = [
    "SELECT count(*) FROM qa.events a, qa.events b",
    "SELECT count(*) FROM qa.events a, qa.events b, qa.events c",
    "SELECT count(*) FROM qa.events a, qa.events b, qa.events c, qa.events d",
    "SELECT count(*) FROM qa.events a CROSS JOIN qa.events b",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON true",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON 1 = 1",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.event_id = a.event_id",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.start_s > b.start_s",
    "SELECT count(*) FROM qa.events a, qa.events b WHERE a.video_id = b.video_id OR true",
    "SELECT count(*) FROM qa.events a, qa.events b WHERE a.start_s <> b.start_s",
    "SELECT count(*) FROM qa.events a LEFT JOIN qa.events b ON true",
    "SELECT count(*) FROM qa.events a FULL JOIN qa.events b ON a.zone IS NULL",
    "SELECT count(*) FROM qa.events a, qa.videos v",
    "SELECT count(*) FROM qa.tracks a, qa.tracks b",
    "SELECT string_agg(a.description, ',') FROM qa.events a, qa.events b, qa.events c",
    "SELECT string_agg(a.description || b.description, '') FROM qa.events a CROSS JOIN qa.events b",
    "WITH x AS (SELECT a.event_id FROM qa.events a, qa.events b) SELECT count(*) FROM x",
    "WITH x AS (SELECT a.event_id FROM qa.events a, qa.events b), "
    "y AS (SELECT x.event_id FROM x, x AS x2) SELECT count(*) FROM y",
    "SELECT count(*) FROM (SELECT a.event_id FROM qa.events a, qa.events b) AS s",
    "SELECT (SELECT count(*) FROM qa.events a, qa.events b) AS n",
    "SELECT count(*) FROM qa.events a, qa.events b, qa.events c, qa.events d, qa.events e",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "JOIN qa.events c ON b.video_id = c.video_id JOIN qa.events d ON c.video_id = d.video_id "
    "JOIN qa.events e ON d.video_id = e.video_id",
    "SELECT count(*) FROM qa.events a WHERE EXISTS (SELECT 1 FROM qa.events b, qa.events c)",
    "SELECT count(*) FROM qa.events a, qa.events b, qa.events c, qa.events d, qa.events e, "
    "qa.events f, qa.events g, qa.events h",
]

BIG_NUMBERS = [
    "SELECT 1e100000 * 1e100000",
    "SELECT 1e100000",
    "SELECT 9" + "9" * 40 + " * 2",
    "SELECT count(*) FROM qa.events WHERE start_s < 1e308",
]

SLEEP = [
    "SELECT pg_sleep(30)",
    "SELECT PG_SLEEP(30)",
    'SELECT "pg_sleep"(30)',
    "SELECT pg_catalog.pg_sleep(30)",
    "SELECT pg_sleep_for('30 seconds')",
    "SELECT pg_sleep_until(now() + interval '30 seconds')",
    "SELECT event_id FROM qa.events WHERE pg_sleep(1) IS NULL",
    "SELECT (SELECT pg_sleep(30)) AS x",
    "WITH s AS (SELECT pg_sleep(30)) SELECT 1 FROM s",
    "SELECT event_id FROM qa.events ORDER BY pg_sleep(0.1)",
]

WRITES_AND_DDL = [
    "DELETE FROM qa.events",
    "DELETE FROM events",
    "UPDATE qa.videos SET camera = 'x'",
    "INSERT INTO qa_sessions (session_id) VALUES (gen_random_uuid())",
    "DROP TABLE events",
    "DROP VIEW qa.events",
    "TRUNCATE public.videos CASCADE",
    "CREATE TABLE pwned (a int)",
    "CREATE TEMP TABLE pwned AS SELECT event_id FROM qa.events",
    "ALTER ROLE deepsentinel_reader SUPERUSER",
    "ALTER TABLE events ADD COLUMN x int",
    "GRANT SELECT ON public.videos TO deepsentinel_reader",
    "REVOKE SELECT ON qa.events FROM deepsentinel_reader",
    "WITH gone AS (DELETE FROM events RETURNING event_id) SELECT * FROM gone",
    "SELECT event_id INTO pwned FROM events",
    "SELECT event_id FROM qa.events FOR UPDATE",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/deepsentinel-pwned'",
    "COPY events TO '/tmp/events.csv'",
    "VACUUM FULL events",
    "LOCK TABLE events IN ACCESS EXCLUSIVE MODE",
    "CALL pg_terminate_backend(1)",
    "DO $$ BEGIN PERFORM pg_sleep(30); END $$",
    "PREPARE p AS SELECT 1",
    "LISTEN x",
    "NOTIFY x",
]

STACKED = [
    "SELECT 1; DELETE FROM public.events",
    "SELECT 1; SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM events; DROP TABLE events",
    "SELECT 1 /* ; DROP TABLE events */ ; DELETE FROM events",
    "SELECT event_id FROM events -- ; DROP TABLE events\n; DROP TABLE videos",
    "SELECT 1;;SELECT 2",
]

FILES_AND_CATALOGS = [
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_read_binary_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT lo_export(1, '/tmp/x')",
    "SELECT rolpassword FROM pg_authid",
    "SELECT passwd FROM pg_shadow",
    "SELECT * FROM pg_catalog.pg_authid",
    "SELECT usename FROM pg_user",
    "SELECT query FROM pg_stat_activity",
    "SELECT name, setting FROM pg_settings",
    "SELECT table_name FROM information_schema.tables",
    "SELECT column_name FROM information_schema.columns",
    "SELECT * FROM public.videos",
    "SELECT * FROM public.qa_interactions",
    "SELECT * FROM detections",
    "SELECT * FROM public.schema_migrations",
    "SELECT count(*) FROM public.events",
    "SELECT current_setting('data_directory')",
    "SELECT set_config('role', 'postgres', false)",
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT set_config('work_mem', '4GB', true)",
    "SELECT dblink('host=127.0.0.1', 'SELECT 1')",
    "SELECT version()",
    "SELECT inet_server_addr()",
    "SELECT pg_terminate_backend(pg_backend_pid())",
    "SELECT pg_cancel_backend(1)",
    "SELECT pg_reload_conf()",
    "SELECT txid_current()",
    "SELECT generate_series(1, 100000000)",
    "SELECT repeat('x', 100000000)",
    "SELECT query_to_xml('SELECT 1', true, true, '')",
]

SYSTEM_COLUMNS_AND_CASTS = [
    "SELECT ctid FROM qa.events",
    "SELECT xmin FROM qa.events",
    "SELECT tableoid FROM qa.events",
    "SELECT 'pg_authid'::regclass",
    "SELECT 'pg_sleep'::regproc",
    "SELECT event_id::oid FROM qa.events",
    "SELECT CAST('1' AS regclass)",
    "SELECT e FROM qa.events AS e",
    "SELECT e.* ::text FROM qa.events e",
    "SELECT row_to_json(e) FROM qa.events e",
    "SELECT to_jsonb(e) FROM qa.events e",
]

FORBIDDEN_COLUMNS = [
    "SELECT embedding FROM events",
    "SELECT search_text FROM qa.events",
    "SELECT e.embedding FROM qa.events e",
    'SELECT "embedding" FROM qa.events',
    'SELECT "EMBEDDING" FROM qa.events',
    "SELECT event_id FROM qa.events ORDER BY embedding",
    "SELECT count(*) FROM qa.events WHERE search_text IS NOT NULL",
    "SELECT event_id FROM qa.events WHERE embedding IS NOT NULL",
]

RECURSION = [
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n FROM r) SELECT n FROM r",
]

HOSTILE_SQL: list[str] = [
    *ALIAS_COLUMN_LISTS,
    *CARTESIAN,
    *BIG_NUMBERS,
    *SLEEP,
    *WRITES_AND_DDL,
    *STACKED,
    *FILES_AND_CATALOGS,
    *SYSTEM_COLUMNS_AND_CASTS,
    *FORBIDDEN_COLUMNS,
    *RECURSION,
]
