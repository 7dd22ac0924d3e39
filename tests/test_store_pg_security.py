"""Who sees what in a county's database (issue 15): row-level security by role and team, checked at the SQL
level with each counsellor's own login role, and through the app's store and commands on top of it."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql

from intake.cli import main
from intake.errors import ReadOnlyRole, SessionDamaged, SessionNotFound, StoreProblem
from intake.flows.display import Texts
from intake.flows.engine import InterviewState
from intake.screens.error_words import error_words
from intake.session import IntakeSession
from intake.store_pg import PostgresStore
from tests.test_content import CONTENT


@pytest.fixture
def county(postgres_server, postgres_url):
    """A database set up by its administrator, with four login roles: anna and carl counsel in team north,
    bob in team south, and lea leads north. Yields a function that opens a store as one of them."""
    admin = PostgresStore(postgres_url)  # the superuser: installs the schema on first opening
    suffix = uuid.uuid4().hex[:8]
    roles = {name: f"{name}_{suffix}" for name in ("anna", "carl", "bob", "lea")}
    teams = {"anna": ("north", "counsellor"), "carl": ("north", "counsellor"), "bob": ("south", "counsellor"),
             "lea": ("north", "lead")}
    database = postgres_url.split("/")[3].split("?")[0]
    with psycopg.connect(postgres_url, autocommit=True) as con:
        for name, role in roles.items():
            group = "intake_lead" if teams[name][1] == "lead" else "intake_counsellor"
            con.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(role), sql.Identifier(group)))
            con.execute("INSERT INTO intake.team_members VALUES (%s, %s, %s)", (role, *teams[name]))
    opened = []

    def open_as(name: str) -> PostgresStore:
        opened.append(PostgresStore(postgres_server.url(database, roles[name])))
        return opened[-1]

    open_as.url = lambda name: postgres_server.url(database, roles[name])
    open_as.roles = roles
    yield open_as
    for store in [*opened, admin]:
        store.close()
    postgres_server.drop_database(database)
    with psycopg.connect(postgres_server.url(), autocommit=True) as con:
        for role in roles.values():
            con.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _state() -> InterviewState:
    return InterviewState(flow_id="first", flow_version=1)


def _sql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as con:
        cur = con.execute(statement, params)
        return cur.fetchall() if cur.description else [(cur.rowcount,)]


def test_another_teams_counsellor_cannot_read_list_change_or_export_a_session(county, capsys):
    session = county("anna").create("Client North", "Anna", _state())
    bob = county("bob")
    with pytest.raises(SessionNotFound):
        bob.get(session.id)
    assert bob.list() == [] and bob.count() == 0 and bob.page() == []
    assert not bob.has_session(session.id)
    assert bob.access_log(session.id) == []
    # At the SQL level, with bob's own login: no row to read, change or delete.
    url = county.url("bob")
    assert _sql(url, "SELECT count(*) FROM intake.sessions") == [(0,)]
    assert _sql(url, "UPDATE intake.sessions SET record = '{}' WHERE id = %s", (session.id,)) == [(0,)]
    assert _sql(url, "DELETE FROM intake.sessions WHERE id = %s", (session.id,)) == [(0,)]
    assert _sql(url, "SELECT count(*) FROM intake.access_log WHERE session = %s", (session.id,)) == [(0,)]
    # Nor through the commands.
    assert main(["--store", url, "export", session.id]) == 2
    assert "No session" in capsys.readouterr().err
    # The session is still anna's, whole.
    assert county("anna").get(session.id).client_label == "Client North"


def test_a_team_shares_its_sessions_and_a_lead_reads_without_changing(county):
    session = county("anna").create("Client North", "Anna", _state())
    carl = county("carl")  # a colleague taking over during a holiday
    saved = carl.save(carl.get(session.id))
    assert saved.revision == 1
    lea = county("lea")
    assert [s.id for s in lea.list()] == [session.id] and lea.count() == 1
    with pytest.raises(ReadOnlyRole, match="may read the team's sessions but not change them") as refused:
        IntakeSession.resume(lea, CONTENT, session.id)  # the app then offers to open it read-only
    assert error_words(Texts(CONTENT, "fi"), refused.value) == (
        "Saat vain lukea", f"Roolisi {county.roles['lea']} saa lukea tiimin haastatteluja mutta ei muuttaa niitä. "
                           f"Voit avata haastattelun {session.id} vain luettavaksi.")
    assert IntakeSession.resume(lea, CONTENT, session.id, read_only=True).record.revision == 1
    with pytest.raises(StoreProblem, match="may not"):
        lea.save(lea.get(session.id))
    with pytest.raises(StoreProblem, match="may not"):
        lea.delete(session.id)
    assert county("anna").get(session.id).revision == 1


def test_a_counsellor_cannot_put_a_session_in_another_team(county):
    url = county.url("anna")
    county("anna")  # the schema exists
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        _sql(url, "INSERT INTO intake.sessions (id, team, revision, record) VALUES ('x', 'south', 0, '{}')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        _sql(url, "INSERT INTO intake.sessions (id, owner, revision, record) VALUES ('y', %s, 0, '{}')",
             (county.roles["bob"],))


@pytest.mark.parametrize("statement", [
    "UPDATE intake.access_log SET who = 'someone else'",
    "DELETE FROM intake.access_log",
    "TRUNCATE intake.access_log",
    "INSERT INTO intake.access_log VALUES (99, now(), 'open', NULL, 'x', 'h', 1, 'x', 'p', 'h')",
    "UPDATE intake.access_log_head SET entries = 0",
    "SELECT intake.append_entry(now() - interval '1 year', 'open', NULL, 'x', 'h', 1, 'postgres')",
])
def test_nobody_but_the_owner_changes_the_access_log(county, statement):
    anna = county("anna")
    anna.create("Client North", "Anna", _state())
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _sql(county.url("anna"), statement)
    assert anna.verify_access_log().ok and anna.verify_access_log().entries == 1


def test_the_log_names_the_database_role_whatever_name_the_app_gives(county):
    anna = county("anna")
    session = anna.create("Client North", "Anna", _state())
    anna.log_access("open", session.id, who="Carl Somebody")
    assert [e["role"] for e in anna.access_log(session.id)] == [county.roles["anna"]] * 2


def test_a_lead_lists_and_opens_rows_changed_by_hand_that_only_a_counsellor_may_mark(county, postgres_url):
    valid, broken = (county("anna").create(label, "Anna", _state()) for label in ("Client North", "Client Two"))
    _sql(postgres_url, "UPDATE intake.sessions SET record = record WHERE id = %s", (valid.id,))  # by hand: unchecked
    _sql(postgres_url, "UPDATE intake.sessions SET record = record - 'state' WHERE id = %s", (broken.id,))
    lea = county("lea")
    assert {s.id for s in lea.page()} == {valid.id, broken.id} and lea.count() == 2  # listed, not refused
    assert lea.get(valid.id).client_label == "Client North"
    with pytest.raises(SessionDamaged):
        lea.get(broken.id)
    assert [(type(s).__name__, s.id) for s in county("anna").page()][0] == ("DamagedSession", broken.id)


def test_a_counsellors_folder_moves_in_as_theirs_and_their_teams(county, postgres_url, tmp_path, capsys):
    from intake.store import Store

    folder = Store(tmp_path / "anna")
    ids = {folder.create(label, "Anna", _state()).id for label in ("A-1", "A-2")}
    folder.close()
    copy = ["store", "copy", "--from", str(tmp_path / "anna"), "--to", postgres_url]
    assert main([*copy, "--owner", "nobody_here"]) == 2
    assert "no database role 'nobody_here'; nothing was copied" in capsys.readouterr().err
    assert main([*copy, "--owner", county.roles["anna"], "--team", "nort"]) == 2
    assert "Nobody is in the team 'nort'" in capsys.readouterr().err
    assert main([*copy, "--owner", county.roles["anna"], "--team", "north"]) == 0
    assert {s.id for s in county("anna").list()} == ids == {s.id for s in county("carl").list()}
    assert county("bob").list() == []
    assert main(["store", "copy", "--from", str(tmp_path / "anna"), "--to", str(tmp_path / "b"), "--team", "x"]) == 2
    assert "--owner and --team say whose the sessions are in a county's database" in capsys.readouterr().err
