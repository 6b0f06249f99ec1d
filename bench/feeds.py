"""Feed benchmarks (issue 3), each against its baseline measured in the same run.

  python -m bench feeds [--events 10000] [--export-events 100000] [--seconds 5]

1. cold render of the feed vs building and serialising the same events with icalendar directly;
2. warm GET (16 connections, wrk) vs nginx serving the same bytes as a static file; the same for 304;
3. one event changed: time of the next GET; 4. restart: time of the first GET;
5. export of many events to a file: peak memory of the process.
nginx and wrk come from the system (Debian packages nginx and wrk); without them 2 is skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bench.data import NOW, make_store
from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.db import write_session
from calendar_app.rendered import ChunkKeeper
from calendar_app.web.cache import build_feed
from calendar_app.workflows import workflows
from events import queries
from events.drafts import EventChanges
from exports import feeds
from exports.feeds import FeedSpec
from exports.render import build_event, zones_of


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], limit: float = 20) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: process ended") from None
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer")


def icalendar_directly(app: App) -> tuple[float, int]:
    """The baseline: load the events, build one icalendar.Calendar with every VEVENT, serialise it."""
    from icalendar import Calendar, Timezone

    engine = app.store.engine
    started = time.perf_counter()
    with write_session(engine) as session:
        views = queries.list_events(queries.EventQuery(visibilities=["public"]), session=session)
    calendar = Calendar.new(name="bench", prodid="-//bench//EN", method="PUBLISH")
    for tzid in sorted(zones_of(views)):
        calendar.add_component(Timezone.from_tzid(tzid))
    for view in views:
        calendar.add_component(build_event(view))
    data = calendar.to_ical()
    return time.perf_counter() - started, len(data)


def cold_render(app: App) -> tuple[float, bytes]:
    engine = app.store.engine
    with write_session(engine) as session:
        session.execute(text("DELETE FROM rendered_event"))
        feed = feeds.find_feed("bench", session=session)
    started = time.perf_counter()
    built = build_feed(feed, engine=engine, now=NOW, kind_defaults=lambda: workflows(None),
                       store=ChunkKeeper(engine))
    return time.perf_counter() - started, built.body


def wrk(url: str, seconds: int, headers: tuple[str, ...] = ()) -> float:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if status:
        raise RuntimeError(f"{url}: {status.group(1)} error answers")
    return float(found.group(1)) if found else 0.0


def start_nginx(root: Path, port: int) -> subprocess.Popen[bytes]:
    conf = root / "nginx.conf"
    conf.write_text(
        f"daemon off; pid {root}/nginx.pid; error_log {root}/nginx.err;\n"
        "worker_processes auto; events { worker_connections 1024; }\n"
        f"http {{ access_log off; sendfile on; client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp;\n"
        f"  fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;\n"
        f"  types {{ text/calendar ics; }} server {{ listen 127.0.0.1:{port}; root {root}/static; }} }}\n"
    )
    (root / "tmp").mkdir(exist_ok=True)
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/bench.ics", process)
    return process


def start_server(app: App, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "--db", app.settings.db_url, "serve",
         "--port", str(port), "--no-access-log",
         "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _wait(f"http://127.0.0.1:{port}/health", process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


EXPORT_CHILD = """
import sys
from cli import main
try:
    main()
except SystemExit as stop:
    if stop.code:
        raise
# VmHWM is this process's own peak RSS since exec (ru_maxrss would also count the parent's pages
# the child held between fork and exec).
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(int(peak.split()[1]) / 1024, file=sys.stderr)
"""


def export_memory(root: Path, count: int) -> tuple[float, float, int]:
    """Peak RSS (MB), seconds and size of `calendar-app export` of `count` events into a file."""
    app = make_store(str(root / "export.db"), count)
    target = root / "export.ics"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", EXPORT_CHILD, "--db", app.settings.db_url, "export",
                           "-o", str(target)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"export failed: {done.stderr}")
    return float(done.stderr.strip().splitlines()[-1]), seconds, target.stat().st_size


def run(argv: list[str] | None = None) -> None:
    """What `python -m bench` calls; `python -m bench feeds --events N` passes options."""
    main(argv or [])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench feeds")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--export-events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes; default one per CPU, as nginx's 'worker_processes auto'")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    root.chmod(0o755)  # nginx workers run as an unprivileged user and must read the static file
    try:
        _run_all(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_all(root: Path, args: argparse.Namespace) -> None:
    print(f"feeds: {args.events} events, {os.cpu_count()} CPUs", flush=True)
    app = make_store(str(root / "bench.db"), args.events)
    feed_service.add_feed(FeedSpec("bench"), app=app, now=NOW)

    base_s, base_size = icalendar_directly(app)
    cold_s, body = cold_render(app)
    print(f"  cold render: ours {cold_s:.2f} s, icalendar directly {base_s:.2f} s "
          f"({base_size / 1e6:.1f} MB): ratio {cold_s / base_s:.2f} (target <= 1.0)", flush=True)

    port = _port()
    server = start_server(app, port, args.workers)
    url = f"http://127.0.0.1:{port}/feeds/bench.ics"
    try:
        first = httpx.get(url, timeout=30)
        assert first.content == body, "served bytes differ from the rendered feed"
        etag = first.headers["etag"]
        if shutil.which("nginx") and shutil.which("wrk"):
            static = root / "static"
            static.mkdir()
            (static / "bench.ics").write_bytes(body)
            nginx_port = _port()
            nginx = start_nginx(root, nginx_port)
            try:
                nginx_url = f"http://127.0.0.1:{nginx_port}/bench.ics"
                nginx_etag = httpx.get(nginx_url).headers["etag"]
                nginx_rate = wrk(nginx_url, args.seconds)
                nginx_304 = wrk(nginx_url, args.seconds, (f"If-None-Match: {nginx_etag}",))
            finally:
                stop(nginx)
            ours_rate = wrk(url, args.seconds)
            ours_304 = wrk(url, args.seconds, (f"If-None-Match: {etag}",))
            print(f"  (nginx: worker_processes auto; ours: serve --workers {args.workers})")
            print(f"  warm GET ({len(body) / 1e6:.1f} MB, 16 connections): ours {ours_rate:.0f} req/s, nginx static "
                  f"{nginx_rate:.0f} req/s: ratio {ours_rate / nginx_rate:.2f} (target >= 0.75)", flush=True)
            print(f"  304: ours {ours_304:.0f} req/s, nginx {nginx_304:.0f} req/s: ratio "
                  f"{ours_304 / nginx_304:.2f} (target >= 0.25)", flush=True)
        else:
            print("  warm GET / 304: skipped (install nginx and wrk: apt-get install nginx wrk)")

        time.sleep(1)  # let the server finish the load test's last answers
        timings = []
        views = services.list_events(services.EventFilter(limit=3), app=app, now=NOW)
        for view in views:
            services.edit_event(str(view.id), EventChanges(title=view.title + " (шинэчилсэн)"), app=app,
                                now=NOW)
            time.sleep(0.15)  # past the server's 0.1 s change check, so the next GET sees the change
            started = time.perf_counter()
            changed = httpx.get(url, headers={"If-None-Match": etag}, timeout=30)
            timings.append(time.perf_counter() - started)
            assert changed.status_code == 200 and changed.headers["etag"] != etag
            etag = changed.headers["etag"]
        shown = ", ".join(f"{t * 1000:.0f}" for t in timings)
        print(f"  one event changed (3 times): next GET {shown} ms (target <= 300 ms; the server looks for "
              "changes every 0.1 s)", flush=True)
    finally:
        stop(server)

    server = start_server(app, port, args.workers)
    try:
        started = time.perf_counter()
        again = httpx.get(url, timeout=30)
        restart_s = time.perf_counter() - started
        assert again.status_code == 200
        print(f"  restart: first GET {restart_s * 1000:.0f} ms (target <= 1000 ms)", flush=True)
    finally:
        stop(server)

    if args.export_events:
        peak, seconds, size = export_memory(root, args.export_events)
        print(f"  export of {args.export_events} events: peak RSS {peak:.0f} MB in {seconds:.1f} s, "
              f"{size / 1e6:.0f} MB written (target < 300 MB; icalendar directly: about 1.5 GB per the issue)",
              flush=True)
