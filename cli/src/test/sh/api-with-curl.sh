#!/bin/sh
# The HTTP API through curl, as a user scripts it: good requests and bad ones (4xx, a JSON error
# naming the field, never a stack trace). Usage: api-with-curl.sh URL WORKSPACE
set -eu
url=$1
ws=$2
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# call METHOD PATH [BODY]: prints "STATUS BODY"
call() {
  if [ $# -ge 3 ]; then
    curl -s --path-as-is -o /tmp/curl.$$ -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' --data "$3" "$url$2"
  else
    curl -s --path-as-is -o /tmp/curl.$$ -w '%{http_code}' -X "$1" "$url$2"
  fi
  printf ' '
  cat /tmp/curl.$$
  rm -f /tmp/curl.$$
}

expect() { # expect STATUS FIELD-OR-TEXT ANSWER
  case "$3" in
    "$1 "*) ;;
    *) fail "expected status $1, got: $3" ;;
  esac
  case "$3" in
    *"$2"*) ;;
    *) fail "expected '$2' in: $3" ;;
  esac
  case "$3" in
    *Exception*|*"	at "*) fail "a stack trace leaked: $3" ;;
  esac
}

expect 200 '"openapi"' "$(call GET /openapi.json)"
expect 200 '"status":"ok"' "$(call GET /api/health)"
expect 201 '"operation":"create"' "$(call POST "/api/workspaces/$ws/files/notes/curl.md?wait=visible" '{"content":"written by curl, findable"}')"
expect 200 '"path":"notes/curl.md"' "$(call GET "/api/search?q=findable&workspace=$ws")"
expect 200 '"operation":"update"' "$(call PUT "/api/workspaces/$ws/files/notes/curl.md?wait=visible" '{"content":"changed by curl"}')"
expect 200 '"totalHits":0' "$(call GET "/api/search?q=findable&workspace=$ws")"
expect 200 '"isUpToDate":true' "$(call GET "/api/workspaces/$ws/status")"
expect 200 '"ready":true' "$(call GET "/api/workspaces/$ws/ready?timeoutMillis=5000")"
expect 200 '"deadLetters":[]' "$(call GET /api/dead-letters)"
expect 200 '"operation":"delete"' "$(call DELETE "/api/workspaces/$ws/files/notes/curl.md?wait=visible")"

expect 400 '"field":"limit"' "$(call GET '/api/search?q=x&limit=0')"
expect 400 '"field":"limit"' "$(call GET '/api/search?q=x&limit=many')"
expect 400 '"field":"q"' "$(call GET '/api/search')"
expect 400 '"field":"query"' "$(call GET '/api/search?q=AND%20(')"
expect 400 '"field":"body"' "$(call POST "/api/workspaces/$ws/files/x.md" '{"content":')"
expect 400 '"field":"content"' "$(call POST "/api/workspaces/$ws/files/x.md" '{"text":"no content field"}')"
expect 400 '"field":"path"' "$(call POST "/api/workspaces/$ws/files/a/../b.md" '{"content":"x"}')"
expect 400 '"field":"workspace"' "$(call GET '/api/workspaces/bad%20name/status')"
expect 400 '"field":"wait"' "$(call DELETE "/api/workspaces/$ws/files/x.md?wait=forever")"
expect 404 '"field":"workspace"' "$(call GET /api/workspaces/nope/status)"
expect 404 '"field":"path"' "$(call DELETE "/api/workspaces/$ws/files/missing.md")"
expect 404 '"error"' "$(call GET /api/nothing-here)"
expect 405 '"error"' "$(call PATCH /api/status)"
long=$(printf '%01100d' 0)
answer=$(call GET "/api/search?q=$long")
expect 400 '"field":"query"' "$answer"
case "$answer" in *"$long"*) fail "the long query was echoed" ;; esac
echo "curl API test: 24 passed, 0 failed"
