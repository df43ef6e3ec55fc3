# shellcheck shell=bash
# Shared by the benchmarks that run a server: the release binary, waiting for a server to be
# ready, and signing in to the dashboard as a person would.
#
#   source bench/lib.sh
#   binary=$(bench_binary "$binary")    # builds .build-release unless a binary is given
#   bench_wait_ready "$base"
#   session=$(bench_sign_in "$base" "$password")
#   bench_unique_script "$work/unique.lua"   # wrk script: a unique query string per request

# The posture binary to measure: the one given, or a release build into .build-release.
bench_binary() {
    if [ -n "${1:-}" ]; then
        printf '%s\n' "$1"
        return
    fi
    swift build -c release --product posture --scratch-path .build-release >/dev/null
    printf '%s\n' "$PWD/.build-release/release/posture"
}

# Waits up to a minute for the server at $1 to answer /readyz.
bench_wait_ready() {
    local _
    for _ in $(seq 1 600); do
        curl -fs "$1/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the server at $1 did not become ready" >&2
    return 1
}

# Signs in at $1 as the first administrator with the initial password $2, chooses a new
# password (the first sign-in must), and prints the session cookie's value.
bench_sign_in() {
    local base=$1 password=$2 new="a different bench passphrase"
    local page signin csrf session
    _bench_cookie() { grep -i "^set-cookie: $1=" | head -1 | sed -E "s/^[^:]+: $1=([^;]*).*/\1/I" | tr -d '\r'; }
    _bench_csrf() { grep -o "name=\"csrf\" value=\"[^\"]*\"" | head -1 | sed -E 's/.*value="([^"]*)"/\1/'; }
    page=$(curl -si "$base/signin")
    signin=$(printf '%s' "$page" | _bench_cookie posture_signin)
    csrf=$(printf '%s' "$page" | _bench_csrf)
    session=$(curl -si -H "Cookie: posture_signin=$signin" --data-urlencode "csrf=$csrf" \
        --data-urlencode username=admin --data-urlencode "password=$password" "$base/signin" |
        _bench_cookie posture_session)
    page=$(curl -s -H "Cookie: posture_session=$session" "$base/account/password")
    csrf=$(printf '%s' "$page" | _bench_csrf)
    curl -si -H "Cookie: posture_session=$session" --data-urlencode "csrf=$csrf" \
        --data-urlencode "current=$password" --data-urlencode "new=$new" --data-urlencode "confirm=$new" \
        "$base/account/password" | _bench_cookie posture_session
}

# Writes a wrk script to $1 that gives every request a unique query string (`n=`, after any query
# the path already has), so the response cache never answers.
bench_unique_script() {
    cat >"$1" <<'LUA'
local counter = 0
request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "n=" .. counter)
end
LUA
}
