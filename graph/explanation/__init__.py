"""Explanation: verdicts per requirement with the article's words and what-if verdicts
(verdicts.py), and minimal sets of facts and axioms behind an entailment (justify.py).
"""
