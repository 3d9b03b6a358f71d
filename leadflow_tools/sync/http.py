"""Plain HTTP (urllib) with the manners CRM APIs expect.

Rate limit: at most `max_requests` per `per_seconds` (sliding window). 429 and 5xx answers,
timeouts and dropped connections are retried with exponential backoff and full jitter (a 429's
Retry-After is honoured); after `max_attempts` the error is raised. Callers whose request may
have been applied before the failure (a timeout, a 5xx) get `ambiguous=True` on the error and
reconcile before sending again.
"""

from __future__ import annotations

import json
import random
import socket
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

RETRYABLE = {429, 500, 502, 503, 504}


class HttpError(RuntimeError):
    def __init__(self, message: str, status: int | None, body: str, ambiguous: bool) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.ambiguous = ambiguous


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class RateLimiter:
    max_requests: int
    per_seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    sent: deque[float] = field(default_factory=deque)

    def wait(self) -> None:
        while len(self.sent) >= self.max_requests:
            oldest = self.sent[0]
            delay = oldest + self.per_seconds - self.clock()
            if delay <= 0:
                self.sent.popleft()
            else:
                self.sleep(delay)
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
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    retries: int = 0  # how many retries this client made (for the summary)

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
        url = self.base_url.rstrip("/") + path
        last: HttpError | None = None
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.wait()
            request = urllib.request.Request(url, data=body, method=method)
            for key, value in self.headers.items():
                request.add_header(key, value)
            if body is not None:
                request.add_header("Content-Type", content_type)
            retry_after: float | None = None
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return Response(answer.status, answer.read())
            except urllib.error.HTTPError as error:
                text = error.read().decode("utf-8", "replace")
                if error.code not in RETRYABLE:
                    raise HttpError(f"{method} {path}: HTTP {error.code}: {text[:300]}", error.code, text, False) from error
                last = HttpError(f"{method} {path}: HTTP {error.code}", error.code, text, error.code != 429)
                header = error.headers.get("Retry-After") if error.headers else None
                retry_after = float(header) if header and header.replace(".", "", 1).isdigit() else None
            except (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError) as error:
                last = HttpError(f"{method} {path}: {error}", None, "", True)
            if attempt == self.max_attempts:
                break
            self.retries += 1
            delay = self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
            self.sleep(max(delay, retry_after or 0.0))
            if last is not None and last.ambiguous and not safe:
                raise last  # the caller reconciles before anything is sent again
        assert last is not None
        raise last
