//! A phone restored from a backup is recognised by its mentor after one sync (ADR 0010),
//! through a real relay process: the person's recovery key (in the backup, never a device key)
//! signs a successor statement; the mentor moves the pairing to the new phone and sends what it
//! shares with her under a new epoch; the new phone starts new epochs for what it shares. What
//! the lost phone sent after the backup is read back, nothing is lost on either side, and the
//! lost phone gets nothing new and is refused from then on.

use twofold_core::backup::KdfParams;
use twofold_core::sections as s;
use twofold_core::{Access, CopingStrategy, DocKind, OpenOptions, PeerStatus, Twofold};
use twofold_testkit::RelayProcess;
use twofold_tests::journal_notes::{check_in_notes, check_in_with_note};
use twofold_tests::keys::random_key;
use twofold_tests::mem_devices::coping;
use twofold_tests::net_devices::{pair, settle, NetDevice};

const PASS: &str = "correct horse battery staple";

fn texts(items: Vec<CopingStrategy>) -> Vec<String> {
    let mut out: Vec<String> = items.into_iter().map(|c| c.description).collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_phone_is_recognised_after_one_sync_and_the_lost_one_is_cut_off() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let lost = NetDevice::new("Lena", &relay.url);
    let rosa = NetDevice::new("Rosa", &relay.url);
    let (rosa_id, _) = pair(&lost, &rosa).await.expect("pairing");
    lost.s()
        .put(s::COPING_STRATEGIES, coping("walk by the river"))
        .expect("put");
    check_in_with_note(lost.s(), "2026-11-28", "before the backup");
    lost.s()
        .share(DocKind::Plan, &rosa_id, Access::Write, "support", None)
        .expect("share plan");
    lost.s()
        .share(DocKind::Journal, &rosa_id, Access::Read, "support", None)
        .expect("share journal");
    rosa.s()
        .put(s::COPING_STRATEGIES, coping("Rosa's own: call my sponsor"))
        .expect("rosa's plan");
    let lena_on_rosa = lost.s().device_id();
    rosa.s()
        .share(
            DocKind::Plan,
            &lena_on_rosa,
            Access::Read,
            "to learn from",
            None,
        )
        .expect("rosa shares");
    settle(&[&lost, &rosa]).await;
    let plan = lost.s().doc_id(DocKind::Plan).expect("plan");
    let journal = lost.s().doc_id(DocKind::Journal).expect("journal");

    let backup = lost
        .s()
        .export_backup_with(PASS, KdfParams::CHEAP_FOR_TESTS)
        .expect("backup");
    // After the backup: written and synced on the phone that is then lost.
    check_in_with_note(lost.s(), "2026-11-29", "after the backup");
    settle(&[&lost, &rosa]).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("restored.db");
    let key = random_key();
    let restored = Twofold::restore_backup(&path, &key, &backup, PASS, OpenOptions::default())
        .expect("restore");
    assert_ne!(
        restored.device_id(),
        lena_on_rosa,
        "a restored phone has keys of its own"
    );
    drop(restored);
    let new = NetDevice::at(path, key, &relay.url);
    let new_id = new.s().device_id();

    // One sync of the new phone, one of the mentor's, and the new phone's next.
    let r = new.sync().await;
    assert!(r.interrupted.is_none(), "{r:?}");
    assert_eq!(
        check_in_notes(new.s()),
        ["after the backup", "before the backup"],
        "read back"
    );
    let r = rosa.sync().await;
    assert!(r.interrupted.is_none(), "{r:?}");
    let r = new.sync().await;
    assert!(r.interrupted.is_none(), "{r:?}");

    // The mentor knows Lena by her new phone, once; the lost one is gone from her list.
    let peers = rosa.s().peers().expect("peers");
    assert_eq!(peers.len(), 1, "{peers:?}");
    assert_eq!(peers[0].id, new_id);
    assert_eq!(peers[0].status, PeerStatus::Paired);
    assert_eq!(peers[0].display_name, "Lena");
    // Rosa's share reaches the new phone; the new phone's shares reach Rosa.
    let from_rosa = new.s().shared_with_me().expect("shared");
    assert_eq!(from_rosa.len(), 1, "{from_rosa:?}");
    assert_eq!(from_rosa[0].owner, rosa.s().device_id());
    assert_eq!(
        texts(
            new.s()
                .shared_list(&from_rosa[0].doc_id, s::COPING_STRATEGIES)
                .expect("list")
        ),
        ["Rosa's own: call my sponsor"]
    );
    let on_rosa = rosa.s().shared_with_me().expect("shared");
    assert!(on_rosa.iter().all(|d| d.owner == new_id), "{on_rosa:?}");
    assert_eq!(on_rosa.len(), 2);

    // Both write; both see both, and nothing of before is lost.
    new.s()
        .put(s::COPING_STRATEGIES, coping("written on the new phone"))
        .expect("new writes");
    rosa.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("Rosa: breathe with me"))
        .expect("rosa writes");
    rosa.s()
        .put(s::COPING_STRATEGIES, coping("Rosa's own: a second line"))
        .expect("rosa's own");
    check_in_with_note(new.s(), "2026-11-30", "on the new phone");
    settle(&[&new, &rosa]).await;
    let all = [
        "Rosa: breathe with me",
        "walk by the river",
        "written on the new phone",
    ];
    assert_eq!(
        texts(new.s().list(s::COPING_STRATEGIES).expect("plan")),
        all
    );
    assert_eq!(
        texts(
            rosa.s()
                .shared_list(&plan, s::COPING_STRATEGIES)
                .expect("plan")
        ),
        all
    );
    assert_eq!(
        new.s().doc_heads(&plan).expect("heads"),
        rosa.s().doc_heads(&plan).expect("heads")
    );
    assert_eq!(
        new.s().doc_heads(&journal).expect("heads"),
        rosa.s().doc_heads(&journal).expect("heads")
    );
    assert_eq!(
        texts(
            new.s()
                .shared_list(&from_rosa[0].doc_id, s::COPING_STRATEGIES)
                .expect("list")
        ),
        ["Rosa's own: a second line", "Rosa's own: call my sponsor"]
    );

    // The lost phone: its later edits are refused, and it gets nothing new.
    lost.s()
        .put(s::COPING_STRATEGIES, coping("LOST-PHONE-EDIT"))
        .expect("the lost phone still writes locally");
    settle(&[&lost, &rosa, &new]).await;
    assert!(!texts(
        rosa.s()
            .shared_list(&plan, s::COPING_STRATEGIES)
            .expect("plan")
    )
    .contains(&"LOST-PHONE-EDIT".to_string()));
    assert!(!texts(new.s().list(s::COPING_STRATEGIES).expect("plan"))
        .contains(&"LOST-PHONE-EDIT".to_string()));
    let lost_sees = texts(lost.s().list(s::COPING_STRATEGIES).expect("plan"));
    assert!(
        !lost_sees.contains(&"written on the new phone".to_string()),
        "{lost_sees:?}"
    );
    assert!(
        !lost_sees.contains(&"Rosa: breathe with me".to_string()),
        "{lost_sees:?}"
    );
    // Not even a grant meant for the new phone came its way: those travel on the new channel,
    // whose key the lost phone never had (on the old one, each would be a refused grant here,
    // its snapshot readable under the old channel key).
    let refused = lost.s().sync().rejections().expect("counters");
    assert!(
        refused.iter().all(|(reason, _)| reason != "bad_control"),
        "{refused:?}"
    );
}
