"""Which RDF dataset a query runs over (SPARQL 1.1 Protocol §2.1.4, Query §13.2).

The protocol's default-graph-uri / named-graph-uri, when a request gives either, are the
dataset whole: the default graph is the merge of the default-graph-uri graphs (empty when none
is given) and the named graphs are the named-graph-uri ones (none when none is given); they
override FROM / FROM NAMED. Without them the query's own FROM / FROM NAMED apply, and without
those csto-kg's default graph is the union of every graph.

Whether a query has FROM clauses is read by a grammar parser, never from a word that looks like
one (`PREFIX from: <…>`): pyoxigraph 0.5 does not expose its parse, so rdflib's parser reads it
(docs/decisions/0012). It is asked only when a name in the query starts with FROM.
"""

from __future__ import annotations

from ..errors import QueryError
from .tokens import starts_with_keyword


def update_names_its_dataset(text: str) -> bool:
    """Whether an update has USING, USING NAMED or WITH, as SPARQL's grammar reads it; raises
    QueryError when a name starts with one of them and the parser cannot read the update."""
    if not (starts_with_keyword(text, "USING") or starts_with_keyword(text, "WITH")):
        return False
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        raise QueryError(
            "csto-kg cannot tell whether this update has USING or WITH (a word starts with one "
            "where its reader cannot follow the update); name the graphs its WHERE reads with "
            "the using-graph-uri parameter instead") from None
    return any("using" in op or "withClause" in op for op in parsed.request)


def names_its_dataset(text: str) -> bool:
    """Whether the query has a FROM or FROM NAMED clause, as SPARQL's grammar reads it. Raises
    QueryError when a name starts with FROM and the parser cannot read the query (fail closed:
    a wrong guess would silently answer over the wrong graphs)."""
    if not starts_with_keyword(text, "FROM"):
        return False  # a FROM clause needs a name that starts with FROM
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except (ParseBaseException, RecursionError):
        raise QueryError(
            "csto-kg cannot tell whether this query has a FROM clause (a word starts with FROM "
            "where its reader cannot follow the query); name the dataset with the "
            "default-graph-uri / named-graph-uri parameters instead") from None
    return "datasetClause" in parsed[1]
