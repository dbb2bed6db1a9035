#!/usr/bin/env bash
# Sets everything up, then runs the main job of the samples app (arguments are passed through).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
dotnet run --project src/Samples -c "${CONFIGURATION:-Release}" --no-build -- "$@"
