"""Safe by default: read-only unless a token is set, SERVICE only to allowed endpoints, no
LOAD, a timeout that really stops a query, a row limit, CORS only for listed origins. Asked
through the test client; a real waitress server where its threads are the point (a slow query
killed while others are answered, a request waiting for the one busy worker)."""

import os
import sys
import time
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from helpers import wait_for  # noqa: E402
from server_fixtures import (  # noqa: E402
    SLOW_QUERY,
    RecordingListener,
    running_server,
    served_app,
    served_client,
    sparql_json_reply,
    toy_graph,
)

from csto_kg.graph.namespaces import USER  # noqa: E402

TOKEN = "s3cret-token-for-tests"
INSERT = f"INSERT DATA {{ GRAPH <{USER}> {{ kg:Kazakhstan a csto:State }} }}"
ASK_INSERTED = "ASK { kg:Kazakhstan a csto:State }"


@pytest.fixture(scope="module")
def read_only():
    with served_client(toy_graph()) as client:
        yield client


@pytest.fixture(scope="module")
def writable():
    with served_client(toy_graph(), {"UPDATE_TOKEN": TOKEN, "WORKERS": 2}) as client:
        yield client


def running(server) -> int:
    """How many queries the server's workers are running now."""
    return server.get("/health").json()["workers"]["running"]


def post_update(client, text, token=None, content_type="application/sparql-update"):
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = text if content_type != "application/x-www-form-urlencoded" else \
        urllib.parse.urlencode({"update": text})
    return client.post("/sparql", data=body.encode(), headers=headers)


def asks(client, query):
    return client.query(query).json["boolean"]


# -- writes ----------------------------------------------------------------------------------


def test_updates_are_refused_when_writes_are_off(read_only):
    for token in (None, TOKEN):
        r = post_update(read_only, INSERT, token)
        assert r.status_code == 403 and "read-only" in r.text
    assert asks(read_only, ASK_INSERTED) is False


def test_update_without_token_is_401(writable):
    r = post_update(writable, INSERT)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert asks(writable, ASK_INSERTED) is False


def test_update_with_wrong_token_is_403(writable):
    r = post_update(writable, INSERT, token="wrong-token-123")
    assert r.status_code == 403
    assert asks(writable, ASK_INSERTED) is False


def test_the_bearer_scheme_is_matched_without_regard_to_case_and_spaces():
    """RFC 9110 §11.1: the auth-scheme is case-insensitive, and §11.4's credentials allow
    more than one space before the token (1*SP); so these are accepted, not refused."""
    with served_client(toy_graph(), {"UPDATE_TOKEN": TOKEN}) as client:
        for scheme in ("bearer", "BEARER", "BeArEr"):
            text = INSERT.replace("kg:Kazakhstan", f"kg:Scheme{scheme}")
            r = client.post("/sparql", data=text.encode(), headers={
                "Content-Type": "application/sparql-update", "Authorization": f"{scheme}   {TOKEN}"})
            assert r.status_code == 204, r.text
            assert asks(client, ASK_INSERTED.replace("kg:Kazakhstan", f"kg:Scheme{scheme}"))


def test_update_with_token_is_applied_and_seen_by_every_worker(writable):
    r = post_update(writable, INSERT, token=TOKEN)
    assert r.status_code == 204
    # several queries, so that more than one worker answers
    assert all(asks(writable, ASK_INSERTED) for _ in range(6))
    rows = writable.query("SELECT ?g WHERE { GRAPH ?g { kg:Kazakhstan a csto:State } }").json
    assert [b["g"]["value"] for b in rows["results"]["bindings"]] == [USER]
    health = writable.get("/health").json
    assert health["graphs"]["user"]["triples"] == 1
    r = post_update(writable, f"DELETE DATA {{ GRAPH <{USER}> {{ kg:Kazakhstan a csto:State }} }}",
                    token=TOKEN, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 204
    assert asks(writable, ASK_INSERTED) is False


def test_update_over_get_is_refused(writable):
    r = writable.get("/sparql", query_string={"update": INSERT})
    assert r.status_code == 400 and "POST" in r.text
    assert asks(writable, ASK_INSERTED) is False


def test_malformed_update_is_400(writable):
    r = post_update(writable, "INSERT DATA { oops", token=TOKEN)
    assert r.status_code == 400 and "malformed update" in r.text


def test_load_is_refused_and_fetches_nothing(writable):
    listener = RecordingListener()
    try:
        for text in (f"LOAD <{listener.url}>", f"load silent <{listener.url}> INTO GRAPH <{USER}>"):
            r = post_update(writable, text, token=TOKEN)
            assert r.status_code == 403 and "LOAD" in r.text
        time.sleep(0.3)
        assert listener.connections == []
    finally:
        listener.close()


def test_service_inside_update_is_refused(writable):
    listener = RecordingListener()
    try:
        text = (f"INSERT {{ GRAPH <{USER}> {{ ?s ?p ?o }} }} WHERE "
                f"{{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
        assert post_update(writable, text, token=TOKEN).status_code == 403
        time.sleep(0.3)
        assert listener.connections == []
    finally:
        listener.close()


def test_slow_update_is_stopped_and_not_applied():
    slow = (f"INSERT {{ GRAPH <{USER}> {{ kg:X csto:n ?n }} }} WHERE {{ "
            + SLOW_QUERY[SLOW_QUERY.index("{") + 1:])
    with served_client(toy_graph(), {"UPDATE_TOKEN": TOKEN, "TIMEOUT": 1.5}) as client:
        r = post_update(client, slow, token=TOKEN)
        assert r.status_code == 503 and "time limit" in r.text
        assert asks(client, "ASK { kg:X ?p ?o }") is False
        assert post_update(client, INSERT, token=TOKEN).status_code == 204
        assert asks(client, ASK_INSERTED) is True


def test_token_must_be_long_enough():
    with pytest.raises(ValueError, match="at least 8 characters"), served_app(toy_graph(), {"UPDATE_TOKEN": "short"}):
        pass


# -- SERVICE ---------------------------------------------------------------------------------


def test_service_to_a_non_allowed_endpoint_makes_no_connection(read_only):
    listener = RecordingListener(reply=sparql_json_reply("x", ["remote"]))
    try:
        query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"
        r = read_only.query(query)
        assert r.status_code == 403
        assert "allow-list" in r.text and listener.url in r.text
        r = read_only.query(f"SELECT ?x WHERE {{ SERVICE SILENT <{listener.url}> {{ ?x ?p ?o }} }}")
        assert r.status_code == 403
        r = read_only.query("SELECT ?x WHERE { BIND(<%s> AS ?e) SERVICE ?e { ?x ?p ?o } }" % listener.url)
        assert r.status_code == 403
        time.sleep(0.3)
        assert listener.connections == []
    finally:
        listener.close()


def test_service_to_an_allowed_endpoint_is_called():
    listener = RecordingListener(reply=sparql_json_reply("x", ["from the remote endpoint"]))
    try:
        with served_client(toy_graph(), {"ALLOWED_SERVICES": [listener.url]}) as client:
            r = client.query(f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}")
            assert r.status_code == 200, r.text
            values = [b["x"]["value"] for b in r.json["results"]["bindings"]]
            assert values == ["from the remote endpoint"]
        assert len(listener.connections) == 1
    finally:
        listener.close()


def test_default_allow_list_is_wikidata_only(read_only):
    assert read_only.application.extensions["csto_kg"].allowed_services == ("https://query.wikidata.org/sparql",)


# -- timeout ---------------------------------------------------------------------------------


def test_slow_query_is_stopped_and_the_server_answers_the_next_one():
    limit = 1.5
    with running_server(toy_graph(), {"TIMEOUT": limit, "WORKERS": 2}) as s:
        started = time.monotonic()
        r = s.query(SLOW_QUERY)
        waited = time.monotonic() - started
        assert r.status == 503
        assert "time limit" in r.text and r.headers["X-Timeout"] == "1.5"
        assert waited < limit + 10  # stopped, not run to completion (minutes)
        # the killed worker was replaced: every worker still answers
        for _ in range(4):
            assert s.query("ASK { kg:Armenia ?p ?o }").json()["boolean"] is True
        assert s.get("/health").json()["workers"]["killed_on_timeout"] == 1


def test_slow_queries_in_parallel_do_not_block_other_requests():
    import threading

    with running_server(toy_graph(), {"TIMEOUT": 2, "WORKERS": 3}) as s:
        results = []
        slow = threading.Thread(target=lambda: results.append(s.query(SLOW_QUERY).status))
        slow.start()
        wait_for(lambda: running(s) == 1, what="the slow query in a worker")
        assert s.query("ASK {}").json()["boolean"] is True  # another worker answers
        assert s.get("/health").status == 200
        slow.join()
        assert results == [503]


def test_client_may_ask_for_a_shorter_timeout():
    with served_client(toy_graph(), {"TIMEOUT": 30}) as client:
        r = client.query(SLOW_QUERY, timeout="1")
        assert r.status_code == 503 and r.headers["X-Timeout"] == "1"


# -- result size -----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_the_row_limit_holds_in_every_format_at_its_edge(accept):
    # results are written by Oxigraph, their rows counted as it writes them (issue 21)
    values = " ".join(f'"a<result>{i}"' for i in range(5))  # a literal that reads like a row in XML
    with served_client(toy_graph(), {"MAX_ROWS": 5}) as client:
        r = client.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}", accept=accept)
        assert r.status_code == 200 and r.text.count("a<result>") + r.text.count("a&lt;result&gt;") == 5
        r = client.query(f'SELECT ?x WHERE {{ VALUES ?x {{ {values} "one more" }} }}', accept=accept)
        assert r.status_code == 422 and "more than 5 rows" in r.text


def test_result_over_the_row_limit_is_an_error_not_a_cut():
    with served_client(toy_graph(), {"MAX_ROWS": 5}) as client:
        r = client.query("SELECT * WHERE { ?s ?p ?o }")
        assert r.status_code == 422
        assert "more than 5 rows" in r.text and r.headers["X-Max-Rows"] == "5"
        r = client.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert r.status_code == 422 and "more than 5 triples" in r.text
        r = client.query("SELECT * WHERE { ?s ?p ?o } LIMIT 5")
        assert r.status_code == 200 and len(r.json["results"]["bindings"]) == 5


# -- CORS ------------------------------------------------------------------------------------


def test_no_cors_by_default(read_only):
    r = read_only.get("/sparql?query=ASK%7B%7D", headers={"Origin": "http://evil.test"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    pre = read_only.options("/sparql", headers={
        "Origin": "http://evil.test", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "Access-Control-Allow-Origin" not in pre.headers


def test_cors_for_a_listed_origin():
    origin = "http://localhost:3000"
    with served_client(toy_graph(), {"CORS_ORIGINS": [origin]}) as client:
        r = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": origin})
        assert r.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in r.headers["Vary"]
        assert "Access-Control-Allow-Credentials" not in r.headers
        pre = client.options("/sparql", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization, x-evil"})
        assert pre.status_code == 204
        assert pre.headers["Access-Control-Allow-Origin"] == origin
        assert "POST" in pre.headers["Access-Control-Allow-Methods"]
        allowed = {h.strip().lower() for h in pre.headers["Access-Control-Allow-Headers"].split(",")}
        assert allowed == {"content-type", "authorization"}
        other = client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "http://other.test"})
        assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_star_without_credentials():
    with served_client(toy_graph(), {"CORS_ORIGINS": ["*"]}) as client:
        r = client.get("/health", headers={"Origin": "http://anywhere.test"})
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in r.headers


def test_from_and_dataset_iris_are_never_fetched(read_only):
    # FROM names a graph of the store, as in Oxigraph; rdflib would download it (docs/decisions/0007).
    listener = RecordingListener()
    try:
        r = read_only.query(f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}")
        assert r.status_code == 200 and r.json["results"]["bindings"] == []  # no such graph here
        r = read_only.query("ASK { ?s ?p ?o }", **{"default-graph-uri": listener.url,
                                                    "named-graph-uri": listener.url})
        assert r.status_code == 200 and r.json["boolean"] is False
        time.sleep(0.3)
        assert listener.connections == []
    finally:
        listener.close()


def test_a_failing_allowed_endpoint_is_502():
    broken = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n" \
             b"Connection: close\r\nContent-Length: 9\r\n\r\nnot json!"
    listener = RecordingListener(reply=broken)
    try:
        with served_client(toy_graph(), {"ALLOWED_SERVICES": [listener.url]}) as client:
            r = client.query(f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}")
            assert r.status_code == 502 and "SERVICE" in r.text
            assert client.query("ASK {}").status_code == 200
    finally:
        listener.close()


def test_when_every_worker_is_busy_a_request_waits_then_gets_503():
    import threading

    with running_server(toy_graph(), {"TIMEOUT": 3, "WORKERS": 1, "QUEUE_TIMEOUT": 0.5}) as s:
        slow = threading.Thread(target=s.query, args=(SLOW_QUERY,))
        slow.start()
        wait_for(lambda: running(s) == 1, what="the slow query holding the only worker")
        r = s.query("ASK {}")
        assert r.status == 503 and "busy" in r.text and r.headers["Retry-After"]
        assert s.get("/health").status == 200  # health needs no worker
        slow.join()
        assert s.query("ASK {}").status == 200
