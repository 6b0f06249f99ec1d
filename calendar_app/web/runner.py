"""Running the web app under uvicorn in the foreground: one process, or several sharing one socket.

With `workers` > 1 this process binds the socket and starts that many worker processes itself (the
`spawn` start method: no threads or connections are inherited), handing each the listening socket and a
picklable factory of the app (e.g. `calendar_app.web.app.WebSpec`): nothing travels by environment
variables. `uvicorn.run` would refuse an app object with several workers, hence `uvicorn.Server` here.
Ctrl-C or SIGTERM stops every worker gracefully (requests in progress finish), then this process.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, Protocol

from calendar_app.web.guard import Limits
from events.errors import N_, CalendarAppError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_SECONDS = 10.0  # how long workers may take to finish their requests before they are killed
POLL_SECONDS = 0.2


class Background(Protocol):
    def shutdown(self) -> None: ...


class WorkerExited(CalendarAppError, RuntimeError):
    """A worker process ended while the server was meant to run."""

    exit_code = 1

    def __init__(self, name: str, code: int | None) -> None:
        super().__init__(template=N_("server process {process} stopped (exit code {code}): see its error above; "
                                     "the other processes were stopped"), process=name, code=code)


def _config(app: Any, limits: Limits = Limits(), **options: Any) -> Any:
    import uvicorn

    protocol = limits.uvicorn_options()
    routes = getattr(app, "quick_routes", None)  # see `calendar_app.web.app.FeedServerApp`
    if routes is not None:
        from calendar_app.web.quick import quick_protocol

        protocol["http"] = quick_protocol(protocol["http"], routes)
    # uvicorn's access log would print private feeds' tokens: `calendar_app.web.access` logs instead.
    return uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, **protocol, **options)


@contextmanager
def _stop_requests() -> Iterator[list[int]]:
    """Record SIGINT/SIGTERM instead of dying, while the block runs; uvicorn re-raises the signal that
    stopped it once it has shut down, which then lands here too."""
    received: list[int] = []

    def record(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    previous = {s: signal.signal(s, record) for s in STOP_SIGNALS}
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def serve(factory: Callable[[], Any], *, host: str, port: int, workers: int = 1, limits: Limits = Limits(),
          start_background: Callable[[], Background] | None = None,
          on_ready: Callable[[], None] | None = None) -> None:
    """Serve `factory()`'s ASGI app on host:port until Ctrl-C or SIGTERM.

    The socket is bound first, then `on_ready` is called (the caller says where the server listens), then
    `start_background` (e.g. the reminder dispatcher; its `shutdown()` is called on the way out, once
    whatever `workers` is). With `workers` > 1, `factory` must be picklable; each process builds its own app
    (own built feeds; the rendered events they share live in the database). `limits` hold in each process."""
    app = factory() if workers <= 1 else None  # one process: a broken app fails before anything is shown
    sock = _config(None, host=host, port=port).bind_socket()
    background = None
    try:
        if on_ready is not None:
            on_ready()
        background = start_background() if start_background is not None else None
        if app is not None:
            with _stop_requests():
                _run_server(app, sock, limits)
        else:
            _run_workers(factory, sock, workers, limits)
    finally:
        if background is not None:
            background.shutdown()
        sock.close()


def _run_server(app: Any, sock: socket.socket, limits: Limits) -> None:
    import uvicorn

    uvicorn.Server(_config(app, limits)).run(sockets=[sock])


def _worker(factory: Callable[[], Any], sock: socket.socket, limits: Limits) -> None:
    """One worker process (top-level, so `spawn` can find it)."""
    with _stop_requests():
        _run_server(factory(), sock, limits)


def _run_workers(factory: Callable[[], Any], sock: socket.socket, workers: int, limits: Limits) -> None:
    context = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = []
    with _stop_requests() as received:
        try:
            # Workers start with Ctrl-C ignored (inherited across exec): one still importing when the terminal
            # sends SIGINT to the process group would otherwise die with a KeyboardInterrupt traceback. Each
            # takes the stop signals once it runs `_worker`; this process stops them with SIGTERM.
            interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                for number in range(workers):
                    process = context.Process(target=_worker, args=(factory, sock, limits), name=f"web-{number + 1}")
                    process.start()
                    processes.append(process)
            finally:
                signal.signal(signal.SIGINT, interrupt)
            while not received:
                wait([p.sentinel for p in processes], timeout=POLL_SECONDS)
                ended = next((p for p in processes if not p.is_alive()), None)
                if ended is not None:
                    if ended.exitcode != 0 and not received:
                        raise WorkerExited(ended.name, ended.exitcode)
                    break  # stopped by a signal of its own (Ctrl-C reaches the whole process group)
        finally:
            _stop(processes)


def _stop(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn lets the requests in progress finish
    for process in processes:
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
