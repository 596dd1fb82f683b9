//! An iCalendar file (`core/src/formats/icalendar.rs`): parsed, planned as the import plans it,
//! and every planned meeting validated and written into a schedule document.

use automerge::ActorId;
use twofold_core::docs::genesis::genesis;
use twofold_core::docs::items;
use twofold_core::formats::icalendar;
use twofold_core::model::validate::Validate;
use twofold_core::sections::MEETINGS;
use twofold_core::DocKind;

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(events) = icalendar::parse(data) else {
        return;
    };
    let (_report, meetings) = icalendar::plan(&events, "Europe/Berlin", &[]);
    if meetings.is_empty() {
        return;
    }
    let mut doc = genesis(DocKind::Schedule, &ActorId::from(&[9u8; 16][..])).expect("genesis");
    for meeting in &meetings {
        let _ = meeting.validate();
        let _ = items::put(&mut doc, MEETINGS, meeting);
    }
}
