# Shared set-up for scripts/run and scripts/test: a .venv with the project installed.
# Sourced, not run. Everything a fresh machine needs is installed here, skipping what is present.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

pick_python() {
    # The newest Python 3.11+ on the PATH.
    for py in python3.13 python3.12 python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 &&
            "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    echo "GameHub needs Python 3.11 or newer; none was found on the PATH." >&2
    return 1
}

ensure_apt_packages() {
    # Installs the Debian packages named, skipping those present; silent when nothing is missing.
    command -v dpkg >/dev/null 2>&1 || return 0
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
            echo "Note: missing system packages (${missing[*]}); install them to run every test." >&2
            return 0
        fi
    fi
    echo "Installing system packages: ${missing[*]}" >&2
    local log
    log="$(mktemp -t gamehub-apt.XXXXXX)"
    $sudo apt-get update -qq >"$log" 2>&1 || true
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >>"$log" 2>&1; then
        echo "Note: could not install ${missing[*]} (see $log); some tests may skip." >&2
    fi
}

ensure_venv() {
    # Creates .venv if missing and (re)installs the project when pyproject.toml changed.
    # $1: extras to install, e.g. "test" (empty for none).
    local extras="${1:-}"
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        py="$(pick_python)"
        echo "Creating $VENV with $py" >&2
        "$py" -m venv "$VENV"
    fi
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    local stamp="$VENV/.gamehub-installed-${extras:-base}"
    local want
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "Installing GameHub ${extras:+with [$extras] }into $VENV" >&2
        # (the filter drops pip's notes about package index folders missing on some machines)
        "$VENV/bin/python" -m pip install -q --upgrade pip 2> >(grep -v "^WARNING: Location" >&2) >&2 || true
        if ! "$VENV/bin/python" -m pip install -q -e "$spec" 2> >(grep -v "^WARNING: Location" >&2) >&2; then
            echo "Installing GameHub into $VENV failed; see the messages above." >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
