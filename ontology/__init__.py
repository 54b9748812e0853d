"""The OWL 2 RL ontology of csto-kg, shipped as Turtle files read by Protégé as they are."""
