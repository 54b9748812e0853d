#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run them.
# System packages: Debian's chromium (the query page is tested in a real browser), a Java
# runtime (HermiT, Protégé's reasoner, checks the ontology's conclusions) and Virtuoso (--store
# is tested against a real one; tests/test_stores.py runs virtuoso-t with its own database).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v java >/dev/null || need+=(default-jre-headless)
command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
