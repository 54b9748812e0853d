"""What the analyst's pages show, read from a graph as plain data (dicts, lists, strings): the
server's pages lay it out, the CLI prints it (`csto-kg matrix --format json`).

Each function takes the graph to read (the served graph, or a view of it without some sources)
and raises a CstoKgError for what it cannot show.
"""

from .article import article
from .matrix import matrix, verdict_page
from .organization import organization
from .resource import description, known_resource, resource_page
from .search import search
from .shared import STATUSES
from .timeline import timeline

__all__ = ["article", "matrix", "verdict_page", "organization", "description", "known_resource", "resource_page",
           "search", "STATUSES", "timeline"]
