"""A small HTTP/1.1 load client for the server benchmarks (asyncio streams, keep-alive).

N connections each send one request after the other for a fixed time (closed loop, like ``wrk``);
every response is read whole (Content-Length or chunked). Light on CPU (no HTTP library per
request), so on a 2-core machine it leaves the server nearly all of the cores — and it costs the
same for the project and its reference in the same run. Also ``start_server``: ``anjian serve``
(the documented production command) on a free port, waited for until it answers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, successful responses
    status: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection errors and timeouts

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pctl(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        s = sorted(self.latencies)
        return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def _encode(host: str, req: Request) -> bytes:
    head = [f"{req.method} {req.path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    head += [f"{k}: {v}" for k, v in req.headers.items()]
    if req.body or req.method in ("POST", "PUT", "PATCH"):
        head.append(f"Content-Length: {len(req.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + req.body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            k = k.strip().lower()
            headers[k] = f"{headers[k]}\n{v.strip()}" if k == "set-cookie" and k in headers else v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, headers, body


async def _worker(host: str, port: int, next_request: Callable[[int], Request], stop_at: float, res: Result,
                  idx: int, timeout: float, on_response: Callable[[Request, int, bytes], Any] | None) -> None:
    reader = writer = None
    n = 0
    while time.perf_counter() < stop_at:
        req = next_request(idx * 1_000_003 + n)
        n += 1
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            t0 = time.perf_counter()
            writer.write(_encode(host, req))
            status, headers, body = await asyncio.wait_for(_read_response(reader), timeout)  # type: ignore[arg-type]
            dt = time.perf_counter() - t0
            res.status[status] = res.status.get(status, 0) + 1
            if status < 500:
                res.latencies.append(dt)
            if on_response is not None:
                on_response(req, status, body)
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            res.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_load(port: int, requests: Callable[[int], Request] | Request, *, connections: int = 64, seconds: float = 10.0,
             timeout: float = 120.0, host: str = "127.0.0.1",
             on_response: Callable[[Request, int, bytes], Any] | None = None) -> Result:
    """Closed-loop load for ``seconds`` over ``connections`` keep-alive connections."""
    pick: Callable[[int], Request] = (lambda _i: requests) if isinstance(requests, Request) else requests
    res = Result(seconds=seconds)

    async def main() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_worker(host, port, pick, stop_at, res, i, timeout, on_response)
                               for i in range(connections)))

    t0 = time.perf_counter()
    asyncio.run(main())
    res.seconds = max(seconds, time.perf_counter() - t0 - 0.0)
    return res


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(*, code_dir: Path, env: dict[str, str], port: int, workers: int, threads: int,
                 log: Path, extra_pythonpath: Sequence[str] = (), ready_path: str = "/favicon.ico") -> subprocess.Popen[bytes]:
    """``manage.py serve`` from ``code_dir`` (the tree whose anjian is served), waited for."""
    pythonpath = os.pathsep.join([str(code_dir), *extra_pythonpath])
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads)],
        cwd=code_dir, env={**env, "PYTHONPATH": pythonpath}, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}); see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2)
            return proc
        except Exception:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"server did not answer in 300 s; see {log}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Session:
    """One keep-alive connection with a cookie jar, for flows (GET a form, POST it, follow up)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 120.0) -> None:
        self.port, self.host, self.timeout = port, host, timeout
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, req: Request) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, seconds); raises OSError/TimeoutError on a broken connection."""
        headers = dict(req.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout)
            t0 = time.perf_counter()
            self.writer.write(_encode(self.host, Request(req.method, req.path, headers, req.body)))
            status, rh, body = await asyncio.wait_for(_read_response(self.reader), self.timeout)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - t0
        except BaseException:
            self.close()
            raise
        for line in rh.get("set-cookie", "").split("\n"):
            if "=" in line:
                k, v = line.split(";", 1)[0].split("=", 1)
                self.cookies[k.strip()] = v.strip()
        if rh.get("connection", "").lower() == "close":
            self.close()
        return status, rh, body, elapsed

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
