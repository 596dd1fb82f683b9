#!/usr/bin/env bash
# nats-server from Debian's packages, for the relay's JetStream test. Idempotent.
set -euo pipefail
export PATH="$PATH:/usr/sbin"
if ! command -v nats-server >/dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && sudo -n true 2>/dev/null; then SUDO=sudo; fi
    { $SUDO apt-get update -qq &&
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null; } ||
        { echo "could not install nats-server from Debian's packages"; exit 1; }
fi
nats-server --version
