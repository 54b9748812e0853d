"""The OWL 2 RL datatypes (OWL 2 Profiles §4.2): their lexical spaces per XSD 1.1 and their values.

The rules dt-type2, dt-eq, dt-diff and dt-not-type read literals by value: `value(lit)` maps a
literal to a hashable key in the value space shared by its datatype family (so "+042"^^xsd:int
and "42"^^xsd:integer have one key, "42.0"^^xsd:decimal too), or None where the datatype is
not one of OWL 2 RL's (then nothing is claimed about it: fail closed). `holds(lit, dt)` says
whether the literal's value lies in dt's value space. Written for the project rather than taken
from owlrl, whose tables reject ""^^xsd:normalizedString and accept "0"^^xsd:hexBinary
(docs/decisions/0001-reasoner.md).

Value spaces, per OWL 2 Structural Specification §4: owl:real ⊇ owl:rational ⊇ xsd:decimal ⊇
xsd:integer and its restrictions share one space; xsd:double, xsd:float, xsd:boolean,
xsd:hexBinary, xsd:base64Binary, xsd:anyURI, xsd:dateTime and rdf:XMLLiteral have spaces of
their own, disjoint from each other; strings and plain literals share one space (a plain
literal with a language tag is a pair). Out-of-range floats follow XSD 1.1: "1.0E+310"^^xsd:double
is +INF, not ill-typed.
"""

from __future__ import annotations

import base64
import math
import re
import struct
import xml.etree.ElementTree as ET
from fractions import Fraction

import pyoxigraph as ox

from ..terms import OWL, RDF, RDFS, XSD

LITERAL, PLAIN, XML_LITERAL = RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral
REAL, RATIONAL, STRING, DECIMAL = OWL.real, OWL.rational, XSD.string, XSD.decimal
_BOUNDED = {  # the integer datatypes: (least, greatest), None where unbounded
    "integer": (None, None), "nonNegativeInteger": (0, None), "nonPositiveInteger": (None, 0),
    "positiveInteger": (1, None), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255)}
INTEGERS = {getattr(XSD, name): bounds for name, bounds in _BOUNDED.items()}
_STRINGS = ("string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN")
_OTHERS = ("decimal", "double", "float", "boolean", "hexBinary", "base64Binary", "anyURI", "dateTime",
           "dateTimeStamp")
# The string datatypes by their names, which _string checks.
_STRING_NAMES = {getattr(XSD, name): name for name in _STRINGS}
RL_DATATYPES = frozenset(INTEGERS) | set(_STRING_NAMES) | {getattr(XSD, n) for n in _OTHERS} | {
    REAL, RATIONAL, PLAIN, XML_LITERAL, LITERAL}

# -- lexical spaces (XSD 1.1 Part 2 §3; XML 1.0 fifth edition for names) -------------------------

_START = (":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
          "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_CHAR = _START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NAME = re.compile(f"[{_START}][{_NAME_CHAR}]*")
_NMTOKEN = re.compile(f"[{_NAME_CHAR}]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN")
_RATIONAL = re.compile(r"[+-]?[0-9]+/[0-9]*[1-9][0-9]*")
_HEX = re.compile(r"([0-9a-fA-F]{2})*")
_B64_CHAR = "[A-Za-z0-9+/] ?"
_BASE64 = re.compile(f"(({_B64_CHAR}){{4}})*(({_B64_CHAR}){{3}}[A-Za-z0-9+/]|({_B64_CHAR}){{2}}"
                     r"[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?")
_DATETIME = re.compile(
    r"(-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(?:([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9](?:\.[0-9]+)?)|(24):(00):(00(?:\.0+)?))"
    r"(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?")
# RFC 3986 URI-reference, once XLink §5.4 has escaped what a URI may not hold.
_URI_CHARS = re.compile(r"([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _any_uri(text: str) -> bool:
    escaped = "".join(c if 0x20 < ord(c) < 0x7f and c not in '<>"{}|\\^`' else "%20" for c in text)
    if not _URI_CHARS.fullmatch(escaped) or escaped.count("#") > 1:
        return False
    if _SCHEME.match(escaped):
        return True
    first_segment = re.split(r"[/?#]", escaped, maxsplit=1)[0]
    return ":" not in first_segment


def _days(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year (XSD has year 0)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date_time(text: str, stamp: bool):
    """(seconds on the time line, whether zoned): a dateTime with a timezone is an instant; one
    without is a value of its own, equal only to others without."""
    m = _DATETIME.fullmatch(text)
    if not m or (stamp and not m.group(10)):
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if day > _month_length(year, month):
        return None
    if m.group(7):
        hours, minutes, seconds = 24, 0, Fraction(0)
    else:
        hours, minutes, seconds = int(m.group(4)), int(m.group(5)), Fraction(m.group(6))
    at = (_days(year, month, day) * 86400 + hours * 3600 + minutes * 60) + seconds
    zone = m.group(10)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        at -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return (at, bool(zone))


def _floating(text: str, fmt: str):
    if not _FLOAT.fullmatch(text):
        return None
    number = float(text.replace("INF", "inf").replace("NaN", "nan"))
    if fmt == "f" and math.isfinite(number):
        try:
            number = struct.unpack("f", struct.pack("f", number))[0]
        except OverflowError:  # XSD 1.1 rounds a magnitude beyond the greatest float to INF
            number = math.copysign(math.inf, number)
    if math.isnan(number):
        return "NaN"
    return (number, math.copysign(1, number))  # -0 and +0 are distinct values


def _xml(text: str):
    try:
        return ET.canonicalize(f"<r>{text}</r>")
    except ET.ParseError:
        return None


def _plain(text: str):
    body, at, tag = text.rpartition("@")
    if not at:
        return None
    if not tag:
        return ("string", body)
    return ("lang", body, tag.lower()) if _LANGUAGE.fullmatch(tag) else None


def _number(text: str, dt: ox.NamedNode):
    if dt in INTEGERS:
        if not _INTEGER.fullmatch(text):
            return None
        n, (low, high) = int(text), INTEGERS[dt]
        return None if (low is not None and n < low) or (high is not None and n > high) else Fraction(n)
    if dt == DECIMAL:
        return Fraction(text) if _DECIMAL.fullmatch(text) else None
    if dt == RATIONAL:
        return Fraction(text) if _RATIONAL.fullmatch(text) else None
    return None  # owl:real has no lexical forms


def _string(text: str, name: str) -> bool:
    normalized = not any(c in text for c in "\t\n\r")
    token = normalized and text == text.strip(" ") and "  " not in text
    checks = {"string": True, "normalizedString": normalized, "token": token,
              "language": bool(_LANGUAGE.fullmatch(text)), "Name": bool(_NAME.fullmatch(text)),
              "NCName": bool(_NAME.fullmatch(text)) and ":" not in text,
              "NMTOKEN": bool(_NMTOKEN.fullmatch(text))}
    return checks[name]


def value(lit: ox.Literal):
    """The literal's value as a hashable key, `ILL_TYPED` when its lexical form is not in its
    datatype's lexical space, or None when its datatype is not one OWL 2 RL supports."""
    if lit.language:
        return ("lang", lit.value, lit.language.lower())
    dt, text = lit.datatype, lit.value
    if dt not in RL_DATATYPES or dt == LITERAL:
        return None
    if dt in INTEGERS or dt in (DECIMAL, RATIONAL, REAL):
        found = _number(text, dt)
        return ILL_TYPED if found is None else ("number", found)
    if dt in _STRING_NAMES:
        return ("string", text) if _string(text, _STRING_NAMES[dt]) else ILL_TYPED
    if dt == PLAIN:
        return _plain(text) or ILL_TYPED
    found = _OTHER_VALUES[dt](text)
    return ILL_TYPED if found is None else (_SAME_SPACE.get(dt, dt.value), found)


ILL_TYPED = ("ill-typed",)


def _hex(text: str):
    return bytes.fromhex(text) if _HEX.fullmatch(text) else None


def _base64(text: str):
    return base64.b64decode(text.replace(" ", "")) if _BASE64.fullmatch(text) else None


def _boolean(text: str):
    return {"true": True, "1": True, "false": False, "0": False}.get(text)


_OTHER_VALUES = {
    XSD.double: lambda t: _floating(t, "d"), XSD.float: lambda t: _floating(t, "f"),
    XSD.boolean: _boolean, XSD.hexBinary: _hex, XSD.base64Binary: _base64,
    XSD.anyURI: lambda t: t if _any_uri(t) else None,
    XSD.dateTime: lambda t: _date_time(t, False), XSD.dateTimeStamp: lambda t: _date_time(t, True),
    XML_LITERAL: _xml,
}
_SAME_SPACE = {XSD.dateTimeStamp: XSD.dateTime.value}


def holds(key, dt: ox.NamedNode) -> bool:
    """dt-type2 read by value: whether a value (from `value`) lies in dt's value space."""
    if dt == LITERAL:
        return True
    if key is None or key == ILL_TYPED:
        return False
    family, v = key[0], key[1]
    if family == "number":
        if dt in (REAL, RATIONAL):
            return True
        if dt == DECIMAL:
            d = v.denominator
            while d % 2 == 0:
                d //= 2
            while d % 5 == 0:
                d //= 5
            return d == 1
        if dt not in INTEGERS:
            return False
        low, high = INTEGERS[dt]
        return v.denominator == 1 and (low is None or v >= low) and (high is None or v <= high)
    if family == "string":
        return dt == PLAIN or (dt in _STRING_NAMES and _string(v, _STRING_NAMES[dt]))
    if family == "lang":
        return dt == PLAIN
    if family == XSD.dateTime.value:
        return dt.value == family or (dt == XSD.dateTimeStamp and v[1])
    return dt.value == family


def datatypes_of(key) -> list[ox.NamedNode]:
    """Every OWL 2 RL datatype whose value space holds the value: dt-type2's conclusions."""
    if key == ILL_TYPED:
        return []
    return [dt for dt in _ORDERED if holds(key, dt)]


_ORDERED = sorted(RL_DATATYPES, key=lambda d: d.value)


def different(a, b) -> bool:
    """dt-diff: two values known to be different (neither unknown nor ill-typed)."""
    return a is not None and b is not None and a != ILL_TYPED and b != ILL_TYPED and a != b


def _subsumed(a: ox.NamedNode, b: ox.NamedNode) -> bool:
    """Whether a's value space lies within b's (for the named datatypes, by their definitions)."""
    if b == LITERAL or a == b:
        return True
    if a in INTEGERS:
        (low_a, high_a), bounds_b = INTEGERS[a], INTEGERS.get(b)
        if bounds_b is None:
            return b in (DECIMAL, RATIONAL, REAL)
        low_b, high_b = bounds_b
        return (low_b is None or (low_a is not None and low_a >= low_b)) and (
            high_b is None or (high_a is not None and high_a <= high_b))
    chains = [(DECIMAL, RATIONAL, REAL), (RATIONAL, REAL), (XSD.dateTimeStamp, XSD.dateTime), (STRING, PLAIN)] + [
        (getattr(XSD, n), *(getattr(XSD, m) for m in _STRING_ABOVE[n]), PLAIN) for n in _STRING_ABOVE]
    return any(chain[0] == a and b in chain[1:] for chain in chains)


_STRING_ABOVE = {"normalizedString": ("string",), "token": ("normalizedString", "string"),
                 "language": ("token", "normalizedString", "string"),
                 "NMTOKEN": ("token", "normalizedString", "string"),
                 "Name": ("token", "normalizedString", "string"),
                 "NCName": ("Name", "token", "normalizedString", "string")}
SUPERTYPES = {a: [b for b in _ORDERED if b != a and _subsumed(a, b)] for a in _ORDERED}
