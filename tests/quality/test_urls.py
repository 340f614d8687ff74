"""--check-urls: access and download URLs asked politely (HEAD, then GET), with timeouts and limits."""

from __future__ import annotations

import time

from ckanext.openup.quality.urls import UrlCheckSettings, check_urls

# The test server is on loopback, which is refused unless allowed (tests/quality/test_hostile_catalogues.py).
LOOPBACK = UrlCheckSettings(allow_private_addresses=True)


def test_head_answers_are_enough(loopback):
    url = loopback.serve("/ok.csv", body=b"a,b\n", content_type="text/csv")
    answers = check_urls([url], LOOPBACK)
    assert answers[url].ok is True and answers[url].status == 200
    assert loopback.requests == [("HEAD", "/ok.csv")]


def test_servers_refusing_head_get_a_get(loopback):
    url = loopback.serve("/no-head.csv", body=b"a,b\n", content_type="text/csv", head_status=405)
    answers = check_urls([url], LOOPBACK)
    assert answers[url].ok is True
    assert loopback.requests == [("HEAD", "/no-head.csv"), ("GET", "/no-head.csv")]


def test_missing_file_is_not_accessible(loopback):
    answers = check_urls([loopback.url + "/gone.csv"], LOOPBACK)
    assert answers[loopback.url + "/gone.csv"].ok is False
    assert answers[loopback.url + "/gone.csv"].reason == "404 Not Found"


def test_slow_server_times_out(loopback):
    url = loopback.serve("/slow.csv", body=b"", delay=2)
    started = time.perf_counter()
    answers = check_urls([url], UrlCheckSettings(timeout_seconds=0.3, allow_private_addresses=True))
    assert answers[url].ok is False and "no answer within 0.3 s" in answers[url].reason
    assert time.perf_counter() - started < 1.9


def test_each_url_is_asked_once_and_the_limit_is_kept(loopback):
    urls = [loopback.serve(f"/{number}.csv", body=b"x") for number in range(5)]
    answers = check_urls(urls + urls, UrlCheckSettings(max_urls=3, allow_private_addresses=True))
    assert [answers[url].ok for url in urls] == [True, True, True, None, None]
    assert len(loopback.requests) == 3


def test_non_http_urls_are_not_asked():
    answers = check_urls(["ftp://example.se/file.csv"], LOOPBACK)
    assert answers["ftp://example.se/file.csv"].ok is None


def test_no_more_than_per_host_requests_at_a_time(loopback):
    urls = [loopback.serve(f"/{number}.csv", body=b"x", delay=0.1) for number in range(8)]
    answers = check_urls(urls, UrlCheckSettings(workers=8, per_host=2, allow_private_addresses=True))
    assert all(answer.ok for answer in answers.values())
    assert loopback.busy_most == 2
