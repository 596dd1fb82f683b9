//! Address hints: where a device listens for direct sessions, as a short code to read out or
//! a QR payload to scan (`TFD1:` and upper-case hex, which QR's dense alphanumeric mode holds).
//!
//! ```text
//! version(u8 = 1) port(u16) n(u8, 1..=8) { family(u8: 4|6) address(4|16 bytes) }* check(u16)
//! ```
//! `check` is a CRC-16 (CCITT) of everything before it: every mistyped digit (any error
//! within 16 bits) is caught here, not by a connection to a stranger's address. A hint is not a secret and needs
//! no signature — it names no one, and whoever answers at the address must still prove, in
//! the Noise handshake, that it holds the paired key. The person picks whom they sync with on
//! screen; the hint only says where.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use thiserror::Error;

const PREFIX: &str = "TFD1:";
const VERSION: u8 = 1;
/// Addresses in one hint, at most (Wi-Fi, hotspot, a wired dock, IPv4 and IPv6 of each).
pub const MAX_ADDRESSES: usize = 8;

/// Where a paired device can be reached directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressHint {
    pub port: u16,
    pub addresses: Vec<IpAddr>,
}

/// Why a text is not a usable address hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HintError {
    #[error("not a Twofold address code")]
    NotAHint,
    #[error("the code is not hexadecimal")]
    BadEncoding,
    #[error("the code was made by a newer app (version {0})")]
    UnsupportedVersion(u8),
    #[error("the code is cut short")]
    Truncated,
    #[error("the code does not match its check digits (mistyped?)")]
    ChecksumMismatch,
    #[error("the code names no address")]
    NoAddresses,
    #[error("the code names more than {MAX_ADDRESSES} addresses")]
    TooManyAddresses,
    #[error("the code has an unknown address family")]
    UnknownFamily,
    #[error("the code has port 0")]
    ZeroPort,
    #[error("the code has bytes after its end")]
    TrailingBytes,
}

impl AddressHint {
    /// A hint for `port` on `addresses` (the first [`MAX_ADDRESSES`]; at least one).
    pub fn new(port: u16, addresses: Vec<IpAddr>) -> Result<AddressHint, HintError> {
        if port == 0 {
            return Err(HintError::ZeroPort);
        }
        if addresses.is_empty() {
            return Err(HintError::NoAddresses);
        }
        if addresses.len() > MAX_ADDRESSES {
            return Err(HintError::TooManyAddresses);
        }
        Ok(AddressHint { port, addresses })
    }

    /// Where to try, in the order given.
    pub fn socket_addrs(&self) -> Vec<SocketAddr> {
        self.addresses
            .iter()
            .map(|ip| SocketAddr::new(*ip, self.port))
            .collect()
    }

    pub fn encode(&self) -> String {
        let mut bytes = vec![VERSION];
        bytes.extend_from_slice(&self.port.to_be_bytes());
        let addresses = &self.addresses[..self.addresses.len().min(MAX_ADDRESSES)];
        bytes.push(addresses.len() as u8);
        for ip in addresses {
            match ip {
                IpAddr::V4(v4) => {
                    bytes.push(4);
                    bytes.extend_from_slice(&v4.octets());
                }
                IpAddr::V6(v6) => {
                    bytes.push(6);
                    bytes.extend_from_slice(&v6.octets());
                }
            }
        }
        let check = checksum(&bytes);
        bytes.extend_from_slice(&check);
        format!("{PREFIX}{}", hex::encode_upper(bytes))
    }

    /// Reads a scanned or typed code. Spaces and dashes a person typed are ignored, and so is
    /// the case of the letters.
    pub fn decode(text: &str) -> Result<AddressHint, HintError> {
        let text = text.trim();
        let body = text
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .map(|_| &text[PREFIX.len()..])
            .ok_or(HintError::NotAHint)?;
        let clean: String = body.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let bytes = hex::decode(clean).map_err(|_| HintError::BadEncoding)?;
        let (&version, _) = bytes.split_first().ok_or(HintError::Truncated)?;
        if version != VERSION {
            return Err(HintError::UnsupportedVersion(version));
        }
        if bytes.len() < 2 + 4 {
            return Err(HintError::Truncated);
        }
        let (signed, check) = bytes.split_at(bytes.len() - 2);
        if checksum(signed) != check {
            return Err(HintError::ChecksumMismatch);
        }
        let mut rest = &signed[1..];
        let mut take = |n: usize| -> Result<&[u8], HintError> {
            if rest.len() < n {
                return Err(HintError::Truncated);
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let port = u16::from_be_bytes([take(1)?[0], take(1)?[0]]);
        let n = usize::from(take(1)?[0]);
        if n > MAX_ADDRESSES {
            return Err(HintError::TooManyAddresses);
        }
        let mut addresses = Vec::with_capacity(n);
        for _ in 0..n {
            let ip = match take(1)?[0] {
                4 => {
                    let mut o = [0u8; 4];
                    o.copy_from_slice(take(4)?);
                    IpAddr::V4(Ipv4Addr::from(o))
                }
                6 => {
                    let mut o = [0u8; 16];
                    o.copy_from_slice(take(16)?);
                    IpAddr::V6(Ipv6Addr::from(o))
                }
                _ => return Err(HintError::UnknownFamily),
            };
            addresses.push(ip);
        }
        if !rest.is_empty() {
            return Err(HintError::TrailingBytes);
        }
        AddressHint::new(port, addresses)
    }
}

/// CRC-16/CCITT-FALSE: detects every burst error of up to 16 bits, so every single wrong
/// hex digit. (An error-detecting code for typing, not a cryptographic check.)
fn checksum(bytes: &[u8]) -> [u8; 2] {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            any::<[u8; 4]>().prop_map(|o| IpAddr::V4(Ipv4Addr::from(o))),
            any::<[u8; 16]>().prop_map(|o| IpAddr::V6(Ipv6Addr::from(o))),
        ]
    }

    fn hint() -> impl Strategy<Value = AddressHint> {
        (1u16.., prop::collection::vec(ip(), 1..=MAX_ADDRESSES))
            .prop_map(|(port, addresses)| AddressHint { port, addresses })
    }

    proptest! {
        #[test]
        fn every_hint_decodes_to_itself(h in hint()) {
            prop_assert_eq!(AddressHint::decode(&h.encode()), Ok(h.clone()));
            // As a person might type it: lower case, in groups of four.
            let code = h.encode().to_lowercase();
            let digits: Vec<char> = code[PREFIX.len()..].chars().collect();
            let groups: Vec<String> = digits.chunks(4).map(|g| g.iter().collect()).collect();
            let typed = format!("{} {}", &code[..PREFIX.len()], groups.join("-"));
            prop_assert_eq!(AddressHint::decode(&typed), Ok(h));
        }

        #[test]
        fn arbitrary_text_decodes_or_fails_typed(text in ".{0,80}") {
            let _ = AddressHint::decode(&text);
            let _ = AddressHint::decode(&format!("{PREFIX}{text}"));
        }

        #[test]
        fn arbitrary_bytes_behind_the_prefix_fail_typed(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
            let _ = AddressHint::decode(&format!("{PREFIX}{}", hex::encode(bytes)));
        }

        #[test]
        fn one_wrong_digit_is_caught(h in hint(), at in any::<prop::sample::Index>(), d in 0u8..15) {
            let code = h.encode();
            let digits: Vec<char> = code[PREFIX.len()..].chars().collect();
            let i = at.index(digits.len());
            let old = digits[i].to_digit(16).expect("hex") as u8;
            let new = (old + 1 + d) % 16;
            let mut changed = digits.clone();
            changed[i] = char::from_digit(u32::from(new), 16).expect("digit").to_ascii_uppercase();
            let text = format!("{PREFIX}{}", changed.into_iter().collect::<String>());
            prop_assert!(AddressHint::decode(&text).is_err());
        }
    }

    #[test]
    fn a_typical_code_is_short() {
        let h = AddressHint::new(41_234, vec!["192.168.1.23".parse().expect("ip")]).expect("hint");
        let code = h.encode();
        assert_eq!(code.len(), PREFIX.len() + 2 * (1 + 2 + 1 + 5 + 2));
        assert_eq!(AddressHint::decode("TFD1:0G"), Err(HintError::BadEncoding));
        assert_eq!(AddressHint::decode("TFD9:00"), Err(HintError::NotAHint));
        // The CRC's reference value ("123456789" → 0x29B1).
        assert_eq!(checksum(b"123456789"), [0x29, 0xB1]);
        assert_eq!(AddressHint::decode("hello"), Err(HintError::NotAHint));
        assert_eq!(
            AddressHint::decode("TFD1:02"),
            Err(HintError::UnsupportedVersion(2))
        );
    }
}
