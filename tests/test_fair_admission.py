"""One client's queries of death cannot starve another client: admission is fair per client
(its remote address, never X-Forwarded-For), and a spare worker is kept for newcomers."""

import http.client
import json
import threading
import urllib.parse

from helpers import start_serve, stop_serve, wait_for
from server_fixtures import SLOW_QUERY, running_server, toy_graph

HEAVY_CLIENT, LIGHT_CLIENT = "127.0.0.2", "127.0.0.3"  # both on Linux's loopback


def get(port, path, source="127.0.0.1", headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read().decode()
    finally:
        connection.close()


def sparql_path(query):
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def workers(port):
    return json.loads(get(port, "/health")[1])["workers"]


def test_a_light_query_is_answered_while_another_client_runs_eight_queries_of_death():
    process, url = start_serve("--workers", "2", "--timeout", "5")
    port = urllib.parse.urlsplit(url).port
    heavy = []

    def query_of_death(i):
        # a different forwarded address each time: were it trusted, these would be 8 clients
        heavy.append(get(port, sparql_path(SLOW_QUERY), HEAVY_CLIENT,
                         {"X-Forwarded-For": f"10.0.0.{i}", "Forwarded": f"for=10.0.1.{i}"}))

    threads = [threading.Thread(target=query_of_death, args=(i,)) for i in range(8)]
    try:
        for t in threads:
            t.start()
        # the heavy client holds both regular workers and queues the rest behind them
        wait_for(lambda: workers(port)["running"] == 2 and workers(port)["waiting"] == 6)
        status, body = get(port, "/queries/member_states", LIGHT_CLIENT,
                           {"Accept": "application/sparql-results+json"})
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"]
        still = workers(port)
        assert all(t.is_alive() for t in threads) and heavy == []
        assert still["running"] == 2 and still["waiting"] == 6
        for t in threads:
            t.join(timeout=60)
        assert len(heavy) == 8 and {status for status, _ in heavy} == {503}
        stopped = [body for _, body in heavy if "time limit of 5 s" in body]
        busy = [body for _, body in heavy if "busy" in body]
        assert len(stopped) >= 2 and len(stopped) + len(busy) == 8
        assert get(port, sparql_path("ASK {}"), HEAVY_CLIENT)[0] == 200  # and it is served again
    finally:
        assert stop_serve(process) == 0


def test_a_client_with_too_many_queries_waiting_is_refused_at_once():
    config = {"TIMEOUT": 2, "WORKERS": 1, "SPARE_WORKERS": 0, "MAX_WAITING": 1}
    with running_server(toy_graph(), config) as s:
        first = threading.Thread(target=s.query, args=(SLOW_QUERY,))
        second = threading.Thread(target=s.query, args=(SLOW_QUERY,))
        first.start()
        wait_for(lambda: s.get("/health").json()["workers"]["running"] == 1)
        second.start()
        wait_for(lambda: s.get("/health").json()["workers"]["waiting"] == 1)
        r = s.query("ASK {}")
        assert r.status == 503 and "1 of your queries are already waiting" in r.text
        assert r.headers["Retry-After"]
        first.join()
        second.join()
        assert s.query("ASK {}").status == 200
