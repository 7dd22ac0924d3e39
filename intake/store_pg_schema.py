"""The tables, functions, roles and row-level security of a store in a county's PostgreSQL database.

Everything lives in the schema `intake`, owned by the role that installs it (the county's database
administrator, `intake store init`); the app connects as each counsellor's own database role. Two
group roles carry the rights:

  intake_counsellor   reads, creates, changes and deletes the sessions of their own and of their teams
  intake_lead         reads the sessions of their teams (the reports and the due reviews), changes none

`intake.team_members` says who is in which team, and as what (every role may read it, only the owner
changes it). Nobody but the owner can change the
access log: the roles may only append to it through `intake.log_access` (which records the database
role itself, so an entry cannot be written in another's name) and read the entries of the sessions
they can see. Running it again is harmless: every statement is idempotent.
"""

FORMAT = 1
GENESIS = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256 of nothing, as the file log
COUNSELLOR, LEAD = "intake_counsellor", "intake_lead"

ROLES = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{COUNSELLOR}') THEN CREATE ROLE {COUNSELLOR} NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LEAD}') THEN CREATE ROLE {LEAD} NOLOGIN; END IF;
END $$;
"""

TABLES = f"""
CREATE SCHEMA IF NOT EXISTS intake;
REVOKE ALL ON SCHEMA intake FROM PUBLIC;
CREATE TABLE IF NOT EXISTS intake.meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO intake.meta VALUES ('format', '{FORMAT}') ON CONFLICT (key) DO NOTHING;

CREATE TABLE IF NOT EXISTS intake.team_members (
    member name NOT NULL,
    team text NOT NULL,
    role text NOT NULL CHECK (role IN ('counsellor', 'lead')),
    PRIMARY KEY (member, team)
);

-- The user's teams (`editing`: those they counsel in), for the policies (run as the user: current_user is the
-- counsellor). A policy reads them once per statement, `ARRAY(SELECT intake.my_teams(...))`: asked for each row, a
-- lookup per row cost a third of a second to count 100,000 sessions; read once and parallel safe, a count or a
-- filter of the list may scan the table in parallel (bench/pg_store.py).
CREATE OR REPLACE FUNCTION intake.my_teams(editing boolean) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT team FROM intake.team_members WHERE member = current_user AND (NOT editing OR role = 'counsellor')
$$;
-- The team a new session belongs to: the creating counsellor's (the first, by name, of several).
CREATE OR REPLACE FUNCTION intake.my_team() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT team FROM intake.team_members WHERE member = current_user AND role = 'counsellor' ORDER BY team LIMIT 1
$$;

CREATE TABLE IF NOT EXISTS intake.sessions (
    id text PRIMARY KEY,
    owner name NOT NULL DEFAULT current_user,   -- the counsellor's database role that created it
    team text DEFAULT intake.my_team(),          -- whose members see it too (NULL: the owner only)
    revision integer NOT NULL,
    record jsonb NOT NULL,                       -- the session (SessionRecord)
    previous jsonb,                              -- the version before the last save: `intake restore`
    summary jsonb,                               -- what the list shows; NULL while the record is damaged
    search text NOT NULL DEFAULT '',
    next_review date,
    status text,
    changed timestamptz NOT NULL DEFAULT now(),
    problem text,                                -- why the record is not a valid session; NULL when it is
    checked boolean NOT NULL DEFAULT false       -- written by intake (or checked since): summary and problem hold
);
CREATE INDEX IF NOT EXISTS sessions_listing ON intake.sessions ((problem IS NULL), changed DESC, id);
CREATE INDEX IF NOT EXISTS sessions_due ON intake.sessions (next_review, changed DESC, id)
    WHERE next_review IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_unchecked ON intake.sessions (id) WHERE NOT checked;

-- A row written by anything but intake (psql, another program) is checked again before it is listed.
CREATE OR REPLACE FUNCTION intake.mark_checked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.checked := coalesce(current_setting('intake.app_write', true), '') = 'on';
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER sessions_checked BEFORE INSERT OR UPDATE ON intake.sessions
    FOR EACH ROW EXECUTE FUNCTION intake.mark_checked();

-- The damaged versions `intake restore` replaced: they may hold the newest answers.
CREATE TABLE IF NOT EXISTS intake.damaged_copies (
    session_id text NOT NULL REFERENCES intake.sessions ON DELETE CASCADE,
    kept_at timestamptz NOT NULL DEFAULT now(),
    record jsonb NOT NULL
);

-- Who edits a session now. The lock itself is an advisory lock of the holder's connection, which the
-- server releases when that connection ends in any way: a holder whose program died is recovered at once.
CREATE TABLE IF NOT EXISTS intake.edit_holders (
    session_id text PRIMARY KEY,
    holder text NOT NULL, host text NOT NULL, pid integer NOT NULL, since timestamptz NOT NULL,
    db_user name NOT NULL DEFAULT current_user,
    backend integer NOT NULL DEFAULT pg_backend_pid()   -- the connection holding the lock (pg_locks.pid)
);

CREATE TABLE IF NOT EXISTS intake.access_log (
    n bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    action text NOT NULL,
    session text,
    who text NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    db_user name NOT NULL,
    prev text NOT NULL,          -- the hash of the entry before (GENESIS for the first)
    hash text NOT NULL           -- of this entry with prev: changing, removing or inserting one breaks the chain
);
CREATE TABLE IF NOT EXISTS intake.access_log_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one), entries bigint NOT NULL, last text NOT NULL
);

CREATE OR REPLACE FUNCTION intake.entry_hash(n bigint, at timestamptz, action text, session text, who text,
                                             host text, pid integer, db_user name, prev text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(json_build_array(
        n, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), action, session, who, host, pid,
        db_user, prev)::text, 'UTF8')), 'hex')
$$;

-- Appends one entry, chained to the last: one append at a time (two must not chain to the same entry).
CREATE OR REPLACE FUNCTION intake.append_entry(p_at timestamptz, p_action text, p_session text, p_who text,
                                               p_host text, p_pid integer, p_db_user name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, intake AS $$
DECLARE
    last_n bigint; last_hash text; h text;
BEGIN
    PERFORM pg_advisory_xact_lock(7031, 0);
    SELECT n, hash INTO last_n, last_hash FROM intake.access_log ORDER BY n DESC LIMIT 1;
    last_n := coalesce(last_n, 0);
    last_hash := coalesce(last_hash, '{GENESIS}');
    h := intake.entry_hash(last_n + 1, p_at, p_action, p_session, p_who, p_host, p_pid, p_db_user, last_hash);
    INSERT INTO intake.access_log VALUES (last_n + 1, p_at, p_action, p_session, p_who, p_host, p_pid, p_db_user,
                                          last_hash, h);
    INSERT INTO intake.access_log_head VALUES (true, last_n + 1, h)
        ON CONFLICT (one) DO UPDATE SET entries = excluded.entries, last = excluded.last;
END $$;

-- What the app calls: the time is the server's and the database role is the connection's own.
CREATE OR REPLACE FUNCTION intake.log_access(p_action text, p_session text, p_who text, p_host text,
                                             p_pid integer) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, intake AS $$
    SELECT intake.append_entry(clock_timestamp(), p_action, p_session, p_who, p_host, p_pid, session_user)
$$;

CREATE OR REPLACE FUNCTION intake.verify_access_log(OUT entries bigint, OUT broken_at bigint, OUT problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, intake AS $$
DECLARE
    r record; expected text := '{GENESIS}'; k bigint := 0; head record;
BEGIN
    SELECT count(*) INTO entries FROM intake.access_log;
    FOR r IN SELECT * FROM intake.access_log ORDER BY n LOOP
        k := k + 1;
        IF r.n <> k THEN
            broken_at := k; problem := format('entry %s is missing: it was removed', k); RETURN;
        ELSIF r.prev <> expected THEN
            broken_at := k; problem := 'it does not follow the entry before it: that one was changed or removed, '
                                       'or this one was inserted'; RETURN;
        ELSIF r.hash <> intake.entry_hash(r.n, r.at, r.action, r.session, r.who, r.host, r.pid, r.db_user, r.prev) THEN
            broken_at := k; problem := 'the entry was changed after it was written'; RETURN;
        END IF;
        expected := r.hash;
    END LOOP;
    SELECT * INTO head FROM intake.access_log_head;
    IF NOT FOUND THEN
        IF entries > 0 THEN broken_at := entries; problem := 'the log''s head (intake.access_log_head) is missing'; END IF;
    ELSIF head.entries > entries THEN
        broken_at := entries;
        problem := format('the head says %s entries: %s were removed from the end', head.entries, head.entries - entries);
    ELSIF head.entries = entries AND head.last <> expected THEN
        broken_at := entries; problem := 'the last entry was changed';
    END IF;
END $$;
"""

SECURITY = f"""
ALTER TABLE intake.sessions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS see ON intake.sessions;
CREATE POLICY see ON intake.sessions FOR SELECT
    USING (owner = current_user OR team = ANY (ARRAY(SELECT intake.my_teams(false))));
DROP POLICY IF EXISTS add ON intake.sessions;
CREATE POLICY add ON intake.sessions FOR INSERT
    WITH CHECK (owner = current_user AND (team IS NULL OR team = ANY (ARRAY(SELECT intake.my_teams(true)))));
DROP POLICY IF EXISTS change ON intake.sessions;
CREATE POLICY change ON intake.sessions FOR UPDATE
    USING (owner = current_user OR team = ANY (ARRAY(SELECT intake.my_teams(true))))
    WITH CHECK (owner = current_user OR team = ANY (ARRAY(SELECT intake.my_teams(true))));
DROP POLICY IF EXISTS remove ON intake.sessions;
CREATE POLICY remove ON intake.sessions FOR DELETE
    USING (owner = current_user OR team = ANY (ARRAY(SELECT intake.my_teams(true))));

ALTER TABLE intake.damaged_copies ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS of_visible ON intake.damaged_copies;
CREATE POLICY of_visible ON intake.damaged_copies
    USING (EXISTS (SELECT FROM intake.sessions s WHERE s.id = session_id));

ALTER TABLE intake.edit_holders ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS of_visible ON intake.edit_holders;
CREATE POLICY of_visible ON intake.edit_holders
    USING (db_user = current_user OR EXISTS (SELECT FROM intake.sessions s WHERE s.id = session_id));

ALTER TABLE intake.access_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS of_visible ON intake.access_log;
CREATE POLICY of_visible ON intake.access_log FOR SELECT
    USING (db_user = session_user OR EXISTS (SELECT FROM intake.sessions s WHERE s.id = session));

REVOKE ALL ON ALL TABLES IN SCHEMA intake FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA intake FROM PUBLIC;
GRANT USAGE ON SCHEMA intake TO {COUNSELLOR}, {LEAD};
GRANT SELECT ON intake.meta, intake.team_members TO {COUNSELLOR}, {LEAD};
GRANT SELECT, INSERT, UPDATE, DELETE ON intake.sessions, intake.damaged_copies, intake.edit_holders TO {COUNSELLOR};
GRANT SELECT ON intake.sessions TO {LEAD};
GRANT SELECT, INSERT, UPDATE, DELETE ON intake.edit_holders TO {LEAD};
GRANT SELECT ON intake.access_log TO {COUNSELLOR}, {LEAD};
GRANT EXECUTE ON FUNCTION intake.my_teams(boolean), intake.my_team(), intake.mark_checked(),
    intake.log_access(text, text, text, text, integer), intake.verify_access_log() TO {COUNSELLOR}, {LEAD};
"""
