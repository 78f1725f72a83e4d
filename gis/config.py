"""Settings, declared once as data. Read from the environment, then the test dict.

``docs/configuration`` in the README is checked against this table by a test.
"""
from __future__ import annotations

import dataclasses
import os
import secrets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = (
    Setting("GIS_ENV", "production",
            "production or development. Production refuses to start without SECRET_KEY."),
    Setting("DATABASE_URL", "sqlite:///" + os.path.join(ROOT, "instance", "cantho.db"),
            "Store URL: sqlite:///path (embedded default) or postgresql://user@host/db (PostGIS)."),
    Setting("SECRET_KEY", None,
            "Signs sessions. Required in production; development keeps a random one in instance/secret_key."),
    Setting("HOST", "127.0.0.1", "Address `make run` listens on."),
    Setting("PORT", 5000, "Port `make run` listens on."),
    Setting("PROJECTS_FILE", os.path.join(ROOT, "projects.geojson"), "Seed file of the plan's key projects."),
    Setting("LAYERS_DIR", os.path.join(ROOT, "layers"), "Folder of base layers with manifest.json."),
    Setting("MAX_CONTENT_LENGTH", 25 * 1024 * 1024, "Largest request body in bytes (uploads included); larger gets 413."),
    Setting("TRUSTED_PROXIES", 0,
            "How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For/-Proto/-Host are "
            "believed, so throttles count each visitor's own address. 0 when the app faces clients directly."),
    Setting("STALE_AFTER_DAYS", 183,
            "A project not confirmed or changed for this many days is flagged as stale to its agency."),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def from_environ(environ=os.environ) -> dict:
    """Settings from the environment, falling back to the declared defaults."""
    out = dict(DEFAULTS)
    for s in SETTINGS:
        if s.name in environ and environ[s.name] != "":
            out[s.name] = environ[s.name]
    out["PORT"] = int(out["PORT"])
    out["MAX_CONTENT_LENGTH"] = int(out["MAX_CONTENT_LENGTH"])
    try:
        out["TRUSTED_PROXIES"] = int(out["TRUSTED_PROXIES"])
    except ValueError:
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number, not {out['TRUSTED_PROXIES']!r}") from None
    try:
        out["STALE_AFTER_DAYS"] = int(out["STALE_AFTER_DAYS"])
    except ValueError:
        raise ConfigError(f"STALE_AFTER_DAYS must be a whole number of days, not {out['STALE_AFTER_DAYS']!r}") from None
    if out["STALE_AFTER_DAYS"] < 1:
        raise ConfigError("STALE_AFTER_DAYS must be at least 1")
    return out


def finalise(config: dict, instance_path: str) -> dict:
    """Check the combined settings; fill a development secret. Raises ConfigError."""
    env = config.get("GIS_ENV")
    if env not in ("production", "development"):
        raise ConfigError(f"GIS_ENV must be 'production' or 'development', not {env!r}")
    if not config.get("SECRET_KEY"):
        if env == "production" and not config.get("TESTING"):
            raise ConfigError("SECRET_KEY is required in production: set the SECRET_KEY environment variable "
                              "to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')")
        config["SECRET_KEY"] = _development_secret(instance_path)
    elif env == "production" and not config.get("TESTING") and _weak(config["SECRET_KEY"]):
        raise ConfigError("SECRET_KEY looks like a default or is too short: use at least 32 random characters "
                          "(python -c 'import secrets; print(secrets.token_hex(32))')")
    return config


WEAK_SECRETS = {"dev", "development", "secret", "changeme", "change-me", "default", "test", "password", "key"}


def _weak(secret) -> bool:
    text = str(secret)
    return len(text) < 32 or text.lower() in WEAK_SECRETS or len(set(text)) < 8


def _development_secret(instance_path: str) -> str:
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except FileNotFoundError:
        os.makedirs(instance_path, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key
