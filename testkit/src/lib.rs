//! Test helpers shared by the workspace's tests, the walkthrough and the benchmarks: a real
//! `twofold-relay` process and a real `nats-server` on loopback. Written once here, used by
//! `tests/`, `relay/tests` and `relay/benches`.

mod nats;
mod relay_process;

pub use nats::{find_nats_server, NatsServer};
pub use relay_process::{relay_binary, RelayProcess};
