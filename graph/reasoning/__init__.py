"""Reasoning: the OWL 2 RL closure of the inputs, and the axioms written from the facts.

rules.py compiles the schema and applies the OWL 2 RL/RDF rules semi-naively (Closure.entails
answers whether a graph follows, blank nodes existential); datatypes.py reads literals by
value; reason.py keeps a closure true through changes (delete and rederive); axioms.py writes
the axioms that depend on the facts (members, requirements); plain_owlrl.py reasons with plain
owlrl instead (--reasoner owlrl). A view of the knowledge graph without some inputs
(?implied=0, ?linked=0) is a knowledge graph of its own, reasoned afresh with these.
"""
