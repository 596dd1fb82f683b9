//! The Noise channel of a direct session over any async byte stream (a TCP connection in the
//! apps): the `KK` handshake between the two paired X25519 keys, then length-prefixed,
//! encrypted frames.
//!
//! - A frame on the wire is a 2-byte big-endian length and that many bytes (Noise's own
//!   65,535-byte limit, so the length cannot claim more).
//! - A message larger than one frame is cut into fragments whose first plaintext byte says
//!   whether more follow; a message is refused once it passes the session's cap.
//! - Each direction counts its own nonce, so a frame that was lost, repeated or reordered on
//!   the way fails to decrypt and ends the session ([`DirectProblem::Corrupt`]): nothing is
//!   retried inside a session, so nothing can loop.
//! - The responder does not learn who is calling from anything in clear: it tries the first
//!   handshake message against each paired peer's key, and only the right one decrypts.

use std::sync::Arc;
use std::time::Duration;

use snow::{params::NoiseParams, Builder, HandshakeState, StatelessTransportState};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::problem::DirectProblem;
use crate::crypto::KeyId;

/// Noise `KK`: both static keys are known in advance (exchanged at pairing); X25519,
/// ChaCha20-Poly1305, SHA-256.
const PATTERN: &str = "Noise_KK_25519_ChaChaPoly_SHA256";
/// Bound into the handshake hash: a session of another protocol or version cannot complete.
const PROLOGUE: &[u8] = b"twofold/v1/direct";
const MAX_FRAME: usize = 65_535;
const TAG: usize = 16;
/// Plaintext per fragment: one flag byte and the data.
const FRAGMENT_DATA: usize = MAX_FRAME - TAG - 1;
const MORE: u8 = 1;
const LAST: u8 = 0;

/// A paired device a responder may be talking to: its id and X25519 public key.
pub(crate) type Candidate = (KeyId, [u8; 32]);

type Outcome<T> = std::result::Result<T, DirectProblem>;

fn params() -> NoiseParams {
    PATTERN
        .parse()
        .expect("the pattern is a valid, supported Noise name")
}

fn lost(e: std::io::Error) -> DirectProblem {
    match e.kind() {
        std::io::ErrorKind::TimedOut => DirectProblem::TimedOut,
        _ => DirectProblem::ConnectionLost,
    }
}

/// Bytes on the wire in each direction, framing included.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WireCount {
    pub sent: u64,
    pub received: u64,
}

async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, bytes: &[u8]) -> Outcome<u64> {
    let len = u16::try_from(bytes.len()).map_err(|_| DirectProblem::Protocol {
        what: "frame too large",
    })?;
    let mut buf = Vec::with_capacity(2 + bytes.len());
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(bytes);
    w.write_all(&buf).await.map_err(lost)?;
    w.flush().await.map_err(lost)?;
    Ok(buf.len() as u64)
}

async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    idle: Duration,
    buf: &mut Vec<u8>,
) -> Outcome<u64> {
    let read = async {
        let mut len = [0u8; 2];
        r.read_exact(&mut len).await?;
        buf.resize(usize::from(u16::from_be_bytes(len)), 0);
        r.read_exact(buf).await?;
        Ok::<_, std::io::Error>(())
    };
    tokio::time::timeout(idle, read)
        .await
        .map_err(|_| DirectProblem::TimedOut)?
        .map_err(lost)?;
    Ok(2 + buf.len() as u64)
}

/// Runs the initiator's side of the handshake with the paired peer's key `remote`.
pub(crate) async fn initiate<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    local: &[u8; 32],
    remote: &[u8; 32],
    idle: Duration,
    count: &mut WireCount,
) -> Outcome<StatelessTransportState> {
    let mut hs = Builder::new(params())
        .local_private_key(local)
        .and_then(|b| b.remote_public_key(remote))
        .and_then(|b| b.prologue(PROLOGUE))
        .and_then(|b| b.build_initiator())
        .map_err(|_| DirectProblem::HandshakeFailed)?;
    let mut out = vec![0u8; MAX_FRAME];
    let n = hs
        .write_message(&[], &mut out)
        .map_err(|_| DirectProblem::HandshakeFailed)?;
    count.sent += write_frame(io, &out[..n]).await?;
    let mut reply = Vec::new();
    count.received += read_frame(io, idle, &mut reply)
        .await
        .map_err(handshake_ended)?;
    hs.read_message(&reply, &mut out)
        .map_err(|_| DirectProblem::HandshakeFailed)?;
    finish(hs)
}

/// Runs the responder's side: reads the first message, finds the paired peer whose key
/// opens it, answers. The peer's id, and the channel.
pub(crate) async fn respond<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    local: &[u8; 32],
    candidates: &[Candidate],
    idle: Duration,
    count: &mut WireCount,
) -> Outcome<(KeyId, StatelessTransportState)> {
    let mut first = Vec::new();
    count.received += read_frame(io, idle, &mut first)
        .await
        .map_err(handshake_ended)?;
    let mut scratch = vec![0u8; MAX_FRAME];
    let mut found: Option<(KeyId, HandshakeState)> = None;
    for (id, key) in candidates {
        let hs = Builder::new(params())
            .local_private_key(local)
            .and_then(|b| b.remote_public_key(key))
            .and_then(|b| b.prologue(PROLOGUE))
            .and_then(|b| b.build_responder());
        let Ok(mut hs) = hs else { continue };
        if hs.read_message(&first, &mut scratch).is_ok() {
            found = Some((*id, hs));
            break;
        }
    }
    // Not a paired device (or a replay it cannot finish): hang up without a word.
    let (peer, mut hs) = found.ok_or(DirectProblem::HandshakeFailed)?;
    let n = hs
        .write_message(&[], &mut scratch)
        .map_err(|_| DirectProblem::HandshakeFailed)?;
    count.sent += write_frame(io, &scratch[..n]).await?;
    Ok((peer, finish(hs)?))
}

/// A connection that ends during the handshake is a failed handshake, not a lost session.
fn handshake_ended(p: DirectProblem) -> DirectProblem {
    match p {
        DirectProblem::ConnectionLost => DirectProblem::HandshakeFailed,
        other => other,
    }
}

fn finish(hs: HandshakeState) -> Outcome<StatelessTransportState> {
    hs.into_stateless_transport_mode()
        .map_err(|_| DirectProblem::HandshakeFailed)
}

/// The sending half of an established channel.
pub(crate) struct Sender<W> {
    io: W,
    noise: Arc<StatelessTransportState>,
    nonce: u64,
    pub wire: u64,
}

/// The receiving half.
pub(crate) struct Receiver<R> {
    io: R,
    noise: Arc<StatelessTransportState>,
    nonce: u64,
    idle: Duration,
    max_message: usize,
    pub wire: u64,
}

pub(crate) fn split<S: AsyncRead + AsyncWrite>(
    io: S,
    noise: StatelessTransportState,
    idle: Duration,
    max_message: usize,
) -> (
    Sender<tokio::io::WriteHalf<S>>,
    Receiver<tokio::io::ReadHalf<S>>,
) {
    let noise = Arc::new(noise);
    let (r, w) = tokio::io::split(io);
    (
        Sender {
            io: w,
            noise: noise.clone(),
            nonce: 0,
            wire: 0,
        },
        Receiver {
            io: r,
            noise,
            nonce: 0,
            idle,
            max_message,
            wire: 0,
        },
    )
}

impl<W: AsyncWrite + Unpin> Sender<W> {
    /// Sends one message, in as many frames as it takes.
    pub async fn send(&mut self, message: &[u8]) -> Outcome<()> {
        let mut plain = Vec::with_capacity(FRAGMENT_DATA + 1);
        let mut out = vec![0u8; MAX_FRAME];
        let mut chunks = message.chunks(FRAGMENT_DATA).peekable();
        if message.is_empty() {
            return Err(DirectProblem::Protocol {
                what: "empty message",
            });
        }
        while let Some(chunk) = chunks.next() {
            plain.clear();
            plain.push(if chunks.peek().is_some() { MORE } else { LAST });
            plain.extend_from_slice(chunk);
            let n = self
                .noise
                .write_message(self.nonce, &plain, &mut out)
                .map_err(|_| DirectProblem::Protocol {
                    what: "could not encrypt a frame",
                })?;
            self.nonce += 1;
            self.wire += write_frame(&mut self.io, &out[..n]).await?;
        }
        Ok(())
    }

    /// Closes the sending direction politely.
    pub async fn close(&mut self) {
        let _ = self.io.shutdown().await;
    }
}

impl<R: AsyncRead + Unpin> Receiver<R> {
    /// The next whole message.
    pub async fn recv(&mut self) -> Outcome<Vec<u8>> {
        let mut message = Vec::new();
        let mut frame = Vec::new();
        let mut plain = vec![0u8; MAX_FRAME];
        loop {
            self.wire += read_frame(&mut self.io, self.idle, &mut frame).await?;
            let n = self
                .noise
                .read_message(self.nonce, &frame, &mut plain)
                .map_err(|_| DirectProblem::Corrupt)?;
            self.nonce += 1;
            let (&flag, data) = plain[..n].split_first().ok_or(DirectProblem::Corrupt)?;
            if message.len() + data.len() > self.max_message {
                return Err(DirectProblem::Protocol {
                    what: "message too large",
                });
            }
            message.extend_from_slice(data);
            match flag {
                LAST => return Ok(message),
                MORE => {}
                _ => {
                    return Err(DirectProblem::Protocol {
                        what: "bad fragment flag",
                    })
                }
            }
        }
    }
}
