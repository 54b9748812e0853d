"""Reasoning: the OWL 2 RL closure of the inputs, and the axioms written from the facts.

rules.py compiles the schema and applies the OWL 2 RL/RDF rules semi-naively (Closure.entails
answers whether a graph follows, blank nodes existential); datatypes.py reads literals by
value; reason.py keeps a closure true through changes (delete and rederive); axioms.py writes
the axioms that depend on the facts (members, requirements); plain_owlrl.py reasons with plain
owlrl instead (--reasoner owlrl). A view of the graph without some inputs is
KnowledgeGraph.without (graph/store.py), which reasons it with these.
"""
