"""HTTP (requests) with the manners CRM APIs expect, and bounds on every wait.

  - Only https:// base URLs, except plain http to a loopback host (127.0.0.1, ::1, localhost).
  - A requests.Session: the Authorization header is dropped when a redirect leads to another host.
  - Rate limit: at most `max_requests` per `per_seconds` (sliding window).
  - 429 and 5xx answers, timeouts and dropped connections are retried with exponential backoff and
    full jitter, honouring Retry-After; a Retry-After longer than `max_retry_after` raises
    RateLimited at once (nothing lost; rerun later). After `max_attempts` the error is raised.
  - 401 and 403 raise AuthError at the first answer (no retry: the token will not get better).
  - `timeout` bounds the WHOLE response (headers and body, read in chunks against the clock), so a
    server trickling bytes cannot hold a run; such a request counts as an ambiguous timeout.
  - The run's Deadline is checked before every request and every sleep.
  - A body that should be JSON and is not (an HTML error page with status 200) raises HttpError.

A request whose outcome is unknown (timeout, 5xx, unreadable answer to a write) carries
`ambiguous=True`: a non-idempotent request is then not retried here; the caller holds the write
pending and settles it later by reading back, instead of risking a second write.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import requests
import urllib3

from .deadline import Deadline
from .errors import AuthError as AuthError
from .errors import HttpError as HttpError
from .errors import RateLimited as RateLimited
from .errors import SyncConfigError

RETRYABLE = {429, 500, 502, 503, 504}
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
READ_CHUNK = 64 * 1024


def check_base_url(url: str) -> str:
    """The URL itself, or SyncConfigError unless it is https (or plain http to a loopback host)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return url
    raise SyncConfigError(
        f"refusing base URL {url!r}: the access token must not travel unencrypted; use https:// "
        "(plain http only to a loopback host: 127.0.0.1, ::1, localhost)"
    )


def retry_after_seconds(header: str | None) -> float | None:
    """Retry-After as seconds (it may be a number of seconds or an HTTP date); None if absent or unreadable."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BodyTimeout(TimeoutError):
    """The whole answer did not arrive within the timeout."""


@dataclass
class Response:
    status: int
    body: bytes
    method: str
    path: str
    content_type: str = ""
    writes: bool = False  # the request may change data: an unreadable answer leaves its outcome unknown

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:  # includes UnicodeDecodeError and JSONDecodeError
            snippet = self.body[:200].decode("utf-8", "replace")
            raise HttpError(
                f"{self.method} {self.path}: HTTP {self.status} but the answer is not JSON "
                f"({self.content_type or 'no content type'}): {snippet!r}",
                self.status,
                self.body.decode("utf-8", "replace"),
                ambiguous=self.writes,
            ) from None

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class RateLimiter:
    max_requests: int
    per_seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    sent: deque[float] = field(default_factory=deque)

    def wait(self, sleep: Callable[[float], None] | None = None) -> None:
        """Block until one more request fits in the window (`sleep` overrides the limiter's own)."""
        pause = sleep or self.sleep
        while len(self.sent) >= self.max_requests:
            oldest = self.sent[0]
            delay = oldest + self.per_seconds - self.clock()
            if delay <= 0:
                self.sent.popleft()
            else:
                pause(delay)
        self.sent.append(self.clock())


@dataclass
class HttpClient:
    base_url: str
    headers: Mapping[str, str]
    limiter: RateLimiter
    timeout: float = 30.0
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0
    deadline: Deadline = field(default_factory=lambda: Deadline(math.inf))
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    session: requests.Session = field(default_factory=requests.Session)
    retries: int = 0  # retries this client made (for the summary)
    sent: int = 0  # requests this client sent

    def __post_init__(self) -> None:
        check_base_url(self.base_url)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "application/json",
        idempotent: bool | None = None,
    ) -> Response:
        """Send, retrying what is safe to retry. `idempotent` (default: GET only) says whether a
        request whose outcome is unknown may simply be sent again."""
        safe = method == "GET" if idempotent is None else idempotent
        what = f"{method} {path}"
        last: HttpError | None = None
        for attempt in range(1, self.max_attempts + 1):
            self.deadline.check(what)
            self.limiter.wait(lambda seconds: self.deadline.pause(seconds, what))
            response, retry_after, last = self._attempt(method, path, body, content_type, safe)
            if response is not None:
                return response
            assert last is not None
            if last.ambiguous and not safe:
                raise last  # the caller holds the write and settles it later, never sends it twice
            if attempt == self.max_attempts:
                break
            self.retries += 1
            delay = self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
            self.deadline.pause(max(delay, retry_after or 0.0), what)
        assert last is not None
        raise last

    def _attempt(
        self, method: str, path: str, body: bytes | None, content_type: str, safe: bool
    ) -> tuple[Response | None, float | None, HttpError | None]:
        """One try: (response, None, None) on success, else (None, Retry-After, the retryable error)."""
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        what = f"{method} {path}"
        started = self.clock()
        self.sent += 1
        try:
            answer = self.session.request(
                method, self.base_url.rstrip("/") + path, data=body, headers=headers,
                timeout=(self.timeout, self.timeout), stream=True,
            )
            try:
                data = self._read_body(answer, started)
            finally:
                answer.close()
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            return None, None, HttpError(f"{what}: {self._describe(error)}", None, "", True)
        kind = answer.headers.get("Content-Type", "")
        if answer.status_code < 300:
            return Response(answer.status_code, data, method, path, kind, writes=not safe), None, None
        text = data.decode("utf-8", "replace")
        status = answer.status_code
        if status in (401, 403):
            raise AuthError(f"{what}: HTTP {status}: the CRM refused the credentials: {text[:300]}", status, text, False)
        if status not in RETRYABLE:
            raise HttpError(f"{what}: HTTP {status}: {text[:300]}", status, text, False)
        retry_after = retry_after_seconds(answer.headers.get("Retry-After"))
        if retry_after is not None and retry_after > self.max_retry_after:
            raise RateLimited(
                f"{what}: HTTP {status}: rate limited for {retry_after:g} s, more than --max-retry-after "
                f"({self.max_retry_after:g} s); nothing lost, rerun later",
                status, text, status != 429,
            )
        return None, retry_after, HttpError(f"{what}: HTTP {status}: {text[:300]}", status, text, status != 429)

    def _read_body(self, answer: requests.Response, started: float) -> bytes:
        """The body, read a socket read at a time so the whole answer is bounded by the timeout."""
        parts: list[bytes] = []
        while True:
            if self.clock() - started > self.timeout:
                raise BodyTimeout(f"no complete answer within {self.timeout:g} s (--timeout)")
            data = answer.raw.read1(READ_CHUNK, decode_content=True)
            if not data:
                return b"".join(parts)
            parts.append(data)

    def _describe(self, error: BaseException) -> str:
        if isinstance(error, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)):
            return f"timed out (no complete answer within {self.timeout:g} s, --timeout): {error}"
        return f"{type(error).__name__}: {error}"
