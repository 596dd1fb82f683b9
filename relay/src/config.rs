//! Every knob of the relay, as command-line flags with `TWOFOLD_RELAY_*` environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Pairing messages are small by design (a sealed join request or reply).
pub const MAILBOX_MAX_BYTES: usize = 4096;
/// A read response stops before growing past this, so one request cannot pin a large buffer.
pub const READ_MAX_BYTES: usize = 8 * 1024 * 1024;
pub const READ_DEFAULT_LIMIT: usize = 256;
pub const READ_MAX_LIMIT: usize = 1024;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "twofold-relay",
    version,
    about = "Twofold's store-and-forward relay"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed on stdout).
    #[arg(long, env = "TWOFOLD_RELAY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory for the embedded SQLite store (created if missing).
    #[arg(long, env = "TWOFOLD_RELAY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// `sqlite` (embedded, the default) or a `nats://host:port` URL for NATS JetStream.
    #[arg(
        long,
        visible_alias = "nats",
        env = "TWOFOLD_RELAY_STORE",
        default_value = "sqlite"
    )]
    pub store: String,

    /// Prefix of the JetStream stream names and subjects, so several deployments (or tests) can
    /// share one NATS server.
    #[arg(long, env = "TWOFOLD_RELAY_NATS_PREFIX", default_value = "twofold")]
    pub nats_prefix: String,

    /// Largest envelope accepted, in bytes.
    #[arg(long, env = "TWOFOLD_RELAY_MAX_ENVELOPE_BYTES", default_value_t = 1024 * 1024)]
    pub max_envelope_bytes: usize,

    /// Most envelopes one stream may hold.
    #[arg(
        long,
        env = "TWOFOLD_RELAY_STREAM_MAX_RECORDS",
        default_value_t = 1_000_000
    )]
    pub stream_max_records: u64,

    /// Most envelope bytes one stream may hold.
    #[arg(long, env = "TWOFOLD_RELAY_STREAM_MAX_BYTES", default_value_t = 4 * 1024 * 1024 * 1024)]
    pub stream_max_bytes: u64,

    /// Most unexpired messages one mailbox may hold.
    #[arg(long, env = "TWOFOLD_RELAY_MAILBOX_MAX_MESSAGES", default_value_t = 64)]
    pub mailbox_max_messages: u64,

    /// How long a mailbox message lives, in seconds (default 7 days).
    #[arg(long, env = "TWOFOLD_RELAY_MAILBOX_TTL_SECS", default_value_t = 7 * 24 * 3600)]
    pub mailbox_ttl_secs: u64,

    /// Sustained requests per second allowed per capability token.
    #[arg(long, env = "TWOFOLD_RELAY_TOKEN_RATE", default_value_t = 20.0)]
    pub token_rate: f64,

    /// Burst of requests allowed per capability token.
    #[arg(long, env = "TWOFOLD_RELAY_TOKEN_BURST", default_value_t = 200.0)]
    pub token_burst: f64,

    /// Sustained mailbox and stream-creation requests per second per client IP.
    #[arg(long, env = "TWOFOLD_RELAY_IP_RATE", default_value_t = 5.0)]
    pub ip_rate: f64,

    /// Burst of mailbox and stream-creation requests per client IP.
    #[arg(long, env = "TWOFOLD_RELAY_IP_BURST", default_value_t = 100.0)]
    pub ip_burst: f64,

    /// Streams one client IP may create per hour.
    #[arg(
        long,
        env = "TWOFOLD_RELAY_STREAMS_PER_IP_PER_HOUR",
        default_value_t = 200
    )]
    pub streams_per_ip_per_hour: u32,

    /// Sustained failed authentications (missing, malformed or wrong tokens) per second per
    /// client address; past the burst, that address's token-carrying requests are refused.
    #[arg(long, env = "TWOFOLD_RELAY_AUTH_FAILURE_RATE", default_value_t = 1.0)]
    pub auth_failure_rate: f64,

    /// Burst of failed authentications allowed per client address.
    #[arg(long, env = "TWOFOLD_RELAY_AUTH_FAILURE_BURST", default_value_t = 60.0)]
    pub auth_failure_burst: f64,

    /// Bytes one client address may have stored per day (envelopes, mailbox messages, push
    /// registrations; IPv6 counted per /64).
    #[arg(long, env = "TWOFOLD_RELAY_IP_BYTES_PER_DAY", default_value_t = 1024 * 1024 * 1024)]
    pub ip_bytes_per_day: u64,

    /// Most keys (tokens, addresses) each in-memory limiter tracks; past it the longest-idle
    /// ones are forgotten.
    #[arg(
        long,
        env = "TWOFOLD_RELAY_LIMITER_MAX_KEYS",
        default_value_t = 100_000
    )]
    pub limiter_max_keys: usize,

    /// Most simultaneous WebSocket connections.
    #[arg(long, env = "TWOFOLD_RELAY_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,

    /// Most streams and mailboxes one WebSocket connection may follow.
    #[arg(
        long = "max-follows",
        env = "TWOFOLD_RELAY_MAX_FOLLOWS",
        default_value_t = 256
    )]
    pub max_follows_per_connection: usize,

    /// Seconds between WebSocket pings; a peer silent for three intervals is dropped.
    #[arg(long, env = "TWOFOLD_RELAY_PING_SECS", default_value_t = 20)]
    pub ping_secs: u64,

    /// Seconds a WebSocket peer may leave its outgoing queue full before it is disconnected.
    #[arg(long, env = "TWOFOLD_RELAY_SLOW_CONSUMER_SECS", default_value_t = 10)]
    pub slow_consumer_secs: u64,

    /// Milliseconds between checks for a lost append notification on JetStream (another relay
    /// process may die right after an append, before notifying): one check per relay compares
    /// JetStream's sequence with the notifications heard and wakes every follower if one is
    /// missing. Each follower also reads its log at least every minute (both stores).
    #[arg(long, env = "TWOFOLD_RELAY_FOLLOW_POLL_MS", default_value_t = 2000)]
    pub follow_poll_ms: u64,

    /// A push gateway the relay may call, as `APP_ID=URL` (repeatable; comma-separated in the
    /// environment). A device registers for wake-ups naming one of these app ids; the relay
    /// never calls a URL a client sent.
    #[arg(
        long = "push-gateway",
        env = "TWOFOLD_RELAY_PUSH_GATEWAYS",
        value_delimiter = ','
    )]
    pub push_gateways: Vec<String>,

    /// Least milliseconds between two wake-ups of one push registration; envelopes landing in
    /// between are coalesced into one wake-up at the end of the interval.
    #[arg(long, env = "TWOFOLD_RELAY_PUSH_INTERVAL_MS", default_value_t = 30_000)]
    pub push_interval_ms: u64,

    /// Seconds to let WebSockets close and in-flight requests finish on shutdown.
    #[arg(long, env = "TWOFOLD_RELAY_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}

impl Config {
    /// The defaults with an embedded store in `data_dir`: what library users and tests start from.
    pub fn embedded(data_dir: impl Into<PathBuf>) -> Self {
        let mut config = Self::parse_from(["twofold-relay"]);
        config.data_dir = Some(data_dir.into());
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config
    }

    pub fn mailbox_ttl(&self) -> Duration {
        Duration::from_secs(self.mailbox_ttl_secs)
    }

    pub fn push_interval(&self) -> Duration {
        Duration::from_millis(self.push_interval_ms.max(1))
    }

    pub fn follow_poll(&self) -> Duration {
        Duration::from_millis(self.follow_poll_ms.max(10))
    }
}
