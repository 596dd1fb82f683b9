//! Peers learn of the person's devices (ADR 0012), end to end through a real relay process:
//! Lena's phone introduces her linked tablet to her mentors. Rosa's notes and suggestions
//! reach the tablet as they reach the phone, a mentor paired after the linking is introduced
//! too, an SOS from the tablet reaches the mentor on her ladder and shows as Lena's; a pairing
//! ended on the phone ends on the tablet, and once the phone removes the tablet the mentors
//! give it nothing new and it deletes what they gave it.

use std::collections::BTreeSet;

use twofold_core::sections as s;
use twofold_core::{
    Access, Attention, Contact, ContactRole, DocKind, ItemId, KeyId, NewSos, PeerStatus, Phone,
    SosReply, Twofold,
};
use twofold_testkit::RelayProcess;
use twofold_tests::mem_devices::coping;
use twofold_tests::net_devices::{link, pair, settle, NetDevice};
use twofold_tests::sqlcipher_pages::{contains, store_plaintext};

const LATE_NOTE: &str = "CANARY-after-removal-note-u7";

fn contact(id: &str, name: &str) -> Contact {
    Contact {
        id: ItemId::parse("id", id).expect("id"),
        name: name.to_string(),
        roles: vec![ContactRole::Peer],
        phones: vec![Phone {
            label: "mobile".into(),
            number: "+491510000001".into(),
        }],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: Some(1),
        do_not_involve: false,
    }
}

fn notes_from(store: &Twofold) -> BTreeSet<(String, String)> {
    store
        .mentor_notes()
        .expect("notes")
        .into_iter()
        .map(|n| (n.from_name, n.note.text))
        .collect()
}

fn paired_names(store: &Twofold) -> BTreeSet<String> {
    store
        .peers()
        .expect("peers")
        .into_iter()
        .filter(|p| p.status == PeerStatus::Paired && !p.linked)
        .map(|p| p.display_name)
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_tablet_is_introduced_to_the_persons_mentors_and_leaves_them_when_removed() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let phone = NetDevice::new("Lena", &relay.url);
    let rosa = NetDevice::new("Rosa", &relay.url);
    let sam = NetDevice::new("Sam", &relay.url);
    let tablet = NetDevice::new("Lena's tablet", &relay.url);
    let lena = phone.s().device_id();

    // Rosa mentors Lena before the tablet exists; her first note is on the phone already.
    let (rosa_id, _) = pair(&phone, &rosa).await.expect("pair Rosa");
    rosa.s()
        .add_mentor_note(&lena, "before the tablet")
        .expect("note");
    phone
        .s()
        .put(s::CONTACTS, contact("rosa", "Rosa"))
        .expect("contact");
    let rosa_contact = ItemId::parse("id", "rosa").expect("id");
    phone
        .s()
        .link_sos_contact(&rosa_contact, Some(&rosa_id))
        .expect("ladder");
    settle(&[&phone, &rosa]).await;

    let tablet_id = link(&phone, &tablet).await.expect("link");
    settle(&[&phone, &rosa, &tablet]).await;
    settle(&[&rosa, &tablet, &phone]).await;

    // The tablet knows Rosa as Lena's mentor; Rosa does not list the tablet as someone new.
    assert_eq!(
        paired_names(tablet.s()),
        BTreeSet::from(["Rosa".to_string()])
    );
    assert_eq!(paired_names(rosa.s()), BTreeSet::from(["Lena".to_string()]));
    // Rosa's notes reach the tablet: the one from before the link, and a new one.
    assert_eq!(
        notes_from(tablet.s()),
        set(&[("Rosa", "before the tablet")])
    );
    rosa.s()
        .add_mentor_note(&lena, "after the tablet")
        .expect("note");
    rosa.s()
        .suggest(&lena, s::COPING_STRATEGIES, coping("cold water"), "try it")
        .expect("suggest");
    settle(&[&rosa, &phone, &tablet]).await;
    let both = set(&[("Rosa", "before the tablet"), ("Rosa", "after the tablet")]);
    assert_eq!(notes_from(phone.s()), both);
    assert_eq!(notes_from(tablet.s()), both);
    // Accepting on the tablet: the plan gets it, and Rosa sees the decision.
    let offered = tablet.s().suggestions().expect("suggestions");
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].from_name, "Rosa");
    tablet
        .s()
        .accept_suggestion(&offered[0].notes_doc_id, &offered[0].suggestion.id)
        .expect("accept on the tablet");
    settle(&[&tablet, &phone, &rosa]).await;
    settle(&[&rosa, &phone, &tablet]).await;
    let decided = rosa.s().suggestions_for(&lena).expect("suggestions");
    assert!(decided[0].decided_at_ms.is_some(), "{decided:?}");

    // A request for help from the tablet reaches Rosa, as Lena's; her answer reaches it.
    assert_eq!(
        tablet.s().sos_ladder().expect("ladder").len(),
        1,
        "the phone's ladder came with the pairing"
    );
    let sent = tablet
        .s()
        .send_sos(NewSos {
            text: None,
            location: None,
            wait_ms: 300_000,
        })
        .expect("SOS from the tablet");
    settle(&[&tablet, &rosa]).await;
    let received = rosa.s().sos_received().expect("received");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from_name, "Lena");
    let view = rosa.s().mentor_view().expect("view");
    assert_eq!(view.mentees.len(), 1, "the tablet is not a second person");
    assert_eq!(view.mentees[0].peer, lena);
    assert_eq!(view.mentees[0].attention, Attention::Sos);
    rosa.s()
        .answer_sos(&received[0].from, &received[0].sos_id, SosReply::OnMyWay)
        .expect("answer");
    settle(&[&rosa, &tablet]).await;
    let answered = tablet.s().sos(&sent.sos_id).expect("sos");
    assert!(
        answered
            .rungs
            .iter()
            .any(|r| r.reply == Some(SosReply::OnMyWay)),
        "{answered:?}"
    );

    // A mentor paired after the linking is introduced too; unpaired on the phone, gone here.
    let (sam_id, _) = pair(&phone, &sam).await.expect("pair Sam");
    sam.s().add_mentor_note(&lena, "Sam here").expect("note");
    settle(&[&sam, &phone, &tablet]).await;
    settle(&[&sam, &phone, &tablet]).await;
    assert!(notes_from(tablet.s()).contains(&("Sam".into(), "Sam here".into())));
    assert!(tablet.s().unpair(&sam_id).is_err(), "unpaired on the phone");
    assert!(rosa.s().unpair(&tablet_id).is_err(), "not Rosa's pairing");
    phone.s().unpair(&sam_id).expect("unpair Sam");
    settle(&[&phone, &tablet, &sam]).await;
    settle(&[&sam, &tablet]).await;
    assert_eq!(
        paired_names(tablet.s()),
        BTreeSet::from(["Rosa".to_string()])
    );
    assert!(sam
        .s()
        .peers()
        .expect("peers")
        .iter()
        .all(|p| p.id != tablet_id));

    // The tablet is lost: removed on the phone, Rosa gives it nothing new, and what she gave
    // it is deleted when it next syncs.
    phone.s().remove_device(&tablet_id).expect("remove");
    settle(&[&phone, &rosa]).await;
    settle(&[&rosa, &phone]).await;
    rosa.s().add_mentor_note(&lena, LATE_NOTE).expect("note");
    settle(&[&rosa, &phone]).await;
    settle(&[&tablet, &rosa, &phone]).await;
    settle(&[&tablet, &rosa, &phone]).await;
    assert!(notes_from(phone.s()).contains(&("Rosa".into(), LATE_NOTE.into())));
    assert!(
        notes_from(tablet.s()).is_empty(),
        "{:?}",
        notes_from(tablet.s())
    );
    tablet.s().checkpoint().expect("checkpoint");
    let pages = store_plaintext(&tablet.path, &tablet.key);
    assert!(!contains(&pages, LATE_NOTE.as_bytes()));
    assert!(!contains(&pages, b"after the tablet"));
    let before = rosa.s().sos_received().expect("received").len();
    let _ = tablet.s().send_sos(NewSos {
        text: None,
        location: None,
        wait_ms: 300_000,
    });
    settle(&[&tablet, &rosa]).await;
    assert_eq!(rosa.s().sos_received().expect("received").len(), before);
    let _: KeyId = rosa_id;
}

/// The plan's strategies as `store` has them: its own plan, or the one shared with it.
fn plan_strategies(store: &Twofold, plan: &str) -> BTreeSet<String> {
    let own = store.doc_id(DocKind::Plan).expect("plan") == plan;
    let items = if own {
        store.list(s::COPING_STRATEGIES)
    } else {
        store.shared_list(plan, s::COPING_STRATEGIES)
    };
    items
        .expect("plan")
        .into_iter()
        .map(|c| c.description)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_tablet_takes_the_place_of_the_lost_phone_and_the_phone_gets_nothing_new() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let phone = NetDevice::new("Lena", &relay.url);
    let rosa = NetDevice::new("Rosa", &relay.url);
    let tablet = NetDevice::new("Lena's tablet", &relay.url);
    let lena = phone.s().device_id();

    let (rosa_id, _) = pair(&phone, &rosa).await.expect("pair Rosa");
    phone
        .s()
        .put(s::COPING_STRATEGIES, coping("walk by the river"))
        .expect("put");
    phone
        .s()
        .share(DocKind::Plan, &rosa_id, Access::Write, "support", None)
        .expect("share");
    let plan = phone.s().doc_id(DocKind::Plan).expect("plan");
    settle(&[&phone, &rosa]).await;
    // Nothing to take over with before the phone has handed it over.
    assert!(tablet.s().take_over_from_lost_device(&lena).is_err());
    link(&phone, &tablet).await.expect("link");
    settle(&[&phone, &rosa, &tablet]).await;
    settle(&[&rosa, &tablet, &phone]).await;
    assert!(tablet.s().take_over_from_lost_device(&rosa_id).is_err());

    // The phone is lost. What it writes from now on reaches nobody.
    tablet
        .s()
        .take_over_from_lost_device(&lena)
        .expect("take over");
    phone
        .s()
        .put(s::COPING_STRATEGIES, coping("THIEF-on-the-lost-phone"))
        .expect("the lost phone writes");
    settle(&[&tablet, &rosa]).await;
    settle(&[&rosa, &tablet]).await;
    settle(&[&phone, &rosa, &tablet]).await;
    settle(&[&rosa, &tablet, &phone]).await;

    // Rosa sees one person, Lena, on the tablet now; the plan is the same document.
    let tablet_id = tablet.s().device_id();
    let view = rosa.s().mentor_view().expect("view");
    assert_eq!(view.mentees.len(), 1, "{view:?}");
    assert_eq!(view.mentees[0].peer, tablet_id);
    assert_eq!(view.mentees[0].name, "Lena");
    assert!(plan_strategies(rosa.s(), &plan).contains("walk by the river"));
    assert!(!plan_strategies(rosa.s(), &plan).contains("THIEF-on-the-lost-phone"));
    // Both keep writing to each other.
    tablet
        .s()
        .put(s::COPING_STRATEGIES, coping("from the tablet, as Lena"))
        .expect("tablet writes");
    rosa.s()
        .shared_put(&plan, s::COPING_STRATEGIES, coping("Rosa, after"))
        .expect("Rosa writes");
    rosa.s()
        .add_mentor_note(&tablet_id, "CANARY-after-takeover-k3")
        .expect("note");
    settle(&[&tablet, &rosa, &phone]).await;
    settle(&[&rosa, &tablet, &phone]).await;
    let tablet_sees = plan_strategies(tablet.s(), &plan);
    assert!(tablet_sees.contains("Rosa, after"), "{tablet_sees:?}");
    assert!(!tablet_sees.contains("THIEF-on-the-lost-phone"));
    assert!(plan_strategies(rosa.s(), &plan).contains("from the tablet, as Lena"));
    assert!(notes_from(tablet.s()).contains(&("Rosa".into(), "CANARY-after-takeover-k3".into())));
    // The tablet is the owner now: it holds the consent record and can end it.
    let shares = tablet.s().shares().expect("shares");
    assert!(
        shares
            .iter()
            .any(|s| s.peer == rosa_id && s.ended_at_ms.is_none() && s.kind == DocKind::Plan),
        "{shares:?}"
    );
    // The lost phone got nothing new.
    let phone_sees = plan_strategies(phone.s(), &plan);
    assert!(!phone_sees.contains("Rosa, after"), "{phone_sees:?}");
    assert!(!phone_sees.contains("from the tablet, as Lena"));
    phone.s().checkpoint().expect("checkpoint");
    let pages = store_plaintext(&phone.path, &phone.key);
    assert!(!contains(&pages, b"CANARY-after-takeover-k3"));
    tablet
        .s()
        .revoke_share(DocKind::Plan, &rosa_id)
        .expect("the tablet revokes");
}
