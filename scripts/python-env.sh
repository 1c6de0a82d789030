#!/usr/bin/env bash
# Create the Python environment of the interop tests: .venv at the
# repository root, with the pinned packages of tests/python/requirements.txt.
#
# Idempotent: a second run with unchanged pins does nothing. Quiet unless
# something fails; then it says what and exits non-zero.
#
# Environment (optional): PYTHON, the interpreter to build the venv from
# (default: python3, which must be 3.9 or newer).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly VENV="${REPO_ROOT}/.venv"
readonly REQUIREMENTS="${REPO_ROOT}/tests/python/requirements.txt"
readonly STAMP="${VENV}/.requirements.sha256"
readonly PYTHON="${PYTHON:-python3}"

die() {
    printf 'python-env.sh: error: %s\n' "$*" >&2
    exit 1
}

command -v "${PYTHON}" >/dev/null 2>&1 ||
    die "${PYTHON} not found; install Python 3.9+ or set PYTHON"
"${PYTHON}" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    die "$("${PYTHON}" --version 2>&1) is too old; Python 3.9+ is needed"
[[ -r "${REQUIREMENTS}" ]] || die "cannot read ${REQUIREMENTS}"

wanted="$(sha256sum "${REQUIREMENTS}" | cut -d' ' -f1)"
if [[ -x "${VENV}/bin/pytest" && -r "${STAMP}" &&
    "$(cat "${STAMP}")" == "${wanted}" ]]; then
    exit 0
fi

if [[ ! -x "${VENV}/bin/python" ]]; then
    "${PYTHON}" -m venv "${VENV}" ||
        die "cannot create ${VENV} (on Debian: apt-get install python3-venv)"
fi

log="$(mktemp)"
trap 'rm -f "${log}"' EXIT
if ! "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
    --requirement "${REQUIREMENTS}" >"${log}" 2>&1; then
    tail -n 20 "${log}" >&2
    die "pip could not install ${REQUIREMENTS}; see the lines above"
fi
printf '%s\n' "${wanted}" >"${STAMP}"
