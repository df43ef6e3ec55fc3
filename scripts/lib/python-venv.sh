# shellcheck shell=bash
# The Python environments of the test suites under tests/ (graph: the Graph SDK suite; browser: the
# dashboard in headless Chromium; fuzz: schemathesis over the OpenAPI documents; mail: the SMTP
# server the Swift suite sends e-mail to).
#
#   source scripts/lib/python-venv.sh
#   py=$(graph_venv)            # e.g. /path/to/repo/.venv/graph/bin/python; browser_venv, fuzz_venv likewise
#   "$py" -m pytest tests/graph -q
#
# suite_venv NAME creates .venv/NAME once (python3 -m venv; POSTURE_PYTHON picks another interpreter),
# installs tests/NAME/requirements.txt into it, and records a hash of the requirements and the
# interpreter version in a stamp file. When the stamp matches, nothing is installed; when it does
# not, the venv is rebuilt from scratch so that it holds exactly the pinned set. As root, a missing
# venv module is installed with apt-get (python3-venv). Only the interpreter path goes to stdout;
# pip's output goes to .venv/NAME/pip-install.log and is shown on failure.

_suite_venv_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

_suite_venv_ensure_module() {
    local python=$1
    if "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "suite_venv: $python cannot create venvs (install python3-venv)" >&2
        return 1
    fi
    local version
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    echo "suite_venv: installing python3-venv" >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv "python$version-venv" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null 2>&1; }; }; then
        echo "suite_venv: apt-get install python3-venv failed" >&2
        return 1
    fi
    "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || {
        echo "suite_venv: $python still has no working venv module" >&2
        return 1
    }
}

_suite_venv_build() {
    local root=$1 venv=$2 requirements=$3 python=$4 stamp=$5 wanted=$6
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        return 0
    fi
    _suite_venv_ensure_module "$python" || return 1
    rm -rf "$venv"
    echo "suite_venv: creating $venv and installing $(basename "$requirements")" >&2
    if ! "$python" -m venv "$venv" >&2; then
        echo "suite_venv: python -m venv $venv failed" >&2
        return 1
    fi
    local log="$venv/pip-install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q \
        -r "$requirements" >"$log" 2>&1; then
        echo "suite_venv: pip install failed; tail of $log:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    printf '%s\n' "$wanted" >"$stamp"
}

suite_venv() {
    local name=$1 root venv requirements python stamp wanted
    root=$(_suite_venv_root) || return 1
    venv="$root/.venv/$name"
    requirements="$root/tests/$name/requirements.txt"
    python=${POSTURE_PYTHON:-python3}
    stamp="$venv/.requirements.stamp"
    if [ ! -f "$requirements" ]; then
        echo "suite_venv: $requirements not found" >&2
        return 1
    fi
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "suite_venv: $python not found" >&2
        return 1
    fi
    wanted="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"

    mkdir -p "$root/.venv"
    # Serialize concurrent callers on one checkout.
    if command -v flock >/dev/null 2>&1; then
        (
            flock 9
            _suite_venv_build "$root" "$venv" "$requirements" "$python" "$stamp" "$wanted"
        ) 9>"$root/.venv/$name.lock" || return 1
    else
        _suite_venv_build "$root" "$venv" "$requirements" "$python" "$stamp" "$wanted" || return 1
    fi
    printf '%s\n' "$venv/bin/python"
}

# The Graph SDK compatibility suite's environment (tests/graph).
graph_venv() {
    suite_venv graph
}

# The browser suite's environment (tests/browser: Selenium driving Debian's chromium).
browser_venv() {
    suite_venv browser
}

# The fuzz stage's environment (tests/fuzz: schemathesis and pytest).
fuzz_venv() {
    suite_venv fuzz
}

# The SMTP server the Swift suite's e-mail tests send to (tests/mail: aiosmtpd).
mail_venv() {
    suite_venv mail
}

# The OpenID Connect provider the browser suite signs in through (tests/oidc: oidc-provider-mock).
oidc_venv() {
    suite_venv oidc
}
