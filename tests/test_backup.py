"""`flask backup PATH` / `flask restore PATH` reproduce every project, history row and account."""

from app import create_app
from gis import accounts
from gis.store.accounts import accounts_of


def snapshot(store):
    projects = {f["id"]: f for f in store.list_projects(__import__("gis.store.base", fromlist=["ProjectQuery"])
                                                          .ProjectQuery(include_archived=True))}
    history = [h.to_dict() for h in store.history(limit=100000)]
    users = [u.to_public() for u in accounts_of(store).list_users()]
    return projects, history, users


def test_backup_then_restore_reproduces_the_store(store_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        store = get_store()
        accounts_of(store).create_user("a@sokhdt.vn", accounts.hash_password("x" * 12), "admin", "so-khdt")
        f = store.get_project("ql91-km0-km7-upgrade")
        store.update_project(f["id"], {"progress": 20}, expected_version=1, user="a@sokhdt.vn", note="before backup")
        before = snapshot(store)

    result = runner.invoke(args=["backup", str(tmp_path / "b" / "store.backup")])
    assert result.exit_code == 0, result.output

    with app.app_context():
        store = get_store()
        store.update_project("ql91-km0-km7-upgrade", {"progress": 90}, expected_version=2, user="x", note="after")
        store.update_project("vam-cong-bridge", {"archived": True}, expected_version=1, user="x", note="after",
                             action="archive")
        assert snapshot(store) != before

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "b" / "store.backup")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert snapshot(get_store()) == before


def test_restore_refuses_a_missing_or_corrupt_file(sqlite_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url})
    runner = app.test_cli_runner()
    runner.invoke(args=["seed"])
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    result = runner.invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code == 1 and "nothing restored" in result.output
    with app.app_context():
        from gis.web import get_store

        assert get_store().count_projects() == 68
