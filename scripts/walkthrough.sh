#!/usr/bin/env bash
# The main job: a walkthrough of the product. Part one, one phone: create an encrypted store,
# fill a support plan, contacts, a weekly meeting and a week of check-ins, close, reopen and
# print the home screen. Part two, two phones: start a relay process on loopback (embedded
# SQLite store), pair the person's phone with a mentor's (both show the same code), share the
# plan and schedule, edit offline on both sides (the same item too), sync, print what each side
# sees; then live sync, a revocation, and what the relay holds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --quiet --release --locked -p twofold-relay -p twofold-tests --bin twofold-relay --bin walkthrough
exec target/release/walkthrough
