//! WebSocket text frames to the relay's follow endpoint (`relay/src/ws/`): one line of the
//! input is one frame, run through a real session's command handler against the real store —
//! follow, unfollow, mailboxes, push claims. Every frame must be answered or acted on; a panic
//! or hang is a finding.

use std::sync::LazyLock;

use twofold_relay::fuzzing::Harness;

static RELAY: LazyLock<Harness> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("twofold-fuzz-relay-ws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for the relay's store");
    let relay = Harness::new(&dir).expect("the relay starts");
    // One stream to follow, whose read token is 32 bytes of 0x01 (the seeds use it).
    let created = relay.http(
        b"PUT",
        &format!("/v1/streams/{STREAM}"),
        &[(b"content-type", b"application/json")],
        format!(r#"{{"read_token_hash":"{READ}","append_token_hash":"{APPEND}"}}"#).into_bytes(),
    );
    assert_eq!(
        created.map(|(status, _)| status),
        Ok(204),
        "the stream is created"
    );
    relay
});

/// Certified by the two hashes below, as the relay requires of a new stream (ADR 0022).
const STREAM: &str = "780e66d8cf817f84e899ef5fe2f3884d";
const READ: &str = "c87e481f8b0b312bfc0b1476e7982ba9513f0380bb3a5c8c14b1ea529254e64c";
const APPEND: &str = "fbf8f83edad590a782a86948f41cab988a128bcf92eb2bcb91ecbc0e4f594bba";

/// One fuzz input.
pub fn run(data: &[u8]) {
    let frames: Vec<&str> = data
        .split(|&b| b == b'\n')
        .filter_map(|f| std::str::from_utf8(f).ok())
        .collect();
    let _ = RELAY.ws(&frames);
}
