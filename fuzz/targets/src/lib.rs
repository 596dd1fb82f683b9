//! Shared by the fuzz targets (ADR 0016): the targets themselves (`targets`), the fixed keys
//! and the checks every target makes of a decoder's answer.

pub mod fixtures;
pub mod targets;

/// Splits `data` at the first `sep`: the fuzzer's way of giving a target two inputs.
pub fn split_once(data: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == sep) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}
