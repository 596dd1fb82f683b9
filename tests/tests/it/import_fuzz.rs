//! JSON imports against hostile input: mutations of a real export. Never a panic; either the
//! import is accepted whole, or refused with nothing changed.

use proptest::prelude::*;
use twofold_core::*;
use twofold_tests::dataset::{populate, DatasetSpec};
use twofold_tests::keys::random_key;

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn mutated_json_exports_are_accepted_whole_or_refused_without_change(
        kind in prop_oneof![Just(DocKind::Plan), Just(DocKind::Contacts), Just(DocKind::Schedule), Just(DocKind::Journal)],
        edits in proptest::collection::vec((any::<usize>(), "\\PC{0,3}", 0usize..4), 1..4),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = Twofold::open(dir.path().join("a.twofold"), &random_key()).expect("open");
        populate(&source, 3, DatasetSpec::ONE_MONTH).expect("data");
        let mut json = source.export_json(kind).expect("export");
        for (at, text, cut) in &edits {
            let mut at = at % (json.len() + 1);
            while !json.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(json.len());
            while !json.is_char_boundary(end) {
                end += 1;
            }
            json.replace_range(at..end, text);
        }
        let target = Twofold::open(dir.path().join("b.twofold"), &random_key()).expect("open");
        // Contacts first, so the plan's references can resolve when the file is intact.
        target.import_json(DocKind::Contacts, &source.export_json(DocKind::Contacts).expect("c")).expect("contacts");
        let before = target.export_json(kind).expect("export");
        match target.import_json(kind, &json) {
            Ok(()) => {}
            Err(Error::ImportRefused { .. } | Error::Invalid(_)) => {
                prop_assert_eq!(before, target.export_json(kind).expect("export"));
            }
            Err(other) => prop_assert!(false, "unexpected error kind {:?}", other),
        }
    }
}

/// The JSON export reader as it was derived (`document` flattened, `DocumentSnapshot`'s
/// adjacently tagged reader through serde's buffering): the oracle for the hand-written one
/// (`JsonExport::from_json`, ADR 0018).
#[derive(Debug, serde::Deserialize)]
struct DerivedExport {
    format: String,
    version: u32,
    #[serde(flatten)]
    document: DocumentSnapshot,
}

fn derived(json: &str) -> Option<JsonExport> {
    serde_json::from_str::<DerivedExport>(json)
        .ok()
        .map(|d| JsonExport {
            format: d.format,
            version: d.version,
            document: d.document,
        })
}

/// A month of data, exported once: every section of the person's four documents has items.
fn real_exports() -> &'static [String] {
    static EXPORTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    EXPORTS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("a.twofold"), &random_key()).expect("open");
        populate(&store, 5, DatasetSpec::ONE_MONTH).expect("data");
        DocKind::ALL
            .into_iter()
            .chain([DocKind::Summary])
            .map(|kind| store.export_json(kind).expect("export"))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Real exports, their keys reordered (`data` before `kind`), and mutations of both: the
    /// hand-written reader accepts exactly what the derived one accepted, with equal values.
    #[test]
    fn the_export_reader_reads_what_the_derived_reader_read(
        which in any::<prop::sample::Index>(),
        data_first in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), "[\\[\\]{}\",:0-9a-z\\\\. e-]{0,3}", 0usize..4), 0..4),
    ) {
        let exports = real_exports();
        let mut json = exports[which.index(exports.len())].clone();
        if data_first {
            // serde_json's map keeps keys sorted: data, format, kind, version.
            let value: serde_json::Value = serde_json::from_str(&json).expect("value");
            json = serde_json::to_string(&value).expect("json");
        }
        for (at, text, cut) in &edits {
            let mut at = at % (json.len() + 1);
            while !json.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(json.len());
            while !json.is_char_boundary(end) {
                end += 1;
            }
            json.replace_range(at..end, text);
        }
        let read = JsonExport::from_json(&json).ok();
        if edits.is_empty() {
            prop_assert!(read.is_some(), "an intact export is read");
        }
        prop_assert_eq!(read, derived(&json));
    }
}
