//! Part two: Lena's phone (the store from part one) and her mentor Rosa's phone, through a
//! `twofold-relay` process on loopback with its embedded SQLite store. They pair (both screens
//! show the same code), Lena shares her plan (read-write) and schedule (read-only), both edit
//! offline — the same item too — then sync, and each side prints what it sees. Then live sync,
//! a revocation, and a look at what the relay holds.

use std::path::Path;
use std::time::{Duration, Instant};

use twofold_core::sections as s;
use twofold_core::*;
use twofold_testkit::RelayProcess;
use twofold_tests::net_devices::{now_ms, settle, shown_code, NetDevice};

fn id(raw: &str) -> ItemId {
    ItemId::parse("id", raw).expect("walkthrough ids are valid")
}

fn author(a: &Author) -> String {
    match a {
        Author::ThisDevice => "this phone".to_string(),
        Author::Peer { name, .. } => name.clone(),
        Author::Unknown => "-".to_string(),
    }
}

fn report_line(who: &str, r: &SyncReport) {
    println!(
        "  {who:<5} sent {} envelope(s), {} bytes; received {}, applied {}, refused {}; {} waiting to go out",
        r.sent,
        r.sent_bytes,
        r.received,
        r.applied,
        r.rejected_total(),
        r.pending
    );
}

pub fn run(dir: &Path, owner_path: &Path, key: &[u8; 32], today: Day) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(walk(dir, owner_path, key, today))
}

async fn walk(dir: &Path, owner_path: &Path, key: &[u8; 32], today: Day) -> Result<()> {
    let relay_dir = dir.join("relay");
    let relay = RelayProcess::sqlite(&relay_dir, &[]);
    println!(
        "Relay started on loopback: {} (SQLite in {})",
        relay.url,
        relay_dir.display()
    );
    let lena = NetDevice::at(owner_path.to_path_buf(), *key, &relay.url);
    lena.s().set_display_name("Lena")?;
    let rosa = NetDevice::new("Rosa", &relay.url);

    println!("\n-- Pairing --");
    let invite = lena.s().create_invite(&relay.url, now_ms() + 15 * 60_000)?;
    println!(
        "  Lena's phone shows an invite (QR code or link, {} characters, valid 15 minutes): {}…",
        invite.len(),
        &invite[..invite.len().min(28)]
    );
    rosa.s().accept_invite(&invite, "Rosa", now_ms())?;
    println!("  Rosa scans it; her phone sends a sealed join request and waits for Lena's");
    settle(&[&rosa, &lena]).await;
    println!(
        "  Lena's phone answers with its half of the code (committed to in the invite); \
         Rosa's screen shows {}",
        shown_code(rosa.s(), &lena.s().device_id())
    );
    let request = lena
        .s()
        .peers()?
        .into_iter()
        .find(|p| p.status == PeerStatus::NeedsDecision)
        .expect("the join request came through the relay");
    println!(
        "  Lena's screen: \"{}\" wants to pair, code {} — the same: Lena approves",
        request.display_name, request.verification_code
    );
    let rosa_id = lena.s().approve_pairing(&request.id)?.id;
    settle(&[&lena, &rosa]).await;
    for p in rosa.s().peers()? {
        println!(
            "  Rosa's phone: paired with {} ({:?})",
            p.display_name, p.status
        );
    }
    println!(
        "  Shared with Rosa so far: {} document(s) — pairing alone shares nothing",
        rosa.s().shared_with_me()?.len()
    );

    println!("\n-- Lena shares her plan (read-write) and schedule (read-only) --");
    lena.s().share(
        DocKind::Plan,
        &rosa_id,
        Access::Write,
        "weekly check-ins with my mentor",
        None,
    )?;
    lena.s().share(
        DocKind::Schedule,
        &rosa_id,
        Access::Read,
        "meeting reminders",
        None,
    )?;
    for share in lena.s().shares()? {
        println!(
            "  consent: {:?} with {}, {}, for \"{}\", no expiry",
            share.kind,
            share.peer_name,
            share.access.as_str(),
            share.purpose
        );
    }
    for r in settle(&[&lena, &rosa]).await.iter().take(2) {
        report_line("sync", r);
    }
    let plan = lena.s().doc_id(DocKind::Plan)?;
    for doc in rosa.s().shared_with_me()? {
        println!(
            "  Rosa sees {}'s {:?} ({})",
            doc.owner_name,
            doc.kind,
            doc.access.map(|a| a.as_str()).unwrap_or("ended")
        );
    }

    println!("\n-- Offline on both phones, the same item too --");
    let mut walk = lena.s().get(s::COPING_STRATEGIES, &id("k-walk"))?;
    walk.description = "A long walk by the river, with music".into();
    lena.s().put(s::COPING_STRATEGIES, walk.clone())?;
    println!("  Lena edits the text of \"{}\"", walk.description);
    let mut rosa_walk = rosa
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &id("k-walk"))?;
    rosa_walk.domain = Domain::Substance;
    rosa.s()
        .shared_put(&plan, s::COPING_STRATEGIES, rosa_walk)?;
    println!("  Rosa marks the same strategy as one for cravings (domain: substance)");
    rosa.s().shared_put(
        &plan,
        s::COPING_STRATEGIES,
        CopingStrategy {
            id: id("k-urge-surf"),
            description: "Urge surfing: name the craving, wait 20 minutes".into(),
            domain: Domain::Substance,
        },
    )?;
    println!("  Rosa adds \"Urge surfing\"");
    lena.s().record_check_in(
        NewCheckIn {
            day: today,
            mood: 6,
            craving: 2,
            sleep_hours: Some(7.5),
            medication_taken: Some(true),
            doses: Vec::new(),
            used_substance: false,
            triggers_met: vec![],
            coping_used: vec![id("k-walk")],
            warning_signs: vec![],
            note: "Good day. Walked with Sam.".into(),
        },
        now_ms(),
    )?;
    println!("  Lena checks in (her journal is not shared)");

    println!("\n-- Sync --");
    let lena_report = lena.sync().await;
    let rosa_report = rosa.sync().await;
    let lena_again = lena.sync().await;
    report_line("Lena", &lena_report);
    report_line("Rosa", &rosa_report);
    report_line("Lena", &lena_again);

    println!("\n-- What each phone sees now --");
    let lena_view = lena.s().list(s::COPING_STRATEGIES)?;
    let rosa_view = rosa.s().shared_list(&plan, s::COPING_STRATEGIES)?;
    for c in &lena_view {
        let who = lena
            .s()
            .authorship(&plan, SectionId::CopingStrategies, &c.id)?;
        println!(
            "  Lena: {:<52} {:<13} added by {:<10} last edit {}",
            c.description,
            format!("{:?}", c.domain),
            author(&who.created_by),
            author(&who.last_edited_by)
        );
    }
    for c in &rosa_view {
        println!("  Rosa: {:<52} {:?}", c.description, c.domain);
    }
    let same = lena_view == rosa_view && lena.s().doc_heads(&plan)? == rosa.s().doc_heads(&plan)?;
    println!(
        "  Both phones hold the same plan, edits merged without a conflict: {}",
        if same { "yes" } else { "NO" }
    );
    let meetings = rosa
        .s()
        .shared_list(&lena.s().doc_id(DocKind::Schedule)?, s::MEETINGS)?;
    for m in &meetings {
        println!("  Rosa sees the meeting {} (read-only)", m.name);
    }
    let refused = rosa.s().shared_remove(
        &lena.s().doc_id(DocKind::Schedule)?,
        SectionId::Meetings,
        &id("mt-dra"),
    );
    if let Err(e) = refused {
        println!("  Rosa tries to delete it: refused ({e})");
    }

    println!("\n-- Live: both apps in the foreground --");
    let lena_live = lena.go_live().await;
    let rosa_live = rosa.go_live().await;
    let started = Instant::now();
    lena.s().put(
        s::COPING_STRATEGIES,
        CopingStrategy {
            id: id("k-call-rosa"),
            description: "Call Rosa before payday".into(),
            domain: Domain::Both,
        },
    )?;
    while rosa
        .s()
        .shared_get(&plan, s::COPING_STRATEGIES, &id("k-call-rosa"))
        .is_err()
    {
        if started.elapsed() > Duration::from_secs(10) {
            println!("  UNEXPECTED: not delivered within 10 s");
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    println!(
        "  Lena adds \"Call Rosa before payday\"; on Rosa's phone {:.1} ms later, no polling",
        started.elapsed().as_secs_f64() * 1000.0
    );
    lena_live.stop().await;
    rosa_live.stop().await;

    println!("\n-- Lena stops sharing her schedule --");
    lena.s().revoke_share(DocKind::Schedule, &rosa_id)?;
    let mut evening = lena.s().get(s::MEETINGS, &id("mt-dra"))?;
    evening.id = id("mt-thursday");
    evening.name = "Thursday women's meeting".into();
    evening.rrule = Some("FREQ=WEEKLY;BYDAY=TH".into());
    lena.s().put(s::MEETINGS, evening)?;
    settle(&[&lena, &rosa]).await;
    for doc in rosa.s().shared_with_me()? {
        println!(
            "  Rosa: {}'s {:?} — {}",
            doc.owner_name,
            doc.kind,
            doc.access
                .map(|a| a.as_str().to_string())
                .unwrap_or_else(
                    || "share ended; she keeps what she had, nothing new arrives".into()
                )
        );
    }
    let schedule = lena.s().doc_id(DocKind::Schedule)?;
    println!(
        "  Rosa's copy of the schedule: {} meeting(s) (the new Thursday meeting did not reach her)",
        rosa.s().shared_list(&schedule, s::MEETINGS)?.len()
    );
    for d in lena.s().disclosure_log()?.iter().take(4) {
        let to = if d.peer_id == rosa_id { "Rosa" } else { "?" };
        println!(
            "  disclosure log: {:?} to {to} — {} change(s), {} bytes ({})",
            d.kind, d.changes, d.bytes, d.what
        );
    }

    println!("\n-- What the relay holds --");
    drop((lena, rosa));
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(&relay_dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_none_or(|e| e != "log") {
            bytes.extend(std::fs::read(&path)?);
        }
    }
    let leaked = ["river", "Urge surfing", "Walked with Sam", "Rosa", "Lena"]
        .iter()
        .filter(|t| bytes.windows(t.len()).any(|w| w == t.as_bytes()))
        .count();
    println!(
        "  {} bytes in the relay's files; plaintext words of the plan, journal or names found: {}",
        bytes.len(),
        leaked
    );
    drop(relay);
    Ok(())
}
