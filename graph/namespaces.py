"""The IRIs csto-kg mints: its ontology, its entities, its named graphs."""

import re

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace

# The ontology's vocabulary: every term ontology/csto.ttl declares (tests/test_terms.py keeps the two
# equal). Closed, so that a mistyped term is an error, not a new IRI; graph/terms.py has the same
# terms as Oxigraph's.
CSTO_TERMS = tuple("""
    Body Candidate CandidateRequirement Conflict Consensus ConsensusRequirement ConsentOfAllMembers
    CooperationWishRequirement Curated Decision DecisionCondition DecisionRule DefiningCondition
    DiplomaticRelationsRequirement DiplomaticRelationsWithAllMembers DirectQuote Document EconomicBenefit
    EligibleForObserverStatus EligibleForPartnerStatus Event EvidenceKind ExpectedOutcome Fact
    FormerSovietRepublic Implied IneligibleForObserverStatus IneligibleForPartnerStatus InternationalOrganization
    Linked MemberState MemberStatus NewsArticle NoConflictRequirement NonMembershipRequirement ObserverRequirement
    ObserverStatus Organization PartnerRequirement PartnerStatus Person Position PracticalCommitmentRequirement
    Question ReportedSpeech Requirement SharedGoalsRequirement State StateGroup StateOrOrganizationRequirement
    Stated Statement Status StudyInterestRequirement UNMembershipRequirement UserSupplied VetoHolder
    about addressedTo adoptedBy affectsConflict answers approvesStatusOf balancedMilitaryTechnicalPolicyWith
    bodyOf claimsOutcome conflictFreeTerritory consentGivenBy consentStatedNecessaryFrom consentWithheldBy
    decidesBy describedAsEquivalentOf documentOf eligibleFor entailsPracticalCommitments evidenceKind exhaustive
    fact fails formerRepublicOf hasConflictOnTerritory hasDiplomaticRelationsWith hasStatus inForce inGroup
    ineligibleFor inferredBy interestedInStudyingFramework involves isoAlpha2 isoAlpha3 isoNumeric keptIn
    lacksDiplomaticRelationsWith ledBy listSize madeAfter meets memberOf militaryTechnicalCooperationWith
    notInterestedInProvoking notMemberOf note outcomeFor outcomeOf quote readFrom reason registersRestrictionsOn
    requirementOf requiresConsentOf retrievedBy seeksStatus sharesGoalsAndPrinciples startedIn statedIn
    strategicRelationsWith text underWay undertakesPracticalCommitments vetoHeldByEachOf wantsToHelpEnd
    welcomesCooperationWith wishesMutuallyBeneficialCooperation""".split())
CSTO = ClosedNamespace("https://w3id.org/csto-kg/ontology#", list(CSTO_TERMS))
KG = Namespace("https://w3id.org/csto-kg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")

ONTOLOGY_IRI = "https://w3id.org/csto-kg/ontology"
GRAPH_BASE = "https://w3id.org/csto-kg/graph/"

# The named graphs of a build; the default graph is their union.
ONTOLOGY = GRAPH_BASE + "ontology"
# The article's stated facts. The IRI keeps its first name, which clients and stores already use;
# the words the project shows for it are "stated" (PROVENANCE; docs/decisions/0018).
ASSERTED = GRAPH_BASE + "asserted"
# Identifiers and reference data the project writes: types, labels, ISO codes, Wikidata/DBpedia links.
CURATED = GRAPH_BASE + "curated"
IMPLIED = GRAPH_BASE + "implied"
USER = GRAPH_BASE + "user"
LINKED = GRAPH_BASE + "linked"
INFERRED = GRAPH_BASE + "inferred"
# Facts a what-if question assumes (graph/explanation/verdicts.py what_if): never part of a build.
ASSUMED = GRAPH_BASE + "assumed"
# Open-data facts kept beside the reasoning graph, never reasoned over (e.g. Wikidata's P530).
OUTSIDE = GRAPH_BASE + "outside"
GRAPHS = {
    "ontology": ONTOLOGY,
    "asserted": ASSERTED,
    "curated": CURATED,
    "implied": IMPLIED,
    "user": USER,
    "linked": LINKED,
    "inferred": INFERRED,
    "outside": OUTSIDE,
}
GRAPH_NAMES = {iri: name for name, iri in GRAPHS.items()} | {ASSUMED: "assumed"}
# The graphs that hold facts: not the ontology, the inferences or outside data.
FACT_GRAPHS = (ASSERTED, CURATED, IMPLIED, USER, LINKED)
# How the facts of each graph are known, in the one vocabulary of the ontology (csto:keptIn):
# stated and implied (the article), curated (the project), linked (open data), user (--data,
# updates, and a what-if question's assumptions).
PROVENANCE = {ASSERTED: "stated", IMPLIED: "implied", CURATED: "curated", LINKED: "linked", USER: "user",
              ASSUMED: "user"}
# What each graph (and each file of the Protégé bundle) holds, in words: the titles of the
# service description (server/service_description.py) and of the bundle's files
# (graph/publish/export.py, after "CSTO eligibility: ").
GRAPH_TITLES = {
    "ontology": "the csto-kg ontology (OWL 2 RL)",
    "curated": "identifiers and reference data the project curates (not in the article)",
    "asserted": "the facts the article states, each annotated with its quote",
    "implied": "the facts the article implies without stating them",
    "user": "the user's own data (--data files, SPARQL updates)",
    "linked": "facts linked from open data (Wikidata, DBpedia)",
    "generated": "the axioms this build wrote from the facts (members, requirement lists)",
    "inputs": "every input of the build (open this and run HermiT)",
    "inferred": "what the OWL 2 RL rules infer from the graphs above",
    "merged": "ontology, facts and inferences in one file",
    "outside": "open-data facts served beside the graph, never reasoned over",
    "default": "triples written by SPARQL Update without a GRAPH clause",
}

# The statuses a candidate may hold besides membership: the names the CLI and the server take,
# and the class of each.
STATUS_CLASSES = {"observer": CSTO.ObserverStatus, "partner": CSTO.PartnerStatus}

PREFIXES = {
    "csto": str(CSTO),
    "kg": str(KG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "wd": str(WD),
    "dbr": str(DBR),
}

# The vocabularies OWL itself is written in: terms in them are never the graph's own.
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")


def curie(iri: str) -> str | None:
    """kg:Azerbaijan for https://w3id.org/csto-kg/id/Azerbaijan: the longest namespace that
    leaves a valid local name; None when no prefix fits."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


def local_name(iri) -> str:
    """What follows the IRI's last # or /: a name to show when a term has no label."""
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def bind_prefixes(graph):
    """An rdflib graph with csto-kg's prefixes bound (for the Turtle it writes)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph


__all__ = [
    "CSTO", "CSTO_TERMS", "KG", "WD", "DBR", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
    "ONTOLOGY_IRI", "GRAPHS", "GRAPH_NAMES", "GRAPH_TITLES", "FACT_GRAPHS", "PROVENANCE", "CURATED", "STATUS_CLASSES",
    "PREFIXES", "BUILTIN",
    "WIKIDATA_SPARQL", "curie", "local_name", "bind_prefixes",
    "ONTOLOGY", "ASSERTED", "IMPLIED", "USER", "LINKED", "INFERRED", "OUTSIDE", "ASSUMED",
]
