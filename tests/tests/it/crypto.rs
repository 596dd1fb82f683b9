//! The cryptographic foundation of sync, told as the stories it has to survive: a pairing from
//! invite to first envelope, and every way a hostile relay or peer could bend the bytes.

use std::time::Instant;

use sha2::{Digest, Sha256};

use proptest::prelude::*;
use twofold_core::crypto::{
    open_reply, seal, seal_reply, unwrap_doc_key, verification_code, wrap_doc_key, CodeInputs,
    CodeNonce, DecodedEnvelope, DeviceIdentity, DevicePublicKeys, DocKey, EnvelopeError, Invite,
    InviteError, JoinRequest, KeyError, KeyId, SealError, StreamId, WrapContext, ENVELOPE_OVERHEAD,
    MAX_ENVELOPE_LEN, MAX_INVITE_LEN, WRAPPED_KEY_LEN,
};

const RELAY: &str = "https://relay.example.org/v1";
const NOW: u64 = 1_790_000_000;
const STREAM: StreamId = StreamId([0x5a; 16]);

fn device() -> DeviceIdentity {
    DeviceIdentity::generate().expect("the OS RNG works in tests")
}

fn lookup_of(known: &[&DeviceIdentity]) -> impl Fn(&KeyId) -> Option<DevicePublicKeys> {
    let keys: Vec<DevicePublicKeys> = known.iter().map(|d| d.public_keys()).collect();
    move |id| keys.iter().find(|k| k.key_id() == *id).copied()
}

/// The whole receive pipeline, as the engine will run it (minus its own checks in the middle).
fn open(bytes: &[u8], key: &DocKey, known: &[&DeviceIdentity]) -> Result<Vec<u8>, EnvelopeError> {
    DecodedEnvelope::decode(bytes, MAX_ENVELOPE_LEN)?
        .verify(lookup_of(known))?
        .decrypt(key)
}

fn invite_from(owner: &DeviceIdentity) -> Invite {
    invite_and_nonce(owner).0
}

fn invite_and_nonce(owner: &DeviceIdentity) -> (Invite, CodeNonce) {
    Invite::create(RELAY, &owner.public_keys(), NOW + 600).expect("valid invite")
}

fn nonce() -> CodeNonce {
    CodeNonce::random().expect("the OS RNG works in tests")
}

/// The code on one screen: `owner` showed `invite`, `joiner` answered it.
fn code_of(
    invite: &Invite,
    joiner: &DevicePublicKeys,
    owner_nonce: &CodeNonce,
    joiner_nonce: &CodeNonce,
) -> u32 {
    verification_code(&CodeInputs {
        invite_id: &invite.invite_id,
        owner: &invite.owner,
        joiner,
        owner_nonce,
        joiner_nonce,
    })
    .value()
}

// ---------------------------------------------------------------------------------------------
// The story: pairing, then the first shared change.

#[test]
fn owner_invites_mentor_both_see_one_code_and_the_first_change_arrives_intact() {
    let owner = device();
    let mentor = device();

    // The owner shows a QR code; the mentor scans it.
    let (invite, owner_nonce) = invite_and_nonce(&owner);
    let text = invite.encode();
    assert!(text.starts_with("twofold:2:"));
    assert!(text.len() <= MAX_INVITE_LEN);
    let scanned = Invite::decode(&text, NOW).expect("the mentor can read the invite");
    assert_eq!(scanned, invite);

    // The mentor's request, with its half of the code, travels through the relay; only the
    // owner opens it.
    let mentor_nonce = nonce();
    let request =
        JoinRequest::seal(&scanned, &mentor, "Sam (mentor)", &mentor_nonce).expect("sealed");
    assert!(
        !request
            .windows(invite.invite_id.len())
            .any(|w| w == invite.invite_id),
        "the invite id is not in the clear"
    );
    let opened = JoinRequest::open(&request, &invite, &owner, NOW).expect("owner opens it");
    assert_eq!(opened.mentor, mentor.public_keys());
    assert_eq!(opened.nonce, mentor_nonce);
    assert_eq!(opened.display_name, "Sam (mentor)");

    // The owner's device reveals its half, bound by the invite's commitment; both screens
    // show the same code.
    let reveal = seal_reply(&invite, &owner, &opened.mentor, &owner_nonce, None).expect("sealed");
    let revealed = open_reply(&reveal, &scanned, &mentor).expect("the mentor opens it");
    assert_eq!(revealed.decision, None);
    let on_owner = code_of(&invite, &opened.mentor, &owner_nonce, &opened.nonce);
    let on_mentor = code_of(
        &scanned,
        &mentor.public_keys(),
        &revealed.owner_nonce,
        &mentor_nonce,
    );
    assert_eq!(on_owner, on_mentor);
    assert!(on_owner < 1_000_000);

    // The owner shares the plan: the key is wrapped for the mentor and signed by the owner.
    let plan_key = DocKey::generate(0).expect("rng");
    let ctx = WrapContext {
        doc_id: [1; 16],
        stream: STREAM,
    };
    let wrapped = wrap_doc_key(&plan_key, &ctx, &owner, &opened.mentor).expect("wrapped");
    assert_eq!(wrapped.len(), WRAPPED_KEY_LEN);
    let (mentor_key, from) =
        unwrap_doc_key(&wrapped, &ctx, &mentor, lookup_of(&[&owner])).expect("unwrapped");
    assert_eq!(from, owner.key_id());
    assert_eq!(mentor_key.secret_bytes(), plan_key.secret_bytes());
    assert_eq!(mentor_key.epoch(), 0);
    assert_eq!(mentor_key.read_token(), plan_key.read_token());

    // The owner's change reaches the mentor.
    let envelope = seal(&plan_key, &owner, STREAM, 1, b"automerge change bytes").expect("seal");
    let decoded = DecodedEnvelope::decode(&envelope, MAX_ENVELOPE_LEN).expect("decodes");
    assert_eq!(decoded.header().seq, 1);
    assert_eq!(decoded.header().sender, owner.key_id());
    let verified = decoded
        .verify(lookup_of(&[&owner]))
        .expect("signed by owner");
    assert_eq!(verified.header().epoch, 0);
    assert_eq!(verified.header().stream, STREAM);
    assert_eq!(
        verified.decrypt(&mentor_key).expect("decrypts"),
        b"automerge change bytes"
    );
}

// ---------------------------------------------------------------------------------------------
// Envelopes.

#[test]
fn envelopes_round_trip_for_empty_small_and_large_payloads() {
    let (key, owner) = (DocKey::generate(7).expect("rng"), device());
    for len in [0usize, 1, 100, 4096, 1 << 20] {
        let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let bytes = seal(&key, &owner, STREAM, len as u64 + 1, &payload).expect("seal");
        assert_eq!(bytes.len(), len + ENVELOPE_OVERHEAD);
        assert_eq!(open(&bytes, &key, &[&owner]).expect("opens"), payload);
    }
}

#[test]
fn every_single_bit_flip_of_an_envelope_is_rejected() {
    let (key, owner) = (DocKey::generate(2).expect("rng"), device());
    let bytes = seal(&key, &owner, STREAM, 9, b"tiny").expect("seal");
    for bit in 0..bytes.len() * 8 {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let result = open(&flipped, &key, &[&owner]);
        assert!(result.is_err(), "bit {bit} flipped was accepted");
    }
    assert_eq!(
        open(&bytes, &key, &[&owner]).expect("original opens"),
        b"tiny"
    );
}

#[test]
fn a_flipped_version_byte_is_refused_as_unsupported_before_any_crypto() {
    let (key, owner) = (DocKey::generate(0).expect("rng"), device());
    let mut bytes = seal(&key, &owner, STREAM, 1, b"x").expect("seal");
    bytes[0] = 2;
    assert_eq!(
        DecodedEnvelope::decode(&bytes, MAX_ENVELOPE_LEN).expect_err("must be refused"),
        EnvelopeError::UnsupportedVersion(2)
    );
}

#[test]
fn an_envelope_from_an_unknown_or_wrong_signer_is_rejected() {
    let (key, owner, mentor, stranger) = (
        DocKey::generate(0).expect("rng"),
        device(),
        device(),
        device(),
    );
    let bytes = seal(&key, &stranger, STREAM, 1, b"x").expect("seal");
    assert_eq!(
        open(&bytes, &key, &[&owner, &mentor]),
        Err(EnvelopeError::UnknownSender)
    );

    // A lookup that hands back the wrong device's keys fails closed.
    let bytes = seal(&key, &owner, STREAM, 1, b"x").expect("seal");
    let wrong = DecodedEnvelope::decode(&bytes, MAX_ENVELOPE_LEN)
        .expect("decodes")
        .verify(|_| Some(mentor.public_keys()));
    assert_eq!(
        wrong.expect_err("must be refused"),
        EnvelopeError::UnknownSender
    );

    // The mentor (who holds the same document key) claims to be the owner: its envelope has
    // the owner's id in the header but the mentor's signature.
    let mut forged = seal(&key, &mentor, STREAM, 1, b"x").expect("seal");
    forged[21..37].copy_from_slice(owner.key_id().as_bytes());
    assert_eq!(
        open(&forged, &key, &[&owner, &mentor]),
        Err(EnvelopeError::BadSignature)
    );
}

#[test]
fn the_wrong_document_key_or_epoch_does_not_decrypt() {
    let owner = device();
    let key = DocKey::generate(4).expect("rng");
    let bytes = seal(&key, &owner, STREAM, 1, b"x").expect("seal");
    let other = DocKey::generate(4).expect("rng");
    assert_eq!(
        open(&bytes, &other, &[&owner]),
        Err(EnvelopeError::DecryptFailed)
    );
    let next_epoch = DocKey::generate(5).expect("rng");
    assert_eq!(
        open(&bytes, &next_epoch, &[&owner]),
        Err(EnvelopeError::EpochMismatch)
    );
    let same_bytes_other_epoch = DocKey::from_secret_bytes(5, key.secret_bytes());
    assert_eq!(
        open(&bytes, &same_bytes_other_epoch, &[&owner]),
        Err(EnvelopeError::EpochMismatch)
    );
}

#[test]
fn truncated_envelopes_are_rejected_at_every_length() {
    let (key, owner) = (DocKey::generate(0).expect("rng"), device());
    let bytes = seal(&key, &owner, STREAM, 1, b"some changes").expect("seal");
    assert_eq!(open(&[], &key, &[&owner]), Err(EnvelopeError::Truncated));
    for len in 1..bytes.len() {
        let result = open(&bytes[..len], &key, &[&owner]);
        assert!(result.is_err(), "a {len}-byte prefix was accepted");
        if len < ENVELOPE_OVERHEAD {
            assert_eq!(result, Err(EnvelopeError::Truncated));
        }
    }
}

#[test]
fn oversized_envelopes_are_refused_before_anything_else() {
    let (key, owner) = (DocKey::generate(0).expect("rng"), device());
    let bytes = seal(&key, &owner, STREAM, 1, &[0u8; 1000]).expect("seal");
    assert_eq!(
        DecodedEnvelope::decode(&bytes, 999).expect_err("must be refused"),
        EnvelopeError::TooLarge
    );
    let mut garbage = vec![0xffu8; MAX_ENVELOPE_LEN + 1];
    garbage[0] = 1;
    assert_eq!(
        DecodedEnvelope::decode(&garbage, usize::MAX).expect_err("must be refused"),
        EnvelopeError::TooLarge
    );
    let too_big = vec![0u8; MAX_ENVELOPE_LEN - ENVELOPE_OVERHEAD + 1];
    assert_eq!(
        seal(&key, &owner, STREAM, 1, &too_big).expect_err("must be refused"),
        SealError::PayloadTooLarge
    );
}

#[test]
fn header_fields_swapped_between_envelopes_are_rejected() {
    let (key, owner) = (DocKey::generate(3).expect("rng"), device());
    let first = seal(&key, &owner, STREAM, 1, b"first").expect("seal");
    let second = seal(&key, &owner, StreamId([0x77; 16]), 2, b"second").expect("seal");
    // Each range: stream, epoch-with-sender-and-seq, seq alone, nonce, whole header.
    for range in [1..17, 17..45, 37..45, 45..69, 0..69] {
        let mut spliced = second.clone();
        spliced[range.clone()].copy_from_slice(&first[range.clone()]);
        assert_eq!(
            open(&spliced, &key, &[&owner]),
            Err(EnvelopeError::BadSignature),
            "bytes {range:?} from another envelope were accepted"
        );
    }
    // A replayed envelope is byte-identical and verifies: catching it is the engine's sequence
    // check, which the verified header makes trustworthy.
    let replay = DecodedEnvelope::decode(&first, MAX_ENVELOPE_LEN)
        .expect("decodes")
        .verify(lookup_of(&[&owner]))
        .expect("verifies");
    assert_eq!(replay.header().seq, 1);
}

#[test]
fn rejection_reasons_are_stable_names_without_payload() {
    let reasons: Vec<&str> = [
        EnvelopeError::TooLarge,
        EnvelopeError::Truncated,
        EnvelopeError::UnsupportedVersion(9),
        EnvelopeError::UnknownSender,
        EnvelopeError::BadSignature,
        EnvelopeError::EpochMismatch,
        EnvelopeError::DecryptFailed,
    ]
    .iter()
    .map(EnvelopeError::reason)
    .collect();
    assert_eq!(
        reasons,
        [
            "too_large",
            "truncated",
            "unsupported_version",
            "unknown_sender",
            "bad_signature",
            "epoch_mismatch",
            "decrypt_failed"
        ]
    );
}

#[test]
fn measure_envelope_overhead_and_speed() {
    let (key, owner) = (DocKey::generate(0).expect("rng"), device());
    let payload = [0x42u8; 100];
    let bytes = seal(&key, &owner, STREAM, 1, &payload).expect("seal");
    assert_eq!(bytes.len() - payload.len(), 149);

    const N: u32 = 500;
    let start = Instant::now();
    for seq in 0..N {
        std::hint::black_box(seal(&key, &owner, STREAM, u64::from(seq), &payload).expect("seal"));
    }
    let seal_time = start.elapsed() / N;
    let start = Instant::now();
    for _ in 0..N {
        std::hint::black_box(open(&bytes, &key, &[&owner]).expect("opens"));
    }
    let open_time = start.elapsed() / N;
    eprintln!(
        "envelope, 100-byte payload: {} bytes on the wire ({} overhead); seal {:?}, open {:?}",
        bytes.len(),
        bytes.len() - payload.len(),
        seal_time,
        open_time
    );
}

// ---------------------------------------------------------------------------------------------
// Document keys.

#[test]
fn a_wrapped_key_opens_only_for_its_recipient_document_and_stream() {
    let (owner, mentor, stranger) = (device(), device(), device());
    let key = DocKey::generate(1).expect("rng");
    let ctx = WrapContext {
        doc_id: [3; 16],
        stream: STREAM,
    };
    let wrapped = wrap_doc_key(&key, &ctx, &owner, &mentor.public_keys()).expect("wrap");
    let known = lookup_of(&[&owner]);

    assert!(unwrap_doc_key(&wrapped, &ctx, &stranger, &known).is_err());
    let other_doc = WrapContext {
        doc_id: [4; 16],
        ..ctx
    };
    assert_eq!(
        unwrap_doc_key(&wrapped, &other_doc, &mentor, &known).expect_err("must be refused"),
        KeyError::BadSignature
    );
    let other_stream = WrapContext {
        stream: StreamId([9; 16]),
        ..ctx
    };
    assert_eq!(
        unwrap_doc_key(&wrapped, &other_stream, &mentor, &known).expect_err("must be refused"),
        KeyError::BadSignature
    );
    assert_eq!(
        unwrap_doc_key(&wrapped, &ctx, &mentor, lookup_of(&[&stranger]))
            .expect_err("must be refused"),
        KeyError::UnknownSender
    );
    for bit in 0..wrapped.len() * 8 {
        let mut flipped = wrapped.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(
            unwrap_doc_key(&flipped, &ctx, &mentor, &known).is_err(),
            "bit {bit} flipped was accepted"
        );
    }
    let (back, _) = unwrap_doc_key(&wrapped, &ctx, &mentor, &known).expect("unwraps");
    assert_eq!(back.epoch(), 1);
}

#[test]
fn wrapping_for_a_low_order_key_is_refused() {
    let owner = device();
    let mut weak = device().public_keys();
    weak.agreement = [0; 32];
    let ctx = WrapContext {
        doc_id: [0; 16],
        stream: STREAM,
    };
    let key = DocKey::generate(0).expect("rng");
    assert_eq!(
        wrap_doc_key(&key, &ctx, &owner, &weak).expect_err("must be refused"),
        KeyError::WeakAgreementKey
    );
}

// ---------------------------------------------------------------------------------------------
// Invites and join requests.

#[test]
fn an_invite_expires() {
    let owner = device();
    let (invite, _) = Invite::create(RELAY, &owner.public_keys(), NOW).expect("valid");
    let text = invite.encode();
    assert!(Invite::decode(&text, NOW - 1).is_ok());
    assert_eq!(Invite::decode(&text, NOW), Err(InviteError::Expired));
    let mentor = device();
    let request = JoinRequest::seal(&invite, &mentor, "Sam", &nonce()).expect("sealed");
    assert_eq!(
        JoinRequest::open(&request, &invite, &owner, NOW + 1).expect_err("must be refused"),
        InviteError::Expired
    );
}

#[test]
fn malformed_invite_strings_are_refused_with_typed_errors() {
    let owner = device();
    // A 30-byte relay makes the body a whole number of base64 quanta (183 bytes, 244 chars), so
    // cutting or appending four characters removes or adds exactly three bytes.
    let mut invite = invite_from(&owner);
    invite.relay = "https://relay.example.org/v1/a".into();
    let good = invite.encode();
    let body = good.strip_prefix("twofold:2:").expect("prefix");
    assert_eq!(body.len() % 4, 0);

    let cases: Vec<(String, InviteError)> = vec![
        (String::new(), InviteError::NotAnInvite),
        ("hello".into(), InviteError::NotAnInvite),
        ("twofold:".into(), InviteError::NotAnInvite),
        (format!("TWOFOLD:2:{body}"), InviteError::NotAnInvite),
        (format!("twofold:x:{body}"), InviteError::NotAnInvite),
        (format!("twofold:+2:{body}"), InviteError::NotAnInvite),
        (
            format!("twofold:3:{body}"),
            InviteError::UnsupportedVersion(3),
        ),
        (format!("twofold:1:{body}"), InviteError::OlderVersion),
        ("twofold:2:!!!!".into(), InviteError::BadEncoding),
        (format!("{good}="), InviteError::BadEncoding),
        (format!("{good}A"), InviteError::BadEncoding),
        (
            format!("twofold:2:+{}", &body[1..]),
            InviteError::BadEncoding,
        ),
        (good[..good.len() - 4].to_string(), InviteError::WrongLength),
        (format!("{good}AAAA"), InviteError::WrongLength),
        (good[..42].to_string(), InviteError::WrongLength),
        ("x".repeat(MAX_INVITE_LEN + 1), InviteError::TooLong),
    ];
    for (text, expected) in cases {
        assert_eq!(Invite::decode(&text, NOW), Err(expected), "{text:?}");
    }

    let mut spaced = invite.clone();
    spaced.relay = "https://relay example.org".into();
    assert_eq!(
        Invite::decode(&spaced.encode(), NOW),
        Err(InviteError::BadRelayAddress)
    );
    let mut not_a_point = invite.clone();
    not_a_point.owner.signing = [0; 32]; // a point of order 4: weak
    assert_eq!(
        Invite::decode(&not_a_point.encode(), NOW),
        Err(InviteError::BadOwnerKeys)
    );
    let mut weak = invite.clone();
    weak.owner.agreement = [0; 32];
    assert_eq!(
        Invite::decode(&weak.encode(), NOW),
        Err(InviteError::BadOwnerKeys)
    );

    // Surrounding whitespace from a pasted link is fine.
    assert_eq!(Invite::decode(&format!("  {good}\n"), NOW), Ok(invite));
}

#[test]
fn a_join_request_opens_only_for_the_owner_and_only_with_the_right_invite_secret() {
    let (owner, mentor, stranger) = (device(), device(), device());
    let invite = invite_from(&owner);
    let request = JoinRequest::seal(&invite, &mentor, "Sam", &nonce()).expect("sealed");

    assert_eq!(
        JoinRequest::open(&request, &invite, &stranger, NOW).expect_err("must be refused"),
        InviteError::OpenFailed
    );

    // Someone who knows the owner's keys and the invite id but not the secret.
    let mut guessed = invite.clone();
    guessed.secret.0[0] ^= 1;
    let forged = JoinRequest::seal(&guessed, &stranger, "Not Sam", &nonce()).expect("sealed");
    assert_eq!(
        JoinRequest::open(&forged, &invite, &owner, NOW).expect_err("must be refused"),
        InviteError::OpenFailed
    );

    let other_invite = invite_from(&owner);
    assert_eq!(
        JoinRequest::open(&request, &other_invite, &owner, NOW).expect_err("must be refused"),
        InviteError::OpenFailed
    );

    for bit in 0..request.len() * 8 {
        let mut flipped = request.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(
            JoinRequest::open(&flipped, &invite, &owner, NOW).is_err(),
            "bit {bit} flipped was accepted"
        );
    }
    assert!(JoinRequest::open(&request, &invite, &owner, NOW).is_ok());
}

#[test]
fn display_names_are_bounded_and_printable() {
    let (owner, mentor) = (device(), device());
    let invite = invite_from(&owner);
    for bad in ["", "   ", "a\nb", "\u{7}", &"é".repeat(65)] {
        assert_eq!(
            JoinRequest::seal(&invite, &mentor, bad, &nonce()).expect_err("must be refused"),
            InviteError::BadDisplayName
        );
    }
    let long = "ü".repeat(64);
    let request =
        JoinRequest::seal(&invite, &mentor, &long, &nonce()).expect("128 bytes is allowed");
    assert_eq!(
        JoinRequest::open(&request, &invite, &owner, NOW)
            .expect("opens")
            .display_name,
        long
    );
}

// ---------------------------------------------------------------------------------------------
// Codes that cannot be ground (issue 20, item 2; ADR 0003).

/// The code as protocol version 1 computed it: a hash of both devices' keys and nothing else,
/// so whoever holds one side's keys computes it offline for any key of their own.
fn version_1_code(a: &DevicePublicKeys, b: &DevicePublicKeys) -> u32 {
    let (a, b) = (a.to_bytes(), b.to_bytes());
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    let digest = Sha256::new()
        .chain_update(b"twofold/v1/verification-code")
        .chain_update(low)
        .chain_update(high)
        .finalize();
    let first: [u8; 8] = digest[..8].try_into().expect("a digest has 8 bytes");
    u32::try_from(u64::from_be_bytes(first) % 1_000_000).expect("below a million")
}

/// Mallory intercepted Lena's link invite and gave Sam one of her own. Sam's screen shows the
/// code of (Mallory's key, Sam's key); Mallory makes keys until one gives the same last
/// digits (`modulus`) with Lena's key, and would answer Lena's invite with it.
fn grind_version_1(
    lena: &DevicePublicKeys,
    sam_screen: u32,
    modulus: u32,
    budget: usize,
) -> Option<(usize, DeviceIdentity)> {
    (1..=budget).find_map(|tries| {
        let key = device();
        (version_1_code(lena, &key.public_keys()) % modulus == sam_screen % modulus)
            .then_some((tries, key))
    })
}

#[test]
fn a_man_in_the_middle_grinds_keys_until_version_1_codes_match() {
    let (lena, sam, mallory) = (device(), device(), device());
    let sam_screen = version_1_code(&mallory.public_keys(), &sam.public_keys());
    let started = Instant::now();
    // Three of the six digits: ~1,000 keys expected; 30,000 all fail with probability e^-30.
    let (tries, forged) = grind_version_1(&lena.public_keys(), sam_screen, 1_000, 30_000)
        .expect("the grinder finds a key");
    assert_eq!(
        version_1_code(&lena.public_keys(), &forged.public_keys()) % 1_000,
        sam_screen % 1_000
    );
    let per_key = started.elapsed() / u32::try_from(tries).expect("small");
    eprintln!(
        "version 1: {tries} keys matched three digits, {per_key:?} a key; all six take ~10^6 \
         keys, about {:?} here (the ignored test below does it)",
        per_key * 1_000_000
    );
}

#[test]
#[ignore = "about a million key generations (minutes): the full attack, run by hand"]
fn a_man_in_the_middle_grinds_all_six_digits_of_a_version_1_code() {
    let (lena, sam, mallory) = (device(), device(), device());
    let sam_screen = version_1_code(&mallory.public_keys(), &sam.public_keys());
    let started = Instant::now();
    let (tries, forged) = grind_version_1(&lena.public_keys(), sam_screen, 1_000_000, 30_000_000)
        .expect("the grinder finds a key");
    assert_eq!(
        version_1_code(&lena.public_keys(), &forged.public_keys()),
        sam_screen
    );
    eprintln!(
        "version 1: all six digits matched after {tries} keys in {:?}",
        started.elapsed()
    );
}

#[test]
fn the_same_man_in_the_middle_gets_one_guess_in_a_million_against_commit_then_reveal() {
    let (lena, sam, mallory) = (device(), device(), device());
    let (lena_invite, lena_nonce) = invite_and_nonce(&lena);

    // Sam answers Mallory's invite. Mallory must reveal the nonce her invite committed to
    // before Sam saw it: any other is refused on Sam's phone.
    let (fake, mallory_nonce) = invite_and_nonce(&mallory);
    let sam_nonce = nonce();
    let to_mallory = JoinRequest::seal(&fake, &sam, "Sam", &sam_nonce).expect("sealed");
    let at_mallory = JoinRequest::open(&to_mallory, &fake, &mallory, NOW).expect("opens");
    let swapped = seal_reply(&fake, &mallory, &at_mallory.mentor, &nonce(), None).expect("sealed");
    assert_eq!(
        open_reply(&swapped, &fake, &sam),
        Err(InviteError::WrongCodeNonce)
    );
    let reveal =
        seal_reply(&fake, &mallory, &at_mallory.mentor, &mallory_nonce, None).expect("sealed");
    let revealed = open_reply(&reveal, &fake, &sam).expect("opens");
    let sam_screen = code_of(&fake, &sam.public_keys(), &revealed.owner_nonce, &sam_nonce);

    // Mallory knows Sam's code. Her answer to Lena's invite must go out before Lena's device
    // reveals its nonce, and Lena's device answers one request per invite (the engine test
    // `an_invite_reveals_its_half_of_the_code_to_one_request_only`). The same grinder as above,
    // against the best she has — a guess of Lena's nonce — finds a match for the guess...
    let guess = CodeNonce([0; 32]);
    let chosen = (0..30_000)
        .map(|_| nonce())
        .find(|n| {
            code_of(&lena_invite, &mallory.public_keys(), &guess, n) % 1_000 == sam_screen % 1_000
        })
        .expect("grinding against a guess works as well as ever");
    let to_lena = JoinRequest::seal(&lena_invite, &mallory, "Sam", &chosen).expect("sealed");
    let at_lena = JoinRequest::open(&to_lena, &lena_invite, &lena, NOW).expect("opens");
    // ...and against the nonce Lena's device reveals, her choice is worth one guess in a
    // million (this assertion fails by chance once in a million runs).
    let lena_screen = code_of(&lena_invite, &at_lena.mentor, &lena_nonce, &at_lena.nonce);
    assert_ne!(
        lena_screen, sam_screen,
        "the screens disagree: Lena declines, and Mallory's invite is used up"
    );
}

// ---------------------------------------------------------------------------------------------
// No decoder panics on anything.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic_the_invite_decoder(text in ".{0,600}") {
        let _ = Invite::decode(&text, NOW);
        let _ = Invite::decode(&format!("twofold:2:{text}"), NOW);
    }

    #[test]
    fn arbitrary_base64_bodies_never_panic_the_invite_decoder(body in "[A-Za-z0-9_-]{0,520}") {
        let _ = Invite::decode(&format!("twofold:2:{body}"), NOW);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_binary_decoders(
        bytes in proptest::collection::vec(any::<u8>(), 0..700)
    ) {
        let owner = device();
        let invite = invite_from(&owner);
        let _ = JoinRequest::open(&bytes, &invite, &owner, NOW);
        let mut claimed = bytes.clone();
        if let Some(version) = claimed.first_mut() {
            *version = 2;
        }
        let _ = JoinRequest::open(&claimed, &invite, &owner, NOW);
        let key = DocKey::generate(0).expect("rng");
        let ctx = WrapContext { doc_id: [0; 16], stream: STREAM };
        let _ = unwrap_doc_key(&bytes, &ctx, &owner, |_| Some(owner.public_keys()));
        let _ = DevicePublicKeys::from_bytes(&bytes);
        let _ = DeviceIdentity::from_secret_bytes(&bytes);
        let mut versioned = bytes.clone();
        if let Some(first) = versioned.first_mut() {
            *first = 1;
        }
        for candidate in [&bytes, &versioned] {
            if let Ok(decoded) = DecodedEnvelope::decode(candidate, MAX_ENVELOPE_LEN) {
                if let Ok(verified) = decoded.verify(|_| Some(owner.public_keys())) {
                    let _ = verified.decrypt(&key);
                }
            }
        }
    }
}
