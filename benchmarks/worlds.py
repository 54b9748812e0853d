"""Generated worlds: N candidate states in csto-kg's own vocabulary, from a seed.

Each candidate has, by chance: UN membership or not; diplomatic relations with every member,
with all but one, or explicitly none with one; every member's consent, or one member's
objection, or no word; a conflict on its territory, or a conflict-free territory, or nothing;
and the observer's and partner's own conditions. The same seed gives the same Turtle.

    python benchmarks/worlds.py 400 > world.ttl
"""

from __future__ import annotations

import random
import sys

MEMBERS = ["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"]
PREFIXES = """@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix kg: <https://w3id.org/csto-kg/id/> .
@prefix ex: <https://example.org/world/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def candidate(i: int, rng: random.Random) -> str:
    name = f"ex:State{i}"
    lines = [f"{name} a csto:State ; rdfs:label \"State {i}\"@en ;",
             "    csto:seeksStatus csto:ObserverStatus, csto:PartnerStatus ;",
             "    csto:notMemberOf kg:CSTO ;"]
    if rng.random() < 0.8:
        lines.append("    csto:memberOf kg:UnitedNations ;")
    relations = list(MEMBERS)
    roll = rng.random()
    if roll < 0.15:
        lacking = relations.pop(rng.randrange(len(relations)))
        lines.append(f"    csto:lacksDiplomaticRelationsWith kg:{lacking} ;")
    elif roll < 0.3:
        relations.pop(rng.randrange(len(relations)))
    lines.append("    csto:hasDiplomaticRelationsWith " + ", ".join(f"kg:{m}" for m in relations) + " ;")
    roll = rng.random()
    if roll < 0.6:
        lines.append("    csto:consentGivenBy " + ", ".join(f"kg:{m}" for m in MEMBERS) + " ;")
    elif roll < 0.85:
        objector = rng.choice(MEMBERS)
        others = [m for m in MEMBERS if m != objector]
        lines.append(f"    csto:consentWithheldBy kg:{objector} ;")
        lines.append("    csto:consentGivenBy " + ", ".join(f"kg:{m}" for m in others) + " ;")
    roll = rng.random()
    if roll < 0.15:
        lines.append(f"    csto:hasConflictOnTerritory ex:Conflict{i} ;")
    elif roll < 0.85:
        lines.append("    csto:conflictFreeTerritory true ;")
    for prop in ("interestedInStudyingFramework", "sharesGoalsAndPrinciples",
                 "wishesMutuallyBeneficialCooperation", "undertakesPracticalCommitments"):
        if rng.random() < 0.9:
            lines.append(f"    csto:{prop} true ;")
    lines[-1] = lines[-1].rstrip(" ;") + " ."
    text = "\n".join(lines) + "\n"
    if "Conflict" in text:
        text += f"ex:Conflict{i} a csto:Conflict ; rdfs:label \"conflict in State {i}\"@en .\n"
    return text


def world(n: int, seed: int = 2019) -> str:
    """Turtle for n generated candidates."""
    rng = random.Random(seed)
    return PREFIXES + "".join(candidate(i, rng) for i in range(n))


if __name__ == "__main__":
    print(world(int(sys.argv[1]) if len(sys.argv) > 1 else 25, int(sys.argv[2]) if len(sys.argv) > 2 else 2019))
