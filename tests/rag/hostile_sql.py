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


# --- issue 22: what a statement costs, and the rest of the attacker's list ----------------------
# The families below up to COSTLY are refused by the guard itself; the COSTLY families pass the
# guard's language rules (or some of them do) and must then be bounded: refused for their plan,
# or run to completion within the statement timeout and the result-size cap.

OPERATOR_CHAINS = [
    *("SELECT " + "+".join(["fps"] * n) + " FROM qa.videos" for n in (30, 200, 1000, 4990)),
    *("SELECT " + "*".join(["v.width"] * n) + " FROM qa.videos v" for n in (26, 300, 3000)),
    *(
        "SELECT e.event_id FROM qa.events e WHERE " + " OR ".join(["e.start_s > 1"] * n)
        for n in (25, 400, 1500)
    ),
    *(
        "SELECT e.event_id FROM qa.events e WHERE " + " AND ".join(["e.end_s > 0"] * n)
        for n in (25, 400, 1500)
    ),
    *(
        "SELECT e.event_id FROM qa.events e WHERE e.event_id IN ("
        + ",".join(str(i) for i in range(n))
        + ")"
        for n in (250, 1000, 3500)
    ),
    *("SELECT " + "(" * n + "1" + ")" * n for n in (17, 100, 3000)),
    *(
        "SELECT CASE " + " ".join(f"WHEN e.start_s > {i} THEN {i}" for i in range(n)) + " END "
        "FROM qa.events e"
        for n in (60, 700)
    ),
    *(
        "SELECT " + ", ".join(f"e.start_s + {i} AS c{i}" for i in range(n)) + " FROM qa.events e"
        for n in (60, 120, 1000)
    ),
    "SELECT " + " - ".join(["e.start_s"] * 4000)[:19_000] + " FROM qa.events e",
    "SELECT count(*) FROM qa.events e WHERE " + "NOT " * 3000 + "e.start_s > 0",
    "SELECT " + "-" * 3000 + "1",
    "SELECT " + " || ".join(["'a'"] * 2000),
    "SELECT 1 " + " ".join(["UNION ALL SELECT 1"] * 1000),
    "SELECT coalesce(" + ", ".join(["e.zone"] * 2000) + ") FROM qa.events e",
    "SELECT greatest(" + ", ".join(["e.start_s"] * 2000) + ") FROM qa.events e",
    "SELECT ARRAY[" + ", ".join(["1"] * 5000) + "]",
]

NESTED_STRING_FUNCTIONS = [
    *(
        "SELECT " + "upper(lower(" * n + "e.description" + "))" * n + " FROM qa.events e"
        for n in (4, 8, 15, 30)
    ),
    *(
        "SELECT "
        + "upper(lower(" * n
        + "string_agg(e.description, ',')"
        + "))" * n
        + " FROM qa.events e"
        for n in (1, 2, 5, 30)
    ),
    *(
        f"SELECT trim({side} '" + "abcdefghij" * n + "' FROM string_agg(e.description, ','))"
        " FROM qa.events e"
        for side in ("LEADING", "TRAILING", "BOTH")
        for n in (1, 30, 1000)
    ),
    *(
        f"SELECT trim({side} '" + "xyz" * 300 + "' FROM e.description) FROM qa.events e"
        for side in ("LEADING", "TRAILING", "BOTH")
    ),
    "SELECT length(string_agg(e.description, ',')) FROM qa.events e",
    "SELECT lower(string_agg(e.description || e.description, '')) FROM qa.events e",
    "SELECT upper(array_agg(e.description)::text) FROM qa.events e",
    "SELECT length(array_agg(e.event_id)::text) FROM qa.events e",
    "SELECT count(*) FROM qa.events e WHERE e.description = (SELECT string_agg(f.description, '')"
    " FROM qa.events f)",
    "SELECT " + " || ".join(["e.description"] * 9) + " FROM qa.events e",
    "SELECT " + " || ".join(["v.summary"] * 30) + " FROM qa.videos v",
    "SELECT repeat(e.description, 100000) FROM qa.events e",
    "SELECT lpad(e.description, 1000000) FROM qa.events e",
    "SELECT rpad('x', 10000000)",
    "SELECT overlay(e.description placing repeat('x', 1000000) from 1) FROM qa.events e",
    "SELECT format('%s', repeat('x', 10000000))",
    "SELECT concat_ws(',', e.description, e.description) FROM qa.events e",
    "SELECT regexp_replace(e.description, '(a+)+$', 'x') FROM qa.events e",
    "SELECT e.description ~ '(a|aa)+$' FROM qa.events e",
    "SELECT e.description SIMILAR TO '(a|b)*c' FROM qa.events e",
    "SELECT translate(e.description, 'abc', 'xyz') FROM qa.events e",
    "SELECT string_to_array(e.description, ' ') FROM qa.events e",
    "SELECT md5(e.description) FROM qa.events e",
]

GROWING_AGGREGATES_NESTED = [
    "SELECT upper(string_agg(e.description, ',')) FROM qa.events e",
    "SELECT string_agg(e.description, ',') OVER (ORDER BY e.event_id) FROM qa.events e",
    "SELECT string_agg(e.description, ',') OVER () FROM qa.events e",
    "SELECT array_agg(e.event_id) OVER (ORDER BY e.event_id) FROM qa.events e",
    "SELECT t.s FROM (SELECT string_agg(e.description, ',') AS s FROM qa.events e) AS t",
    "WITH s AS (SELECT string_agg(e.description, ',') AS s FROM qa.events e) SELECT s.s FROM s",
    "WITH s AS (SELECT array_agg(e.event_id) AS ids FROM qa.events e) SELECT s.ids FROM s",
    "SELECT e.zone FROM qa.events e GROUP BY e.zone HAVING length(string_agg(e.description, ''))"
    " > 1",
    "SELECT e.zone FROM qa.events e GROUP BY e.zone HAVING string_agg(e.description, '') <> ''",
    "SELECT left(string_agg(e.description, ','), 10000000) FROM qa.events e",
    "SELECT (array_agg(e.event_id))[1:1000000] FROM qa.events e",
    "SELECT (array_agg(e.event_id))[1:5] || (array_agg(e.event_id))[1:5] FROM qa.events e",
    "SELECT coalesce(string_agg(e.description, ','), '') FROM qa.events e",
    "SELECT string_agg(e.description, ',') || 'x' FROM qa.events e",
    "SELECT count(*) FROM qa.events e WHERE e.zone IN (SELECT string_agg(f.zone, ',') FROM "
    "qa.events f)",
    "SELECT max(length(t.s)) FROM (SELECT string_agg(e.description, ',') AS s FROM qa.events e "
    "GROUP BY e.track_id) AS t",
    "SELECT string_agg(string_agg(e.description, ','), ';') FROM qa.events e",
    "SELECT array_agg(array_agg(e.event_id)) FROM qa.events e",
    "SELECT string_agg(e.description, ',') FILTER (WHERE e.zone IS NULL) OVER () FROM qa.events e",
    "SELECT trim(string_agg(e.description, ',')) AS t FROM qa.events e",
]

LIKE_PATTERNS = [
    *(
        "SELECT count(*) FROM qa.events e WHERE e.description LIKE '" + "%a" * n + "%'"
        for n in (8, 20, 100)
    ),
    *(
        "SELECT count(*) FROM qa.events e WHERE e.description ILIKE '" + "_" * n + "'"
        for n in (9, 50, 250)
    ),
    "SELECT count(*) FROM qa.events e WHERE e.description LIKE e.zone",
    "SELECT count(*) FROM qa.events e WHERE e.description LIKE e.description || '%'",
    "SELECT count(*) FROM qa.events e WHERE e.description LIKE '%' || e.zone || '%'",
    "SELECT count(*) FROM qa.events e WHERE e.description LIKE '" + "x" * 300 + "'",
    "SELECT count(*) FROM qa.events e WHERE e.description ILIKE ANY (ARRAY['%a%', '%b%'])",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "WHERE a.description LIKE b.description",
]

SET_RETURNING_AND_JSON = [
    "SELECT unnest(ARRAY[1, 2, 3])",
    "SELECT generate_series(1, 1000000000)",
    "SELECT * FROM generate_series(1, 1000000000) AS g",
    "SELECT jsonb_array_elements(e.attributes) FROM qa.events e",
    "SELECT jsonb_each(e.attributes) FROM qa.events e",
    "SELECT jsonb_path_query(e.attributes, '$.**') FROM qa.events e",
    "SELECT jsonb_agg(e.description) FROM qa.events e",
    "SELECT json_agg(e) FROM qa.events e",
    "SELECT to_jsonb(e.*) FROM qa.events e",
    "SELECT row_to_json(t) FROM qa.tracks t",
    "SELECT ROW(e.event_id, e.description) FROM qa.events e",
    "SELECT regexp_split_to_table(e.description, '') FROM qa.events e",
    "SELECT x FROM unnest(ARRAY[1, 2]) AS x",
    "SELECT count(*) FROM qa.events e, LATERAL generate_series(1, 1000) AS g",
    "SELECT count(*) FROM qa.events e CROSS JOIN LATERAL (SELECT e.zone) AS z",
    "SELECT xmlagg(xmlelement(name x, e.description)) FROM qa.events e",
    "SELECT string_agg(x::text, ',') FROM generate_series(1, 10000000) AS x",
    "SELECT array_fill(1, ARRAY[1000000])",
    "SELECT range_agg(int4range(1, 2))",
]

SESSION_AND_LOCKS = [
    "SET statement_timeout = 0",
    "SET LOCAL statement_timeout = 0",
    "SET work_mem = '4GB'",
    "SET ROLE postgres",
    "SET SESSION AUTHORIZATION postgres",
    "RESET ALL",
    "RESET statement_timeout",
    "SHOW ALL",
    "DISCARD ALL",
    "BEGIN",
    "BEGIN READ WRITE",
    "START TRANSACTION READ WRITE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT s",
    "ALTER ROLE deepsentinel_reader SET statement_timeout = '1h'",
    "ALTER ROLE deepsentinel_reader RESET ALL",
    "ALTER SYSTEM SET statement_timeout = 0",
    "ALTER DATABASE deepsentinel SET statement_timeout = 0",
    "SELECT pg_advisory_lock(1)",
    "SELECT pg_advisory_xact_lock(1)",
    "SELECT pg_try_advisory_lock(42)",
    "SELECT pg_advisory_lock_shared(1)",
    "SELECT pg_advisory_unlock_all()",
    "SELECT set_config('statement_timeout', '0', true)",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SELECT current_setting('statement_timeout')",
    "SELECT pg_backend_pid()",
    "SELECT pg_notify('chan', 'x')",
    "LOAD 'auto_explain'",
    "CHECKPOINT",
    "CLUSTER events",
    "REINDEX TABLE events",
    "ANALYZE events",
    "REFRESH MATERIALIZED VIEW x",
    "SECURITY LABEL ON TABLE events IS 'x'",
    "COMMENT ON TABLE events IS 'x'",
    "CREATE TEMP TABLE t AS SELECT 1",
    "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "SELECT pg_temp.f()",
    "SELECT lo_create(0)",
    "SELECT lo_from_bytea(0, 'x')",
    "SELECT lo_unlink(1)",
    "SELECT txid_current_if_assigned()",
    "SELECT pg_current_xact_id()",
    "SELECT nextval('events_event_id_seq')",
    "SELECT setval('events_event_id_seq', 1)",
]

LIMIT_TRICKS = [
    "SELECT e.event_id FROM qa.events e, qa.events f LIMIT ALL",
    "SELECT e.event_id FROM qa.events e LIMIT 1e9",
    "SELECT e.event_id FROM qa.events e LIMIT (SELECT count(*) FROM qa.events a, qa.events b)",
    "SELECT e.event_id FROM qa.events e FETCH FIRST 1e9 ROWS ONLY",
    "SELECT e.event_id FROM qa.events e LIMIT 10; SELECT 1",
    "SELECT e.event_id FROM qa.events e LIMIT $1",
    "SELECT e.event_id FROM qa.events e LIMIT 1 FOR SHARE",
    "SELECT e.event_id FROM qa.events e LIMIT 1 FOR NO KEY UPDATE",
]

QUOTING_AND_COMMENTS = [
    "SELECT $tag$x$tag$ || pg_sleep(1)",
    "SELECT E'\\x27; DROP TABLE events; --'",
    "SELECT U&'\\0027; DROP TABLE events'",
    "SELECT 'a' 'b'",
    'SELECT "embedding" FROM "qa"."events"',
    'SELECT e."EMBEDDING" FROM qa.events e',
    'SELECT * FROM "QA"."EVENTS"',
    'SELECT * FROM "pg_catalog"."pg_authid"',
    'SELECT * FROM "public"."events"',
    "SELECT 1 /* unclosed comment",
    "SELECT 1 -- ; DELETE FROM events\n; DELETE FROM events",
    "SELECT /*+ SeqScan(events) */ count(*) FROM qa.events a, qa.events b",
    "SELECT 1 /* a */ /* b */ ; /* c */ DROP TABLE events",
    "SELECT 'x' \\g",
    "\\copy events TO '/tmp/x'",
    'SELECT * FROM qa.events AS "qa.events"(a, b, c, d, e, f, g, h, i, j, k, l, m)',
    'SELECT "e"."embedding" FROM qa.events AS "e"',
    "SELECT e.search_text::text FROM qa.events e",
    "SELECT ts_headline(e.description, e.search_text::text::tsquery) FROM qa.events e",
    "SELECT e.embedding <-> e.embedding FROM qa.events e",
    "SELECT count(*) FROM qa.events e WHERE e.embedding IS NULL",
    'SELECT e."search_text" FROM qa.events e',
    "SELECT (qa.events).embedding FROM qa.events",
]

PLACEHOLDERS_AND_PARAMETERS = [
    "SELECT %(x)s; DROP TABLE events",
    "SELECT $1::text",
    "PREPARE p(int) AS SELECT $1",
    "EXECUTE p(1)",
    "DEALLOCATE ALL",
]

#: Families the guard must refuse, with the refused families of issue 10's review (above).
REFUSED_FAMILIES: dict[str, list[str]] = {
    "alias column lists": ALIAS_COLUMN_LISTS,
    "cartesian products": CARTESIAN,
    "big numbers": BIG_NUMBERS,
    "sleep": SLEEP,
    "writes and DDL": WRITES_AND_DDL,
    "stacked statements": STACKED,
    "files and catalogs": FILES_AND_CATALOGS,
    "system columns and casts": SYSTEM_COLUMNS_AND_CASTS,
    "forbidden columns": FORBIDDEN_COLUMNS,
    "recursion": RECURSION,
    "operator chains": OPERATOR_CHAINS,
    "nested string functions": NESTED_STRING_FUNCTIONS,
    "growing aggregates nested": GROWING_AGGREGATES_NESTED,
    "LIKE patterns": LIKE_PATTERNS,
    "set-returning and JSON": SET_RETURNING_AND_JSON,
    "session settings and locks": SESSION_AND_LOCKS,
    "LIMIT tricks": LIMIT_TRICKS,
    "quoting and comments": QUOTING_AND_COMMENTS,
    "placeholders and parameters": PLACEHOLDERS_AND_PARAMETERS,
}

HOSTILE_SQL = [sql for family in REFUSED_FAMILIES.values() for sql in family]

# --- accepted by the guard's language rules, then bounded --------------------------------------

_JOINABLE = {"qa.events": "e", "qa.tracks": "t", "qa.occupancy": "o"}
_SHAPES = (
    "SELECT count(*) FROM {x} a JOIN {y} b ON {on}",
    "SELECT max(a.video_id) FROM {x} a JOIN {y} b ON {on}",
    "SELECT a.video_id FROM {x} a JOIN {y} b ON {on} LIMIT 3",
    "SELECT a.video_id FROM {x} a JOIN {y} b ON {on} ORDER BY a.video_id LIMIT 3",
    "SELECT DISTINCT a.video_id FROM {x} a JOIN {y} b ON {on}",
    "SELECT a.video_id, count(*) FROM {x} a JOIN {y} b ON {on} GROUP BY a.video_id",
    "SELECT count(*) FROM {x} a, {y} b WHERE {on}",
)
#: Joins on an equality of a column with few values: near-cartesian products. Every one must be
#: refused for its plan on the bulk data set (2 videos, 20,000 events).
LOW_CARDINALITY_JOINS = [
    *(
        shape.format(x=x, y=y, on="a.video_id = b.video_id")
        for x in _JOINABLE
        for y in _JOINABLE
        for shape in _SHAPES
    ),
    *(
        shape.format(x="qa.events", y="qa.events", on=f"a.{column} = b.{column}")
        for column in ("zone", "event_type", "track_id", "confidence")
        for shape in _SHAPES
    ),
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "JOIN qa.events c ON b.video_id = c.video_id",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "JOIN qa.events c ON b.video_id = c.video_id JOIN qa.events d ON c.video_id = d.video_id",
    "SELECT count(*) FROM qa.events a JOIN qa.tracks t ON t.video_id = a.video_id "
    "JOIN qa.occupancy o ON o.video_id = t.video_id",
    "SELECT count(*) FROM qa.videos v JOIN qa.events a ON a.video_id = v.video_id "
    "JOIN qa.events b ON b.video_id = v.video_id",
    "SELECT string_agg(a.description, ',') FROM qa.events a JOIN qa.events b "
    "ON a.video_id = b.video_id",
    "SELECT a.event_id FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "WHERE a.description = b.description || 'x' LIMIT 3",
    "SELECT row_number() OVER (ORDER BY a.start_s) FROM qa.events a JOIN qa.events b "
    "ON a.video_id = b.video_id LIMIT 3",
    "SELECT count(DISTINCT (a.event_id, b.event_id)) FROM qa.events a JOIN qa.events b "
    "ON a.zone = b.zone",
    "SELECT a.event_id FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id "
    "ORDER BY a.description || b.description LIMIT 3",
    "WITH x AS (SELECT a.video_id FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id) "
    "SELECT count(*) FROM x",
    "SELECT count(*) FROM (SELECT a.event_id FROM qa.events a JOIN qa.events b "
    "ON a.event_type = b.event_type) AS s",
    "SELECT (SELECT count(*) FROM qa.events a JOIN qa.events b ON a.video_id = b.video_id)",
    "SELECT count(*) FROM qa.events a JOIN qa.events b USING (video_id)",
    "SELECT count(*) FROM qa.events a JOIN qa.events b USING (zone)",
    "SELECT count(*) FROM qa.events a LEFT JOIN qa.events b ON a.video_id = b.video_id",
    "SELECT count(*) FROM qa.events a FULL JOIN qa.events b ON a.event_type = b.event_type",
]

SUBQUERIES_AND_WINDOWS = [
    "SELECT (SELECT count(*) FROM qa.events b WHERE b.video_id = a.video_id) FROM qa.events a",
    "SELECT a.event_id FROM qa.events a WHERE (SELECT count(*) FROM qa.events b "
    "WHERE b.zone = a.zone) > 1",
    "SELECT a.event_id FROM qa.events a WHERE EXISTS (SELECT 1 FROM qa.events b "
    "WHERE b.video_id = a.video_id AND b.start_s > a.start_s)",
    "SELECT a.event_id FROM qa.events a WHERE a.video_id IN (SELECT b.video_id FROM qa.events b)",
    "SELECT a.event_id FROM qa.events a WHERE a.start_s > ALL (SELECT b.start_s FROM qa.events b "
    "WHERE b.video_id = a.video_id)",
    "SELECT a.event_id FROM qa.events a WHERE NOT EXISTS (SELECT 1 FROM qa.events b "
    "WHERE b.video_id = a.video_id AND b.description = a.description || '!')",
    "SELECT count(*) OVER (PARTITION BY e.video_id ORDER BY e.start_s) FROM qa.events e",
    "SELECT rank() OVER (ORDER BY e.description) FROM qa.events e ORDER BY 1 DESC",
    "SELECT sum(e.end_s) OVER (ORDER BY e.start_s ROWS BETWEEN UNBOUNDED PRECEDING AND "
    "UNBOUNDED FOLLOWING) FROM qa.events e",
    "SELECT DISTINCT e.description FROM qa.events e ORDER BY e.description DESC",
    "SELECT e.event_id FROM qa.events e ORDER BY e.description || e.description, e.zone",
    "SELECT e.video_id, e.zone, e.event_type, count(*) FROM qa.events e "
    "GROUP BY e.video_id, e.zone, e.event_type ORDER BY 4 DESC",
    "SELECT t.track_id, count(e.event_id) FROM qa.tracks t JOIN qa.events e "
    "ON e.video_id = t.video_id AND e.track_id = t.track_id GROUP BY t.track_id",
    "SELECT o.zone, max(o.people) FROM qa.occupancy o GROUP BY o.zone",
    "SELECT a.event_id, b.event_id FROM qa.events a JOIN qa.events b "
    "ON a.video_id = b.video_id AND a.track_id = b.track_id "
    "WHERE a.event_type = 'fall' AND b.event_type = 'loitering'",
    "SELECT count(*) FROM qa.events a JOIN qa.events b ON a.event_id = b.event_id",
    "SELECT a.event_id FROM qa.events a WHERE a.event_id = (SELECT max(b.event_id) "
    "FROM qa.events b)",
    "SELECT e.event_id FROM qa.events e WHERE e.start_s BETWEEN 10 AND 20 ORDER BY e.start_s",
    "SELECT v.video_id, (SELECT count(*) FROM qa.events e WHERE e.video_id = v.video_id) "
    "FROM qa.videos v",
    "SELECT e.video_id FROM qa.events e UNION SELECT t.video_id FROM qa.tracks t",
    "SELECT e.zone FROM qa.events e INTERSECT SELECT o.zone FROM qa.occupancy o",
    "SELECT e.description FROM qa.events e EXCEPT SELECT e2.zone FROM qa.events e2",
    "SELECT e.event_id FROM qa.events e OFFSET 99999999999999999999",
    "SELECT e.event_id FROM qa.events e ORDER BY e.event_id OFFSET 19000",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY e.start_s) FROM qa.events e",
]

_WIDE = ", ".join(" || ".join(["v.summary"] * 8) + f" AS s{i}" for i in range(6))
#: What a statement returns: at most 1 MB reaches the caller, whatever the rows hold.
WIDE_RESULTS = [
    f"SELECT {_WIDE} FROM qa.videos v",
    f"SELECT {_WIDE} FROM qa.videos v JOIN qa.events e ON e.video_id = v.video_id LIMIT 3",
    f"SELECT {_WIDE} FROM qa.videos v JOIN qa.events e ON e.video_id = v.video_id",
    f"SELECT {_WIDE} FROM qa.videos v JOIN qa.tracks t ON t.video_id = v.video_id",
    *(
        "SELECT "
        + ", ".join(" || ".join(["e.description"] * 8) + f" AS d{i}" for i in range(n))
        + " FROM qa.events e"
        for n in (1, 4, 9)
    ),
    *(
        "SELECT " + ", ".join(["v.summary"] * n) + " FROM qa.videos v JOIN qa.events e "
        "ON e.video_id = v.video_id"
        for n in (1, 10, 50)
    ),
    "SELECT e.description, e.attributes, e.highlight_key FROM qa.events e",
    "SELECT * FROM qa.events",
    "SELECT * FROM qa.tracks",
    "SELECT * FROM qa.occupancy",
    "SELECT * FROM qa.videos",
    "TABLE qa.events",
    "SELECT * FROM qa . events",
    "SELECT * FROM qa.events WHERE zone = '' OR 1=1; --'",
    "SELECT e.event_id FROM qa.events e WHERE e.event_id IN ("
    + ",".join(str(i) for i in range(150))
    + ")",
    "SELECT e.attributes #> '{a,b,c,d,e,f,g,h}' FROM qa.events e",
    "SELECT e.event_id FROM qa.events e LIMIT %s",
    "SELECT %s",
    "SELECT :x",
    "SELECT ? FROM qa.events",
    "SELECT v.summary || v.summary AS s FROM qa.videos v ORDER BY s DESC",
    "SELECT upper(lower(upper(e.description))) FROM qa.events e ORDER BY 1",
    "SELECT trim(BOTH '" + "xyz" * 80 + "' FROM e.description) FROM qa.events e ORDER BY 1",
    "SELECT count(*) FROM qa.events e WHERE e.description LIKE '%a%b%c%d%e%f%g%'",
    "SELECT count(*) FROM qa.events e WHERE e.description ILIKE '%" + "x" * 200 + "%'",
]

#: string_agg and array_agg as output columns: capped to 4,000 characters / 200 items.
TOP_LEVEL_AGGREGATES = [
    "SELECT string_agg(e.description, ',') FROM qa.events e",
    "SELECT string_agg(e.description || e.description, '') FROM qa.events e",
    "SELECT string_agg(" + " || ".join(["e.description"] * 8) + ", '') FROM qa.events e",
    "SELECT e.video_id, string_agg(e.description, ',') FROM qa.events e GROUP BY e.video_id",
    "SELECT e.zone, string_agg(e.description, ';' ORDER BY e.start_s) FROM qa.events e "
    "GROUP BY e.zone",
    "SELECT e.track_id, string_agg(e.description, ',') FROM qa.events e GROUP BY e.track_id",
    "SELECT e.video_id, e.track_id, string_agg(e.description, ',') FROM qa.events e "
    "GROUP BY e.video_id, e.track_id",
    "SELECT array_agg(e.event_id) FROM qa.events e",
    "SELECT array_agg(e.description ORDER BY e.description) FROM qa.events e",
    "SELECT e.zone, array_agg(e.event_id) FROM qa.events e GROUP BY e.zone",
    "SELECT string_agg(e.description, ',') FILTER (WHERE e.zone IS NOT NULL) FROM qa.events e",
    "SELECT string_agg(DISTINCT e.description, ',') FROM qa.events e",
    "SELECT string_agg(v.summary, '') FROM qa.videos v",
    "SELECT string_agg(o.zone, ',') FROM qa.occupancy o",
    "SELECT string_agg(t.class_name, ',') FROM qa.tracks t",
    "SELECT string_agg(e.description, ',') FROM qa.events e UNION ALL "
    "SELECT string_agg(v.summary, ',') FROM qa.videos v",
    "SELECT left(string_agg(e.description, ','), 4000) FROM qa.events e",
    "SELECT (array_agg(e.event_id))[1:200] FROM qa.events e",
    "SELECT string_agg(e.description, ',') AS s, array_agg(e.event_id) AS ids, "
    "count(*) FROM qa.events e",
    "SELECT string_agg(e.description, ',') FROM qa.events e JOIN qa.tracks t "
    "ON t.video_id = e.video_id AND t.track_id = e.track_id",
]

COSTLY_FAMILIES: dict[str, list[str]] = {
    "low-cardinality joins": LOW_CARDINALITY_JOINS,
    "subqueries, windows, sorts": SUBQUERIES_AND_WINDOWS,
    "wide results": WIDE_RESULTS,
    "top-level aggregates": TOP_LEVEL_AGGREGATES,
}
COSTLY_SQL = [sql for family in COSTLY_FAMILIES.values() for sql in family]
#: Every family: the guard refuses the first ones; the costly ones are bounded after it.
CORPUS: dict[str, list[str]] = REFUSED_FAMILIES | COSTLY_FAMILIES
