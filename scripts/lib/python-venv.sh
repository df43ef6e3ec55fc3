# shellcheck shell=bash
# The Python environment of the Graph SDK compatibility suite (tests/graph).
#
#   source scripts/lib/python-venv.sh
#   py=$(graph_venv)            # e.g. /path/to/repo/.venv/graph/bin/python
#   "$py" -m pytest tests/graph -q
#
# graph_venv creates .venv/graph once (python3 -m venv; POSTURE_PYTHON picks another interpreter),
# installs tests/graph/requirements.txt into it, and records a hash of the requirements and the
# interpreter version in a stamp file. When the stamp matches, nothing is installed; when it does
# not, the venv is rebuilt from scratch so that it holds exactly the pinned set. As root, a missing
# venv module is installed with apt-get (python3-venv). Only the interpreter path goes to stdout;
# pip's output goes to .venv/graph/pip-install.log and is shown on failure.

_graph_venv_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

_graph_venv_ensure_module() {
    local python=$1
    if "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "graph_venv: $python cannot create venvs (install python3-venv)" >&2
        return 1
    fi
    local version
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    echo "graph_venv: installing python3-venv" >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv "python$version-venv" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null 2>&1; }; }; then
        echo "graph_venv: apt-get install python3-venv failed" >&2
        return 1
    fi
    "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || {
        echo "graph_venv: $python still has no working venv module" >&2
        return 1
    }
}

_graph_venv_build() {
    local root=$1 venv=$2 requirements=$3 python=$4 stamp=$5 wanted=$6
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        return 0
    fi
    _graph_venv_ensure_module "$python" || return 1
    rm -rf "$venv"
    echo "graph_venv: creating $venv and installing $(basename "$requirements")" >&2
    if ! "$python" -m venv "$venv" >&2; then
        echo "graph_venv: python -m venv $venv failed" >&2
        return 1
    fi
    local log="$venv/pip-install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q \
        -r "$requirements" >"$log" 2>&1; then
        echo "graph_venv: pip install failed; tail of $log:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    printf '%s\n' "$wanted" >"$stamp"
}

graph_venv() {
    local root venv requirements python stamp wanted
    root=$(_graph_venv_root) || return 1
    venv="$root/.venv/graph"
    requirements="$root/tests/graph/requirements.txt"
    python=${POSTURE_PYTHON:-python3}
    stamp="$venv/.requirements.stamp"
    if [ ! -f "$requirements" ]; then
        echo "graph_venv: $requirements not found" >&2
        return 1
    fi
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "graph_venv: $python not found" >&2
        return 1
    fi
    wanted="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"

    mkdir -p "$root/.venv"
    # Serialize concurrent callers on one checkout.
    if command -v flock >/dev/null 2>&1; then
        (
            flock 9
            _graph_venv_build "$root" "$venv" "$requirements" "$python" "$stamp" "$wanted"
        ) 9>"$root/.venv/graph.lock" || return 1
    else
        _graph_venv_build "$root" "$venv" "$requirements" "$python" "$stamp" "$wanted" || return 1
    fi
    printf '%s\n' "$venv/bin/python"
}
