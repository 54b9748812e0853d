"""What can go wrong in a build, a query or an explanation, said so that a person can act on it.

Every error is a CstoKgError; its message names what is wrong and where. The faces turn them
into a message on stderr and a non-zero exit (CLI) or a 4xx answer (server).
"""


class CstoKgError(Exception):
    """Base of every error csto-kg raises on purpose."""


class InputError(CstoKgError):
    """An input file cannot be read or parsed; the message names the file and the line."""


class OutputError(CstoKgError):
    """An output folder or file cannot be written, or would overwrite files it should not."""


class QueryError(CstoKgError):
    """A SPARQL query is malformed or refused; the message carries the parser's words."""


class FetchNotAllowedError(QueryError):
    """A query or update would make the server fetch from the network where it may not."""


class ServiceNotAllowedError(FetchNotAllowedError):
    """A query names a SERVICE endpoint that is not on the operator's allow-list."""


class UnknownStateError(CstoKgError):
    """A state name matches nothing in the graph."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        qid = name.strip().upper()
        if qid.startswith("Q") and qid[1:].isdigit():
            hint += f" To add it from Wikidata: csto-kg link --states {qid}"
        super().__init__(f"unknown state {name!r}.{hint}")


class NotFoundError(CstoKgError):
    """The graph holds nothing to show for what was asked (a resource it says nothing about, no
    article text): HTTP 404."""


class InconsistencyError(CstoKgError):
    """The reasoner found the graph inconsistent; the message names the offending resources."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("the graph is inconsistent:\n  " + "\n  ".join(messages))


class StoreError(CstoKgError):
    """The store cannot be opened or reached, or answered something that is not SPARQL."""


class EndpointError(StoreError):
    """A SPARQL endpoint over HTTP (a remote store, or Wikidata when linking) failed."""


class EndpointUnreachable(EndpointError):
    """No connection: refused, unknown host, network down, or cut off mid-answer."""


class EndpointTimeout(EndpointError):
    """The endpoint did not answer within the timeout."""


class RateLimited(EndpointError):
    """The endpoint kept answering 429 Too Many Requests, or asks for a longer wait than allowed."""


class MalformedResponse(EndpointError):
    """The endpoint answered, but not with SPARQL results."""


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error that trying again does not cure."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class LinkError(CstoKgError):
    """Linking open data failed for a reason of its own (no data on the items, a bad Q-id);
    nothing was written. A failing endpoint is an EndpointError."""


class TooManyRows(CstoKgError):
    """An answer is longer than its writer's limit (the server's row limit: HTTP 422)."""

    def __init__(self, limit: int, unit: str):
        self.limit = limit
        super().__init__(
            f"the answer has more than {limit} {unit}, the server's limit; "
            "add a LIMIT (and OFFSET to page through it) or narrow the query"
        )


class CannotWrite(CstoKgError):
    """The answer cannot be expressed in the chosen format (e.g. RDF/XML and some IRIs)."""


def first_line(e: Exception) -> str:
    """An exception's message, first line only: enough for a one-paragraph error."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
