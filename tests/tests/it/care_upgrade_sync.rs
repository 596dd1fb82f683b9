//! The schema upgrade (issue 22's new sections, `docs/genesis.rs` `upgrade`, actor
//! `twofold-schema02`) between two phones through a real relay process. Sam's store was written
//! by the code before care content (`tests/fixtures/before-care-content/`) and upgrades itself
//! at open; Alex's phone runs the new code and made its own documents with the same upgrade
//! change. Shared, written on both sides — in the new sections and the old — synced, restarted
//! and synced again: the two copies converge, every item of both writers is there, and no second
//! upgrade change (which would make a second section object and hide one side's items) appears.

use std::path::Path;

use twofold_core::sections as s;
use twofold_core::{
    Access, CopingStrategy, DocKind, Domain, ItemId, NaloxoneKit, NeverUseAloneLine,
};
use twofold_testkit::RelayProcess;
use twofold_tests::net_devices::{pair, settle, NetDevice};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/before-care-content");

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("id")
}

fn kit(raw: &str, location: &str) -> NaloxoneKit {
    NaloxoneKit {
        id: id(raw),
        location: location.into(),
        expires: None,
        remind_days_before: 0,
        notes: String::new(),
    }
}

/// Sam's phone: the store older code wrote, copied into `dir`, opened by this code.
fn sams_old_store(dir: &Path, relay_url: &str) -> NetDevice {
    for name in ["s.db", "s.db.keycheck"] {
        std::fs::copy(Path::new(FIXTURES).join(name), dir.join(name)).expect("copy fixture");
    }
    let key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let sam = NetDevice::at(dir.join("s.db"), key, relay_url);
    sam.s().set_display_name("Sam").expect("name");
    sam
}

fn locations(kits: Vec<NaloxoneKit>) -> Vec<String> {
    let mut locations: Vec<String> = kits.into_iter().map(|k| k.location).collect();
    locations.sort();
    locations
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_old_store_and_a_new_phone_sync_the_new_sections_and_converge() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let sam_dir = tempfile::tempdir().expect("tempdir");
    let mut sam = sams_old_store(sam_dir.path(), &relay.url);
    let mut alex = NetDevice::new("Alex", &relay.url);

    // Both phones made the upgrade change: Sam's at open, on a plan older code wrote (its
    // genesis only), Alex's when it created its own plan. Byte-identical, so the heads meet.
    let sams_plan = sam.s().doc_id(DocKind::Plan).expect("plan");
    let alexs_plan = alex.s().doc_id(DocKind::Plan).expect("plan");
    assert_eq!(
        sam.s().doc_heads(&sams_plan).expect("heads"),
        alex.s().doc_heads(&alexs_plan).expect("heads"),
        "one upgrade change, the same on both phones"
    );
    let sams_journal = sam.s().doc_id(DocKind::Journal).expect("journal");
    let old_check_ins = sam.s().list(s::CHECK_INS).expect("check-ins");
    assert_eq!(old_check_ins.len(), 3, "the old journal's check-ins");

    let (alex_id, _) = pair(&sam, &alex).await.expect("pairing");
    for (kind, access) in [
        (DocKind::Plan, Access::Write),
        (DocKind::Journal, Access::Read),
    ] {
        sam.s()
            .share(kind, &alex_id, access, "weekly sessions", None)
            .expect("share");
    }
    settle(&[&sam, &alex]).await;
    assert_eq!(
        alex.s()
            .shared_list(&sams_journal, s::CHECK_INS)
            .expect("journal arrived"),
        old_check_ins,
        "the old check-ins arrive as they were"
    );
    assert!(alex
        .s()
        .shared_list(&sams_journal, s::MEDICATION_SCHEDULE)
        .expect("the new journal section arrived")
        .is_empty());

    // Offline on both phones: each writes into a new section and an old one.
    sam.s()
        .put(s::NALOXONE_KITS, kit("kit-sam", "kitchen drawer"))
        .expect("Sam's kit");
    sam.s()
        .put(
            s::COPING_STRATEGIES,
            CopingStrategy {
                id: id("cope-sam"),
                description: "walk the dog".into(),
                domain: Domain::Both,
            },
        )
        .expect("Sam's coping");
    alex.s()
        .shared_put(&sams_plan, s::NALOXONE_KITS, kit("kit-alex", "Alex's car"))
        .expect("Alex's kit");
    alex.s()
        .shared_put(
            &sams_plan,
            s::NEVER_USE_ALONE,
            NeverUseAloneLine {
                id: id("line-alex"),
                name: "The line Sam trusts".into(),
                phone: "+34 600 000 002".into(),
                notes: String::new(),
            },
        )
        .expect("Alex's line");
    settle(&[&sam, &alex]).await;

    let both = vec!["Alex's car".to_string(), "kitchen drawer".to_string()];
    let sams_kits = || locations(sam.s().list(s::NALOXONE_KITS).expect("kits"));
    let alexs_kits = || {
        locations(
            alex.s()
                .shared_list(&sams_plan, s::NALOXONE_KITS)
                .expect("kits"),
        )
    };
    assert_eq!(sams_kits(), both, "Sam has both kits");
    assert_eq!(alexs_kits(), both, "Alex has both kits");
    assert_eq!(
        sam.s().list(s::NEVER_USE_ALONE).expect("lines").len(),
        1,
        "Alex's line reached Sam's own plan"
    );
    assert!(alex
        .s()
        .shared_get(&sams_plan, s::COPING_STRATEGIES, &id("cope-sam"))
        .is_ok());
    let heads = sam.s().doc_heads(&sams_plan).expect("heads");
    assert_eq!(
        alex.s().doc_heads(&sams_plan).expect("heads"),
        heads,
        "converged"
    );

    // Restarted (as after an app update and a reboot): nothing upgrades again, nothing moves.
    sam.close();
    alex.close();
    sam.open();
    alex.open();
    let rounds = settle(&[&sam, &alex]).await;
    assert!(
        rounds.iter().all(|r| r.sent == 0 && r.applied == 0),
        "no second upgrade change: {rounds:?}"
    );
    assert_eq!(sam.s().doc_heads(&sams_plan).expect("heads"), heads);
    assert_eq!(alex.s().doc_heads(&sams_plan).expect("heads"), heads);
    assert_eq!(
        locations(
            alex.s()
                .shared_list(&sams_plan, s::NALOXONE_KITS)
                .expect("kits")
        ),
        both
    );
}
