#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing:
#   a Java runtime, for owlready2's HermiT reasoner (the ontology consistency test);
#   Chromium, the browser tests/test_query_page.py drives with Playwright (at /usr/bin/chromium);
#   Node.js and npm, for YASGUI (the query page) and Comunica (tests/test_clients.py) from package-lock.json;
#   Virtuoso (virtuoso-t), the second store of the remote-store and federation tests (tests/virtuoso.py).
# With the argument "bench" it also installs what `make bench` needs: wrk, the HTTP load generator of
# benchmarks/compare.py (Virtuoso, its other system package, is in the list above already).
# Runs as root on CI and on the project's machines; elsewhere it prints what to install and fails.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
if [ "${1:-}" = bench ]; then command -v wrk >/dev/null 2>&1 || missing+=(wrk); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Virtuoso's postinst starts a system service on ports 1111 and 8890 (and asks for a dba password, which
# noninteractive skips). The tests start their own servers on free ports and need no service, so service
# starts are refused during the install (policy-rc.d exit 101, as Debian's container images do), unless
# the machine has its own policy already.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
