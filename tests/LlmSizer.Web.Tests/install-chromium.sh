#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (Playwright's own browser download does not work here).
# Called by the test project's build; does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "browser tests: installing Debian chromium (once)"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then as_root=(sudo -n); else
    echo "browser tests: /usr/bin/chromium is missing and this user cannot install it (not root, no sudo)" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
