//! The relay's integration tests: real `twofold-relay` processes on loopback with real SQLite
//! files (and a real `nats-server` for the JetStream mode). One test binary, so it links once.

mod harness;

mod embedded;
mod follow;
mod ground;
mod jetstream;
mod limits;
mod mailboxes;
mod push;
mod restart;
mod retention;
mod streams;
