"""Start and stop the servers under test: ours (gunicorn), pygeoapi, tipg, uMap and nginx.

Every server is a child process in its own process group, listening on 127.0.0.1 in the
18000-18999 range, with 2 workers (nginx: 2 worker processes), its log in bench/out/logs/.
``Server.stop()`` ends the group (SIGTERM, then SIGKILL after 10 s); ``stop_all()`` ends
every server this process started (also registered with atexit).
"""
from __future__ import annotations

import atexit
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
PEERS = os.path.join(ROOT, "bench", ".peers")
LOGS = os.path.join(OUT, "logs")
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")

PORTS = {"ours-sqlite": 18001, "ours-postgis": 18002, "ours-seed": 18003, "pygeoapi": 18011, "tipg": 18021, "nginx": 18031,
         "umap-nginx": 18032, "umap": 18033,
         "ours-front": 18034, "ours-seed-front": 18035}
SECRET = secrets.token_hex(32)
_RUNNING: list["Server"] = []


class Server:
    def __init__(self, name: str, cmd: list[str], port: int, health: str = "/", env: dict | None = None,
                 cwd: str = ROOT):
        self.name, self.cmd, self.port, self.health, self.cwd = name, cmd, port, health, cwd
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(LOGS, f"{name}.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> "Server":
        os.makedirs(LOGS, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=30) as r:
                    if r.status < 500:
                        return self
            except urllib.error.HTTPError as exc:  # answering, even with 403/404, means up
                if exc.code < 500:
                    return self
                time.sleep(0.3)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self.url + self.health} in {timeout:.0f} s; "
                           f"see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """Children of the master (gunicorn/nginx workers)."""
        if self.proc is None:
            return []
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self in _RUNNING:
            _RUNNING.remove(self)
        self.proc = None


def stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


atexit.register(stop_all)


def rss_kib(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0])
    return out


# -- the servers ---------------------------------------------------------------------------

def ours(store_url: str, name: str) -> Server:
    """Production settings: GIS_ENV=production, a random SECRET_KEY, gunicorn -w 2."""
    return Server(name, [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-w", "2", "-b",
                         f"127.0.0.1:{PORTS[name]}", "--timeout", "300", "app:create_app()"],
                  PORTS[name], "/healthz",
                  env={"GIS_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": store_url})


def pygeoapi(config_path: str, openapi_path: str) -> Server:
    venv = os.path.join(PEERS, "pygeoapi", "bin")
    env = {"PYGEOAPI_CONFIG": config_path, "PYGEOAPI_OPENAPI": openapi_path}
    subprocess.run([os.path.join(venv, "pygeoapi"), "openapi", "generate", config_path, "--output-file",
                    openapi_path], check=True, env={**os.environ, **env}, capture_output=True)
    return Server("pygeoapi", [os.path.join(venv, "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORTS['pygeoapi']}",
                               "--timeout", "300", "pygeoapi.flask_app:APP"], PORTS["pygeoapi"], "/collections",
                  env=env)


def tipg(n: int) -> Server:
    venv = os.path.join(PEERS, "tipg", "bin")
    env = {"DATABASE_URL": f"{PG}/bench_cantho_{n}", "TIPG_DB_SCHEMAS": '["peers"]',
           "TIPG_DB_EXCLUDE_FUNCTION_SCHEMAS": '["public", "peers", "pg_temp"]'}
    return Server("tipg", [os.path.join(venv, "gunicorn"), "-w", "2", "-k", "uvicorn.workers.UvicornWorker", "-b",
                           f"127.0.0.1:{PORTS['tipg']}", "--timeout", "300", "tipg.main:app"],
                  PORTS["tipg"], "/collections", env=env)


def umap(settings_path: str) -> Server:
    venv = os.path.join(PEERS, "umap", "bin")
    return Server("umap", [os.path.join(venv, "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORTS['umap']}",
                           "--timeout", "300", "umap.wsgi:application"], PORTS["umap"], "/en/",
                  env={"UMAP_SETTINGS": settings_path})


def nginx(conf_path: str, port: int, name: str = "nginx") -> Server:
    return Server(name, ["/usr/sbin/nginx", "-c", conf_path, "-g", "daemon off;"], port, "/")
