#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing:
#   a Java runtime, for owlready2's HermiT reasoner (the ontology consistency test);
#   Chromium, the browser tests/test_query_page.py drives with Playwright (at /usr/bin/chromium);
#   Node.js and npm, for YASGUI (the query page) and Comunica (tests/test_clients.py) from package-lock.json.
# With the argument "bench" it also installs what `make bench` needs: wrk, the HTTP load generator.
# Runs as root on CI and on the project's machines; elsewhere it prints what to install and fails.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${1:-}" = bench ]; then command -v wrk >/dev/null 2>&1 || missing+=(wrk); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
