"""The reasoner computes what plain owlrl computes, on every test world, and keeps it true
through additions and retractions."""

import random
import warnings
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Literal

from benchmarks.worlds import world
from csto_kg.graph.bridge import from_rdflib, to_rdflib
from csto_kg.graph.build import assemble, builtin_sources, read_linked
from csto_kg.graph.errors import InconsistencyError
from csto_kg.graph.reasoning.reason import Reasoner, reasoned_triples
from csto_kg.graph.reasoning.rules import Closure, readable

EXAMPLES = Path(__file__).parent.parent / "examples"
ERR = rdflib.Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
RURITANIA = (EXAMPLES / "ruritania.ttl").read_text()
OBJECTION = RURITANIA.replace("csto:consentGivenBy kg:Armenia, kg:Belarus,",
                              "csto:consentWithheldBy kg:Belarus ; csto:consentGivenBy kg:Armenia,")
CONTRADICTION = RURITANIA + "\nex:Ruritania csto:consentWithheldBy kg:Belarus .\n"

# OWL 2 RL beyond what csto's ontology uses: equality, chains, cardinality, lists, characteristics.
FEATURES = """
@prefix : <https://example.org/f/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:A a owl:Class . :B a owl:Class ; rdfs:subClassOf :A . :C a owl:Class ; owl:equivalentClass :B .
:p a owl:ObjectProperty ; rdfs:domain :B ; rdfs:range :A . :q rdfs:subPropertyOf :p .
:r a owl:ObjectProperty, owl:TransitiveProperty . :s owl:inverseOf :r .
:f a owl:ObjectProperty, owl:FunctionalProperty . :g a owl:InverseFunctionalProperty .
:u owl:propertyChainAxiom ( :q :r ) . :sym a owl:SymmetricProperty .
:U owl:unionOf ( :B :D ) . :D a owl:Class .
:I owl:intersectionOf ( :A [ a owl:Restriction ; owl:onProperty :r ; owl:someValuesFrom :A ] ) .
:V a owl:Restriction ; owl:onProperty :f ; owl:allValuesFrom :D .
:M a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 1 .
:O owl:oneOf ( :o1 :o2 ) .
:x1 :q :x2 ; :f :y1, :y2 ; a :V, :M ; :p :z1, :z2 . :x2 :r :x3 . :x3 :r :x4 ; a :A .
:w1 :g :k . :w2 :g :k . :w1 :sym :w3 . :x4 owl:sameAs :x5 . :x5 :p :x6 .
"""


def owlrl_view(triples):
    """Plain owlrl's closure of the triples: (readable inferences, whether it found an error)."""
    graph = to_rdflib(triples)
    closed = rdflib.Graph()
    for t in graph:
        closed.add(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    errors = list(closed.objects(None, ERR.error))
    new = [t for t in closed if t not in graph and not isinstance(t[0], Literal)
           and not isinstance(t[1], (Literal, BNode)) and (t[0], ERR.error, t[2]) not in closed]
    inferred = {t for t in from_rdflib(new) if readable(t) and t not in triples}
    return inferred, bool(errors)


def inputs(user_text=None, implied=True, linked=None, tmp_path=None):
    sources = builtin_sources(implied)
    if user_text is not None:
        path = tmp_path / "user.ttl"
        path.write_text(user_text)
        sources.user = [path]
    quads = assemble(sources)
    if linked is not None:
        quads += read_linked(linked)
    return reasoned_triples(quads)


WORLDS = {
    "article": dict(),
    "article without implied facts": dict(implied=False),
    "ruritania": dict(user_text=RURITANIA),
    "ruritania with an objection": dict(user_text=OBJECTION),
    "four generated candidates": dict(user_text=world(4, seed=7)),
}


@pytest.mark.parametrize("name", WORLDS)
def test_the_closure_is_owlrls(name, tmp_path):
    triples = inputs(tmp_path=tmp_path, **WORLDS[name])
    expected, error = owlrl_view(triples)
    assert not error
    assert Reasoner(triples).inferred == expected


def test_the_closure_is_owlrls_with_linked_open_data(linked_home, tmp_path):
    triples = inputs(linked=linked_home / "linked.trig", tmp_path=tmp_path)
    expected, _ = owlrl_view(triples)
    assert Reasoner(triples).inferred == expected


def test_the_closure_is_owlrls_beyond_the_ontology():
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(FEATURES, format=ox.RdfFormat.TURTLE)}
    expected, error = owlrl_view(triples)
    inferred = Reasoner(triples).inferred
    assert not error and inferred == expected
    f = "https://example.org/f/"
    for t in [("x1", "u", "x3"), ("x2", "r", "x4"), ("y1", "sameAs", "y2"),
              ("w1", "sameAs", "w2"), ("x4", "p", "x6")]:
        s, p, o = (ox.NamedNode(f + x) if x != "sameAs" else ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
                   for x in t)
        assert (s, p, o) in inferred


@pytest.mark.parametrize("text", [
    CONTRADICTION,
    RURITANIA + '\nex:Ruritania csto:listSize "many"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
])
def test_inconsistencies_are_found_where_owlrl_finds_them(text, tmp_path):
    triples = inputs(user_text=text, tmp_path=tmp_path)
    _, error = owlrl_view(triples)
    assert error
    with pytest.raises(InconsistencyError):
        Reasoner(triples)


def closure_of(triples):
    return Closure(triples).triples


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_changes_keep_the_closure_a_fresh_one(seed, tmp_path):
    """Random retractions and additions, each checked against the closure computed afresh."""
    rng = random.Random(seed)
    article = inputs(user_text=world(12, seed=seed), tmp_path=tmp_path)
    features = {(t.subject, t.predicate, t.object) for t in ox.parse(FEATURES, format=ox.RdfFormat.TURTLE)}
    reasoner = Reasoner(article | features)
    facts = sorted((t for t in reasoner.inputs if not any(isinstance(x, ox.BlankNode) for x in t)
                    and t[1].value.startswith(("https://w3id.org/csto-kg/ontology#", "https://example.org/f/"))
                    and not t[1].value.endswith(("label", "quote"))), key=str)
    out: set = set()
    for _ in range(12):
        if out and rng.random() < 0.4:
            back = set(rng.sample(sorted(out, key=str), min(len(out), rng.randint(1, 4))))
            changed = (back, set())
            out -= back
        else:
            gone = set(rng.sample(facts, rng.randint(1, 5))) - out
            changed = (set(), gone)
            out |= gone
        before = set(reasoner.inferred)
        try:
            gained, lost = reasoner.change(*changed)
        except InconsistencyError:
            continue
        fresh = Reasoner(reasoner.inputs)
        assert reasoner.closure.triples == fresh.closure.triples
        assert reasoner.inferred == fresh.inferred
        assert (before | gained) - lost == reasoner.inferred


def test_an_addition_that_contradicts_is_refused_and_changes_nothing(tmp_path):
    reasoner = Reasoner(inputs(user_text=RURITANIA, tmp_path=tmp_path))
    closure, inferred = set(reasoner.closure.triples), set(reasoner.inferred)
    withheld = (ox.NamedNode("https://example.org/Ruritania"),
                ox.NamedNode("https://w3id.org/csto-kg/ontology#consentWithheldBy"),
                ox.NamedNode("https://w3id.org/csto-kg/id/Belarus"))
    with pytest.raises(InconsistencyError, match="Ruritania"):
        reasoner.change({withheld}, set())
    assert reasoner.closure.triples == closure and reasoner.inferred == inferred


# Where owlrl and this reasoner differ, owlrl is wrong: the OWL 2 RL conformance cases named say so
# (tests/conformance/owl2rl/). Each row: a literal, whether a graph holding it is inconsistent.
OWLRL_BUGS = {
    "an empty normalizedString is valid (normalizedstring-valid)": ('""^^xsd:normalizedString', False),
    "a hexBinary of odd length is ill-typed (hexbinary-illtyped)": ('"0"^^xsd:hexBinary', True),
    "'abc@de' is a valid rdf:PlainLiteral (plainliteral-eq)": ('"abc@de"^^rdf:PlainLiteral', False),
    "a token has no leading space (token-illtyped)": ('" abc 123 "^^xsd:token', True),
    "a boolean is true, false, 1 or 0 (boolean-illtyped)": ('"nonsense"^^xsd:boolean', True),
}


@pytest.mark.parametrize("name", OWLRL_BUGS)
def test_where_owlrl_errs_on_datatypes_the_reasoner_follows_the_spec(name):
    literal, inconsistent = OWLRL_BUGS[name]
    text = ("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
            "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . "
            f"<https://example.org/x> <https://example.org/p> {literal} .")
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(text, format=ox.RdfFormat.TURTLE)}
    _, owlrl_error = owlrl_view(triples)
    assert owlrl_error != inconsistent  # owlrl's bug; should owlrl fix it, this row goes
    if inconsistent:
        with pytest.raises(InconsistencyError, match=r"\[dt-not-type\]"):
            Reasoner(triples)
    else:
        Reasoner(triples)


def test_a_traced_closure_names_the_rules_behind_a_conclusion():
    f = "https://example.org/f/"
    text = f"<{f}p> <http://www.w3.org/2002/07/owl#inverseOf> <{f}q> . " \
           f"<{f}q> <http://www.w3.org/2000/01/rdf-schema#domain> <{f}C> . <{f}x> <{f}p> <{f}y> ."
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(text, format=ox.RdfFormat.TURTLE)}
    closure = Closure(triples, trace=True)
    y_is_c = (ox.NamedNode(f + "y"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
              ox.NamedNode(f + "C"))
    assert closure.rules_behind(y_is_c) == ["prp-inv1/prp-inv2", "prp-dom"]
    assert Closure(triples).triples == closure.triples  # tracing changes nothing
