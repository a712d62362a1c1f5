#!/usr/bin/env bash
# A local Virtuoso for trying the remote store by hand, configured from scripts/virtuoso.ini (the same
# template the tests use): loopback only, its database in DIR, administrator dba/dba.
#   scripts/virtuoso.sh start DIR [HTTP_PORT [SQL_PORT]]   create DIR if needed and start (default 8890, 1111)
#   scripts/virtuoso.sh stop DIR                           checkpoint and stop the server running on DIR
# DIR keeps its data between runs (delete it to start empty). Endpoints once started:
#   http://127.0.0.1:HTTP_PORT/sparql                   anonymous, read-only
#   http://127.0.0.1:HTTP_PORT/sparql-auth              query and update, HTTP digest auth dba:dba
#   http://127.0.0.1:HTTP_PORT/sparql-graph-crud-auth   Graph Store Protocol, digest auth dba:dba
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { echo "usage: $0 start DIR [HTTP_PORT [SQL_PORT]] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
if ! command -v virtuoso-t >/dev/null 2>&1; then
  echo "error: virtuoso-t not found: install the Debian package virtuoso-opensource (scripts/ensure-system-packages.sh does, as root)" >&2
  exit 1
fi
case $action in
  start)
    http_port=${3:-8890}
    sql_port=${4:-1111}
    sed -e "s|@DIR@|$dir|g" -e "s|@SQL_PORT@|$sql_port|g" -e "s|@HTTP_PORT@|$http_port|g" \
      "$here/virtuoso.ini" >"$dir/virtuoso.ini"
    echo "$sql_port" >"$dir/sql-port"
    # +wait returns once the server accepts connections (or failed: then the log says why).
    if ! (cd "$dir" && virtuoso-t +configfile "$dir/virtuoso.ini" +wait); then
      echo "error: Virtuoso did not start; its log: $dir/virtuoso.log" >&2
      tail -n 20 "$dir/virtuoso.log" >&2 || true
      exit 1
    fi
    echo "Virtuoso is running: http://127.0.0.1:$http_port/sparql (SQL port $sql_port, log $dir/virtuoso.log)"
    ;;
  stop)
    [ -f "$dir/sql-port" ] || { echo "error: no server was started on $dir" >&2; exit 1; }
    sql_port=$(cat "$dir/sql-port")
    isql-vt "127.0.0.1:$sql_port" dba dba -K >/dev/null
    # -K returns before the process has exited; wait until it released its lock file.
    for _ in $(seq 100); do [ -e "$dir/virtuoso.lck" ] || break; sleep 0.1; done
    echo "Virtuoso on $dir stopped"
    ;;
  *) usage ;;
esac
