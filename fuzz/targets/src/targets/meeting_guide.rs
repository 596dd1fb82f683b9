//! A Meeting Guide JSON feed (`core/src/formats/meeting_guide/`): parsed, planned as the import
//! plans it, and every planned meeting validated and written into a schedule document.

use automerge::ActorId;
use twofold_core::docs::genesis::genesis;
use twofold_core::docs::items;
use twofold_core::formats::meeting_guide;
use twofold_core::model::validate::Validate;
use twofold_core::sections::MEETINGS;
use twofold_core::{Day, DocKind, MeetingGuideFilter, MeetingGuideImport, MeetingKind};

/// One fuzz input.
pub fn run(data: &[u8]) {
    let Ok(entries) = meeting_guide::parse(data) else {
        return;
    };
    let options = MeetingGuideImport {
        filter: MeetingGuideFilter::default(),
        choose: None,
        default_time_zone: "America/Chicago".into(),
        today: Day::parse("today", "2026-03-02").expect("a valid day"),
        kind: MeetingKind::TwelveStep,
        dry_run: false,
    };
    let (_report, meetings) = meeting_guide::plan(&entries, &options, &[]);
    if meetings.is_empty() {
        return;
    }
    let mut doc = genesis(DocKind::Schedule, &ActorId::from(&[9u8; 16][..])).expect("genesis");
    for meeting in &meetings {
        let _ = meeting.validate();
        let _ = items::put(&mut doc, MEETINGS, meeting);
    }
}
