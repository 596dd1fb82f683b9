//! One live follow: send everything after the cursor, then wait for the log to grow and send
//! again. Records always come from the store in position order, so a follower sees no gap and
//! no duplicate whatever happens to notifications.

use std::sync::Arc;

use axum::extract::ws::Message;
use tokio_util::sync::CancellationToken;

use super::outbox::{Outbox, SendFailure};
use super::protocol::record_frame;
use crate::config::READ_MAX_LIMIT;
use crate::server::AppState;
use crate::store::LogRef;

/// Each round of a follow reads at most this much, so one far-behind follower cannot pin a
/// large buffer; the bounded outgoing queue does the rest.
const ROUND_MAX_BYTES: usize = 2 * 1024 * 1024;

pub async fn follow(
    state: Arc<AppState>,
    log: LogRef,
    mut cursor: u64,
    out: Outbox,
    session: CancellationToken,
) {
    let _counted = FollowCount::start(state.clone());
    // Subscribe before the first read, so an append between the two still wakes us.
    let mut wake = state.store.hub().subscribe(log);
    let mut everyone = state.store.hub().subscribe_everyone();
    let poll = safety_poll(&state);
    // Where the store left off after the record at `cursor`, so a wake-up resumes there.
    let mut resume = None;
    loop {
        wake.borrow_and_update();
        everyone.borrow_and_update();
        let batch = match state
            .store
            .read_from(log, cursor, resume, READ_MAX_LIMIT, ROUND_MAX_BYTES)
            .await
        {
            Ok(batch) => batch,
            Err(err) => {
                tracing::warn!(error = %err, kind = log.kind.label(), "follow read failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(poll) => continue,
                    _ = session.cancelled() => return,
                }
            }
        };
        let caught_up = batch
            .records
            .last()
            .is_none_or(|record| record.position >= batch.head);
        if !batch.records.is_empty() {
            // Every record of the batch is sent below or the follow ends.
            resume = batch.resume;
        }
        for record in batch.records {
            let frame = Message::Binary(record_frame(log, record.position, &record.bytes).into());
            match out.send(frame).await {
                Ok(()) => cursor = record.position,
                Err(SendFailure::Closed) => return,
                Err(SendFailure::Slow) => {
                    tracing::info!("dropping a WebSocket peer that stopped reading");
                    state.metrics.slow_consumer();
                    session.cancel();
                    return;
                }
            }
        }
        if caught_up {
            tokio::select! {
                changed = wake.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep(poll).await;
                    }
                }
                _ = everyone.changed() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = session.cancelled() => return,
            }
        }
    }
}

/// Every append wakes its followers through the hub: in this process with the embedded store,
/// through a NATS notification with JetStream. The per-follower poll only guards against the
/// unforeseen; 10,000 idle followers polling every 2 s cost a relay a third of a core (bench
/// `scale`). A notification lost on the way (another relay died between its append and its
/// notification) is caught relay-wide instead, by one check of JetStream's sequence every
/// `--follow-poll-ms` that wakes every follower once (`server::catch_lost_wakeups`).
const SAFETY_POLL: std::time::Duration = std::time::Duration::from_secs(60);

fn safety_poll(state: &AppState) -> std::time::Duration {
    state.config.follow_poll().max(SAFETY_POLL)
}

/// Keeps the follows gauge right however the follow ends (including being aborted).
struct FollowCount(Arc<AppState>);

impl FollowCount {
    fn start(state: Arc<AppState>) -> Self {
        state.metrics.follow_started();
        FollowCount(state)
    }
}

impl Drop for FollowCount {
    fn drop(&mut self) {
        self.0.metrics.follow_ended();
    }
}
