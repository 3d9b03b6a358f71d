"""The sync's transport: redirects, https only, Retry-After cap, whole-answer timeout, deadline, bad
answers and refused tokens (loopback servers only)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fake_crm import TOKEN, Sandbox, synced
from leadflow_tools.sync.cli import main
from leadflow_tools.sync.deadline import Deadline
from leadflow_tools.sync.errors import DeadlineExceeded, HttpError, SyncConfigError
from leadflow_tools.sync.http import HttpClient, RateLimiter, Response, check_base_url



def _client(base_url: str, **options: float) -> HttpClient:
    return HttpClient(base_url, {"Authorization": "Bearer secret", "Accept": "application/json"},
                      RateLimiter(100, 1.0), backoff_base=0.01, **options)  # type: ignore[arg-type]


class _Recorder:
    """A loopback server that records each request's Authorization header and answers via `reply`."""

    def __init__(self, reply: type[BaseHTTPRequestHandler] | None = None) -> None:
        self.seen: list[tuple[str, str | None, bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.seen.append((self.path, self.headers.get("Authorization"), body))
                recorder.answer(self)

            do_GET = do_POST = _any  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.location: str | None = None
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        data = b'{"ok": true}'
        handler.send_response(307 if self.location else 200)
        if self.location:
            handler.send_header("Location", self.location)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_token_is_not_forwarded_when_a_redirect_leads_to_another_host() -> None:
    first, second = _Recorder(), _Recorder()
    try:
        first.location = f"http://localhost:{second.port}/elsewhere"  # another host name: 127.0.0.1 vs localhost
        client = _client(f"http://127.0.0.1:{first.port}")
        assert client.request("GET", "/start").json() == {"ok": True}
        assert client.request("POST", "/write", b'{"a": 1}', idempotent=True).json() == {"ok": True}
        assert [auth for _, auth, _ in first.seen] == ["Bearer secret", "Bearer secret"]
        assert [(path, auth) for path, auth, _ in second.seen] == [("/elsewhere", None), ("/elsewhere", None)]
        assert second.seen[1][2] == b'{"a": 1}'  # a 307 keeps the method and body, not the token
    finally:
        first.close()
        second.close()


def test_plain_http_is_refused_except_to_a_loopback_host(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for url in ("https://api.hubapi.com", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:9000"):
        assert check_base_url(url) == url
    for url in ("http://api.hubapi.com", "http://10.0.0.1", "ftp://localhost", "https://"):
        with pytest.raises(SyncConfigError, match="https://"):
            check_base_url(url)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", TOKEN)
    with Sandbox(tmp_path) as box:
        assert main(["--database", str(box.database), "--push", "--base-url", "http://crm.example.com",
                     "--output", str(box.output)]) == 2
        assert "must not travel unencrypted" in capsys.readouterr().err
        assert sum(box.crm.requests.values()) == 0
        assert set(box.outcomes().values()) == {"bad_setup"}


def test_a_retry_after_beyond_the_cap_ends_the_target_resumably(box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    box.crm.faults["hubspot_update"] += [None, "429_long"]  # type: ignore[list-item]
    started = time.monotonic()
    assert box.push("--target", "hubspot") == 1
    assert time.monotonic() - started < 20  # no day-long sleep
    out = capsys.readouterr().out
    assert "rate limited for 86400 s, more than --max-retry-after" in out and "nothing lost, rerun later" in out
    assert box.outcomes() == {"hubspot_contact": "rate_limited"}
    assert box.crm.requests["hubspot_update"] == 2 and len(synced(box.database)) == 100
    assert box.rows("select count(*) from leadflow_sync.sync_pending") == [(0,)]  # a 429 applied nothing
    assert box.push("--target", "hubspot") == 0
    assert set(box.crm.writes.values()) == {1} and len(synced(box.database)) == len(box.crm.hubspot_ids)


def test_a_trickling_answer_ends_at_the_timeout_as_an_ambiguous_timeout(box: Sandbox) -> None:
    box.crm.faults["hubspot_read"] += ["trickle"]  # one byte every 0.2 s: each socket read is quick
    client = HttpClient(box.crm.url, {"Authorization": f"Bearer {TOKEN}"}, RateLimiter(10, 1.0), timeout=1.0,
                        max_attempts=1)
    started = time.monotonic()
    with pytest.raises(HttpError, match="timed out") as caught:
        client.request("POST", "/crm/v3/objects/contacts/batch/read", b"{}", idempotent=True)
    assert time.monotonic() - started < 5  # not the 200 s the trickle would take
    assert caught.value.ambiguous


def test_the_run_deadline_is_checked_before_every_request_and_sleep(box: Sandbox,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    slept: list[float] = []
    deadline = Deadline(10.0, clock=lambda: 0.0, sleep=slept.append)
    deadline.pause(3.0, "a retry")
    with pytest.raises(DeadlineExceeded, match="--deadline-seconds"):
        deadline.pause(11.0, "a retry")  # would end past the deadline: refused without sleeping
    assert slept == [3.0]

    box.crm.slow_sleep = 2.5
    box.crm.faults["hubspot_update"] += ["slow"]
    assert box.push("--target", "hubspot", "--timeout", "5", "--deadline-seconds", "2") == 1
    out = capsys.readouterr().out
    assert "deadline of 2 s (--deadline-seconds) passed" in out and "rerun to continue" in out
    assert box.outcomes() == {"hubspot_contact": "deadline_exceeded"}
    assert box.crm.requests["hubspot_update"] == 1 and len(synced(box.database)) == 100
    assert box.rows("select count(*) from leadflow_sync.sync_pending") == [(0,)]
    assert box.push("--target", "hubspot") == 0
    assert set(box.crm.writes.values()) == {1} and len(synced(box.database)) == len(box.crm.hubspot_ids)


@pytest.mark.parametrize("flag,value", [("--max-attempts", "0"), ("--timeout", "0"), ("--timeout", "-1"),
                                        ("--deadline-seconds", "0"), ("--settle-after-seconds", "-5")])
def test_impossible_limits_are_refused_by_argparse(flag: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([flag, value])
    assert exited.value.code == 2 and flag in capsys.readouterr().err


def test_an_html_answer_is_a_clear_error_not_a_traceback(box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(HttpError, match="not JSON"):
        Response(200, b"<html>maintenance</html>", "GET", "/x", "text/html").json()
    box.crm.faults["salesforce_create"] += ["html"]
    assert box.push() == 1
    captured = capsys.readouterr()
    assert "but the answer is not JSON (text/html)" in captured.out and "Traceback" not in captured.out + captured.err
    assert box.outcomes() == {"hubspot_contact": "ok", "salesforce_contact": "crm_error", "salesforce_lead": "ok"}
    assert box.push() == 0
    assert set(box.crm.writes.values()) == {1} and len(box.crm.writes) == 1050


def test_a_refused_token_stops_each_target_at_its_first_401(box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    box.crm.tokens = {"hubspot": "another", "salesforce": "another"}
    assert box.push() == 1
    out = capsys.readouterr().out
    assert box.crm.refused == {"hubspot_update": 1, "salesforce_create": 2}  # one answer per target, then stop
    assert box.outcomes() == {t: "auth_failed" for t in ("hubspot_contact", "salesforce_contact", "salesforce_lead")}
    assert synced(box.database) == {}
    assert box.rows("select count(*) from leadflow_sync.sync_errors") == [(0,)]  # no per-record 401s
    assert box.rows("select sum(sent), sum(accepted) from leadflow_sync.sync_runs") == [(0, 0)]
    assert box.rows("select count(*) from leadflow_sync.sync_pending") == [(0,)]
    assert "HUBSPOT_ACCESS_TOKEN" in out and "SALESFORCE_ACCESS_TOKEN" in out and "HTTP 401" in out
    box.crm.tokens = {"hubspot": TOKEN, "salesforce": TOKEN}
    assert box.push() == 0
    assert set(box.crm.writes.values()) == {1} and len(box.crm.writes) == 1050
    assert box.crm.problems == []
