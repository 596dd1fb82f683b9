//! Asking for help through the encrypted channel (ADR 0013) and the mentor's overview, with
//! real stores on disk, a real relay process on loopback and the core's sync client: the
//! request reaches the first person on the ladder live, walks down the ladder on "can't now"
//! and on silence (the store's clock moved, across a restart), is answered and closed; one
//! mentor sees three people sharing different things, one revoking, one asking for help.
//! The relay's files are scanned for the words and the place afterwards.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use twofold_core::sections as s;
use twofold_core::{
    Access, Attention, Contact, ContactRole, DocKind, Error, Interruption, ItemId, KeyId, NewSos,
    Phone, QuietHours, SosEvent, SosLocation, SosReply, SosState,
};
use twofold_testkit::RelayProcess;
use twofold_tests::dir_files::any_file_holds;
use twofold_tests::net_devices::{pair, settle, NetDevice};

const WORDS: &str = "CANARY-sos-words-qk52";
const NOTE: &str = "CANARY-mentor-note-hv18";
/// 52.520008, 13.404954 in millionths of a degree, as it would sit in a file.
const PLACE: SosLocation = SosLocation {
    lat_e6: 52_520_008,
    lon_e6: 13_404_954,
    accuracy_m: 25,
};
const WAIT: i64 = 5 * 60_000;

fn contact(id: &str, name: &str, order: u32) -> Contact {
    Contact {
        id: ItemId::parse("id", id).expect("id"),
        name: name.to_string(),
        roles: vec![ContactRole::Peer],
        phones: vec![Phone {
            label: "mobile".into(),
            number: format!("+4915100000{order}"),
        }],
        email: None,
        availability: String::new(),
        notes: String::new(),
        crisis_order: Some(order),
        do_not_involve: false,
    }
}

/// Collects a store's SOS events.
fn record(device: &NetDevice) -> (Arc<Mutex<Vec<SosEvent>>>, twofold_core::Subscription) {
    let seen: Arc<Mutex<Vec<SosEvent>>> = Arc::default();
    let sink = seen.clone();
    let sub = device.s().subscribe_sos(move |e| {
        sink.lock().expect("events").push(e.clone());
    });
    (seen, sub)
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn assert_relay_saw_nothing(dir: &Path) {
    for needle in [
        WORDS.as_bytes(),
        NOTE.as_bytes(),
        b"52520008",
        b"13404954",
        b"52.52",
        b"on_my_way",
        b"cant_now",
    ] {
        assert!(
            !any_file_holds(dir, needle),
            "the relay's files hold {}",
            String::from_utf8_lossy(needle)
        );
    }
}

/// Sam, with mentors Alex (first on the ladder) and Bea (second), paired through `url` and
/// linked to their contacts. Returns (sam, alex, bea, alex's id, bea's id) as Sam knows them.
async fn ladder_of_two(url: &str) -> (NetDevice, NetDevice, NetDevice, KeyId, KeyId) {
    let sam = NetDevice::new("Sam", url);
    let alex = NetDevice::new("Alex", url);
    let bea = NetDevice::new("Bea", url);
    let (alex_id, _) = pair(&sam, &alex).await.expect("pair Alex");
    let (bea_id, _) = pair(&sam, &bea).await.expect("pair Bea");
    sam.s()
        .put(s::CONTACTS, contact("alex", "Alex", 1))
        .expect("contact");
    sam.s()
        .put(s::CONTACTS, contact("bea", "Bea", 2))
        .expect("contact");
    let alex_c = ItemId::parse("id", "alex").expect("id");
    let bea_c = ItemId::parse("id", "bea").expect("id");
    sam.s()
        .link_sos_contact(&alex_c, Some(&alex_id))
        .expect("link");
    sam.s()
        .link_sos_contact(&bea_c, Some(&bea_id))
        .expect("link");
    assert_eq!(
        sam.s().sos_ladder().expect("ladder"),
        vec![(alex_c, alex_id), (bea_c, bea_id)]
    );
    (sam, alex, bea, alex_id, bea_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sos_reaches_the_ladder_live_walks_it_on_cant_now_and_on_silence_and_is_answered() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let (mut sam, alex, bea, alex_id, bea_id) = ladder_of_two(&relay.url).await;
    let sam_id = sam.s().device_id();

    // Nobody linked: the app falls back to the prepared SMS.
    let lonely = NetDevice::new("Lee", &relay.url);
    assert!(matches!(
        lonely.s().send_sos(NewSos {
            text: None,
            location: None,
            wait_ms: WAIT
        }),
        Err(Error::NotPaired)
    ));

    // 1. Alex is live: the request shows on his phone as soon as Sam's phone has sent it.
    let (alex_events, _alex_sub) = record(&alex);
    let (sam_events, _sam_sub) = record(&sam);
    let alex_live = alex.go_live().await;
    let first = sam
        .s()
        .send_sos(NewSos {
            text: Some(WORDS.to_string()),
            location: Some(PLACE),
            wait_ms: WAIT,
        })
        .expect("send");
    assert_eq!(first.state, SosState::Open);
    assert!(first.rungs[0].asked_at_ms.is_some() && first.rungs[1].asked_at_ms.is_none());
    assert_eq!(
        first.next_escalation_ms,
        first.rungs[0].asked_at_ms.map(|t| t + WAIT)
    );
    sam.sync().await;
    wait_until(
        "Alex's phone shows the request",
        Duration::from_secs(10),
        || {
            alex_events
                .lock()
                .expect("events")
                .contains(&SosEvent::Received {
                    from: sam_id,
                    sos_id: first.sos_id.clone(),
                })
        },
    )
    .await;
    let got = alex.s().sos_received().expect("received");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text.as_deref(), Some(WORDS));
    assert_eq!(got[0].location, Some(PLACE));
    assert_eq!((got[0].rung, got[0].answer_within_ms), (0, WAIT));
    assert_eq!(got[0].from_name, "Sam");
    assert!(
        sam.s().sos(&first.sos_id).expect("sos").rungs[0]
            .relayed_at_ms
            .is_some(),
        "the relay's acknowledgement is recorded"
    );
    // In the disclosure log: what went to whom, with the place.
    let log = sam.s().disclosure_log().expect("log");
    assert!(log.iter().any(|d| d.doc_id == first.sos_id
        && d.peer_id == alex_id
        && d.what == "sos_with_location"));
    // Bea was not asked yet.
    bea.sync().await;
    assert!(bea.s().sos_received().expect("received").is_empty());

    // 2. Alex can't: Bea is asked at once, without waiting for the timeout.
    alex.s()
        .answer_sos(&sam_id, &first.sos_id, SosReply::CantNow)
        .expect("answer");
    // Alex's live session pushes the answer; Sam's phone picks it up on its next sync.
    let deadline = Instant::now() + Duration::from_secs(10);
    while sam.s().sos(&first.sos_id).expect("sos").rungs[1]
        .asked_at_ms
        .is_none()
    {
        assert!(
            Instant::now() < deadline,
            "timed out waiting: Sam hears Alex can't"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        sam.sync().await;
    }
    assert!(sam_events
        .lock()
        .expect("events")
        .contains(&SosEvent::Replied {
            sos_id: first.sos_id.clone(),
            from: alex_id,
            reply: SosReply::CantNow,
        }));
    settle(&[&sam, &bea]).await;
    let at_bea = bea.s().sos_received().expect("received");
    assert_eq!(
        (at_bea.len(), at_bea[0].rung),
        (1, 1),
        "Bea is the second asked"
    );
    // Bea can't either: nobody is left, the app offers the SMS and the crisis lines.
    bea.s()
        .answer_sos(&sam_id, &first.sos_id, SosReply::CantNow)
        .expect("answer");
    settle(&[&bea, &sam]).await;
    assert_eq!(
        sam.s().sos(&first.sos_id).expect("sos").state,
        SosState::Exhausted
    );
    assert!(sam_events
        .lock()
        .expect("events")
        .contains(&SosEvent::Exhausted {
            sos_id: first.sos_id.clone()
        }));
    let sms = sam.s().help_draft(twofold_core::Lang::En).expect("sms");
    assert_eq!(
        sms.candidates.len(),
        2,
        "the prepared SMS still reaches both"
    );

    // 3. Silence: nobody answers in the time Sam chose, across a restart of Sam's app.
    let second = sam
        .s()
        .send_sos(NewSos {
            text: None,
            location: None,
            wait_ms: WAIT,
        })
        .expect("send");
    sam.sync().await;
    sam.close();
    sam.open();
    sam.advance_clock(WAIT - 1_000);
    assert!(sam.s().escalate_sos().expect("escalate").is_some());
    assert!(
        sam.s().sos(&second.sos_id).expect("sos").rungs[1]
            .asked_at_ms
            .is_none(),
        "not before the time is up"
    );
    sam.advance_clock(2_000);
    sam.sync().await; // sync walks the ladder before sending
    assert!(sam.s().sos(&second.sos_id).expect("sos").rungs[1]
        .asked_at_ms
        .is_some());
    bea.sync().await;
    assert!(bea
        .s()
        .sos_received()
        .expect("received")
        .iter()
        .any(|r| r.sos_id == second.sos_id && r.rung == 1 && r.text.is_none()));

    // 4. Bea is on her way; Sam sees it; Sam closes the request and both are told.
    bea.s()
        .answer_sos(&sam_id, &second.sos_id, SosReply::OnMyWay)
        .expect("answer");
    settle(&[&bea, &sam]).await;
    let answered = sam.s().sos(&second.sos_id).expect("sos");
    assert_eq!(answered.state, SosState::Answered);
    assert_eq!(answered.rungs[1].reply, Some(SosReply::OnMyWay));
    assert_eq!(answered.next_escalation_ms, None);
    sam.s().close_sos(&second.sos_id).expect("close");
    settle(&[&sam, &bea]).await;
    wait_until("Alex hears it is closed", Duration::from_secs(10), || {
        alex.s()
            .sos_received()
            .expect("received")
            .iter()
            .any(|r| r.sos_id == second.sos_id && r.closed)
    })
    .await;
    assert!(bea
        .s()
        .sos_received()
        .expect("received")
        .iter()
        .any(|r| r.sos_id == second.sos_id && r.closed));
    // An answer to a request nobody sent here is refused, not stored.
    assert!(alex
        .s()
        .answer_sos(&sam_id, &"0".repeat(32), SosReply::Calling)
        .is_err());
    let _ = bea_id;
    drop(alex_live);
    drop(relay);
    assert_relay_saw_nothing(relay_dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_mentor_sees_three_people_whoever_needs_attention_on_top() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), &[]);
    let mentor = NetDevice::new("Alex", &relay.url);
    let sam = NetDevice::new("Sam", &relay.url);
    let zoe = NetDevice::new("Zoe", &relay.url);
    let ann = NetDevice::new("Ann", &relay.url);
    let mut ids = Vec::new();
    for person in [&sam, &zoe, &ann] {
        let (mentor_id, _) = pair(person, &mentor).await.expect("pair");
        ids.push(mentor_id);
    }
    // Sam shares his plan and his wellbeing summary; Zoe her schedule; Ann her plan, then
    // takes it back.
    sam.s()
        .share(DocKind::Plan, &ids[0], Access::Read, "support", None)
        .expect("share");
    sam.s()
        .share(DocKind::Summary, &ids[0], Access::Read, "support", None)
        .expect("share");
    zoe.s()
        .share(DocKind::Schedule, &ids[1], Access::Read, "support", None)
        .expect("share");
    ann.s()
        .share(DocKind::Plan, &ids[2], Access::Read, "support", None)
        .expect("share");
    settle(&[&sam, &zoe, &ann, &mentor]).await;
    ann.s()
        .revoke_share(DocKind::Plan, &ids[2])
        .expect("revoke");
    // Zoe asks for help.
    zoe.s()
        .put(s::CONTACTS, contact("alex", "Alex", 1))
        .expect("contact");
    zoe.s()
        .link_sos_contact(&ItemId::parse("id", "alex").expect("id"), Some(&ids[1]))
        .expect("link");
    let sos = zoe
        .s()
        .send_sos(NewSos {
            text: Some(WORDS.into()),
            location: None,
            wait_ms: WAIT,
        })
        .expect("send");
    settle(&[&sam, &zoe, &ann, &mentor]).await;

    // The mentor's own note stays on the mentor's phone; quiet hours from an hour ago to an
    // hour from now (UTC: the mentor set no zone).
    mentor
        .s()
        .set_mentee_note(&ann.s().device_id(), NOTE)
        .expect("note");
    let minute = (mentor.s().now_ms() / 60_000).rem_euclid(24 * 60) as u16;
    mentor
        .s()
        .set_quiet_hours(Some(QuietHours {
            start_minute: (minute + 23 * 60) % (24 * 60),
            end_minute: (minute + 60) % (24 * 60),
        }))
        .expect("quiet");
    let view = mentor.s().mentor_view().expect("view");
    let order: Vec<(&str, Attention)> = view
        .mentees
        .iter()
        .map(|m| (m.name.as_str(), m.attention))
        .collect();
    assert_eq!(
        order,
        vec![
            ("Zoe", Attention::Sos),
            ("Sam", Attention::Calm),
            ("Ann", Attention::Ended)
        ]
    );
    let zoe_v = &view.mentees[0];
    assert_eq!(zoe_v.open_sos.len(), 1);
    assert_eq!(zoe_v.open_sos[0].sos_id, sos.sos_id);
    assert_eq!(
        zoe_v.shared.iter().map(|d| d.kind).collect::<Vec<_>>(),
        vec![DocKind::Schedule]
    );
    let sam_v = &view.mentees[1];
    let mut kinds: Vec<DocKind> = sam_v.shared.iter().map(|d| d.kind).collect();
    kinds.sort();
    assert_eq!(kinds, vec![DocKind::Plan, DocKind::Summary]);
    assert!(
        sam_v.last_heard_ms.is_some(),
        "when Sam was last heard from"
    );
    let ann_v = &view.mentees[2];
    assert!(
        ann_v.shared.iter().all(|d| d.access.is_none()),
        "Ann's share ended"
    );
    assert_eq!(ann_v.note, NOTE);
    // Quiet hours: nothing interrupts the mentor but a request for help.
    assert!(view.quiet_now);
    assert!(mentor.s().should_interrupt(Interruption::Sos).expect("sos"));
    assert!(!mentor
        .s()
        .should_interrupt(Interruption::Alert)
        .expect("alert"));
    assert!(!mentor
        .s()
        .should_interrupt(Interruption::Update)
        .expect("update"));
    // A week of silence from Sam moves him above the calm.
    mentor.advance_clock(7 * 24 * 60 * 60_000);
    let later = mentor.s().mentor_view().expect("view");
    assert_eq!(later.mentees[1].attention, Attention::Silent);
    // Once Zoe closes her request, she is no longer on top.
    zoe.s().close_sos(&sos.sos_id).expect("close");
    settle(&[&zoe, &mentor]).await;
    let after = mentor.s().mentor_view().expect("view");
    assert_eq!(after.mentees[0].name, "Sam");
    drop(relay);
    assert_relay_saw_nothing(relay_dir.path());
}
