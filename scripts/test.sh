#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# chromium: the training report is checked in a real headless browser.
MLNETGAN_EXTRA_PACKAGES="chromium" "$root/scripts/setup.sh"
dotnet test "$root/MLNetGan.sln" -c "${CONFIGURATION:-Release}" --no-build -nologo "$@"
# The NuGet packages, as a new app outside the repository uses them.
bash "$root/scripts/package-test.sh"
