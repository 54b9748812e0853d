"""The RDF, RDFS and OWL terms the OWL 2 RL/RDF rules read, by the short names the rule tables use
(taken from graph/terms.py), and which triples are schema."""

from __future__ import annotations

from ..terms import OWL, RDF, RDFS

TYPE, FIRST, REST, NIL, PROPERTY = RDF.type, RDF.first, RDF.rest, RDF.nil, RDF.Property
SCO, SPO, DOMAIN, RANGE, DATATYPE, RESOURCE = (
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.Datatype, RDFS.Resource)
THING, NOTHING, CLASS, SAME, DIFF = OWL.Thing, OWL.Nothing, OWL.Class, OWL.sameAs, OWL.differentFrom
EQC, EQP, INV, ONP, HASV = OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.onProperty, OWL.hasValue
SVF, AVF, INTER, UNION, COMPL = (
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.intersectionOf, OWL.unionOf, OWL.complementOf)
ONEOF, DISJ, PDISJ, MAXC, MAXQC = (
    OWL.oneOf, OWL.disjointWith, OWL.propertyDisjointWith, OWL.maxCardinality, OWL.maxQualifiedCardinality)
ONCLASS, KEY, CHAIN, MEMBERS, DMEMBERS = (
    OWL.onClass, OWL.hasKey, OWL.propertyChainAxiom, OWL.members, OWL.distinctMembers)
SRC, APROP, TIND, TVAL = OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual, OWL.targetValue
OBJPROP, DATAPROP, ANNOT = OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty
FUNC, IFUNC, IRR, SYM, ASYM, TRANS = (
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty, OWL.SymmetricProperty,
    OWL.AsymmetricProperty, OWL.TransitiveProperty)
ADP, ADC, ADIFF = OWL.AllDisjointProperties, OWL.AllDisjointClasses, OWL.AllDifferent

# prp-ap: these are annotation properties from the start.
ANNOTATION_PROPERTIES = [RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.deprecated, OWL.versionInfo,
                         OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith]

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
