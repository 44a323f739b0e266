"""Issue 13 item 8: login attempts are counted atomically per account and per address, so
parallel wrong passwords cannot make more password checks than the limit."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client, override_settings

from anjian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


class CountingBackend:
    """Counts real password checks (ModelBackend.authenticate) and can run code inside the
    first one — the other requests 'arrive' while the first password is being checked."""

    def __init__(self, during_first=None):
        self.calls = 0
        self.during_first = during_first
        self.lock = threading.Lock()
        self.real = ModelBackend.authenticate

    def check(self, backend, request, username=None, password=None, **kw):
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        if first and self.during_first is not None:
            self.during_first()
        return self.real(backend, request, username=username, password=password, **kw)

    def patch(self):
        counter = self

        def authenticate(backend, request, username=None, password=None, **kw):
            return counter.check(backend, request, username=username, password=password, **kw)

        return mock.patch.object(ModelBackend, "authenticate", authenticate)


def _post(username, password, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def test_forty_requests_during_a_password_check_make_at_most_five_checks(world):
    statuses: list[int] = []

    def the_other_39():
        statuses.extend(_post("district_a", f"wrong-{i}").status_code for i in range(39))

    counter = CountingBackend(during_first=the_other_39)
    with counter.patch():
        statuses.append(_post("district_a", "wrong-first").status_code)
    assert counter.calls == 5
    assert sorted(set(statuses)) == [400, 429] and statuses.count(400) == 5
    # the right password is refused too until the window passes
    assert _post("district_a", PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_stopped(world):
    counter = CountingBackend()
    with override_settings(LOGIN_THROTTLE_IP_ATTEMPTS=20), counter.patch():
        statuses = [_post(f"guess{i:02d}", "wrong", ip="10.9.9.9").status_code for i in range(26)]
    assert statuses[:20] == [400] * 20 and statuses[20:] == [429] * 6
    assert counter.calls == 20
    # another address is not affected, and counters hold no name or address in clear
    from anjian.accounts.models import LoginCounter

    assert _post("district_b", PASSWORD, ip="10.9.9.8").status_code == 302
    assert not LoginCounter.objects.filter(key__contains="10.9.9").exists()
    assert not LoginCounter.objects.filter(key__contains="guess").exists()


def test_successful_logins_from_one_office_address_do_not_lock_it(world):
    with override_settings(LOGIN_THROTTLE_IP_ATTEMPTS=3):
        for _ in range(6):
            assert _post("district_a", PASSWORD, ip="10.1.1.1").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_in_threads(world):
    """The same with real threads and connections (meant for PostgreSQL; runs on SQLite too)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is not shared between threads")
    counter = CountingBackend()
    barrier = threading.Barrier(40)
    statuses: list[int] = []

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            statuses.append(_post("district_a", f"wrong-{i}").status_code)
        finally:
            connection.close()

    with counter.patch():
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(statuses) == 40
    assert counter.calls <= 5
    assert statuses.count(400) == counter.calls


def test_behind_the_proxy_each_client_has_its_own_address(world):
    """Behind the reverse proxy every request comes from the proxy: the address counted is the
    one the proxy appended to X-Forwarded-For, not the proxy's, nor the client's own claim."""
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), LOGIN_THROTTLE_IP_ATTEMPTS=3):
        def post(user, forwarded):
            return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).post(
                "/accounts/login/", {"username": user, "password": "wrong"})

        # one client guessing, claiming a new address each time: still counted as one address
        assert [post(f"g{i}", f"6.6.6.{i}, 10.0.0.66").status_code for i in range(4)] == [400, 400, 400, 429]
        # a colleague behind the same proxy is not locked out by it
        assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.77").post(
            "/accounts/login/", {"username": "district_b", "password": PASSWORD}).status_code == 302
