//! The bounded queue between a session's producers (follows, error replies) and the task that
//! owns the socket. Bounded in frames and in bytes: a peer that stops reading fills it, and is
//! disconnected after `--slow-consumer-secs` instead of growing the relay's memory.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

const FRAMES: usize = 64;
const BYTES: usize = 4 * 1024 * 1024;

/// A frame and its share of the byte budget, returned once the frame is on the socket.
#[derive(Debug)]
pub struct Queued {
    pub message: Message,
    _budget: OwnedSemaphorePermit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendFailure {
    /// The session is over.
    Closed,
    /// The peer did not make room in time.
    Slow,
}

#[derive(Debug, Clone)]
pub struct Outbox {
    frames: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
    patience: Duration,
}

impl Outbox {
    pub fn new(patience: Duration) -> (Self, mpsc::Receiver<Queued>) {
        let (frames, queue) = mpsc::channel(FRAMES);
        let outbox = Outbox {
            frames,
            budget: Arc::new(Semaphore::new(BYTES)),
            patience,
        };
        (outbox, queue)
    }

    pub async fn send(&self, message: Message) -> Result<(), SendFailure> {
        // A frame larger than the whole budget waits for all of it, so it still goes out alone.
        let cost = frame_len(&message).clamp(1, BYTES) as u32;
        let enqueue = async {
            let budget = self
                .budget
                .clone()
                .acquire_many_owned(cost)
                .await
                .map_err(|_| SendFailure::Closed)?;
            self.frames
                .send(Queued {
                    message,
                    _budget: budget,
                })
                .await
                .map_err(|_| SendFailure::Closed)
        };
        tokio::time::timeout(self.patience, enqueue)
            .await
            .map_err(|_| SendFailure::Slow)?
    }
}

fn frame_len(message: &Message) -> usize {
    match message {
        Message::Text(text) => text.len(),
        Message::Binary(bytes) | Message::Ping(bytes) | Message::Pong(bytes) => bytes.len(),
        Message::Close(_) => 0,
    }
}
