"""The RDF, RDFS and OWL terms the OWL 2 RL/RDF rules read, and which triples are schema."""

from __future__ import annotations

import pyoxigraph as ox

_R = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_S = "http://www.w3.org/2000/01/rdf-schema#"
_O = "http://www.w3.org/2002/07/owl#"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE, FIRST, REST, NIL, PROPERTY = (_n(_R + x) for x in ("type", "first", "rest", "nil", "Property"))
SCO, SPO, DOMAIN, RANGE, DATATYPE, RESOURCE = (
    _n(_S + x) for x in ("subClassOf", "subPropertyOf", "domain", "range", "Datatype", "Resource"))
(THING, NOTHING, CLASS, SAME, DIFF, EQC, EQP, INV, ONP, HASV, SVF, AVF, INTER, UNION, COMPL, ONEOF,
 DISJ, PDISJ, MAXC, MAXQC, ONCLASS, KEY, CHAIN, MEMBERS, DMEMBERS, SRC, APROP, TIND, TVAL,
 OBJPROP, DATAPROP, FUNC, IFUNC, IRR, SYM, ASYM, TRANS, ADP, ADC, ADIFF, ANNOT) = (_n(_O + x) for x in (
    "Thing", "Nothing", "Class", "sameAs", "differentFrom", "equivalentClass", "equivalentProperty",
    "inverseOf", "onProperty", "hasValue", "someValuesFrom", "allValuesFrom", "intersectionOf",
    "unionOf", "complementOf", "oneOf", "disjointWith", "propertyDisjointWith", "maxCardinality",
    "maxQualifiedCardinality", "onClass", "hasKey", "propertyChainAxiom", "members",
    "distinctMembers", "sourceIndividual", "assertionProperty", "targetIndividual", "targetValue",
    "ObjectProperty", "DatatypeProperty", "FunctionalProperty", "InverseFunctionalProperty",
    "IrreflexiveProperty", "SymmetricProperty", "AsymmetricProperty", "TransitiveProperty",
    "AllDisjointProperties", "AllDisjointClasses", "AllDifferent", "AnnotationProperty"))

# prp-ap: these are annotation properties from the start.
ANNOTATION_PROPERTIES = [_n(_S + x) for x in ("label", "comment", "seeAlso", "isDefinedBy")] + [
    _n(_O + x) for x in ("deprecated", "versionInfo", "priorVersion", "backwardCompatibleWith",
                         "incompatibleWith")]

# Triples that shape the rule tables: axioms, restrictions, lists, property characteristics.
SCHEMA_PREDICATES = frozenset({
    SCO, SPO, DOMAIN, RANGE, EQC, EQP, INV, ONP, HASV, SVF, AVF, INTER, UNION, COMPL, ONEOF, DISJ,
    PDISJ, MAXC, MAXQC, ONCLASS, KEY, CHAIN, MEMBERS, DMEMBERS, SRC, APROP, TIND, TVAL, FIRST, REST})
META_CLASSES = frozenset({CLASS, OBJPROP, DATAPROP, PROPERTY, FUNC, IFUNC, IRR, SYM, ASYM, TRANS,
                          ADP, ADC, ADIFF})


def is_schema(t) -> bool:
    return t[1] in SCHEMA_PREDICATES or (t[1] == TYPE and t[2] in META_CLASSES)


def text(term) -> str:
    """A term as the inconsistency messages print it."""
    return term.value
