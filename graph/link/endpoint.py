"""Talking to a SPARQL endpoint politely, and the LinkError family for everything that goes wrong."""

from __future__ import annotations

import ast
import email.utils
import json
import socket
import time
import urllib.error
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timezone

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ..errors import CstoKgError
from ..namespaces import WIKIDATA_SPARQL

WIKIDATA_ENDPOINT = WIKIDATA_SPARQL
CONTACT_URL = "https://w3id.org/csto-kg/"


class LinkError(CstoKgError):
    """Fetching from the open-data endpoint failed; nothing was written."""


class EndpointUnreachable(LinkError):
    """No connection: refused, unknown host, network down."""


class EndpointTimeout(LinkError):
    """The endpoint did not answer within the timeout."""


class MalformedResponse(LinkError):
    """The endpoint answered, but not with SPARQL JSON results."""


class RateLimited(LinkError):
    """The endpoint kept answering 429 Too Many Requests."""


class EndpointHTTPError(LinkError):
    """The endpoint answered with an HTTP error that retrying does not cure."""



def user_agent() -> str:
    """csto-kg/<version> (<contact URL>) SPARQLWrapper/<version>, as Wikidata's policy asks."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("csto-kg")
    except PackageNotFoundError:
        mine = "unknown"
    try:
        theirs = version("SPARQLWrapper")
    except PackageNotFoundError:
        theirs = "unknown"
    return f"csto-kg/{mine} ({CONTACT_URL}) SPARQLWrapper/{theirs}"


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


def _is_timeout(error: BaseException) -> bool:
    reason = getattr(error, "reason", error)
    return isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason)


class Endpoint:
    """One SPARQL endpoint, asked one query at a time, politely.

    Args:
        url: the SPARQL 1.1 query endpoint.
        timeout: seconds to wait for a connection and for each read of the answer.
        retries: how often to retry after 429 or 5xx before giving up.
        backoff: the first wait between retries, doubled each time, when the endpoint gives
            no Retry-After.
        max_wait: the longest single wait; a Retry-After beyond it fails at once.
        on_retry: called with a message and the seconds about to be waited.
    """

    def __init__(self, url: str, *, timeout: float = 60.0, retries: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, agent: str | None = None,
                 on_retry: Callable[[str, float], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise LinkError(f"not an HTTP(S) endpoint URL: {url!r}")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.agent = agent or user_agent()
        self.on_retry = on_retry
        self.sleep = sleep
        self.requests = 0

    def select(self, query: str) -> list[dict[str, Node]]:
        """Run a SELECT query; its rows as rdflib terms by variable name."""
        attempt = 0
        while True:
            self.requests += 1
            try:
                return self._once(query)
            except _Retryable as e:
                if attempt >= self.retries:
                    if e.status == 429:
                        raise RateLimited(
                            f"{self.url} is rate-limiting csto-kg: it still answered 429 Too Many "
                            f"Requests after {_retries(self.retries)}. Wait a while, then run the "
                            f"command again."
                        ) from None
                    raise EndpointHTTPError(
                        f"{self.url} answered {e.describe()} {attempt + 1} times in a row; "
                        f"the endpoint seems to be in trouble. Try again later."
                    ) from None
                wait = e.retry_after if e.retry_after is not None else self.backoff * 2 ** attempt
                if wait > self.max_wait:
                    raise RateLimited(
                        f"{self.url} answered {e.describe()} and asks csto-kg to wait {wait:.0f} s "
                        f"(Retry-After), longer than it waits ({self.max_wait:.0f} s). Try again later."
                    ) from None
                attempt += 1
                if self.on_retry:
                    self.on_retry(
                        f"{self.url} answered {e.describe()}; retrying in {wait:.1f} s "
                        f"(retry {attempt} of {self.retries})", wait)
                self.sleep(wait)

    def _wrapper(self, query: str) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.url, agent=self.agent)
        sparql.setOnlyConneg(True)  # the standard Accept header, no format= parameters
        sparql.setReturnFormat(JSON)
        sparql.timeout = self.timeout  # not setTimeout(), which truncates 0.5 s to int 0: no timeout
        sparql.setQuery(query)
        if len(urllib.parse.quote(query)) > 1800:  # long URLs are refused by some servers
            sparql.setMethod(POST)
        return sparql

    def _once(self, query: str) -> list[dict[str, Node]]:
        sparql = self._wrapper(query)
        try:
            result = sparql.query()
            body = result.response.read()
            content_type = result.response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            if e.code == 429 or e.code >= 500:
                raise _Retryable(e.code, e.reason, _retry_after(e.headers)) from None
            raise EndpointHTTPError(
                f"{self.url} answered HTTP {e.code} {e.reason}: {_snippet(_read(e))}") from None
        except EndPointInternalError as e:  # SPARQLWrapper's name for HTTP 500
            raise _Retryable(500, "Internal Server Error", None, _body(e)) from None
        except QueryBadFormed as e:
            raise EndpointHTTPError(
                f"{self.url} refused the query as malformed (HTTP 400): {_body(e)}. "
                f"Is it a SPARQL 1.1 endpoint?") from None
        except EndPointNotFound:
            raise EndpointHTTPError(f"{self.url}: no SPARQL endpoint there (HTTP 404)") from None
        except Unauthorized:
            raise EndpointHTTPError(f"{self.url} requires authentication (HTTP 401)") from None
        except URITooLong:
            raise EndpointHTTPError(f"{self.url} refused the query as too long (HTTP 414)") from None
        except SPARQLWrapperException as e:
            raise EndpointHTTPError(f"{self.url}: {e}") from None
        except urllib.error.URLError as e:
            if _is_timeout(e):
                raise self._timeout() from None
            raise EndpointUnreachable(f"cannot connect to {self.url}: {_reason(e.reason)}") from None
        except TimeoutError:
            raise self._timeout() from None
        except (ConnectionError, OSError) as e:  # reset or closed mid-answer, etc.
            raise EndpointUnreachable(f"connection to {self.url} failed: {_reason(e)}") from None
        return parse_results(body, content_type, self.url)

    def _timeout(self) -> EndpointTimeout:
        return EndpointTimeout(
            f"{self.url} did not answer within {self.timeout:g} s; "
            f"try again later or raise --timeout")


def _retries(n: int) -> str:
    return f"{n} retry" if n == 1 else f"{n} retries"


class _Retryable(Exception):
    def __init__(self, status: int, reason: str, retry_after: float | None, detail: str = ""):
        self.status, self.reason, self.retry_after, self.detail = status, reason, retry_after, detail

    def describe(self) -> str:
        return f"HTTP {self.status} {self.reason}".rstrip()


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except Exception:  # the body of an error is a courtesy
        return b""


def _body(error: SPARQLWrapperException) -> str:
    """The server's words, which SPARQLWrapper keeps only inside its message, as a bytes repr."""
    text = str(error)
    _, found, tail = text.partition("Response:\n")
    if not found:
        return "(empty body)"
    try:
        return _snippet(ast.literal_eval(tail.strip()))
    except (ValueError, SyntaxError):
        return _snippet(tail)


def _snippet(data, limit: int = 160) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = " ".join(str(data or "").split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the endpoint running, and is the URL right?)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    return getattr(reason, "strerror", None) or str(reason)


def parse_results(body: bytes, content_type: str, url: str) -> list[dict[str, Node]]:
    """SPARQL 1.1 Query Results JSON to rows of rdflib terms; MalformedResponse otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list):
            raise TypeError("bindings is not a list")
        return [{var: _term(value) for var, value in row.items()} for row in bindings]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
        kind = content_type.split(";")[0].strip() or "no content type"
        raise MalformedResponse(
            f"{url} did not answer with SPARQL JSON results ({kind}, {len(body)} bytes: "
            f"{_snippet(body, 80)}): {type(e).__name__}. Is it a SPARQL endpoint?"
        ) from None


def _term(value: dict) -> Node:
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(text, lang=value["xml:lang"])
        if "datatype" in value:
            return Literal(text, datatype=URIRef(value["datatype"]))
        return Literal(text)
    raise ValueError(f"unknown RDF term type {kind!r}")
