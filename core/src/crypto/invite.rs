//! The pairing invite the owner shows as a QR code or sends as a link:
//! `twofold:2:<base64url, no padding>`, carrying the relay address, a one-time invite id and
//! secret, the owner's public keys, the commitment to the owner's verification-code nonce
//! ([`super::verification`]) and an expiry. A *link* invite, which links another device
//! of the same person (ADR 0012), is `twofold:link:2:<...>`, and a *circle* invite, which asks
//! to join a peer circle (ADR 0019), is `twofold:circle:2:<...>`: the same fields, marked so
//! that no kind of invite can be answered as another.
//!
//! Decoding is strict and bounded: a length cap before any work, the exact scheme and version,
//! canonical base64url, exact field lengths, no trailing bytes. Errors are typed and never quote
//! the input. Whoever holds the string can send a join request, so it is a secret until used;
//! the join request ([`super::join`]) and the verification code ([`super::verification`]) do
//! the rest of the pairing.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::identity::{DevicePublicKeys, KeyError};
use super::verification::{code_commitment, CodeNonce};
use super::{random_bytes, random_secret, RngUnavailable};

const SCHEME: &str = "twofold:";
/// After [`SCHEME`]: the invite links one of the person's own devices.
const LINK_MARK: &str = "link:";
/// After [`SCHEME`]: the invite asks to join a peer circle.
const CIRCLE_MARK: &str = "circle:";
/// 2: the code commitment (version 1 had none; its codes could be ground, ADR 0003).
const VERSION: u8 = 2;
/// invite id ‖ secret ‖ owner keys ‖ code commitment ‖ expiry ‖ relay length.
const FIXED_LEN: usize = 16 + 32 + DevicePublicKeys::LEN + 32 + 8 + 1;
pub const MAX_RELAY_LEN: usize = 255;
/// The longest string a valid invite can be; anything longer is refused before decoding.
pub const MAX_INVITE_LEN: usize =
    SCHEME.len() + CIRCLE_MARK.len() + 2 + (4 * (FIXED_LEN + MAX_RELAY_LEN)).div_ceil(3);

/// Why an invite string (or a join request, see [`super::join`]) was refused. Never carries the
/// input, a name or a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum InviteError {
    #[error("input longer than any valid invite")]
    TooLong,
    #[error("not a Twofold invite")]
    NotAnInvite,
    #[error("invite format version {0} is not supported: this app needs an update")]
    UnsupportedVersion(u8),
    #[error("invite comes from an older version of Twofold: the other device needs an update")]
    OlderVersion,
    #[error("invite is not valid base64url")]
    BadEncoding,
    #[error("invite fields have the wrong length")]
    WrongLength,
    #[error("relay address is empty, too long or not printable ASCII")]
    BadRelayAddress,
    #[error("owner keys in the invite are invalid")]
    BadOwnerKeys,
    #[error("invite has expired")]
    Expired,
    #[error("join request does not open with this invite and identity")]
    OpenFailed,
    #[error("mentor keys in the join request are invalid")]
    BadMentorKeys,
    #[error("display name is empty, too long or has control characters")]
    BadDisplayName,
    #[error("join request signature does not verify")]
    BadSignature,
    #[error("the code nonce in the reply is not the one the invite committed to")]
    WrongCodeNonce,
    #[error(transparent)]
    Rng(#[from] RngUnavailable),
}

impl InviteError {
    /// A stable name for counting refusals by reason.
    pub fn reason(&self) -> &'static str {
        match self {
            InviteError::TooLong => "too_long",
            InviteError::NotAnInvite => "not_an_invite",
            InviteError::UnsupportedVersion(_) => "unsupported_version",
            InviteError::OlderVersion => "older_version",
            InviteError::BadEncoding => "bad_encoding",
            InviteError::WrongLength => "wrong_length",
            InviteError::BadRelayAddress => "bad_relay_address",
            InviteError::BadOwnerKeys => "bad_owner_keys",
            InviteError::Expired => "expired",
            InviteError::OpenFailed => "open_failed",
            InviteError::BadMentorKeys => "bad_mentor_keys",
            InviteError::BadDisplayName => "bad_display_name",
            InviteError::BadSignature => "bad_signature",
            InviteError::WrongCodeNonce => "wrong_code_nonce",
            InviteError::Rng(_) => "rng_unavailable",
        }
    }
}

/// The invite's one-time secret: only holders of the invite can make a join request that opens.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct InviteSecret(pub [u8; 32]);

impl fmt::Debug for InviteSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteSecret(..)")
    }
}

/// A decoded (or freshly created) invite. The owner keeps it, secret included, until a join
/// request uses it or it expires; the engine makes sure it is used once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// Where the mentor's device sends the join request (a URL; the network layer parses it).
    pub relay: String,
    pub invite_id: [u8; 16],
    pub secret: InviteSecret,
    pub owner: DevicePublicKeys,
    /// The owner's commitment to the nonce it reveals once a join request has arrived.
    pub commitment: [u8; 32],
    /// Seconds since the Unix epoch; the invite is refused from this instant on.
    pub expires_at: u64,
    /// What answering the invite does: pair with someone, link one of the inviter's own
    /// devices, or join a circle the inviter hosts.
    pub mark: InviteMark,
}

/// What an invite is for, written in its text so that no kind can be answered as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InviteMark {
    /// Pairs with someone else's device (a mentor, a peer supporter).
    #[default]
    Pairing,
    /// Links another device of the inviter's own person (ADR 0012).
    Link,
    /// Joins a peer circle the inviter's device hosts (ADR 0019).
    Circle,
}

impl InviteMark {
    fn text(self) -> &'static str {
        match self {
            InviteMark::Pairing => "",
            InviteMark::Link => LINK_MARK,
            InviteMark::Circle => CIRCLE_MARK,
        }
    }
}

impl Invite {
    /// A new invite with a random id and secret, and the owner's code nonce it commits to:
    /// the owner keeps the nonce, unrevealed, until a join request arrives.
    pub fn create(
        relay: &str,
        owner: &DevicePublicKeys,
        expires_at: u64,
    ) -> Result<(Self, CodeNonce), InviteError> {
        check_relay(relay.as_bytes())?;
        owner.validate().map_err(|_| InviteError::BadOwnerKeys)?;
        let invite_id = random_bytes()?;
        let nonce = CodeNonce::random()?;
        let invite = Invite {
            relay: relay.to_owned(),
            invite_id,
            secret: InviteSecret(*random_secret()?),
            owner: *owner,
            commitment: code_commitment(&invite_id, owner, &nonce),
            expires_at,
            mark: InviteMark::Pairing,
        };
        Ok((invite, nonce))
    }

    /// Whether `nonce` is the one this invite committed its owner to.
    pub fn commits_to(&self, nonce: &CodeNonce) -> bool {
        // Not secret-dependent timing: the commitment and the nonce are public by now.
        code_commitment(&self.invite_id, &self.owner, nonce) == self.commitment
    }

    pub fn is_expired(&self, now_unix_secs: u64) -> bool {
        now_unix_secs >= self.expires_at
    }

    /// `twofold:2:<base64url>` — URL-safe, no padding, fits a QR code (≤ [`MAX_INVITE_LEN`]).
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(FIXED_LEN + self.relay.len());
        bytes.extend_from_slice(&self.invite_id);
        bytes.extend_from_slice(&self.secret.0);
        bytes.extend_from_slice(&self.owner.to_bytes());
        bytes.extend_from_slice(&self.commitment);
        bytes.extend_from_slice(&self.expires_at.to_be_bytes());
        // `create` and `decode` bound the relay to 255 bytes; a longer one set by hand is cut
        // here and then fails to decode, rather than producing a different valid invite.
        bytes.push(u8::try_from(self.relay.len()).unwrap_or(u8::MAX));
        bytes.extend_from_slice(self.relay.as_bytes());
        let mark = self.mark.text();
        let out = format!("{SCHEME}{mark}{VERSION}:{}", URL_SAFE_NO_PAD.encode(&bytes));
        bytes.zeroize();
        out
    }

    /// Parses an invite and refuses an expired one. Surrounding whitespace (from copying a
    /// link) is ignored; nothing else is forgiven.
    pub fn decode(text: &str, now_unix_secs: u64) -> Result<Self, InviteError> {
        let invite = Self::decode_ignoring_expiry(text)?;
        if invite.is_expired(now_unix_secs) {
            return Err(InviteError::Expired);
        }
        Ok(invite)
    }

    fn decode_ignoring_expiry(text: &str) -> Result<Self, InviteError> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if text.len() > MAX_INVITE_LEN {
            return Err(InviteError::TooLong);
        }
        let rest = text.strip_prefix(SCHEME).ok_or(InviteError::NotAnInvite)?;
        let (mark, rest) = [InviteMark::Link, InviteMark::Circle]
            .into_iter()
            .find_map(|m| rest.strip_prefix(m.text()).map(|r| (m, r)))
            .unwrap_or((InviteMark::Pairing, rest));
        let (version, body) = rest.split_once(':').ok_or(InviteError::NotAnInvite)?;
        let version = parse_version(version)?;
        if version < VERSION {
            return Err(InviteError::OlderVersion);
        }
        if version != VERSION {
            return Err(InviteError::UnsupportedVersion(version));
        }
        let mut bytes = zeroize::Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(body)
                .map_err(|_| InviteError::BadEncoding)?,
        );
        let mut invite = parse_body(&mut bytes)?;
        invite.mark = mark;
        Ok(invite)
    }
}

fn parse_version(text: &str) -> Result<u8, InviteError> {
    // Digits only, at most three: "+1", " 1" or "0001" are not versions.
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InviteError::NotAnInvite);
    }
    text.parse::<u8>().map_err(|_| InviteError::NotAnInvite)
}

fn parse_body(bytes: &mut [u8]) -> Result<Invite, InviteError> {
    if bytes.len() < FIXED_LEN {
        return Err(InviteError::WrongLength);
    }
    let (fixed, relay) = bytes.split_at(FIXED_LEN);
    if relay.len() != usize::from(fixed[FIXED_LEN - 1]) {
        return Err(InviteError::WrongLength);
    }
    check_relay(relay)?;
    let owner = DevicePublicKeys::from_bytes(&fixed[48..112]).map_err(|e| match e {
        KeyError::WrongLength => InviteError::WrongLength,
        _ => InviteError::BadOwnerKeys,
    })?;
    let field = "fixed-length fields inside a FIXED_LEN slice";
    Ok(Invite {
        relay: String::from_utf8(relay.to_vec()).map_err(|_| InviteError::BadRelayAddress)?,
        invite_id: fixed[..16].try_into().expect(field),
        secret: InviteSecret(fixed[16..48].try_into().expect(field)),
        owner,
        commitment: fixed[112..144].try_into().expect(field),
        expires_at: u64::from_be_bytes(fixed[144..152].try_into().expect(field)),
        mark: InviteMark::Pairing,
    })
}

fn check_relay(relay: &[u8]) -> Result<(), InviteError> {
    let printable = relay.iter().all(|b| (0x21..=0x7e).contains(b));
    if relay.is_empty() || relay.len() > MAX_RELAY_LEN || !printable {
        return Err(InviteError::BadRelayAddress);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DeviceIdentity;

    fn invite() -> Invite {
        let owner = DeviceIdentity::generate().expect("rng");
        Invite::create("https://relay.example.org", &owner.public_keys(), 1000)
            .expect("valid")
            .0
    }

    #[test]
    fn the_length_cap_matches_the_longest_valid_invite() {
        let mut longest = invite();
        longest.relay = "r".repeat(MAX_RELAY_LEN);
        longest.mark = InviteMark::Circle;
        let text = longest.encode();
        assert_eq!(text.len(), MAX_INVITE_LEN);
        assert_eq!(Invite::decode(&text, 0).expect("valid"), longest);
    }

    #[test]
    fn a_link_invite_says_so_and_a_pairing_invite_does_not() {
        let pairing = invite();
        let mut link = pairing.clone();
        link.mark = InviteMark::Link;
        let mut circle = pairing.clone();
        circle.mark = InviteMark::Circle;
        let (pairing_text, link_text) = (pairing.encode(), link.encode());
        let circle_text = circle.encode();
        assert!(link_text.starts_with("twofold:link:2:"), "{link_text}");
        assert!(
            circle_text.starts_with("twofold:circle:2:"),
            "{circle_text}"
        );
        assert!(pairing_text.starts_with("twofold:2:"), "{pairing_text}");
        let decoded = |t: &str| Invite::decode(t, 0).expect("valid").mark;
        assert_eq!(decoded(&link_text), InviteMark::Link);
        assert_eq!(decoded(&circle_text), InviteMark::Circle);
        assert_eq!(decoded(&pairing_text), InviteMark::Pairing);
        // The mark is exact: nothing else stands in for it.
        for bad in ["twofold:Link:2:", "twofold:link2:", "twofold:link::2:"] {
            let text = link_text.replacen("twofold:link:2:", bad, 1);
            assert_eq!(
                Invite::decode(&text, 0),
                Err(InviteError::NotAnInvite),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_invite_from_an_older_version_says_the_other_device_needs_an_update() {
        let text = invite().encode();
        let older = text.replacen("twofold:2:", "twofold:1:", 1);
        assert_eq!(Invite::decode(&older, 0), Err(InviteError::OlderVersion));
        let newer = text.replacen("twofold:2:", "twofold:3:", 1);
        assert_eq!(
            Invite::decode(&newer, 0),
            Err(InviteError::UnsupportedVersion(3))
        );
    }

    #[test]
    fn the_invite_commits_to_its_owners_nonce_and_to_no_other() {
        let owner = DeviceIdentity::generate().expect("rng");
        let (invite, nonce) =
            Invite::create("https://relay.example.org", &owner.public_keys(), 1000).expect("ok");
        assert!(invite.commits_to(&nonce));
        assert!(!invite.commits_to(&CodeNonce([0; 32])));
        let decoded = Invite::decode(&invite.encode(), 0).expect("valid");
        assert!(
            decoded.commits_to(&nonce),
            "the commitment survives the text"
        );
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let invite = invite();
        assert!(!format!("{invite:?}").contains(&format!("{:?}", invite.secret.0)));
    }

    #[test]
    fn versions_are_digits_only() {
        for bad in ["", "+1", " 1", "0001", "x", "256"] {
            assert_eq!(parse_version(bad), Err(InviteError::NotAnInvite), "{bad:?}");
        }
        assert_eq!(parse_version("2"), Ok(2));
    }
}
