"""wrk runs: requests/s and latency percentiles, parsed from ``wrk --latency``.

    .venv/bin/python bench/http_load.py URL [--bbox-template PATH --bboxes FILE] [-d 15] [-H 'Accept-Encoding: gzip']

``run()`` is what bench/run_all.py calls (see its doc string: warm-up, settle, fallback for
servers too slow to answer 16 connections within the run).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "wrk_bbox.lua")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse(out: str) -> dict:
    """The numbers of one wrk --latency report (latencies in ms)."""
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
           "requests": int(re.search(r"(\d+) requests in", out).group(1)),
           "non_2xx_3xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
           "errors": 0}
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        res["errors"] = sum(int(x) for x in m.groups())
        res["timeouts"] = int(m.group(4))
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        res[f"p{pct}"] = _ms(m.group(1)) if m else None
    m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    if m:
        res["transfer_per_s"] = m.group(1) + m.group(2)
    return res


def run(url: str, *, duration: int = 15, threads: int = 2, connections: int = 16, headers=(),
        bbox_template: str | None = None, bboxes: str | None = None, timeout: int = 30, warmup: int = 2,
        settle=None, min_requests: int = 10, fallback_duration: int = 60) -> dict:
    """One wrk run; with ``bbox_template`` every request picks a box from ``bboxes``.

    First a warm-up of ``warmup`` s with 2 connections (fills caches, starts lazy workers),
    then ``settle()`` (e.g. wait until the server is idle again), then the timed run. A server
    too slow to finish ``min_requests`` in the timed run is measured again with 2 connections
    (one per worker) for ``fallback_duration`` s; the result then says ``"fallback"``.
    """
    def cmd(seconds, t, c):
        out = ["wrk", f"-t{t}", f"-c{c}", f"-d{seconds}s", "--latency", f"--timeout={timeout}s"]
        for h in headers:
            out += ["-H", h]
        return out + (["-s", LUA, url, "--", bbox_template, bboxes] if bbox_template else [url])

    def once(command):
        proc = subprocess.run(command, capture_output=True, text=True, timeout=int(command[3][2:-1]) + timeout + 60)
        if proc.returncode != 0:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip()}")
        res = parse(proc.stdout)
        res["command"] = " ".join(_quote(a) for a in command)
        return res

    if warmup:
        subprocess.run(cmd(warmup, 1, 2), capture_output=True, text=True, timeout=warmup + timeout + 30)
    if settle:
        settle()
    res = once(cmd(duration, threads, connections))
    if res["requests"] < min_requests:
        if settle:
            settle()
        slow = once(cmd(fallback_duration, 1, 2))
        slow["fallback"] = {"requests_at_full_load": res["requests"], "connections": 2,
                            "duration": fallback_duration}
        res = slow
    return res


def _quote(arg: str) -> str:
    return f"'{arg}'" if any(ch in arg for ch in " &?{}:;") else arg


def bbox_lines(bboxes_json: str, out_txt: str) -> str:
    """bench/gen_data.py's bboxes.json as the one-box-per-line file the Lua script reads."""
    with open(bboxes_json, encoding="utf-8") as f:
        boxes = json.load(f)
    with open(out_txt, "w", encoding="ascii") as f:
        f.writelines(",".join(f"{v:g}" for v in b) + "\n" for b in boxes)
    return out_txt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("--bbox-template", help='path with "{bbox}", e.g. /ogc/collections/projects/items?bbox={bbox}')
    ap.add_argument("--bboxes", help="one box per line")
    ap.add_argument("-d", "--duration", type=int, default=15)
    ap.add_argument("-H", "--header", action="append", default=[])
    args = ap.parse_args(argv)
    print(json.dumps(run(args.url, duration=args.duration, headers=args.header, bbox_template=args.bbox_template,
                         bboxes=args.bboxes), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
