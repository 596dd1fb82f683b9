//! Counters for `/metrics`, rendered by hand in the Prometheus text format. A handful of atomics
//! per server instance needs no metrics framework, and unlike a process-global recorder it keeps
//! several relays embedded in one test process apart.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ErrorCode;
use crate::store::{Kind, StoreStats};

#[derive(Debug, Default)]
pub struct Metrics {
    appends: [AtomicU64; 2],
    duplicates: [AtomicU64; 2],
    reads: [AtomicU64; 2],
    streams_created: AtomicU64,
    rejections: [AtomicU64; ErrorCode::ALL.len()],
    ws_open: AtomicU64,
    ws_total: AtomicU64,
    follows_open: AtomicU64,
    follows_total: AtomicU64,
    slow_consumers: AtomicU64,
    push_registrations: AtomicU64,
    lost_wakeups: AtomicU64,
}

/// The push waker's own counters, read when metrics are rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct PushCounts {
    pub sent: u64,
    pub failed: u64,
}

fn kind_index(kind: Kind) -> usize {
    match kind {
        Kind::Stream => 0,
        Kind::Mailbox => 1,
    }
}

const KINDS: [Kind; 2] = [Kind::Stream, Kind::Mailbox];

impl Metrics {
    pub fn appended(&self, kind: Kind, duplicate: bool) {
        let counters = if duplicate {
            &self.duplicates
        } else {
            &self.appends
        };
        counters[kind_index(kind)].fetch_add(1, Ordering::Relaxed);
    }

    pub fn read(&self, kind: Kind) {
        self.reads[kind_index(kind)].fetch_add(1, Ordering::Relaxed);
    }

    pub fn push_registered(&self) {
        self.push_registrations.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stream_created(&self) {
        self.streams_created.fetch_add(1, Ordering::Relaxed);
    }

    pub fn rejected(&self, code: ErrorCode) {
        if let Some(index) = ErrorCode::ALL.iter().position(|c| *c == code) {
            self.rejections[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn ws_opened(&self) {
        self.ws_open.fetch_add(1, Ordering::Relaxed);
        self.ws_total.fetch_add(1, Ordering::Relaxed);
    }

    pub fn ws_closed(&self) {
        self.ws_open.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn follow_started(&self) {
        self.follows_open.fetch_add(1, Ordering::Relaxed);
        self.follows_total.fetch_add(1, Ordering::Relaxed);
    }

    pub fn follow_ended(&self) {
        self.follows_open.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn slow_consumer(&self) {
        self.slow_consumers.fetch_add(1, Ordering::Relaxed);
    }

    pub fn lost_wakeups_caught(&self) {
        self.lost_wakeups.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(
        &self,
        stats: Option<&StoreStats>,
        push: PushCounts,
        limiter_keys: &[(&str, usize)],
    ) -> String {
        let mut out = String::new();
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let by_kind = |counters: &[AtomicU64; 2]| -> Vec<(String, u64)> {
            KINDS
                .iter()
                .map(|k| {
                    (
                        format!("{{kind=\"{}\"}}", k.label()),
                        get(&counters[kind_index(*k)]),
                    )
                })
                .collect()
        };
        family(
            "twofold_relay_appends_total",
            "counter",
            "Envelopes and mailbox messages stored.",
            &by_kind(&self.appends),
        );
        family(
            "twofold_relay_duplicate_appends_total",
            "counter",
            "Appends of bytes already stored, answered with the existing position.",
            &by_kind(&self.duplicates),
        );
        family(
            "twofold_relay_reads_total",
            "counter",
            "Read requests served.",
            &by_kind(&self.reads),
        );
        family(
            "twofold_relay_streams_created_total",
            "counter",
            "Streams created.",
            &[(String::new(), get(&self.streams_created))],
        );
        let rejections: Vec<(String, u64)> = ErrorCode::ALL
            .iter()
            .zip(self.rejections.iter())
            .map(|(code, n)| (format!("{{reason=\"{}\"}}", code.as_str()), get(n)))
            .collect();
        family(
            "twofold_relay_rejections_total",
            "counter",
            "Requests and frames refused, by error code.",
            &rejections,
        );
        family(
            "twofold_relay_websocket_connections",
            "gauge",
            "Open WebSocket connections.",
            &[(String::new(), get(&self.ws_open))],
        );
        family(
            "twofold_relay_websocket_connections_total",
            "counter",
            "WebSocket connections accepted.",
            &[(String::new(), get(&self.ws_total))],
        );
        family(
            "twofold_relay_follows",
            "gauge",
            "Live follows of streams and mailboxes.",
            &[(String::new(), get(&self.follows_open))],
        );
        family(
            "twofold_relay_follows_total",
            "counter",
            "Follows started.",
            &[(String::new(), get(&self.follows_total))],
        );
        family(
            "twofold_relay_slow_consumers_total",
            "counter",
            "WebSocket connections dropped for not reading.",
            &[(String::new(), get(&self.slow_consumers))],
        );
        family(
            "twofold_relay_lost_wakeups_caught_total",
            "counter",
            "Times every follower was woken because an append notification never arrived.",
            &[(String::new(), get(&self.lost_wakeups))],
        );
        family(
            "twofold_relay_push_registrations_total",
            "counter",
            "Push registrations created or renewed.",
            &[(String::new(), get(&self.push_registrations))],
        );
        family(
            "twofold_relay_push_wakeups_total",
            "counter",
            "Wake-ups a push gateway accepted.",
            &[(String::new(), push.sent)],
        );
        family(
            "twofold_relay_push_failures_total",
            "counter",
            "Wake-ups a push gateway refused or did not answer.",
            &[(String::new(), push.failed)],
        );
        family(
            "twofold_relay_limiter_keys",
            "gauge",
            "Keys each in-memory limiter tracks (bounded by --limiter-max-keys).",
            &limiter_keys
                .iter()
                .map(|(name, n)| (format!("{{limiter=\"{name}\"}}"), *n as u64))
                .collect::<Vec<_>>(),
        );
        if let Some(stats) = stats {
            family(
                "twofold_relay_stored_envelopes",
                "gauge",
                "Envelopes held, all streams.",
                &[(String::new(), stats.envelopes)],
            );
            family(
                "twofold_relay_stored_bytes",
                "gauge",
                "Envelope bytes held, all streams.",
                &[(String::new(), stats.envelope_bytes)],
            );
            family(
                "twofold_relay_streams",
                "gauge",
                "Streams known.",
                &[(String::new(), stats.streams)],
            );
            family(
                "twofold_relay_mailbox_messages",
                "gauge",
                "Unexpired mailbox messages held.",
                &[(String::new(), stats.mailbox_messages)],
            );
            family(
                "twofold_relay_store_lookups_total",
                "counter",
                "Direct gets made of JetStream by this process (0 with SQLite).",
                &[(String::new(), stats.lookups)],
            );
            family(
                "twofold_relay_store_requests_total",
                "counter",
                "JetStream requests this process waited on: direct gets and acknowledged \
                 publishes (0 with SQLite).",
                &[(String::new(), stats.requests)],
            );
        }
        out
    }
}
