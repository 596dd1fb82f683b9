//! One JSON reader for the whole core.
//!
//! serde_json compiles a type's deserializer once per kind of input: `from_str` and
//! `from_slice` are two copies of the same code, and the core read some types both ways (a
//! check-in from the intent log's bytes and from an export's text, a meeting from a finder
//! region's bytes and from a document's text). Bytes read here become text first — one UTF-8
//! check, which `from_slice` makes anyway string by string — so each type is compiled once, for
//! text (ADR 0018).

use serde::de::DeserializeOwned;

/// `serde_json::from_slice`, through the text reader. `None` for bytes that are not UTF-8 or
/// not JSON of `T`: the callers report only that it failed (serde's messages can quote the
/// input).
pub(crate) fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    proptest! {
        /// Whatever `from_slice` reads, this reads the same; whatever it refuses, this refuses.
        #[test]
        fn reads_what_from_slice_reads(bytes in proptest::collection::vec(any::<u8>(), 0..64),
                                       text in ".{0,40}") {
            let json = serde_json::to_vec(&serde_json::json!({ "a": text, "b": [1, 2.5, null] }))
                .expect("serializes");
            for input in [bytes.as_slice(), json.as_slice()] {
                let expected = serde_json::from_slice::<Value>(input).ok();
                prop_assert_eq!(from_bytes::<Value>(input), expected);
            }
        }
    }
}
