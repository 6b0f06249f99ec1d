"""khal, the baseline of the prompt commands: a vdir of the same events, a config pointing at it, and the
command lines of `khal list` and `khal new`.

khal comes with the bench extra (`pip install -e '.[bench]'`, which `make bench` runs): it shares our
virtualenv, as it needs no version of a package other than the ones we pin.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

KHAL = Path(sys.executable).with_name("khal")

CONFIG = """[calendars]
[[bench]]
path = {vdir}
[locale]
local_timezone = UTC
default_timezone = UTC
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {cache}
[default]
default_calendar = bench
"""


def available() -> bool:
    return KHAL.exists()


def build(folder: Path, events: Iterable[tuple[str, str, datetime, datetime]]) -> tuple[Path, float]:
    """A vdir of `(uid, title, start, end)` events (UTC) with khal's config beside it, and khal's own index
    built once (its first run reads every file), so each timed run reads as at the prompt. Returns the config
    and the seconds the index took."""
    from icalendar import Calendar, Event

    vdir = folder / "vdir"
    vdir.mkdir(parents=True)
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    for uid, title, start, end in events:
        calendar = Calendar()
        calendar.add("prodid", "-//calendar-app bench//EN")
        calendar.add("version", "2.0")
        calendar.add_component(Event.new(uid=uid, summary=title, start=start, end=end, stamp=stamp))
        (vdir / f"{uid.partition('@')[0]}.ics").write_bytes(calendar.to_ical())
    config = folder / "khal.conf"
    config.write_text(CONFIG.format(vdir=vdir, cache=folder / "khal.db"), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([str(KHAL), "-c", str(config), "list", "2000-01-01", "1d"], check=True,
                   stdout=subprocess.DEVNULL)
    return config, time.perf_counter() - started


def list_command(config: Path, start: datetime, days: int) -> list[str]:
    return [str(KHAL), "-c", str(config), "list", start.strftime("%Y-%m-%d"), f"{days}d"]


def new_command(config: Path, title: str, start: datetime, alarms: str) -> list[str]:
    return [str(KHAL), "-c", str(config), "new", "--alarms", alarms, start.strftime("%Y-%m-%d"),
            start.strftime("%H:%M"), "2h", title]
