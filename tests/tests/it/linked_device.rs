//! The person's second device (ADR 0012), end to end through a real relay process: a tablet
//! linked to Lena's phone by a link invite and the same code comparison as pairing gets her
//! documents as snapshots through the relay, what it held before joins them, it writes like
//! the phone, her mentor's edits reach both and theirs reach the mentor; removed from the
//! phone, it gets nothing new, its later edits reach nobody, and its copy is deleted when it
//! next syncs.

use twofold_core::sections as s;
use twofold_core::{Access, Day, DocKind, PeerStatus, Twofold};
use twofold_testkit::RelayProcess;
use twofold_tests::journal_notes::{check_in_notes, check_in_with_note};
use twofold_tests::mem_devices::coping;
use twofold_tests::net_devices::{now_ms, pair, settle, shown_code, NetDevice};
use twofold_tests::sqlcipher_pages::{contains, store_plaintext};

fn strategies(store: &Twofold) -> Vec<String> {
    let mut out: Vec<String> = store
        .list(s::COPING_STRATEGIES)
        .expect("plan")
        .into_iter()
        .map(|c| c.description)
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_tablet_gets_the_persons_documents_writes_and_once_removed_gets_nothing_new() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let phone = NetDevice::new("Lena", &relay.url);
    let mentor = NetDevice::new("Rosa", &relay.url);
    let tablet = NetDevice::new("Lena's tablet", &relay.url);

    phone
        .s()
        .put(s::COPING_STRATEGIES, coping("walk by the river"))
        .expect("put");
    check_in_with_note(phone.s(), "2026-11-30", "phone: a calm day");
    let (rosa, _) = pair(&phone, &mentor).await.expect("pairing");
    phone
        .s()
        .share(DocKind::Plan, &rosa, Access::Write, "support", None)
        .expect("share");
    settle(&[&phone, &mentor]).await;
    // Written on the tablet before it was linked: kept, and it reaches the phone.
    check_in_with_note(tablet.s(), "2026-12-01", "tablet: before the link");

    // A link invite is for the person's own device only, and a pairing invite never links.
    let link = phone
        .s()
        .create_link_invite(&relay.url, now_ms() + 600_000)
        .expect("link invite");
    assert!(link.starts_with("twofold:link:2:"), "{link}");
    assert!(mentor.s().accept_invite(&link, "Rosa", now_ms()).is_err());
    let pairing_invite = phone
        .s()
        .create_invite(&relay.url, now_ms() + 600_000)
        .expect("invite");
    assert!(tablet
        .s()
        .accept_link_invite(&pairing_invite, "Lena's tablet", now_ms())
        .is_err());
    // A device that is paired already cannot take the person's documents in place of its own.
    assert!(mentor
        .s()
        .accept_link_invite(&link, "Rosa", now_ms())
        .is_err());

    let pending = tablet
        .s()
        .accept_link_invite(&link, "Lena's tablet", now_ms())
        .expect("accept the link");
    assert!(pending.linked);
    settle(&[&tablet, &phone]).await;
    let request = phone
        .s()
        .peers()
        .expect("peers")
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("the link request arrived");
    assert!(
        request.linked,
        "the phone shows it as one of Lena's devices"
    );
    assert_eq!(pending.verification_code, "");
    assert_eq!(
        request.verification_code,
        shown_code(tablet.s(), &phone.s().device_id())
    );
    let tablet_id = request.id;
    phone.s().approve_pairing(&tablet_id).expect("approve");
    settle(&[&phone, &tablet, &mentor]).await;

    // The tablet now holds Lena's documents, under their ids, with what it had merged in.
    for kind in [
        DocKind::Plan,
        DocKind::Journal,
        DocKind::Contacts,
        DocKind::Schedule,
    ] {
        let id = phone.s().doc_id(kind).expect("doc");
        assert_eq!(tablet.s().doc_id(kind).expect("doc"), id, "{kind:?}");
        assert_eq!(
            tablet.s().doc_heads(&id).expect("heads"),
            phone.s().doc_heads(&id).expect("heads"),
            "{kind:?}"
        );
    }
    assert_eq!(strategies(tablet.s()), ["walk by the river"]);
    let both = ["phone: a calm day", "tablet: before the link"];
    assert_eq!(check_in_notes(phone.s()), both);
    assert_eq!(check_in_notes(tablet.s()), both);
    assert!(tablet.s().shared_with_me().expect("list").is_empty());
    assert!(tablet
        .s()
        .share(
            DocKind::Plan,
            &phone.s().device_id(),
            Access::Read,
            "x",
            None
        )
        .is_err());
    assert!(phone
        .s()
        .share(DocKind::Plan, &tablet_id, Access::Read, "x", None)
        .is_err());

    // A full writing device: its edits reach the phone and the mentor; hers reach both.
    tablet
        .s()
        .put(s::COPING_STRATEGIES, coping("call Rosa from the tablet"))
        .expect("tablet writes");
    let plan_id = phone.s().doc_id(DocKind::Plan).expect("plan");
    mentor
        .s()
        .shared_put(
            &plan_id,
            s::COPING_STRATEGIES,
            coping("Rosa: breathe, four counts"),
        )
        .expect("mentor writes");
    settle(&[&tablet, &mentor, &phone]).await;
    settle(&[&phone, &tablet, &mentor]).await;
    // The tablet's and the mentor's edits reached the phone's plan through the sync engine,
    // which keeps the home screen's read model in step (ADR 0021); the tablet's model named
    // its own documents before it adopted the phone's, and is rebuilt.
    let today = Day::parse("day", "2026-12-01").expect("day");
    assert!(phone.s().home_model_in_step().expect("model"));
    for device in [&phone, &tablet] {
        assert_eq!(
            device.s().home_screen(today).expect("home"),
            device.s().home_screen_from_documents(today).expect("docs")
        );
        assert!(device.s().home_model_in_step().expect("model"));
    }
    let all = [
        "Rosa: breathe, four counts",
        "call Rosa from the tablet",
        "walk by the river",
    ];
    assert_eq!(strategies(phone.s()), all);
    assert_eq!(strategies(tablet.s()), all);
    let mut seen: Vec<String> = mentor
        .s()
        .shared_list(&plan_id, s::COPING_STRATEGIES)
        .expect("mentor's copy")
        .into_iter()
        .map(|c| c.description)
        .collect();
    seen.sort();
    assert_eq!(seen, all);

    // The tablet cannot remove the phone; the phone removes the lost tablet.
    assert!(tablet.s().remove_device(&phone.s().device_id()).is_err());
    assert!(
        phone.s().remove_device(&rosa).is_err(),
        "Rosa is not Lena's device"
    );
    phone
        .s()
        .remove_device(&tablet_id)
        .expect("remove the tablet");
    assert!(phone
        .s()
        .peers()
        .expect("peers")
        .iter()
        .all(|p| p.id != tablet_id));
    // The tablet, offline, writes; the phone writes after the removal.
    tablet
        .s()
        .put(s::COPING_STRATEGIES, coping("TABLET-AFTER-REMOVAL"))
        .expect("tablet still writes locally");
    phone
        .s()
        .put(s::COPING_STRATEGIES, coping("PHONE-AFTER-REMOVAL"))
        .expect("phone writes");
    settle(&[&phone, &mentor]).await;
    settle(&[&tablet, &phone, &mentor]).await;
    settle(&[&tablet, &phone, &mentor]).await;

    let mentor_sees: Vec<String> = mentor
        .s()
        .shared_list(&plan_id, s::COPING_STRATEGIES)
        .expect("mentor's copy")
        .into_iter()
        .map(|c| c.description)
        .collect();
    assert!(mentor_sees.contains(&"PHONE-AFTER-REMOVAL".to_string()));
    assert!(!mentor_sees.contains(&"TABLET-AFTER-REMOVAL".to_string()));
    assert!(!strategies(phone.s()).contains(&"TABLET-AFTER-REMOVAL".to_string()));
    // Nothing new reached the tablet, and Lena's documents left it when it synced.
    assert!(
        strategies(tablet.s()).is_empty(),
        "{:?}",
        strategies(tablet.s())
    );
    assert!(check_in_notes(tablet.s()).is_empty());
    assert_ne!(tablet.s().doc_id(DocKind::Plan).expect("plan"), plan_id);
    // The tablet can say it was removed: the phone is listed, linked and declined.
    assert!(tablet
        .s()
        .peers()
        .expect("peers")
        .iter()
        .any(|p| p.linked && p.status == PeerStatus::Declined));
    tablet.s().checkpoint().expect("checkpoint");
    let pages = store_plaintext(&tablet.path, &tablet.key);
    assert!(!contains(&pages, b"PHONE-AFTER-REMOVAL"));
    assert!(!contains(&pages, b"walk by the river"));
    // The tablet works on as a device of its own.
    tablet
        .s()
        .put(s::COPING_STRATEGIES, coping("a fresh start"))
        .expect("write");
    assert_eq!(strategies(tablet.s()), ["a fresh start"]);
}
