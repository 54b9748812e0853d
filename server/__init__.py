"""csto-kg's HTTP face: a SPARQL 1.1 endpoint, a query page and linked data over the
reasoned graph. `create_app(kg, config)` builds the Flask app; `csto-kg serve` runs it under
waitress.

Routes:
    GET/POST /sparql         SPARQL 1.1 Protocol (query; update only when enabled, with a token);
                             without a query: the service description; a browser opening a
                             query is sent to the query page with it run
    GET /                    the query page (editor, named queries, sortable results; ?query=
                             or ?name= loads one and runs it)
    GET /queries[/<name>]    the named queries as JSON; one run, negotiated like /sparql
    GET/POST /explain/<state> the verdict (?status=, ?why=): JSON, or a page for a browser;
                             POST: what-if, with facts in the body
    GET /matrix, /organization[.svg], /article, /timeline, /search   the analyst's pages
                             (each with ?implied=0 / ?linked=0; /matrix also ?sort=, ?verdict=,
                             ?requirement=&result=, ?q=, ?page=); to a program, the data a page
                             shows as JSON (graph/present/, as `csto-kg matrix --format json`)
    GET /health              liveness and triples per graph, as JSON
    GET /id/<name>, /ontology, /resource?iri=   linked data: RDF or a page

Modules, by the request's way through them:
    app.py (the app and its blueprints), protocol.py + negotiation.py (reading a request; its
    format by Accept and `format`, or a page; the formats and their writers are
    graph/sparql/formats.py and results.py), admission.py + pool.py (a fair turn at a
    killable worker process; an update's trial, persist and apply, in order), zygote.py (the
    forked process that holds the graph and forks the workers), jobs.py (the queries and
    updates run there), serving.py
    (state, switches and answers, for every blueprint), errors.py (refusals and their statuses,
    written in what the blueprint declares it speaks: bp.speaks, negotiation.py),
    cors.py, compression.py (gzip for clients that accept it), security_headers.py (CSP, no
    sniffing, no framing), service_description.py, listener.py (waitress, bounded per client
    address and in time to read a request). Blueprints, which borrow nothing from each other:
    sparql.py (/sparql, /queries), pages.py (the query page, /health), views.py with view_jobs.py,
    matrix_page.py, picture.py and plain_words.py (verdicts and the analyst's pages), linked_data.py
    with linked_data_jobs.py (/id, /ontology, /resource). What the pages show is read by
    graph/present/; the jobs only run it in a worker.

Decisions:
    - Every store read runs in a forked worker process that is killed on timeout (pool.py,
      zygote.py; docs/decisions/0007).
    - Answers are buffered whole: over the time limit is a 503, over the row limit a 422,
      never a 200 with a cut-off body.
    - Read-only by default. SPARQL Update needs --enable-update, a token and
      `Authorization: Bearer`; each update is reasoned over (graph/store.py) before it is
      acknowledged, the default graph included. LOAD is always refused.
    - SERVICE only to ALLOWED_SERVICES (default: Wikidata's endpoint); FROM and the dataset
      parameters name graphs of the store and are never fetched.
    - CORS is opt-in (CORS_ORIGINS, or "*"), never with credentials: the server listens on
      localhost and may hold the user's own --data, which other web pages should not read.
"""

from .app import create_app

__all__ = ["create_app"]
