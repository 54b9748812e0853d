"""The one HTTP client for SPARQL endpoints: Wikidata when linking, a remote store (`--store URL`).

The SPARQL 1.1 Protocol (queries and updates, POSTed as forms) and the Graph Store Protocol
(a whole graph PUT), answers as pyoxigraph's own types, credentials (basic or digest, as the
server asks), one User-Agent, a timeout on every request and one retry policy
(docs/decisions/0010): a request is sent again only when that cannot do anything twice (a
query, a PUT) and the failure may pass (429, 5xx, an answer cut off), after the server's
Retry-After or an exponential backoff; an update is sent once.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

import pyoxigraph as ox

from ..errors import (
    CstoKgError,
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedResponse,
    RateLimited,
    first_line,
)
from .tokens import tokens

CONTACT_URL = "https://w3id.org/csto-kg/"

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_TURTLE = "text/turtle"
_GRAPH_FORMS = {"CONSTRUCT", "DESCRIBE"}
_FORMS = {"SELECT", "ASK"} | _GRAPH_FORMS
_BNODE_ID = re.compile(r"[^A-Za-z0-9_]")
_POSITIONS = (re.compile(r"\b(\d+):(\d+)\b"), re.compile(r"\bline (\d+)()"))  # Oxigraph's, Virtuoso's


def user_agent() -> str:
    """csto-kg/<version> (<contact URL>) Python-urllib/<version>, as Wikidata's policy asks."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("csto-kg")
    except PackageNotFoundError:
        mine = "unknown"
    return f"csto-kg/{mine} ({CONTACT_URL}) Python-urllib/{urllib.request.__version__}"


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword is the query's own."""
    for token in tokens(text):
        if token.kind == "name" and token.text.upper() in _FORMS:
            return token.text.upper()
    return "SELECT"


class SparqlClient:
    """One SPARQL endpoint (with its update and Graph Store endpoints, if any), asked politely.

    Args:
        query_url, update_url, gsp_url: the endpoints; update and Graph Store may be unknown.
        name: how messages name the endpoint (its query URL by default).
        login: (user, password), answered to the server's challenge, basic or digest.
        prefixes: PREFIX lines sent before every query and update; positions in the server's
            error messages are given back in the caller's own text.
        timeout: seconds to wait for a connection and for each read of an answer.
        retries: how often a repeatable request is sent again after a failure that may pass.
        backoff: the first wait between tries, doubled each time, when the server gives no
            Retry-After.
        max_wait: the longest single wait; a Retry-After beyond it fails at once.
        on_retry: called with a message and the seconds about to be waited.
    """

    def __init__(self, query_url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 name: str | None = None, login: tuple[str, str] | None = None, prefixes: dict | None = None,
                 timeout: float = 60.0, retries: int = 2, backoff: float = 0.5, max_wait: float = 120.0,
                 agent: str | None = None, on_retry: Callable[[str, float], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        for url in (query_url, update_url, gsp_url):
            parsed = urllib.parse.urlparse(url or "http://x")
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise EndpointError(f"not an HTTP(S) endpoint URL: {url!r}")
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.name = name or query_url
        self.not_sparql_hint = "Is it a SPARQL endpoint?"  # what to check when an answer is not SPARQL
        self.prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        self.timeout, self.retries, self.backoff, self.max_wait = timeout, retries, backoff, max_wait
        self.agent = agent or user_agent()
        self.on_retry = on_retry
        self.sleep = sleep
        handlers = []
        if login:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, [u for u in (query_url, update_url, gsp_url) if u], *login)
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    # -- the protocols ------------------------------------------------------------------------

    def query(self, text: str, dataset: Iterable[tuple[str, str]] = (), *, what: str = "query"):
        """pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples for a query; dataset is
        the protocol's default-graph-uri / named-graph-uri pairs."""
        form = query_form(text)
        accept = f"{_NTRIPLES}, {_TURTLE};q=0.9" if form in _GRAPH_FORMS else _JSON
        form_data = urllib.parse.urlencode([("query", self.prologue + text), *dataset]).encode()
        content_type, body = self._send(self.query_url, "POST", form_data, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, what=what, repeatable=True)
        if form in _GRAPH_FORMS:
            return self._triples(content_type, body)
        return self._results(content_type, body)

    def update(self, text: str, *, what: str = "update", params=(), base_iri: str | None = None) -> None:
        """A SPARQL 1.1 Update (params: the protocol's using-graph-uri and the like; base_iri:
        what relative IRIs resolve against); sent once, unless the server never received it."""
        if not self.update_url:
            raise EndpointError(f"{self.name}: no update endpoint is known")
        base = f"BASE <{base_iri}>\n" if base_iri else ""  # first: Virtuoso refuses a BASE after a PREFIX
        form_data = urllib.parse.urlencode([("update", base + self.prologue + text), *params]).encode()
        self._send(self.update_url, "POST", form_data, {"Content-Type": "application/x-www-form-urlencoded"},
                   what=what, repeatable=False)

    def put_graph(self, iri: str, triples: list, *, what: str | None = None) -> None:
        """A graph's content replaced whole by a Graph Store PUT (the same request, sent twice,
        leaves the same graph)."""
        if not self.gsp_url:
            raise EndpointError(f"{self.name}: no Graph Store endpoint is known")
        url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': iri})}"
        # N-Triples is Turtle, and every Graph Store reads Turtle.
        self._send(url, "PUT", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                   {"Content-Type": f"{_TURTLE}; charset=utf-8"}, what=what or f"PUT of <{iri}>", repeatable=True)

    def refusal(self, url: str, status: int, reason: str, detail: str, what: str) -> CstoKgError:
        """The error for an HTTP status that trying again does not cure. A client for one use
        (a remote store) words it for its users by overriding this."""
        said = f": {detail}" if detail else ""
        if status == 400:
            return EndpointHTTPError(f"{url} refused the {what} as malformed (HTTP 400){said}. "
                                     "Is it a SPARQL 1.1 endpoint?", status)
        if status == 404:
            return EndpointHTTPError(f"{url}: no SPARQL endpoint there (HTTP 404)", status)
        if status == 401:
            return EndpointHTTPError(f"{url} requires authentication (HTTP 401)", status)
        return EndpointHTTPError(f"{url} answered HTTP {status} {reason}{said}", status)

    # -- one request, tried again where that is safe ------------------------------------------

    def _send(self, url, method, data, headers, *, what, repeatable):
        attempt = 0
        while True:
            try:
                return self._exchange(url, method, data, headers, what)
            except _Passing as e:
                if not repeatable or attempt >= self.retries:
                    raise e.final(self, url, what, tries=attempt + 1) from None
                wait = e.retry_after if e.retry_after is not None else self.backoff * 2 ** attempt
                if wait > self.max_wait:
                    raise RateLimited(
                        f"{self.name} answered {e.describe()} and asks csto-kg to wait {wait:.0f} s "
                        f"(Retry-After), longer than it waits ({self.max_wait:.0f} s). Try again later.") from None
                attempt += 1
                if self.on_retry:
                    self.on_retry(f"{self.name} answered {e.describe()}; retrying in {wait:.1f} s "
                                  f"(retry {attempt} of {self.retries})", wait)
                self.sleep(wait)

    def _exchange(self, url, method, data, headers, what):
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"User-Agent": self.agent, **headers})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                return content_type, response.read()
        except urllib.error.HTTPError as e:
            detail = self._unprefixed(_detail(e))
            if e.code == 429 or e.code >= 500:
                raise _Passing(e.code, e.reason, detail, _retry_after(e.headers)) from None
            raise self.refusal(url, e.code, e.reason, detail, what) from None
        except urllib.error.URLError as e:
            if _is_timeout(e.reason):
                raise self._timeout() from None
            raise EndpointUnreachable(f"cannot connect to {self.name}: {_reason(e.reason)}") from None
        except TimeoutError:
            raise self._timeout() from None
        except (ConnectionError, http.client.HTTPException, OSError) as e:  # cut off mid-answer
            raise _Passing(None, _reason(e), "", None) from None

    def _timeout(self) -> EndpointTimeout:
        return EndpointTimeout(f"{self.name} did not answer within {self.timeout:g} s; "
                               "try again later or allow more time (--timeout)")

    def _unprefixed(self, message: str) -> str:
        """The server's error position in the caller's own text, without the prologue's lines."""
        lines = self.prologue.count("\n")
        if not lines:
            return message
        for pattern in _POSITIONS:
            match = pattern.search(message)
            if match and int(match.group(1)) > lines:
                column = f":{match.group(2)}" if match.group(2) else ""
                return message[:match.start(1)] + f"{int(match.group(1)) - lines}{column}" + message[match.end():]
        return message

    # -- answers --------------------------------------------------------------------------------

    def _results(self, content_type: str, body: bytes):
        try:
            results = json.loads(body.decode("utf-8"))
            if "boolean" not in results:
                bindings = results["results"]["bindings"]
                if not isinstance(bindings, list):
                    raise TypeError("bindings is not a list")
            portable = json.dumps(_portable(results)).encode()
            parsed = ox.parse_query_results(portable, format=ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QuerySolutions):
                list(parsed)  # parse it all now: a broken answer fails here, not mid-output
                parsed = ox.parse_query_results(portable, format=ox.QueryResultsFormat.JSON)
            return parsed
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, SyntaxError) as e:
            kind = content_type or "no content type"
            raise MalformedResponse(
                f"{self.query_url} did not answer with SPARQL JSON results ({kind}, {len(body)} bytes: "
                f"{_snippet(body, 80)}): {type(e).__name__}. {self.not_sparql_hint}") from None

    def _triples(self, content_type: str, body: bytes):
        rdf_format = {_NTRIPLES: ox.RdfFormat.N_TRIPLES, _TURTLE: ox.RdfFormat.TURTLE}.get(content_type)
        try:
            if rdf_format is None:
                raise ValueError("not N-Triples or Turtle")
            # Through a scratch store, so that a graph answer is a QueryTriples as in memory.
            scratch = ox.Store()
            scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(body, format=rdf_format))
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except (SyntaxError, ValueError, OSError) as e:
            raise MalformedResponse(
                f"{self.query_url} did not answer with RDF ({content_type or 'no content type'}, "
                f"{len(body)} bytes: {_snippet(body, 80)}): {first_line(e)}. {self.not_sparql_hint}") from None


class _Passing(Exception):
    """A failure that may pass: 429, 5xx, or an answer cut off (status None)."""

    def __init__(self, status: int | None, reason: str, detail: str, retry_after: float | None):
        self.status, self.reason, self.detail, self.retry_after = status, reason, detail, retry_after

    def describe(self) -> str:
        return f"HTTP {self.status} {self.reason}".rstrip() if self.status else f"nothing whole ({self.reason})"

    def final(self, client: SparqlClient, url: str, what: str, *, tries: int) -> CstoKgError:
        if self.status is None:
            return EndpointUnreachable(f"connection to {client.name} failed during the {what}: {self.reason}")
        if tries == 1:
            return client.refusal(url, self.status, self.reason, self.detail, what)
        if self.status == 429:
            retries = f"{tries - 1} retry" if tries == 2 else f"{tries - 1} retries"
            return RateLimited(f"{client.name} is rate-limiting csto-kg: it still answered 429 Too Many "
                               f"Requests after {retries}. Wait a while, then run the command again.")
        said = f" ({self.detail})" if self.detail else ""
        return EndpointHTTPError(f"{url} answered {self.describe()}{said} {tries} times in a row; "
                                 "the endpoint seems to be in trouble. Try again later.", self.status)


def _retry_after(headers) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _is_timeout(reason) -> bool:
    return isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason)


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the endpoint running, and is the URL right?)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__


def _detail(error: urllib.error.HTTPError) -> str:
    """The server's own words about an error; an HTML error page says no more than its status."""
    try:
        body = error.read(2000) if error.fp else b""
    except Exception:  # the body of an error is a courtesy
        body = b""
    text = _snippet(body, 160) if body.strip() else ""
    return "" if text.startswith("<") else text


def _snippet(data: bytes, limit: int) -> str:
    text = " ".join(data.decode("utf-8", "replace").split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


def _portable(results: dict) -> dict:
    """SPARQL JSON results as the standard has them: blank node labels pyoxigraph accepts
    (Virtuoso's are `nodeID://b1`), `literal` for the old `typed-literal`, and ASK's boolean
    (Virtuoso answers one row of __ASK_RETVAL)."""
    variables = results.get("head", {}).get("vars")
    bindings = results.get("results", {}).get("bindings")
    if variables == ["__ASK_RETVAL"] and isinstance(bindings, list) and len(bindings) <= 1:
        value = bindings[0].get("__ASK_RETVAL", {}).get("value") if bindings else "0"
        return {"head": {}, "boolean": value in ("1", "true")}
    for row in bindings or ():
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            elif term.get("type") == "bnode" and _BNODE_ID.search(term.get("value", "")):
                term["value"] = "b" + _BNODE_ID.sub("_", term["value"])
    return results
