//! Check-ins told apart by their note: the multi-device tests write one on a device and look
//! for it on the others.

use twofold_core::{Day, NewCheckIn, Twofold};

/// Records an ordinary evening check-in on `day` ("2026-11-30") carrying `note`.
pub fn check_in_with_note(store: &Twofold, day: &str, note: &str) {
    let day = Day::parse("day", day).expect("day");
    let at = day.0.and_hms_opt(21, 0, 0).expect("time").and_utc();
    let new = NewCheckIn {
        day,
        mood: 5,
        craving: 3,
        sleep_hours: None,
        medication_taken: None,
        doses: vec![],
        used_substance: false,
        triggers_met: vec![],
        coping_used: vec![],
        warning_signs: vec![],
        note: note.to_string(),
    };
    store
        .record_check_in(new, at.timestamp_millis())
        .expect("check-in");
}

/// The notes of every check-in of 2026 in the store, sorted.
pub fn check_in_notes(store: &Twofold) -> Vec<String> {
    let from = Day::parse("day", "2026-01-01").expect("day");
    let to = Day::parse("day", "2026-12-31").expect("day");
    let mut out: Vec<String> = store
        .check_ins_between(from, to)
        .expect("journal")
        .into_iter()
        .map(|c| c.note)
        .collect();
    out.sort();
    out
}
