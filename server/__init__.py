"""csto-kg's HTTP face: a SPARQL 1.1 endpoint, a query page and linked data over the
reasoned graph. `create_app(kg, config)` builds the Flask app; `csto-kg serve` runs it under
waitress.
"""

from .app import create_app

__all__ = ["create_app"]
