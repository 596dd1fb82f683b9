//! The relay's live follow over a WebSocket (relay/README.md, "Live follow"): commands go out
//! as JSON text, records come back as binary frames, a refused follow as a JSON text.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, SinkExt, StreamExt};
use reqwest::Url;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::problem::NetProblem;
use super::records::decode_frame;
use super::relay_api::token_text;
use super::transport::{FollowCommand, FollowConnection, FollowEvent, NetResult};
use crate::crypto::MAX_ENVELOPE_LEN;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// An open WebSocket follow.
pub(super) struct WebSocketFollow {
    sink: futures_util::stream::SplitSink<Socket, Message>,
    frames: futures_util::stream::SplitStream<Socket>,
}

/// Connects to the relay's follow endpoint within `timeout`.
pub(super) async fn connect(
    url: Url,
    timeout: std::time::Duration,
) -> NetResult<Box<dyn FollowConnection>> {
    // Nothing larger than an envelope and its frame header is accepted; small commands go
    // out at once (no Nagle delay).
    let limits = WebSocketConfig::default()
        .max_message_size(Some(MAX_ENVELOPE_LEN + 64))
        .max_frame_size(Some(MAX_ENVELOPE_LEN + 64));
    let connect = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(limits), true);
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok((socket, _))) => {
            let (sink, frames) = socket.split();
            Ok(Box::new(WebSocketFollow { sink, frames }))
        }
        _ => Err(NetProblem::Offline),
    }
}

fn command_text(command: &FollowCommand) -> String {
    match command {
        FollowCommand::Stream {
            stream,
            token,
            after,
        } => format!(
            r#"{{"op":"follow","stream":"{}","token":"{}","after":{}}}"#,
            hex::encode(stream.0),
            token_text(token),
            after
        ),
        FollowCommand::Unstream(stream) => format!(
            r#"{{"op":"unfollow","stream":"{}"}}"#,
            hex::encode(stream.0)
        ),
        FollowCommand::Mailbox { mailbox, after } => format!(
            r#"{{"op":"follow_mailbox","mailbox":"{}","after":{}}}"#,
            hex::encode(mailbox),
            after
        ),
        FollowCommand::Unmailbox(mailbox) => format!(
            r#"{{"op":"unfollow_mailbox","mailbox":"{}"}}"#,
            hex::encode(mailbox)
        ),
        FollowCommand::PushLive {
            registration,
            token,
        } => format!(
            r#"{{"op":"push_live","registration":"{}","token":"{}"}}"#,
            hex::encode(registration),
            URL_SAFE_NO_PAD.encode(token)
        ),
    }
}

/// The stream or mailbox a relay's `{"op":"error",…}` text names; other texts name none.
fn refused_id(text: &str) -> Option<[u8; 16]> {
    let value = serde_json::from_str::<serde_json::Value>(text).ok()?;
    if value.get("op").and_then(|o| o.as_str()) != Some("error") {
        return None;
    }
    ["stream", "mailbox"].iter().find_map(|key| {
        value
            .get(*key)
            .and_then(|v| v.as_str())
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
    })
}

impl FollowConnection for WebSocketFollow {
    fn send(&mut self, commands: Vec<FollowCommand>) -> BoxFuture<'_, NetResult<()>> {
        async move {
            for command in &commands {
                let text = command_text(command);
                if self.sink.send(Message::text(text)).await.is_err() {
                    return Err(NetProblem::Offline);
                }
            }
            Ok(())
        }
        .boxed()
    }

    fn next(&mut self) -> BoxFuture<'_, FollowEvent> {
        // Cancel-safe: the only await is the stream's `next`, and nothing read is held
        // across it.
        async move {
            loop {
                match self.frames.next().await {
                    Some(Ok(Message::Binary(bytes))) => {
                        return match decode_frame(&bytes, MAX_ENVELOPE_LEN) {
                            Ok(frame) => FollowEvent::Frame(frame),
                            Err(_) => {
                                FollowEvent::Ended(NetProblem::Protocol { what: "live frame" })
                            }
                        };
                    }
                    Some(Ok(Message::Text(text))) => {
                        if let Some(id) = refused_id(text.as_str()) {
                            return FollowEvent::Refused { id };
                        }
                    }
                    Some(Ok(Message::Close(_))) => {
                        return FollowEvent::Ended(NetProblem::Unavailable)
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return FollowEvent::Ended(NetProblem::Offline),
                }
            }
        }
        .boxed()
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        async move {
            let _ = self.sink.send(Message::Close(None)).await;
        }
        .boxed()
    }
}
