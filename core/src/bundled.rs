//! The texts the core carries with it (the crisis-line directory, the message catalogues, and
//! the schema's migrations, which `store/migrations.rs` lists), compressed at build time by
//! `core/build.rs` and inflated here when used: each is read once per process at most and
//! parsed into its own structures, so the plain text would only take room in the phones'
//! library (ADR 0018).

use std::io::Read;

use flate2::read::DeflateDecoder;

/// `core/data/crisis_lines.json`.
pub(crate) const CRISIS_LINES: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/crisis_lines.json.deflate"));
/// `core/locales/*.ftl`, one per language.
pub(crate) const CATALOGUE_EN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/en.ftl.deflate"));
pub(crate) const CATALOGUE_ES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/es.ftl.deflate"));
pub(crate) const CATALOGUE_FR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fr.ftl.deflate"));
pub(crate) const CATALOGUE_PT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pt.ftl.deflate"));
pub(crate) const CATALOGUE_AR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ar.ftl.deflate"));

/// The text `build.rs` compressed. `None` only for a broken build (the stream is made from a
/// UTF-8 file in the same build); the callers' tests read every text through here.
pub(crate) fn text(packed: &[u8]) -> Option<String> {
    let mut text = String::new();
    DeflateDecoder::new(packed).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each compressed text inflates to exactly its source file.
    #[test]
    fn every_text_inflates_to_its_source() {
        for (packed, source) in [
            (CRISIS_LINES, include_str!("../data/crisis_lines.json")),
            (CATALOGUE_EN, include_str!("../locales/en.ftl")),
            (CATALOGUE_ES, include_str!("../locales/es.ftl")),
            (CATALOGUE_FR, include_str!("../locales/fr.ftl")),
            (CATALOGUE_PT, include_str!("../locales/pt.ftl")),
            (CATALOGUE_AR, include_str!("../locales/ar.ftl")),
        ] {
            assert!(packed.len() * 2 < source.len(), "compressed");
            assert_eq!(text(packed).as_deref(), Some(source));
        }
        assert_eq!(text(b"not deflate \xff\xff"), None);
    }
}
