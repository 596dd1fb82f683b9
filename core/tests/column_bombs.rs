//! Run-length bombs: Automerge chunks of a few dozen bytes whose columns declare billions of
//! rows. Automerge's own loader materialises every row and aborts the process when the
//! allocation fails — shown here in a child process under an address-space limit, so the bomb
//! is known to be real — while the guarded loader refuses the same bytes at once.

use std::process::Command;

use sha2::{Digest, Sha256};
use twofold_core::docs::guarded_load::{load_untrusted, LoadLimits};
use twofold_core::Error;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

fn uleb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A chunk with a valid checksum, as an attacker would make it.
fn chunk(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut hashed = vec![kind];
    uleb(body.len() as u64, &mut hashed);
    hashed.extend(body);
    let digest = Sha256::digest(&hashed);
    let mut out = MAGIC.to_vec();
    out.extend(&digest[..4]);
    out.extend(hashed);
    out
}

/// A run of `rows` copies of actor 0: RLE count, then the value.
fn actor_run(rows: u64) -> Vec<u8> {
    let mut col = Vec::new();
    sleb_positive(rows, &mut col);
    col.push(0);
    col
}

fn sleb_positive(v: u64, out: &mut Vec<u8>) {
    // Positive values whose top bit within the last byte is clear read back as positive.
    let mut v = v;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 && b & 0x40 == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A document chunk: one actor, no heads, no operations, and one change column (the changes'
/// actors) that is a single run of `rows` copies of that actor.
fn document_bomb(rows: u64) -> Vec<u8> {
    let col = actor_run(rows);
    let mut body = vec![1, 16];
    body.extend([7u8; 16]);
    body.extend([0, 1]);
    uleb(1, &mut body); // spec: column 0, type actor
    uleb(col.len() as u64, &mut body);
    body.push(0);
    body.extend(col);
    chunk(0, &body)
}

/// A change chunk from a 16-byte actor whose one operation column is a single run.
fn change_bomb(rows: u64) -> Vec<u8> {
    let col = actor_run(rows);
    let mut body = vec![0, 16];
    body.extend([7u8; 16]);
    body.extend([1, 1, 0, 0, 0]); // seq 1, start op 1, time 0, no message, no other actors
    uleb(1, &mut body);
    uleb(1, &mut body);
    uleb(col.len() as u64, &mut body);
    body.extend(col);
    chunk(1, &body)
}

const HUGE: u64 = 1 << 40;

#[test]
fn the_guarded_loader_refuses_run_length_bombs() {
    for bomb in [document_bomb(HUGE), change_bomb(HUGE)] {
        assert!(bomb.len() < 64, "a bomb is tiny: {} bytes", bomb.len());
        match load_untrusted(&bomb, LoadLimits::default()) {
            Err(Error::ImportRefused { reason }) => {
                assert!(reason.contains("expand beyond"), "{reason}")
            }
            other => panic!("a bomb must be refused, got {other:?}"),
        }
    }
    // The limit is the caller's: the same shape under it passes the row count.
    let limits = LoadLimits {
        max_rows: 10,
        ..LoadLimits::default()
    };
    let small = document_bomb(11);
    assert!(load_untrusted(&small, limits).is_err());
}

/// Run by the next test in a child process, never on its own: loads the document bomb with
/// Automerge directly (it asks for 2^40 change records; measured: "memory allocation of
/// 2147483648 bytes failed", then abort).
#[test]
#[ignore = "runs only as the child of unguarded_automerge_dies_on_the_bomb"]
fn unguarded_load_child() {
    let bomb = document_bomb(HUGE);
    let outcome = automerge::AutoCommit::load(&bomb).map(|_| ());
    // The parent reads this line from the child's stdout.
    use std::io::Write;
    writeln!(std::io::stdout(), "AUTOMERGE RETURNED {outcome:?}").expect("stdout");
}

#[test]
fn unguarded_automerge_dies_on_the_bomb() {
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new("sh")
        .arg("-c")
        // 2 GiB of address space: a cheap phone's share, and the test machine's safety.
        .arg("ulimit -v 2097152; exec \"$0\" --exact unguarded_load_child --ignored --nocapture")
        .arg(&exe)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success() && !stdout.contains("AUTOMERGE RETURNED"),
        "the unguarded loader survived the bomb, so the bomb proves nothing: {:?}\n{stdout}",
        output.status
    );
}
