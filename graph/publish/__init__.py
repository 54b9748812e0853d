"""Publishing the graph for other tools and people: the Protégé bundle (export.py), the
ontology's documentation page data (docs.py), class expressions in Manchester syntax
(manchester.py).
"""
