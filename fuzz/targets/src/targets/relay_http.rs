//! HTTP requests to the relay (`relay/src/http/`), through its real router and SQLite store,
//! in-process. An input is one or more requests separated by a `%%` line, each written as
//! `METHOD /path` on the first line, `name: value` header lines, an empty line, then the body
//! — so a seed can create a stream, append to it and read it back, and the fuzzer mutates any
//! part. Every request must get a response; a panic or hang in a handler is a finding.

use std::sync::LazyLock;

use twofold_relay::fuzzing::Harness;

static RELAY: LazyLock<Harness> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("twofold-fuzz-relay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for the relay's store");
    Harness::new(&dir).expect("the relay starts")
});

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn request(data: &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut head = lines(head);
    let Some(first) = head.next() else {
        return;
    };
    let Some(space) = first.iter().position(|&b| b == b' ') else {
        return;
    };
    let (method, uri) = (&first[..space], &first[space + 1..]);
    let Ok(uri) = std::str::from_utf8(uri) else {
        return;
    };
    let headers: Vec<(&[u8], &[u8])> = head
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let value = &line[colon + 1..];
            Some((&line[..colon], value.strip_prefix(b" ").unwrap_or(value)))
        })
        .collect();
    let _ = RELAY.http(method, uri, &headers, body.to_vec());
}

/// One fuzz input.
pub fn run(data: &[u8]) {
    let mut rest = data;
    loop {
        match rest.windows(4).position(|w| w == b"\n%%\n") {
            Some(at) => {
                request(&rest[..at]);
                rest = &rest[at + 4..];
            }
            None => {
                request(rest);
                break;
            }
        }
    }
}
