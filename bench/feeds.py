"""Feed benchmarks (issues 3 and 14), each judged against its baseline measured in the same run.

  python -m bench feeds [--events 10000] [--large-events 100000] [--seconds 5] [--workers N]

1. cold render of the feed vs building and serialising the same events with icalendar directly (<= 1.0x);
2. warm GET (16 connections, wrk) vs nginx serving the same bytes as a static file (>= 1.0x); 304 answers
   vs nginx's (>= 0.5x);
3. one event changed: the next GET vs a warm GET of the same feed, at 10,000 and 100,000 events (<= 3x);
4. restart: time of the first GET (<= 1 s); 5. export of the large store: peak memory (< 300 MB).
nginx and wrk come from the system (Debian packages nginx and wrk, which `make bench` installs when it
may); without them the lines of 2 print MISSED with the reason. `run()` returns the number of misses."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bench.common import judge_ratio, report
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


def export_memory(app: App, target: Path) -> tuple[float, float, int]:
    """Peak RSS (MB), seconds and size of `calendar-app export` of the store's events into `target`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", EXPORT_CHILD, "--db", app.settings.db_url, "export",
                           "-o", str(target)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"export failed: {done.stderr}")
    return float(done.stderr.strip().splitlines()[-1]), seconds, target.stat().st_size


def missing_tools() -> str | None:
    """Why nginx and wrk cannot be used, or None when both are there."""
    absent = [tool for tool in ("nginx", "wrk") if shutil.which(tool) is None]
    if not absent:
        return None
    return (f"{' and '.join(absent)} not installed: `make bench` installs them when run as root with apt-get, "
            "else apt-get install nginx wrk")


def missed(name: str, reason: str) -> int:
    """A target that could not be measured: one MISSED line saying why."""
    print(f"{name:<52} MISSED: {reason}", flush=True)
    return 1


def against_nginx(root: Path, url: str, etag: str, body: bytes, *, seconds: int, workers: int) -> int:
    """Warm GET and 304 rates of our server against nginx serving the same bytes as a static file."""
    names = (f"warm GET, {len(body) / 1e6:.1f} MB, 16 connections", "304 answers, 16 connections")
    reason = missing_tools()
    if reason is not None:
        return sum(missed(name, reason) for name in names)
    static = root / "static"
    static.mkdir(exist_ok=True)
    (static / "bench.ics").write_bytes(body)
    nginx_port = _port()
    try:
        nginx = start_nginx(root, nginx_port)
    except (OSError, RuntimeError) as error:
        return sum(missed(name, f"nginx did not start: {error}") for name in names)
    try:
        nginx_url = f"http://127.0.0.1:{nginx_port}/bench.ics"
        nginx_etag = httpx.get(nginx_url).headers["etag"]
        nginx_rate = wrk(nginx_url, seconds)
        nginx_304 = wrk(nginx_url, seconds, (f"If-None-Match: {nginx_etag}",))
    finally:
        stop(nginx)
    ours_rate = wrk(url, seconds)
    ours_304 = wrk(url, seconds, (f"If-None-Match: {etag}",))
    print(f"  (nginx: worker_processes auto; ours: serve --workers {workers})", flush=True)
    return (judge_ratio(names[0], ours_rate, nginx_rate, "req/s", "nginx static", at_least=1.0)
            + judge_ratio(names[1], ours_304, nginx_304, "req/s", "nginx", at_least=0.5))


def _timed_get(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> tuple[float, httpx.Response]:
    time.sleep(0.15)  # past the server's 0.1 s change check, so each GET asks the database as the next would
    started = time.perf_counter()
    answer = client.get(url, headers=headers)
    return time.perf_counter() - started, answer


def next_get_after_change(app: App, url: str, count: int) -> int:
    """The first GET after one event changed against a warm GET of the same feed (both full 200 answers,
    with the same client and headers), five changes and five warm GETs, medians (the first change in a
    server process also pays for its first render)."""
    with httpx.Client(timeout=600) as client:
        assert client.get(url).status_code == 200  # built, if it was not
        warm = [_timed_get(client, url) for _ in range(5)]
        assert all(answer.status_code == 200 for _, answer in warm)
        etag = warm[-1][1].headers["etag"]
        changed = []
        for view in services.list_events(services.EventFilter(limit=5), app=app, now=NOW):
            services.edit_event(str(view.id), EventChanges(title=view.title + " (шинэчилсэн)"), app=app, now=NOW)
            took, answer = _timed_get(client, url, {"If-None-Match": etag})
            assert answer.status_code == 200 and answer.headers["etag"] != etag
            etag = answer.headers["etag"]
            changed.append(took)
    return judge_ratio(f"next GET after one event changed, {count} events", statistics.median(changed) * 1000,
                       statistics.median(t for t, _ in warm) * 1000, "ms", "warm GET", at_most=3.0)


def run(argv: list[str] | None = None) -> int:
    """What `python -m bench` calls; `python -m bench feeds --events N` passes options. Returns the misses."""
    return main(argv or [])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench feeds")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--large-events", "--export-events", dest="large_events", type=int, default=100_000,
                        help="events of the large store: export memory and next GET after a change (0: skip)")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes; default one per CPU, as nginx's 'worker_processes auto'")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    root.chmod(0o755)  # nginx workers run as an unprivileged user and must read the static file
    try:
        missed_count = _run_all(root, args)
        if args.large_events:
            missed_count += _run_large(root, args)
        return missed_count
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_all(root: Path, args: argparse.Namespace) -> int:
    print(f"feeds: {args.events} events, {os.cpu_count()} CPUs", flush=True)
    app = make_store(str(root / "bench.db"), args.events)
    feed_service.add_feed(FeedSpec("bench"), app=app, now=NOW)

    base_s, base_size = icalendar_directly(app)
    cold_s, body = cold_render(app)
    missed_count = judge_ratio(f"cold render, {args.events} events ({base_size / 1e6:.1f} MB)", cold_s, base_s, "s",
                               "icalendar directly", at_most=1.0)
    port = _port()
    server = start_server(app, port, args.workers)
    url = f"http://127.0.0.1:{port}/feeds/bench.ics"
    try:
        first = httpx.get(url, timeout=30)
        assert first.content == body, "served bytes differ from the rendered feed"
        missed_count += against_nginx(root, url, first.headers["etag"], body, seconds=args.seconds,
                                      workers=args.workers)
        time.sleep(1)  # let the server finish the load test's last answers
        missed_count += next_get_after_change(app, url, args.events)
    finally:
        stop(server)

    server = start_server(app, port, args.workers)
    try:
        started = time.perf_counter()
        again = httpx.get(url, timeout=30)
        restart_ms = (time.perf_counter() - started) * 1000
        assert again.status_code == 200
        missed_count += report("restart: first GET", restart_ms, "ms", limit=1000)
    finally:
        stop(server)
    return missed_count


def _run_large(root: Path, args: argparse.Namespace) -> int:
    """The large store: export memory first (nothing rendered yet), then the next GET after a change."""
    count = args.large_events
    app = make_store(str(root / "large.db"), count)
    peak, seconds, size = export_memory(app, root / "export.ics")
    print(f"  (export of {count} events: {seconds:.1f} s, {size / 1e6:.0f} MB written)", flush=True)
    missed_count = report(f"export of {count} events: peak RSS", peak, "MB", limit=300)
    feed_service.add_feed(FeedSpec("bench"), app=app, now=NOW)
    port = _port()
    server = start_server(app, port, args.workers)
    try:
        missed_count += next_get_after_change(app, f"http://127.0.0.1:{port}/feeds/bench.ics", count)
    finally:
        stop(server)
    return missed_count
