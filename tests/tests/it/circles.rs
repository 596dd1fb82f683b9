//! Peer circles (ADR 0019), end to end through a real relay process: Sam hosts a circle of
//! five; each member joins with a circle invite and the code comparison; members post while
//! offline and every copy ends with the same messages in the same order; a removal, a
//! co-host's removal request and a leave each start a new epoch, after which the member gets
//! nothing new; a removed member re-joins with a new invite; none of the circle's words, nor
//! anything of the host's own plan, is found in a relay file or a member's store.

use twofold_core::sections as s;
use twofold_core::{Access, CircleRole, DocKind, KeyId, Twofold};
use twofold_testkit::RelayProcess;
use twofold_tests::dir_files::any_file_holds;
use twofold_tests::mem_devices::coping;
use twofold_tests::net_devices::{link, now_ms, pair, settle, shown_code, NetDevice};
use twofold_tests::sqlcipher_pages::{contains, store_plaintext};

const ONE_ADDRESS_FOR_MANY_PHONES: &[&str] = &[
    "--ip-rate",
    "1000",
    "--ip-burst",
    "10000",
    "--streams-per-ip-per-hour",
    "100000",
];

/// Invites `member` to `circle` under `name`, compares the codes and approves on the host.
async fn join(host: &NetDevice, circle: &str, member: &NetDevice, name: &str) -> KeyId {
    let invite = host
        .s()
        .create_circle_invite(circle, &host.relay_url, now_ms() + 600_000)
        .expect("circle invite");
    assert!(invite.starts_with("twofold:circle:2:"), "{invite}");
    let pending = member
        .s()
        .accept_circle_invite(&invite, name, now_ms())
        .expect("accept");
    settle(&[member, host]).await;
    let requests = host.s().circle_join_requests(circle).expect("requests");
    assert_eq!(requests.len(), 1, "one request waits for {name}");
    assert_eq!(pending.verification_code, "");
    assert_eq!(
        requests[0].verification_code,
        shown_code(member.s(), &host.s().device_id())
    );
    host.s().approve_pairing(&requests[0].id).expect("approve");
    settle(&[host, member]).await;
    requests[0].id
}

fn texts(store: &Twofold, circle: &str) -> Vec<String> {
    store
        .circle(circle)
        .expect("circle")
        .messages
        .into_iter()
        .map(|m| m.text)
        .collect()
}

fn ids(store: &Twofold, circle: &str) -> Vec<String> {
    store
        .circle(circle)
        .expect("circle")
        .messages
        .into_iter()
        .map(|m| m.id.as_str().to_string())
        .collect()
}

fn member_names(store: &Twofold, circle: &str) -> Vec<String> {
    let mut names: Vec<String> = store
        .circle(circle)
        .expect("circle")
        .members
        .into_iter()
        .map(|m| m.name)
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_circle_of_five_merges_offline_posts_and_a_removed_member_gets_nothing_new() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    // Six phones behind one loopback address: the relay's per-address limits are for many
    // phones' worth of requests here.
    let relay = RelayProcess::sqlite(relay_dir.path(), ONE_ADDRESS_FOR_MANY_PHONES);
    let sam = NetDevice::new("Samantha Jones", &relay.url);
    let anna = NetDevice::new("Anna Keller", &relay.url);
    let ben = NetDevice::new("Ben", &relay.url);
    let cara = NetDevice::new("Cara", &relay.url);
    let dev = NetDevice::new("Dev", &relay.url);
    let mentor = NetDevice::new("Rosa", &relay.url);
    // Sam's own plan, shared with her mentor: none of it may reach the circle.
    sam.s()
        .put(s::COPING_STRATEGIES, coping("PLAN-CANARY-river-walk"))
        .expect("plan");
    let (rosa, _) = pair(&sam, &mentor).await.expect("pair");
    sam.s()
        .share(DocKind::Plan, &rosa, Access::Read, "support", None)
        .expect("share");

    let circle = sam
        .s()
        .create_circle("CIRCLE-NAME-Tuesday DRA", "Sam")
        .expect("create");
    sam.s()
        .set_circle_guidelines(&circle, "What is said here stays here.")
        .expect("guidelines");
    // A circle invite is no pairing invite, and the other way round.
    let invite = sam
        .s()
        .create_circle_invite(&circle, &relay.url, now_ms() + 600_000)
        .expect("invite");
    assert!(anna.s().accept_invite(&invite, "Anna", now_ms()).is_err());
    assert!(anna
        .s()
        .accept_link_invite(&invite, "Anna", now_ms())
        .is_err());
    let pairing = sam
        .s()
        .create_invite(&relay.url, now_ms() + 600_000)
        .expect("pairing invite");
    assert!(anna
        .s()
        .accept_circle_invite(&pairing, "Anna", now_ms())
        .is_err());

    let anna_id = join(&sam, &circle, &anna, "MEMBER-NAME-Anna K").await;
    let ben_id = join(&sam, &circle, &ben, "Ben").await;
    let cara_id = join(&sam, &circle, &cara, "Cara").await;
    let dev_id = join(&sam, &circle, &dev, "Dev").await;
    let all = [&sam, &anna, &ben, &cara, &dev];
    settle(&all).await;
    for d in all {
        assert_eq!(
            member_names(d.s(), &circle),
            ["Ben", "Cara", "Dev", "MEMBER-NAME-Anna K", "Sam"]
        );
        assert_eq!(
            d.s().circle(&circle).expect("circle").guidelines,
            "What is said here stays here."
        );
    }
    // Circle members are nobody's mentor or peer supporter: not in the people list, not in
    // the mentor's overview, and the person's own documents cannot be shared with them.
    assert_eq!(
        sam.s()
            .peers()
            .expect("peers")
            .into_iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [rosa]
    );
    assert!(anna.s().peers().expect("peers").is_empty());
    assert!(anna.s().shared_with_me().expect("shared").is_empty());
    assert!(anna.s().mentor_view().expect("view").mentees.is_empty());
    assert!(sam
        .s()
        .share(DocKind::Journal, &anna_id, Access::Read, "x", None)
        .is_err());

    // Offline: three members post, one sets a status, one reacts; nobody syncs meanwhile.
    let first = anna
        .s()
        .post_circle_message(&circle, "MSG-CANARY anna one", None)
        .expect("post");
    ben.s()
        .post_circle_message(&circle, "MSG-CANARY ben one", None)
        .expect("post");
    cara.s()
        .post_circle_message(&circle, "MSG-CANARY cara one", None)
        .expect("post");
    anna.s()
        .post_circle_message(&circle, "MSG-CANARY anna two", None)
        .expect("post");
    dev.s()
        .set_circle_status(&circle, "STATUS-CANARY shaky but here", "#d98c3a")
        .expect("status");
    settle(&all).await;
    settle(&all).await;
    let order = ids(sam.s(), &circle);
    assert_eq!(order.len(), 4);
    for d in all {
        assert_eq!(ids(d.s(), &circle), order, "one order on every copy");
        assert_eq!(
            d.s().doc_heads(&circle).expect("heads"),
            sam.s().doc_heads(&circle).expect("heads")
        );
        let view = d.s().circle(&circle).expect("circle");
        assert_eq!(view.statuses.len(), 1);
        assert_eq!(view.statuses[0].member, dev_id);
        let m = view.messages.iter().find(|m| m.id == first).expect("first");
        assert_eq!(m.author, anna_id);
    }
    let mut sorted = texts(sam.s(), &circle);
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "MSG-CANARY anna one",
            "MSG-CANARY anna two",
            "MSG-CANARY ben one",
            "MSG-CANARY cara one"
        ]
    );

    // A reply to a message this device has; one it has not seen is refused.
    let reply = cara
        .s()
        .post_circle_message(&circle, "MSG-CANARY cara replies", Some(&first))
        .expect("reply");
    sam.s()
        .react_in_circle(&circle, &first, Some("💛"))
        .expect("react");
    settle(&[&cara, &sam, &anna]).await;
    let seen = anna.s().circle(&circle).expect("circle");
    let got = seen.messages.iter().find(|m| m.id == reply).expect("reply");
    assert_eq!(got.reply_to.as_ref(), Some(&first));
    let reacted = seen.messages.iter().find(|m| m.id == first).expect("first");
    assert_eq!(reacted.reactions.len(), 1);
    assert_eq!(reacted.reactions[0].member, sam.s().device_id());

    // Sam removes Ben: a new epoch without him.
    sam.s()
        .remove_circle_member(&circle, &ben_id)
        .expect("remove");
    settle(&all).await;
    sam.s()
        .post_circle_message(&circle, "AFTER-BEN-host", None)
        .expect("post");
    anna.s()
        .post_circle_message(&circle, "AFTER-BEN-anna", None)
        .expect("post");
    assert!(ben
        .s()
        .post_circle_message(&circle, "BEN-AFTER-REMOVAL", None)
        .is_err());
    settle(&all).await;
    settle(&all).await;
    let ben_view = ben.s().circle(&circle).expect("Ben keeps what he had");
    assert!(!ben_view.summary.active);
    assert_eq!(ben_view.summary.my_role, None);
    assert!(ben_view
        .messages
        .iter()
        .all(|m| !m.text.starts_with("AFTER-BEN")));
    assert!(texts(cara.s(), &circle).contains(&"AFTER-BEN-anna".to_string()));
    assert!(!member_names(anna.s(), &circle).contains(&"Ben".to_string()));
    ben.s().checkpoint().expect("checkpoint");
    assert!(!contains(
        &store_plaintext(&ben.path, &ben.key),
        b"AFTER-BEN-host"
    ));

    // Sam names Anna co-host; Anna asks to remove Cara; Sam's device enacts it on its sync.
    sam.s()
        .set_circle_role(&circle, &anna_id, CircleRole::CoHost)
        .expect("co-host");
    settle(&[&sam, &anna]).await;
    assert!(dev.s().remove_circle_member(&circle, &cara_id).is_err());
    anna.s()
        .remove_circle_member(&circle, &cara_id)
        .expect("request");
    // Dev leaves.
    dev.s().leave_circle(&circle).expect("leave");
    assert!(dev.s().circles().expect("circles").is_empty());
    settle(&[&anna, &dev, &sam]).await;
    settle(&[&sam, &anna, &cara, &dev]).await;
    assert_eq!(
        member_names(sam.s(), &circle),
        ["MEMBER-NAME-Anna K", "Sam"]
    );
    sam.s()
        .post_circle_message(&circle, "AFTER-CARA-AND-DEV", None)
        .expect("post");
    settle(&[&sam, &anna, &cara, &dev]).await;
    for gone in [&cara, &dev] {
        assert!(!texts(gone.s(), &circle).contains(&"AFTER-CARA-AND-DEV".to_string()));
    }
    assert!(texts(anna.s(), &circle).contains(&"AFTER-CARA-AND-DEV".to_string()));

    // Ben joins again with a new invite; he gets the circle as it is now and writes again.
    let ben_again = join(&sam, &circle, &ben, "Ben").await;
    assert_eq!(ben_again, ben_id);
    settle(&[&sam, &anna, &ben]).await;
    assert!(texts(ben.s(), &circle).contains(&"AFTER-CARA-AND-DEV".to_string()));
    assert!(ben.s().circle(&circle).expect("circle").summary.active);
    ben.s()
        .post_circle_message(&circle, "BEN-IS-BACK", None)
        .expect("post");
    settle(&[&ben, &sam, &anna]).await;
    settle(&[&ben, &sam, &anna]).await;
    assert!(texts(anna.s(), &circle).contains(&"BEN-IS-BACK".to_string()));

    // A second circle with the same host: Anna, paired with Sam only for circles, pairs
    // again for it; the first circle goes on over the new channel.
    let second = sam
        .s()
        .create_circle("Thursday women's group", "Sam")
        .expect("second circle");
    join(&sam, &second, &anna, "Anna").await;
    settle(&[&sam, &anna]).await;
    anna.s()
        .post_circle_message(&circle, "ANNA-IN-THE-FIRST-AGAIN", None)
        .expect("post in the first");
    anna.s()
        .post_circle_message(&second, "ANNA-IN-THE-SECOND", None)
        .expect("post in the second");
    settle(&[&anna, &sam, &ben]).await;
    assert!(texts(sam.s(), &circle).contains(&"ANNA-IN-THE-FIRST-AGAIN".to_string()));
    assert!(texts(ben.s(), &circle).contains(&"ANNA-IN-THE-FIRST-AGAIN".to_string()));
    assert!(texts(sam.s(), &second).contains(&"ANNA-IN-THE-SECOND".to_string()));
    assert_eq!(anna.s().circles().expect("circles").len(), 2);
    assert!(anna.s().peers().expect("peers").is_empty());

    // The relay holds ciphertext only: no message, status, name, or the host's plan.
    for canary in [
        &b"MSG-CANARY"[..],
        b"STATUS-CANARY",
        b"MEMBER-NAME",
        b"CIRCLE-NAME",
        b"PLAN-CANARY",
        b"AFTER-BEN",
        b"BEN-IS-BACK",
    ] {
        assert!(
            !any_file_holds(relay_dir.path(), canary),
            "{}",
            String::from_utf8_lossy(canary)
        );
    }
    // And the host's own plan reached no member.
    for d in [&anna, &ben, &cara, &dev] {
        d.s().checkpoint().expect("checkpoint");
        assert!(!contains(&store_plaintext(&d.path, &d.key), b"PLAN-CANARY"));
    }
}

/// Lets every refusal through: after a removal the removed devices' late writes are refused
/// (`not_allowed`, `stale_epoch`), which `settle` would also allow; this only syncs rounds.
async fn rounds(n: usize, devices: &[&NetDevice]) {
    for _ in 0..n {
        for d in devices {
            let r = d.sync().await;
            assert!(r.interrupted.is_none(), "sync interrupted: {r:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_linked_tablet_gets_the_circle_posts_as_her_and_leaves_with_her() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), ONE_ADDRESS_FOR_MANY_PHONES);
    let sam = NetDevice::new("Samantha Jones", &relay.url);
    let anna = NetDevice::new("Anna Keller", &relay.url);
    let tablet = NetDevice::new("Anna's tablet", &relay.url);
    let ben = NetDevice::new("Ben", &relay.url);
    let sams_tablet = NetDevice::new("Sam's tablet", &relay.url);
    // The host has a tablet too: it gets her circles as the host.
    link(&sam, &sams_tablet).await.expect("link Sam's tablet");
    let sam_id = sam.s().device_id();
    let circle = sam
        .s()
        .create_circle("CIRCLE-NAME-Tuesday DRA", "Sam")
        .expect("create");
    let anna_id = join(&sam, &circle, &anna, "MEMBER-NAME-Anna K").await;
    join(&sam, &circle, &ben, "Ben").await;
    sam.s()
        .post_circle_message(&circle, "MSG-CANARY before the tablet", None)
        .expect("post");
    // A second circle with Anna: her pairing with Sam outlives her removal from the first,
    // so that removal alone must end her tablet's share of it.
    let second = sam
        .s()
        .create_circle("CIRCLE-NAME-Thursday", "Sam")
        .expect("create");
    join(&sam, &second, &anna, "MEMBER-NAME-Anna").await;

    // Anna links her tablet after joining: her phone introduces it to the circle's host.
    let tablet_id = link(&anna, &tablet).await.expect("link");
    let all = [&sam, &anna, &tablet, &ben, &sams_tablet];
    settle(&all).await;
    settle(&all).await;

    // The tablet has the circle, as Anna: same member, same role, what was said before.
    let circles = tablet.s().circles().expect("circles");
    assert_eq!(circles.len(), 2, "{circles:?}");
    for c in &circles {
        assert!(c.active);
        assert_eq!(c.my_role, Some(CircleRole::Member));
    }
    let view = tablet.s().circle(&circle).expect("circle");
    let me: Vec<_> = view.members.iter().filter(|m| m.is_me).collect();
    assert_eq!(me.len(), 1);
    assert_eq!(me[0].id, anna_id);
    assert_eq!(me[0].name, "MEMBER-NAME-Anna K");
    assert!(texts(tablet.s(), &circle).contains(&"MSG-CANARY before the tablet".to_string()));
    // Nobody sees the tablet as a new member; the host is not among the tablet's people,
    // nor the tablet among the host's.
    for d in all {
        assert_eq!(
            member_names(d.s(), &circle),
            ["Ben", "MEMBER-NAME-Anna K", "Sam"]
        );
    }
    let people = |d: &NetDevice| -> Vec<KeyId> {
        d.s()
            .peers()
            .expect("peers")
            .into_iter()
            .filter(|p| !p.linked)
            .map(|p| p.id)
            .collect()
    };
    assert!(people(&tablet).is_empty());
    assert!(people(&anna).is_empty());
    assert!(people(&sam).is_empty());
    assert!(tablet.s().mentor_view().expect("view").mentees.is_empty());
    assert!(sam
        .s()
        .share(DocKind::Journal, &tablet_id, Access::Read, "x", None)
        .is_err());

    // Sam's tablet holds both circles as the host, but lets nobody in: that is the phone's.
    let hosts = sams_tablet.s().circles().expect("circles");
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    assert!(hosts
        .iter()
        .all(|c| c.my_role == Some(CircleRole::Host) && c.active));
    assert!(sams_tablet
        .s()
        .create_circle_invite(&circle, &relay.url, now_ms() + 600_000)
        .is_err());
    assert!(sams_tablet.s().leave_circle(&circle).is_err());
    let from_sams_tablet = sams_tablet
        .s()
        .post_circle_message(&circle, "MSG-CANARY from the host's tablet", None)
        .expect("post from the host's tablet");

    // The tablet posts, reacts and sets a status: each counts as Anna's everywhere.
    let from_tablet = tablet
        .s()
        .post_circle_message(&circle, "MSG-CANARY from the tablet", None)
        .expect("post from the tablet");
    tablet
        .s()
        .set_circle_status(&circle, "STATUS-CANARY on the sofa", "#3a7bd5")
        .expect("status from the tablet");
    settle(&all).await;
    settle(&all).await;
    for d in all {
        let view = d.s().circle(&circle).expect("circle");
        let m = view
            .messages
            .iter()
            .find(|m| m.id == from_tablet)
            .expect("the tablet's message arrived");
        assert_eq!(m.author, anna_id);
        assert_eq!(m.author_name, "MEMBER-NAME-Anna K");
        let h = view
            .messages
            .iter()
            .find(|m| m.id == from_sams_tablet)
            .expect("the host's tablet's message arrived");
        assert_eq!((h.author, h.author_name.as_str()), (sam_id, "Sam"));
        assert_eq!(view.statuses.len(), 1);
        assert_eq!(view.statuses[0].member, anna_id);
        assert_eq!(view.statuses[0].words, "STATUS-CANARY on the sofa");
    }
    // Anna's phone hides the tablet's message for everyone: it is hers.
    anna.s()
        .hide_circle_message_for_everyone(&circle, &from_tablet)
        .expect("hide her own");
    // Ben's post reaches the tablet; the tablet reacts to it as Anna.
    let from_ben = ben
        .s()
        .post_circle_message(&circle, "MSG-CANARY ben to all", None)
        .expect("post");
    settle(&all).await;
    tablet
        .s()
        .react_in_circle(&circle, &from_ben, Some("💛"))
        .expect("react");
    settle(&all).await;
    let seen = ben.s().circle(&circle).expect("circle");
    let reacted = seen
        .messages
        .iter()
        .find(|m| m.id == from_ben)
        .expect("ben's");
    assert_eq!(reacted.reactions.len(), 1);
    assert_eq!(reacted.reactions[0].member, anna_id);
    assert!(
        seen.messages
            .iter()
            .find(|m| m.id == from_tablet)
            .expect("tablet's")
            .hidden
    );

    // Sam removes Anna from her tablet; her phone, the host's device, enacts it: both of
    // Anna's devices are out, and nothing new reaches either.
    sams_tablet
        .s()
        .remove_circle_member(&circle, &anna_id)
        .expect("remove, asked on the host's tablet");
    rounds(3, &[&sams_tablet, &sam]).await;
    rounds(3, &all).await;
    sam.s()
        .post_circle_message(&circle, "AFTER-ANNA-host", None)
        .expect("post");
    ben.s()
        .post_circle_message(&circle, "AFTER-ANNA-ben", None)
        .expect("post");
    for d in [&anna, &tablet] {
        assert!(d
            .s()
            .post_circle_message(&circle, "ANNA-AFTER-REMOVAL", None)
            .is_err());
    }
    sam.s()
        .post_circle_message(&second, "MSG-CANARY still in the second", None)
        .expect("post");
    rounds(3, &all).await;
    assert!(texts(ben.s(), &circle).contains(&"AFTER-ANNA-host".to_string()));
    assert!(texts(sams_tablet.s(), &circle).contains(&"AFTER-ANNA-ben".to_string()));
    // Still in the second circle, on both devices.
    for d in [&anna, &tablet] {
        assert!(d.s().circle(&second).expect("second").summary.active);
        assert!(texts(d.s(), &second).contains(&"MSG-CANARY still in the second".to_string()));
    }
    tablet
        .s()
        .post_circle_message(&second, "MSG-CANARY tablet in the second", None)
        .expect("post in the second");
    rounds(3, &all).await;
    assert!(texts(sam.s(), &second).contains(&"MSG-CANARY tablet in the second".to_string()));
    assert_eq!(member_names(sam.s(), &circle), ["Ben", "Sam"]);
    for d in [&anna, &tablet] {
        let view = d.s().circle(&circle).expect("she keeps what she had");
        assert!(!view.summary.active);
        assert_eq!(view.summary.my_role, None);
        assert!(view
            .messages
            .iter()
            .all(|m| !m.text.starts_with("AFTER-ANNA")));
        d.s().checkpoint().expect("checkpoint");
        assert!(!contains(&store_plaintext(&d.path, &d.key), b"AFTER-ANNA"));
    }

    for canary in [
        &b"MSG-CANARY"[..],
        b"STATUS-CANARY",
        b"MEMBER-NAME",
        b"CIRCLE-NAME",
        b"AFTER-ANNA",
    ] {
        assert!(
            !any_file_holds(relay_dir.path(), canary),
            "{}",
            String::from_utf8_lossy(canary)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosts_tablet_takes_over_her_circles_when_her_phone_is_lost() {
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::sqlite(relay_dir.path(), ONE_ADDRESS_FOR_MANY_PHONES);
    let sam = NetDevice::new("Samantha Jones", &relay.url);
    let sams_tablet = NetDevice::new("Sam's tablet", &relay.url);
    let anna = NetDevice::new("Anna Keller", &relay.url);
    let ben = NetDevice::new("Ben", &relay.url);
    let cara = NetDevice::new("Cara", &relay.url);
    let sam_id = sam.s().device_id();
    let circle = sam
        .s()
        .create_circle("CIRCLE-NAME-Tuesday DRA", "Sam")
        .expect("create");
    join(&sam, &circle, &anna, "MEMBER-NAME-Anna K").await;
    let ben_id = join(&sam, &circle, &ben, "Ben").await;
    // Sam links her tablet while her phone still works: it gets the circle as the host, and
    // what taking the phone's place needs.
    link(&sam, &sams_tablet).await.expect("link");
    let everyone = [&sam, &sams_tablet, &anna, &ben];
    settle(&everyone).await;
    sam.s()
        .post_circle_message(&circle, "MSG-CANARY before the loss", None)
        .expect("post");
    settle(&everyone).await;
    // The tablet cannot let people in while the phone is the host.
    assert!(sams_tablet
        .s()
        .create_circle_invite(&circle, &relay.url, now_ms() + 600_000)
        .is_err());

    // The phone is lost; the tablet takes its place. The members are told (signed by Sam's
    // recovery key) and the circle starts a new epoch from the tablet.
    sams_tablet
        .s()
        .take_over_from_lost_device(&sam_id)
        .expect("take over");
    let left = [&sams_tablet, &anna, &ben];
    // Anna's device reads the statement before the circle's new epoch: the circle is
    // already owned by the tablet there, and still reads whole (her store recorded which
    // device the tablet succeeded).
    rounds(1, &[&sams_tablet, &anna]).await;
    assert_eq!(
        member_names(anna.s(), &circle),
        ["Ben", "MEMBER-NAME-Anna K", "Sam"]
    );
    assert_eq!(
        anna.s().circle(&circle).expect("circle").summary.host,
        sams_tablet.s().device_id(),
        "the statement moved the circle to the tablet"
    );
    rounds(4, &left).await;
    // What the lost phone writes now reaches nobody.
    sam.s()
        .post_circle_message(&circle, "THIEF-CANARY on the lost phone", None)
        .expect("the lost phone writes");
    rounds(2, &everyone).await;
    rounds(2, &left).await;

    // Everyone still sees the same circle: the members the phone let in, what it said.
    for d in left {
        assert_eq!(
            member_names(d.s(), &circle),
            ["Ben", "MEMBER-NAME-Anna K", "Sam"],
            "on {}",
            d.s().display_name().expect("name")
        );
        let t = texts(d.s(), &circle);
        assert!(t.contains(&"MSG-CANARY before the loss".to_string()));
        assert!(!t.iter().any(|m| m.starts_with("THIEF")), "{t:?}");
    }
    let hosted = sams_tablet.s().circles().expect("circles");
    assert_eq!(hosted.len(), 1);
    assert_eq!(hosted[0].my_role, Some(CircleRole::Host));
    assert_eq!(hosted[0].host, sams_tablet.s().device_id());

    // The tablet is the host now: it lets Cara in and removes Ben.
    join(&sams_tablet, &circle, &cara, "Cara").await;
    let now_in = [&sams_tablet, &anna, &ben, &cara];
    settle(&now_in).await;
    for d in now_in {
        assert_eq!(
            member_names(d.s(), &circle),
            ["Ben", "Cara", "MEMBER-NAME-Anna K", "Sam"]
        );
    }
    cara.s()
        .post_circle_message(&circle, "MSG-CANARY cara is new", None)
        .expect("post");
    anna.s()
        .post_circle_message(&circle, "MSG-CANARY anna after the loss", None)
        .expect("post");
    settle(&now_in).await;
    settle(&now_in).await;
    for d in now_in {
        let t = texts(d.s(), &circle);
        assert!(t.contains(&"MSG-CANARY cara is new".to_string()), "{t:?}");
        assert!(t.contains(&"MSG-CANARY anna after the loss".to_string()));
    }
    sams_tablet
        .s()
        .remove_circle_member(&circle, &ben_id)
        .expect("remove");
    rounds(3, &now_in).await;
    sams_tablet
        .s()
        .post_circle_message(&circle, "AFTER-BEN from the new host", None)
        .expect("post");
    rounds(3, &now_in).await;
    assert!(texts(anna.s(), &circle).contains(&"AFTER-BEN from the new host".to_string()));
    assert!(texts(cara.s(), &circle).contains(&"AFTER-BEN from the new host".to_string()));
    assert!(!texts(ben.s(), &circle).contains(&"AFTER-BEN from the new host".to_string()));
    assert!(!ben.s().circle(&circle).expect("circle").summary.active);

    // The lost phone got nothing from after the loss.
    rounds(2, &[&sam]).await;
    let on_phone = texts(sam.s(), &circle);
    assert!(!on_phone
        .iter()
        .any(|t| t.contains("after the loss") || t.contains("cara")));
    sam.s().checkpoint().expect("checkpoint");
    assert!(!contains(
        &store_plaintext(&sam.path, &sam.key),
        b"AFTER-BEN"
    ));
    for canary in [
        &b"MSG-CANARY"[..],
        b"THIEF-CANARY",
        b"MEMBER-NAME",
        b"AFTER-BEN",
    ] {
        assert!(
            !any_file_holds(relay_dir.path(), canary),
            "{}",
            String::from_utf8_lossy(canary)
        );
    }
}
