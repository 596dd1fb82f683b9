#!/usr/bin/env bash
# The main job: a walkthrough of the product. Today: one device — create an encrypted store,
# fill a support plan, contacts, a weekly meeting and a week of check-ins, close, reopen and
# print the home screen. (It grows into the two-device sync walkthrough once sync exists.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
exec cargo run --quiet --release --locked -p twofold-tests --bin walkthrough
