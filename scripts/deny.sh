#!/usr/bin/env bash
# Checks the dependency graph against deny.toml (ADR 0016): licences, bans (one SQLite, one TLS
# stack, every duplicate reviewed) and sources. It installs cargo-deny from crates.io when it is
# missing, built without link-time optimisation (same checks, a fraction of the build time).
#
# The advisories check needs the RustSec database, which these machines cannot fetch. Where it
# can be had:  cargo deny --locked check advisories
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

version=0.20.2
if ! cargo deny --version 2>/dev/null | grep -q "$version"; then
    echo "deny: installing cargo-deny $version"
    if ! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install cargo-deny --locked --version "$version"; then
        echo "deny: FAILED: cargo-deny could not be installed (cargo install cargo-deny --locked)"
        exit 1
    fi
fi
exec cargo deny --locked check bans licenses sources
