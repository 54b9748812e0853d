#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run them.
# System packages: Debian's chromium (the query page is tested in a real browser), a Java
# runtime (HermiT, Protégé's reasoner, checks the ontology's conclusions) and Virtuoso (--store
# is tested against a real one; tests/test_stores.py runs virtuoso-t with its own database), and
# npm, which fetches axe-core (the browser tests check every page's accessibility with it).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v java >/dev/null || need+=(default-jre-headless)
command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"
[ -f build/node_modules/axe-core/axe.min.js ] ||
  npm install --prefix build --no-save --no-package-lock --no-audit --no-fund axe-core@4.14.1 >/dev/null
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
