"""The article's facts: all of F01–F75 and I01–I22, each in its own graph with words the article
really uses, kept in the right named graph, and written only in terms the ontology defines."""

from importlib.resources import files

import pyoxigraph as ox
import pytest

CSTO = "https://w3id.org/csto-kg/ontology#"
KG = "https://w3id.org/csto-kg/id/"
GRAPH = "https://w3id.org/csto-kg/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

STATED = [f"F{n:02d}" for n in range(1, 76)]
# I05 and I13 retired: what they said follows from stated facts (F53, F58) or is stated (F50)
IMPLIED = [f"I{n:02d}" for n in range(1, 23) if n not in (5, 13)]
# Written at build time from the exhaustive member list (F25): the states it names outside the list
FROM_THE_MEMBER_LIST = ["I23-Afghanistan", "I23-Serbia"]
STATED_KINDS = {CSTO + "Stated", CSTO + "DirectQuote", CSTO + "ReportedSpeech"}
MEMBERS = {"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"}


def _facts_file(name):
    return files("csto_kg.graph.facts").joinpath(name)


ARTICLE = _facts_file("article.txt").read_text(encoding="utf-8")


def _quads(name):
    return list(ox.parse(input=_facts_file(name).read_bytes(), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def article_quads():
    return _quads("article.trig")


@pytest.fixture(scope="module")
def implied_quads():
    return _quads("implied.trig")


def fact_graphs(quads):
    """{fact id: set of triples} for each named graph of a facts file."""
    graphs = {}
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            name = q.graph_name.value.removeprefix(KG)
            graphs.setdefault(name, set()).add(ox.Triple(q.subject, q.predicate, q.object))
    return graphs


def descriptions(quads):
    """{fact id: {predicate: [objects]}} from the default graph."""
    out = {}
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph) and isinstance(q.subject, ox.NamedNode):
            out.setdefault(q.subject.value.removeprefix(KG), {}).setdefault(q.predicate.value, []).append(q.object)
    return out


def local(term):
    return term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# -- every fact, with its description ------------------------------------------------------

def test_article_trig_has_exactly_the_stated_facts(article_quads):
    assert sorted(fact_graphs(article_quads)) == STATED


def test_implied_trig_has_exactly_the_implied_facts(implied_quads):
    assert sorted(fact_graphs(implied_quads)) == IMPLIED


@pytest.mark.parametrize("which", ["article", "implied"])
def test_every_fact_graph_is_non_empty_and_described(which, article_quads, implied_quads):
    quads = article_quads if which == "article" else implied_quads
    desc = descriptions(quads)
    for fact, triples in fact_graphs(quads).items():
        assert triples, fact
        d = desc.get(fact)
        assert d, f"{fact} has no description"
        assert ox.NamedNode(CSTO + "Fact") in d.get(RDF_TYPE, []), fact
        assert [o.value for o in d[DCTERMS + "identifier"]] == [fact]
        assert len(d.get(CSTO + "quote", [])) == 1, f"{fact}: one quote"
        assert d.get(PROV + "wasDerivedFrom"), f"{fact}: no source"
        kinds = {o.value for o in d[CSTO + "evidenceKind"]}
        if which == "article":
            assert len(kinds) == 1 and kinds <= STATED_KINDS, fact
        else:
            assert kinds == {CSTO + "Implied"}, fact
            assert d.get(CSTO + "reason"), f"{fact}: an implied fact needs its reason"


@pytest.mark.parametrize("name", ["article.trig", "implied.trig"])
def test_every_quote_is_the_articles_own_words(name):
    quotes = [q.object.value for q in _quads(name) if q.predicate.value == CSTO + "quote"]
    assert quotes
    missing = [text for text in quotes if text not in ARTICLE]
    assert not missing, f"not substrings of article.txt: {missing}"


def test_sources_are_the_article_or_a_statement(article_quads, implied_quads):
    quads = article_quads + implied_quads
    statements = {q.subject for q in quads if q.predicate.value == RDF_TYPE
                  and q.object.value in (CSTO + "Statement", CSTO + "Question")}
    for fact, d in {**descriptions(article_quads), **descriptions(implied_quads)}.items():
        if fact in STATED or fact in IMPLIED:
            for source in d[PROV + "wasDerivedFrom"]:
                assert source == ox.NamedNode(KG + "article") or source in statements, (fact, source)


# -- the built graph: stated facts asserted, implied ones apart ----------------------------

def _ids_in(kg, graph):
    rows = kg.query(f"""SELECT DISTINCT ?id WHERE {{ GRAPH <{GRAPH}{graph}> {{
        ?f a csto:Fact ; dcterms:identifier ?id }} }}""")
    return {r["id"].value for r in rows}


def test_stated_facts_only_in_the_asserted_graph(kg):
    assert _ids_in(kg, "asserted") == set(STATED)
    for g in ("implied", "inferred", "ontology", "user", "linked", "outside"):
        assert not (_ids_in(kg, g) & set(STATED)), g


def test_implied_facts_only_in_the_implied_graph(kg):
    assert _ids_in(kg, "implied") == set(IMPLIED + FROM_THE_MEMBER_LIST)
    assert not (_ids_in(kg, "asserted") & set(IMPLIED))


def test_every_triple_carries_its_fact_in_its_own_graph(kg):
    rows = kg.query("""SELECT DISTINCT ?g ?id WHERE { GRAPH ?g {
        ?a a owl:Axiom ; csto:fact ?f . ?f dcterms:identifier ?id } }""")
    seen = {(r["g"].value.removeprefix(GRAPH), r["id"].value) for r in rows}
    assert {i for g, i in seen if g == "asserted"} == set(STATED)
    assert {i for g, i in seen if g == "implied"} == set(IMPLIED + FROM_THE_MEMBER_LIST)
    assert {g for g, _ in seen} == {"asserted", "implied"}


def _in_graph(kg, triple, graph):
    return any(kg.quads(triple.subject, triple.predicate, triple.object, ox.NamedNode(GRAPH + graph)))


def test_stated_triples_are_asserted(kg, article_quads):
    for fact, triples in fact_graphs(article_quads).items():
        for t in triples:
            assert _in_graph(kg, t, "asserted"), (fact, t)


def test_implied_triples_never_leak_into_the_asserted_or_ontology_graph(kg, implied_quads):
    for fact, triples in fact_graphs(implied_quads).items():
        for t in triples:
            assert _in_graph(kg, t, "implied"), (fact, t)
            assert not _in_graph(kg, t, "asserted"), (fact, t)
            assert not _in_graph(kg, t, "ontology"), (fact, t)


def test_without_implied_facts_the_implied_graph_is_empty(kg_stated_only):
    assert kg_stated_only.counts()["implied"] == 0
    assert _ids_in(kg_stated_only, "asserted") == set(STATED)


# -- terms (labels, definitions, declarations: ontology/checks/*-violation.rq) -------------

def test_dates_are_annotations_never_data_property_values(kg):
    rows = kg.query("""SELECT DISTINCT ?p WHERE {
        ?s ?p ?o . FILTER(isLiteral(?o) && DATATYPE(?o) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
        FILTER NOT EXISTS { ?s a owl:Axiom }
    }""")
    assert {r["p"].value for r in rows} == {DCTERMS + "date", DCTERMS + "temporal", CSTO + "startedIn"}


# -- what the facts say --------------------------------------------------------------------

def _objects(kg, s, p, graph=None):
    where = f"<{s}> <{p}> ?o"
    text = f"SELECT DISTINCT ?o WHERE {{ GRAPH <{GRAPH}{graph}> {{ {where} }} }}" if graph else \
        f"SELECT DISTINCT ?o WHERE {{ {where} }}"
    return {r["o"] for r in kg.query(text)}


def test_member_list_is_closed_at_six(kg):
    members = _objects(kg, KG + "MemberList", SKOS + "member", "asserted")
    assert {local(m) for m in members} == MEMBERS
    assert [int(o.value) for o in _objects(kg, KG + "MemberList", CSTO + "listSize")] == [6]
    assert [o.value for o in _objects(kg, KG + "MemberList", CSTO + "exhaustive")] == ["true"]


def test_observer_list_is_exactly_two(kg):
    observers = _objects(kg, KG + "ObserverList", SKOS + "member", "asserted")
    assert {local(m) for m in observers} == {"Afghanistan", "Serbia"}
    assert [int(o.value) for o in _objects(kg, KG + "ObserverList", CSTO + "listSize")] == [2]


def test_no_partner_is_named(kg):
    assert _objects(kg, KG + "PartnerList", SKOS + "member") == set()
    assert [int(o.value) for o in _objects(kg, KG + "PartnerList", CSTO + "listSize")] == [0]
    assert not list(kg.query("SELECT ?x WHERE { ?x csto:hasStatus csto:PartnerStatus }"))


def test_the_requirement_list_is_not_exhaustive(kg):
    assert [o.value for o in _objects(kg, KG + "RequirementList", CSTO + "exhaustive")] == ["false"]
    members = {local(m) for m in _objects(kg, KG + "RequirementList", SKOS + "member")}
    assert members == {"UNMembershipRequirement", "NoConflictRequirement"}


@pytest.mark.parametrize("requirement, speaker", [
    ("UNMembershipRequirement", "ValerySemerikov"),
    ("NoConflictRequirement", "ValerySemerikov"),
    ("DiplomaticRelationsRequirement", "AnnaNaghdalyan"),
    ("ConsensusRequirement", "ValerySemerikov"),
    ("ConsensusRequirement", "AnnaNaghdalyan"),
    ("SharedGoalsRequirement", "ValerySemerikov"),
    ("PracticalCommitmentRequirement", "ValerySemerikov"),
    ("StudyInterestRequirement", "ValerySemerikov"),
])
def test_requirements_are_linked_to_who_stated_them(kg, requirement, speaker):
    rows = kg.query(f"""SELECT DISTINCT ?who WHERE {{ GRAPH <{GRAPH}asserted> {{
        csto:{requirement} csto:statedIn ?st . ?st prov:wasAttributedTo ?who }} }}""")
    assert speaker in {local(r["who"]) for r in rows}


@pytest.mark.parametrize("node, date, datatype, graph", [
    ("BorisovComment", "2019-09-12", "date", "implied"),  # "On 12 September": the year is implied (I18)
    ("SemerikovExplanation", "2019-07-04", "date", "asserted"),
    ("HuseynliInitiative", "2018-08", "gYearMonth", "asserted"),
    ("StatusDecision", "2018-11", "gYearMonth", "asserted"),
])
def test_dates_at_their_real_precision(kg, node, date, datatype, graph):
    dates = _objects(kg, KG + node, DCTERMS + "date", graph)
    assert [(d.value, d.datatype.value) for d in dates] == [(date, XSD + datatype)]


def test_the_debate_started_in_august_2018_and_was_still_going_on(kg):
    # "The debate on Azerbaijan's potential partner status started in August 2018"
    assert _objects(kg, KG + "StatusDebate", DCTERMS + "date") == set()
    started = _objects(kg, KG + "StatusDebate", CSTO + "startedIn", "asserted")
    assert [(d.value, d.datatype.value) for d in started] == [("2018-08", XSD + "gYearMonth")]


@pytest.mark.parametrize("subject, predicate, obj, fact", [
    ("BorisovComment", DCTERMS + "date", None, "I18"),        # "On 12 September": no year
    ("PartnerList", CSTO + "listSize", None, "I19"),          # no partner named is not "no partners"
    ("ObserverList", CSTO + "exhaustive", None, "I20"),       # two observers named, not "only two"
    ("StatusDecision", CSTO + "adoptedBy", "CollectiveSecurityCouncil", "I21"),  # "by the heads of state"
    ("HuseynliOnArmsPrices", DCTERMS + "date", None, "I22"),  # "Huseynli argued": no date of its own
    ("NaghdalyanOnComments", CSTO + "about", "BorisovComment", "I14"),  # "all the comments": unnamed
])
def test_what_a_sentence_does_not_say_is_implied_not_stated(kg, kg_stated_only, subject, predicate, obj, fact):
    found = _objects(kg, KG + subject, predicate, "implied")
    assert found and (obj is None or ox.NamedNode(KG + obj) in found)
    assert _objects(kg_stated_only, KG + subject, predicate) == set() if obj is None else \
        ox.NamedNode(KG + obj) not in _objects(kg_stated_only, KG + subject, predicate)
    rows = kg.query(f"""SELECT ?id WHERE {{ ?a owl:annotatedSource kg:{subject} ; owl:annotatedProperty <{predicate}> ;
        csto:fact/dcterms:identifier ?id }}""")
    assert fact in {r["id"].value for r in rows}


def test_the_ratification_is_by_the_csto_countries(kg):
    # "CSTO countries are now undergoing the appropriate procedures to ratify the document"
    assert _objects(kg, KG + "StatusRatification", CSTO + "involves") == {ox.NamedNode(KG + "CSTOMemberStates")}


def test_undated_comments_get_their_month_as_implied_and_only_semerikov_is_stated_to_follow_borisov(kg, kg_stated_only):
    # "Following Borisov's statement, ... Semerikov also commented"; the MFA "also gave its opinion"
    borisov = ox.NamedNode(KG + "BorisovComment")
    assert borisov in _objects(kg_stated_only, KG + "SemerikovComment", CSTO + "madeAfter")
    assert _objects(kg_stated_only, KG + "NaghdalyanBriefing", CSTO + "madeAfter") == set()
    assert borisov in _objects(kg, KG + "NaghdalyanBriefing", CSTO + "madeAfter", "implied")
    for node in ("SemerikovComment", "NaghdalyanBriefing"):
        assert _objects(kg_stated_only, KG + node, DCTERMS + "date") == set()
        dates = _objects(kg, KG + node, DCTERMS + "date", "implied")
        assert [(d.value, d.datatype.value) for d in dates] == [("2019-09", XSD + "gYearMonth")]


def test_the_requirements_date_is_implied_only(kg, kg_stated_only):
    node = KG + "SemerikovRequirements"
    assert [d.value for d in _objects(kg, node, DCTERMS + "date", "implied")] == ["2019-07-04"]
    assert _objects(kg_stated_only, node, DCTERMS + "date") == set()



def test_positions(kg):
    rows = kg.query("""SELECT DISTINCT ?person ?where WHERE {
        ?person org:holds ?post . ?post a csto:Position ; org:postIn ?where }""")
    held = {(local(r["person"]), local(r["where"])) for r in rows}
    assert held == {
        ("YuriBorisov", "Russia"), ("ValerySemerikov", "CSTO"), ("AnnaNaghdalyan", "ArmenianMFA"),
        ("AliHuseynli", "AzerbaijaniLegalCommittee"), ("AliHuseynli", "AzerbaijanRussiaFriendshipGroup"),
    }


def test_naghdalyan_speaks_for_the_ministry_as_stated_and_for_armenia_by_implication(kg, kg_stated_only):
    # "said the spokesperson of the Armenian MFA Anna Naghdalyan" (F16)
    who = KG + "AnnaNaghdalyan"
    assert {local(o) for o in _objects(kg_stated_only, who, PROV + "actedOnBehalfOf")} == {"ArmenianMFA"}
    assert {local(o) for o in _objects(kg, who, PROV + "actedOnBehalfOf", "implied")} == {"Armenia"}


def test_the_status_document_is_not_in_force_by_implication(kg, kg_stated_only):
    doc = KG + "StatusDocument"
    assert [o.value for o in _objects(kg, doc, CSTO + "inForce", "implied")] == ["false"]
    assert _objects(kg_stated_only, doc, CSTO + "inForce") == set()


def test_the_veto_rule_is_stated_so_it_holds_without_the_implied_facts(kg, kg_stated_only):
    # "If one of the member states is against the decision, it will not be adopted." (F50)
    ask = f"ASK {{ GRAPH <{GRAPH}%s> {{ csto:MemberState rdfs:subClassOf csto:VetoHolder }} }}"
    assert kg.query(ask % "ontology")
    assert not kg.query(ask % "implied")
    holders = {r["x"].value for r in kg_stated_only.query("SELECT ?x WHERE { ?x a csto:VetoHolder }")}
    assert holders == {KG + m for m in MEMBERS}


def test_non_membership_is_an_implied_requirement(kg, kg_stated_only):
    ask = "ASK { GRAPH <%s> { csto:NonMembershipRequirement csto:requirementOf csto:ObserverStatus } }"
    assert kg.query(ask % (GRAPH + "implied"))
    assert not kg.query(ask % (GRAPH + "ontology")) and not kg.query(ask % (GRAPH + "asserted"))
    assert not kg_stated_only.query("ASK { csto:NonMembershipRequirement csto:requirementOf ?status }")


def test_armenias_consent_said_necessary_twice(kg):
    rows = kg.query("""SELECT DISTINCT ?id WHERE { ?a a owl:Axiom ; owl:annotatedSource kg:Azerbaijan ;
        owl:annotatedProperty csto:consentStatedNecessaryFrom ; owl:annotatedTarget kg:Armenia ;
        csto:fact ?f . ?f dcterms:identifier ?id }""")
    assert {r["id"].value for r in rows} == {"F53", "F58"}


# -- what the article does not say stays unsaid --------------------------------------------

@pytest.mark.parametrize("pattern", [
    "?x csto:memberOf kg:UnitedNations",
    "?x csto:notMemberOf kg:UnitedNations",
    "?x csto:conflictFreeTerritory ?v",
    "?x csto:hasDiplomaticRelationsWith ?y",
    "?x csto:consentGivenBy ?y",
    "?x csto:sharesGoalsAndPrinciples ?v",
    "?x csto:wishesMutuallyBeneficialCooperation ?v",
    "?x csto:undertakesPracticalCommitments ?v",
    "?x csto:interestedInStudyingFramework ?v",
    "?x csto:eligibleFor ?y",
    "?x csto:ineligibleFor ?y",
    "?x csto:meets ?y",
    "?x csto:fails ?y",
    "?x csto:hasStatus csto:PartnerStatus",
])
def test_facts_do_not_say_what_the_article_does_not(kg, pattern):
    for graph in ("asserted", "implied"):
        assert not kg.query(f"ASK {{ GRAPH <{GRAPH}{graph}> {{ {pattern} }} }}"), (graph, pattern)


@pytest.mark.parametrize("state", ["Afghanistan", "Serbia"])
def test_the_observers_non_membership_is_implied_by_the_list_never_stated(kg, state):
    # the exhaustive member list implies it (issue 25); the article never states it
    assert not kg.query(f"ASK {{ GRAPH <{GRAPH}asserted> {{ kg:{state} csto:notMemberOf ?y }} }}")
    assert kg.query(f"ASK {{ GRAPH <{GRAPH}implied> {{ kg:{state} csto:notMemberOf kg:CSTO }} }}")


def test_the_graph_holds_the_article_text_the_quotes_come_from(kg):
    rows = list(kg.query("SELECT ?text WHERE { kg:article csto:text ?text }"))
    assert [row["text"].value for row in rows] == [ARTICLE]
