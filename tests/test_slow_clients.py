"""Slow and greedy clients (server/listener.py), on a real server on loopback: one address
holding many slow connections locks no one else out, a request that trickles in is cut off,
and a transfer coding waitress cannot read is a 400 that says so. A second client address is
127.0.0.2: all of 127.0.0.0/8 is loopback."""

import socket

import pytest
from server_fixtures import running_server, toy_graph

from csto_kg.server import listener

LIGHT = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


@pytest.fixture(scope="module")
def server():
    with running_server(toy_graph()) as s:
        yield s


def connect(server, source="127.0.0.1"):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(30)
    sock.connect(("127.0.0.1", int(server.port)))
    return sock


def answer(sock, request=LIGHT) -> bytes:
    sock.sendall(request)
    reply = b""
    try:
        while chunk := sock.recv(65536):
            reply += chunk
    except ConnectionResetError:
        pass
    return reply


def test_one_address_with_many_slow_connections_locks_no_one_else_out(server):
    slow = []
    try:
        for _ in range(3 * listener.MAX_CONNECTIONS_PER_CLIENT):
            sock = connect(server)
            sock.sendall(b"GET /queries/observers HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            slow.append(sock)
        refused = 0
        for sock in slow[listener.MAX_CONNECTIONS_PER_CLIENT:]:
            sock.settimeout(10)
            try:
                reply = sock.recv(4096)
            except (TimeoutError, ConnectionResetError):
                reply = b""
            refused += reply.startswith(b"HTTP/1.1 503") and b"too many connections" in reply
        assert refused == 2 * listener.MAX_CONNECTIONS_PER_CLIENT
        for _ in range(5):  # another address is answered while the slow ones hang on
            assert answer(connect(server, "127.0.0.2")).startswith(b"HTTP/1.1 200")
    finally:
        for sock in slow:
            sock.close()


def test_a_request_that_trickles_in_is_cut_off(server, monkeypatch):
    monkeypatch.setattr(listener, "REQUEST_READ_TIMEOUT", 1.0)
    sock = connect(server, "127.0.0.3")
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    closed = False
    for i in range(300):  # one header line every 0.1 s: never idle, never done
        try:
            sock.sendall(b"X-Slow-%d: 1\r\n" % i)
            sock.settimeout(0.1)
            closed = sock.recv(1) == b""
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            closed = True
        if closed:
            break
    sock.close()
    assert closed, "the server kept reading a request for 30 s"
    assert answer(connect(server, "127.0.0.3")).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("coding", ["gzip, chunked", "chunked, identity", "identity", "gzip"])
def test_a_transfer_coding_the_server_cannot_read_is_a_400_that_says_so(server, coding):
    request = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               f"Transfer-Encoding: {coding}\r\nConnection: close\r\n\r\n").encode() + b"0\r\n\r\n"
    reply = answer(connect(server, "127.0.0.4"), request)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"Transfer-Encoding: chunked" in reply


def test_a_chunked_body_is_read(server):
    body = b"ASK {}"
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    reply = answer(connect(server, "127.0.0.4"), request)
    assert reply.startswith(b"HTTP/1.1 200") and b'"boolean"' in reply



def test_connections_closed_by_either_side_free_their_place(server):
    for _ in range(3 * listener.MAX_CONNECTIONS_PER_CLIENT):  # each closed once answered
        assert answer(connect(server, "127.0.0.5")).startswith(b"HTTP/1.1 200")
    refused = (b"GET /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
    for _ in range(3 * listener.MAX_CONNECTIONS_PER_CLIENT):  # each closed by the server
        assert answer(connect(server, "127.0.0.5"), refused).startswith(b"HTTP/1.1 400")
    assert server.waitress.per_client["127.0.0.5"] <= 1
