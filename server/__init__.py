"""csto-kg's HTTP face: a SPARQL 1.1 endpoint, a query page and linked data over the
reasoned graph. `create_app(kg, config)` builds the Flask app; `csto-kg serve` runs it under
waitress.

Routes:
    GET/POST /sparql         SPARQL 1.1 Protocol (query; update only with a token);
                             without a query: the service description
    GET /                    the query page (editor, named queries, sortable results)
    GET /queries             the named queries, as JSON
    GET /queries/<name>      run one, negotiated like /sparql
    GET /explain/<state>     the eligibility verdict (?status=observer|partner), as JSON
    GET /health              liveness and triples per graph, as JSON
    GET /id/<name>           an entity https://w3id.org/csto-kg/id/<name>: RDF or a page
    GET /ontology            the ontology (its hash terms resolve here): RDF or a page
    GET /resource?iri=       any IRI the graph mentions: RDF or a page

Decisions:
    - Every store read runs in a forked worker process that is killed on timeout (workers.py).
    - Answers are buffered whole: over the time limit is a 503, over the row limit a 422,
      never a 200 with a cut-off body.
    - Read-only by default. SPARQL Update needs UPDATE_TOKEN and `Authorization: Bearer`;
      an update without GRAPH writes to the store's default graph (part of the union) and is
      not reasoned over: rebuild with --data for that. LOAD is always refused.
    - SERVICE only to ALLOWED_SERVICES (default: Wikidata's endpoint); FROM and the dataset
      parameters name graphs of the store and are never fetched.
    - CORS is opt-in (CORS_ORIGINS, or "*"), never with credentials: the server listens on
      localhost and may hold the user's own --data, which other web pages should not read.
"""

from .app import create_app

__all__ = ["create_app"]
