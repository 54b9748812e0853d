"""The worker job behind the analyst's pages: what a page shows, read by graph/present/ from
the served graph.

With `implied` or `linked` False the page reads a view of the graph without those sources,
reasoned afresh (KnowledgeGraph.view), as `--no-implied` / `--no-linked` would build it.
The job returns the plain data the templates lay out, or raises Refused.
"""

from __future__ import annotations

from collections.abc import Callable

from csto_kg.graph.errors import CstoKgError

from .errors import refusal


def page_data(ctx, read: Callable, implied: bool = True, linked: bool = True, **arguments) -> dict:
    """read(graph, **arguments): a function of graph/present/ over the graph the switches ask for."""
    try:
        return read(ctx.kg.view(implied=implied, linked=linked), **arguments)
    except CstoKgError as e:
        raise refusal(e) from None
