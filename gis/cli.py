"""Command-line interface (flask --app app ...): migrations, seeding, export, validation."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from gis.errors import AlreadySeeded, Invalid

db_cli = AppGroup("db", help="Store schema (Alembic migrations).")


users_cli = AppGroup("users", help="Planners' accounts (passwords are prompted, never taken from argv).")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(export_command)
    app.cli.add_command(validate_command)


def _store():
    from gis.web import get_store

    return get_store()


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration to DATABASE_URL."""
    _store().migrate()
    click.echo(f"store is at the latest schema: {_safe_url(current_app.config['DATABASE_URL'])}")


@click.command("seed")
@with_appcontext
@click.option("--force", is_flag=True, help="Replace the store's projects even if they were edited.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store already holds projects.")
def seed_command(force, if_empty):
    """Load projects.geojson and layers/ into the store (validated, one transaction)."""
    from gis.schema import validate_collection
    from gis.store.seed import load_seed

    store = _store()
    store.migrate()
    if if_empty and not store.is_empty():
        click.echo("store already holds projects; nothing loaded (use `flask seed` to reload seed data)")
        return
    try:
        summary = load_seed(store, current_app.config["PROJECTS_FILE"], current_app.config["LAYERS_DIR"],
                            force=force, validate=lambda fc: [str(p) for p in validate_collection(fc)])
    except (AlreadySeeded, Invalid) as exc:
        click.echo(f"error: {exc.message}", err=True)
        for field, problems in (exc.details or {}).items():
            for p in problems if isinstance(problems, list) else [problems]:
                click.echo(f"  {p}", err=True)
        sys.exit(1)
    click.echo(f"seeded: {json.dumps(summary, ensure_ascii=False)}")


@click.command("export")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
def export_command(path):
    """Write the store's projects as a GeoJSON FeatureCollection (- for stdout)."""
    from gis.store.seed import export_geojson

    text = json.dumps(export_geojson(_store()), ensure_ascii=False, indent=1)
    if path == "-":
        click.echo(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        click.echo(f"wrote {path}")


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def validate_command(files):
    """Check GeoJSON files against the data model; exit 1 with one line per problem."""
    from gis.validate import main

    sys.exit(main(list(files)))


def _safe_url(url: str) -> str:
    """The URL without a password, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "<unparsable url>"


def _accounts():
    from gis.store.accounts import accounts_of

    store = _store()
    store.migrate()
    return accounts_of(store)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "editor", "viewer"]))
@click.option("--agency", default=None, help="Agency code (required for editor and viewer), e.g. so-gtvt.")
@click.option("--name", default="", help="Display name.")
def users_create(email, role, agency, name):
    """Create an account; the password is asked twice on the terminal."""
    from gis import accounts
    from gis.errors import Conflict

    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.check_new_user(email, role, agency, password)
        user = _accounts().create_user(email, accounts.hash_password(password), role, agency, name)
    except (Invalid, Conflict) as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"created {user.email} ({user.role}{', ' + user.agency if user.agency else ''})")


@users_cli.command("list")
def users_list():
    """Every account: e-mail, role, agency, active."""
    for u in _accounts().list_users():
        click.echo(f"{u.email}\t{u.role}\t{u.agency or '-'}\t{'active' if u.active else 'disabled'}")


@users_cli.command("disable")
@click.option("--email", required=True)
def users_disable(email):
    """Disable an account (it can no longer sign in or use its API tokens)."""
    from gis.errors import NotFound

    try:
        _accounts().set_active(email, False)
    except NotFound as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"disabled {email}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Back up the whole store (SQLite online backup, or pg_dump for PostGIS) to PATH."""
    from gis.backup import BackupError, backup

    try:
        facts = backup(_store(), path)
    except BackupError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"backup written: {facts['path']} ({facts['bytes']} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the store's contents with the backup at PATH."""
    from gis.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every project, history row and account with the backup. Continue?", abort=True)
    try:
        restore(_store(), path)
    except BackupError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"restored from {path}")
