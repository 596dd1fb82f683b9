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
