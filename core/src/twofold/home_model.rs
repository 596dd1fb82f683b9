//! Keeping the home screen's read model (ADR 0021) in step with the documents it derives
//! from: each part is written in the same transaction as every change to its documents, with
//! a stamp naming the document and the chunk it reflects. Anything that leaves a stamp behind
//! (a write path without the hook, an older code version, a kill before the first rebuild)
//! only makes the part out of step, and an out-of-step part is never read: the screen comes
//! from the documents and the model is rebuilt.

use automerge::AutoCommit;
use rusqlite::{Connection, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::home::{self, Inputs, JournalInputs, NEWEST_READ};
use super::{Docs, LoadedDoc, Twofold};
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::json_bytes;
use crate::model::journal::CheckIn;
use crate::model::time::Day;
use crate::store::home_model::{self as rows, SourceStamp, Stored};

/// Changed whenever what a part holds, or how the screen is made from it, changes: a part
/// written by another version is out of step and rebuilt.
pub(crate) const VERSION: i64 = 1;

/// Sorts after every check-in key (they are ASCII): the read model keeps the newest of all.
const AFTER_EVERY_KEY: &str = "\u{10FFFF}";

/// The documents the home screen reads.
const SOURCES: [DocKind; 4] = [
    DocKind::Plan,
    DocKind::Contacts,
    DocKind::Journal,
    DocKind::Schedule,
];

#[derive(Debug, Clone, Copy)]
enum Part {
    Ladder,
    Journal,
    Meetings,
}

const PARTS: [Part; 3] = [Part::Ladder, Part::Journal, Part::Meetings];

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Ladder => "ladder",
            Part::Journal => "journal",
            Part::Meetings => "meetings",
        }
    }

    fn sources(self) -> &'static [DocKind] {
        match self {
            Part::Ladder => &[DocKind::Plan, DocKind::Contacts],
            Part::Journal => &[DocKind::Journal],
            Part::Meetings => &[DocKind::Schedule],
        }
    }

    fn fed_by(kind: DocKind) -> Option<Part> {
        match kind {
            DocKind::Plan | DocKind::Contacts => Some(Part::Ladder),
            DocKind::Journal => Some(Part::Journal),
            DocKind::Schedule => Some(Part::Meetings),
            _ => None,
        }
    }

    fn derive<'a>(self, doc: impl Fn(DocKind) -> Result<&'a AutoCommit>) -> Result<Vec<u8>> {
        match self {
            Part::Ladder => encode(&home::ladder(doc(DocKind::Plan)?, doc(DocKind::Contacts)?)?),
            Part::Journal => encode(&home::newest_journal_inputs(
                doc(DocKind::Journal)?,
                AFTER_EVERY_KEY,
                Day(chrono::Utc::now().date_naive()),
            )?),
            Part::Meetings => encode(&home::meetings(doc(DocKind::Schedule)?)?),
        }
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|_| Error::invalid("home_model.body", "cannot be encoded"))
}

fn decode<T: DeserializeOwned>(stored: &Stored, part: Part) -> Option<T> {
    let body = stored.parts.get(part.name())?;
    match json_bytes::from_bytes(body) {
        Some(value) => Some(value),
        None => {
            tracing::warn!(
                part = part.name(),
                "a home screen part does not decode; it is rebuilt"
            );
            None
        }
    }
}

/// Everything stored for the model, and the documents as they stand, in one read snapshot.
pub(crate) fn read(conn: &Connection) -> Result<Stored> {
    rows::read(conn, &SOURCES)
}

fn part_in_step(stored: &Stored, part: Part) -> bool {
    stored.parts.contains_key(part.name())
        && part.sources().iter().all(|kind| {
            match (stored.stamps.get(kind), stored.current.get(kind)) {
                (Some((stamp, version)), Some(now)) => *version == VERSION && stamp == now,
                _ => false,
            }
        })
}

/// Whether every part reflects the documents as the store holds them.
pub(crate) fn in_step(stored: &Stored) -> bool {
    PARTS.iter().all(|p| part_in_step(stored, *p))
}

/// The screen's inputs from the model, when every part is in step and decodes, with the
/// check-ins still pending (not yet folded into the journal) put where the journal will have
/// them: the part reflects the journal, so a fold, a rebuild or a kill in between changes
/// nothing the screen shows.
pub(crate) fn inputs(stored: &Stored) -> Option<Inputs> {
    if !in_step(stored) {
        return None;
    }
    let mut journal: JournalInputs = decode(stored, Part::Journal)?;
    if !stored.pending.is_empty() && journal.read_before != AFTER_EVERY_KEY {
        return None;
    }
    for pending in &stored.pending {
        merge_newest(&mut journal.newest, pending.check_in.clone());
    }
    Some(Inputs {
        ladder: decode(stored, Part::Ladder)?,
        journal,
        meetings: decode(stored, Part::Meetings)?,
    })
}

/// What a change is known to have written, when the caller knows it by construction: the
/// read model can then follow the change itself instead of deriving a part again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Written<'a> {
    /// Anything: the parts fed by the document are derived again from it.
    Unknown,
    /// Check-ins, each added or replaced, in order, and nothing else in the journal (the
    /// fold of the intent log): the values written, which are what the journal holds under
    /// their keys (the writer and a property test in `docs::check_ins` make sure).
    CheckIns(&'a [CheckIn]),
}

/// The hook every write path calls in the transaction that stores `changed`'s new chunk
/// `seq`: the parts fed by that document are derived again from memory and stamped. `docs`
/// holds the other documents (`changed` is taken out of the map while it changes).
pub(crate) fn record(
    tx: &Transaction<'_>,
    docs: &Docs,
    changed: &LoadedDoc,
    seq: i64,
) -> Result<()> {
    record_written(tx, docs, changed, &changed.am, seq, Written::Unknown)
}

/// [`record`] with the changed document's content given apart from its row (`am`: the
/// document after the change; `changed`: its row as before the change), and what the change
/// wrote.
pub(crate) fn record_written(
    tx: &Transaction<'_>,
    docs: &Docs,
    changed: &LoadedDoc,
    am: &AutoCommit,
    seq: i64,
    written: Written<'_>,
) -> Result<()> {
    if !changed.is_mine() {
        return Ok(());
    }
    let Some(part) = Part::fed_by(changed.kind) else {
        return Ok(());
    };
    let doc = |kind: DocKind| {
        if kind == changed.kind {
            Ok(am)
        } else {
            docs.get(kind)
        }
    };
    let followed = match written {
        Written::CheckIns(check_ins) => journal_with_check_ins(tx, changed, check_ins).transpose(),
        Written::Unknown => None,
    };
    match followed.unwrap_or_else(|| part.derive(doc)) {
        Ok(body) => {
            rows::write_part(tx, part.name(), &body)?;
            let stamp = SourceStamp {
                doc_id: changed.doc_id.clone(),
                seq,
            };
            rows::stamp(tx, changed.kind, &stamp, VERSION)
        }
        // The person's change must not fail for the sake of a derived copy: the part is
        // marked out of step and rebuilt from the documents when next needed.
        Err(e) => {
            tracing::warn!(error = %e, part = part.name(), "a home screen part could not follow a change");
            rows::unstamp(tx, changed.kind)
        }
    }
}

/// The journal part after changes that wrote check-ins, from the stored part and those
/// check-ins alone (ADR 0025): nothing is read from the journal. `changed` is the document's
/// row as it was before the changes (its `last_seq` the chunk the stored part must reflect).
/// `None` when the stored part is not exactly the document before these changes (not this
/// document, not its previous chunk, another version, a body that does not decode): then the
/// part is derived again.
fn journal_with_check_ins(
    tx: &Transaction<'_>,
    changed: &LoadedDoc,
    check_ins: &[CheckIn],
) -> Result<Option<Vec<u8>>> {
    let Some((body, stamp, version)) =
        rows::part_and_stamp(tx, Part::Journal.name(), DocKind::Journal)?
    else {
        return Ok(None);
    };
    if version != VERSION || stamp.doc_id != changed.doc_id || stamp.seq != changed.last_seq {
        return Ok(None);
    }
    let Some(mut inputs) = json_bytes::from_bytes::<JournalInputs>(&body) else {
        return Ok(None);
    };
    if inputs.read_before != AFTER_EVERY_KEY {
        return Ok(None);
    }
    // The values written, not read back from the journal: the document holds exactly them.
    for check_in in check_ins {
        merge_newest(&mut inputs.newest, check_in.clone());
    }
    encode(&inputs).map(Some)
}

/// Puts `check_in` into `newest` (the newest check-ins by key, oldest first, at most
/// [`NEWEST_READ`]; fewer only when they are all there are) where a full derivation would
/// have it: replacing the one with its key, or in key order, pushing out the oldest, or
/// nowhere when it is older than all of a full list.
pub(crate) fn merge_newest(newest: &mut Vec<CheckIn>, check_in: CheckIn) {
    // Automerge orders a map's keys as Rust orders strings: the order they were read in.
    match newest.binary_search_by(|c| c.id.as_str().cmp(check_in.id.as_str())) {
        Ok(i) => newest[i] = check_in,
        Err(i) if newest.len() < NEWEST_READ => newest.insert(i, check_in),
        Err(0) => {}
        Err(i) => {
            newest.insert(i, check_in);
            newest.remove(0);
        }
    }
}

/// Writes every part and stamp from the documents in memory, when they are what the store
/// holds (a document whose last chunk differs is left for a later rebuild). Returns whether
/// it wrote.
pub(crate) fn rebuild_in(tx: &Transaction<'_>, docs: &Docs) -> Result<bool> {
    let mut stamps = Vec::new();
    for kind in SOURCES {
        let Some(doc) = docs.owner.get(&kind) else {
            return Ok(false);
        };
        if rows::last_seq_in(tx, &doc.doc_id)? != Some(doc.last_seq) {
            return Ok(false);
        }
        stamps.push((
            kind,
            SourceStamp {
                doc_id: doc.doc_id.clone(),
                seq: doc.last_seq,
            },
        ));
    }
    for part in PARTS {
        rows::write_part(tx, part.name(), &part.derive(|k| docs.get(k))?)?;
    }
    for (kind, stamp) in &stamps {
        rows::stamp(tx, *kind, stamp, VERSION)?;
    }
    Ok(true)
}

impl Twofold {
    /// Rebuilds the read model from the documents (loading them if they are not yet). A
    /// failure is only logged: the next home screen is computed from the documents again.
    pub(crate) fn rebuild_home_model(&self) {
        let rebuilt = self
            .docs_read()
            .and_then(|docs| self.db.write(|tx| rebuild_in(tx, &docs)));
        if let Err(e) = rebuilt {
            tracing::warn!(error = %e, "rebuilding the home screen's read model failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::docs::sections as s;
    use crate::model::ids::ItemId;
    use crate::model::journal::Recovery;
    use crate::store::database::KEY_LEN;
    use crate::twofold::NewCheckIn;

    #[derive(Debug, Clone)]
    enum Step {
        /// A check-in on one of 40 days, at one of three times of day: out of order, and
        /// now and then at the very moment of an earlier one (keys that differ only in their
        /// random tail).
        CheckIn {
            day: u32,
            at: u8,
            mood: u8,
        },
        /// A check-in changed through the general path (the journal derived again).
        Edit {
            day: u32,
            at: u8,
            mood: u8,
        },
        Recovery {
            slot: u8,
        },
        Lapse {
            slot: u8,
            day: u32,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => (0u32..40, 0u8..3, 0u8..11).prop_map(|(day, at, mood)| Step::CheckIn { day, at, mood }),
            1 => (0u32..40, 0u8..3, 0u8..11).prop_map(|(day, at, mood)| Step::Edit { day, at, mood }),
            1 => (0u8..3).prop_map(|slot| Step::Recovery { slot }),
            1 => (0u8..3, 0u32..40).prop_map(|(slot, day)| Step::Lapse { slot, day }),
        ]
    }

    fn day(offset: u32) -> Day {
        Day(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
            + chrono::Days::new(u64::from(offset)))
    }

    fn at_ms(d: u32, at: u8) -> i64 {
        let midnight = day(d).0.and_time(chrono::NaiveTime::MIN).and_utc();
        midnight.timestamp_millis() + i64::from(at) * 6 * 3_600_000
    }

    fn new_check_in(d: u32, mood: u8) -> NewCheckIn {
        NewCheckIn {
            day: day(d),
            mood,
            craving: 2,
            sleep_hours: Some(6.5),
            medication_taken: None,
            doses: Vec::new(),
            used_substance: false,
            triggers_met: Vec::new(),
            coping_used: Vec::new(),
            warning_signs: Vec::new(),
            note: format!("day {d}"),
        }
    }

    fn apply(store: &Twofold, step: &Step) -> Result<()> {
        match step {
            Step::CheckIn { day: d, at, mood } => store
                .record_check_in(new_check_in(*d, *mood), at_ms(*d, *at))
                .map(|_| ()),
            Step::Edit { day: d, at, mood } => {
                let mut c = store.record_check_in(new_check_in(*d, 0), at_ms(*d, *at))?;
                c.mood = *mood;
                store.put(s::CHECK_INS, c)
            }
            Step::Recovery { slot } => store.put(
                s::RECOVERIES,
                Recovery {
                    id: ItemId::parse("id", &format!("v{slot}"))?,
                    substance: "alcohol".into(),
                    started: day(0),
                },
            ),
            Step::Lapse { slot, day: d } => store
                .record_lapse(&ItemId::parse("id", &format!("v{slot}"))?, day(*d), "")
                .map(|_| ()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// A check-in updates the journal part from itself and the stored part alone; after
        /// every step, what is stored is exactly what deriving it from the journal gives, and
        /// the model is in step.
        #[test]
        fn the_journal_part_after_each_check_in_equals_the_one_derived_from_the_journal(
            steps in proptest::collection::vec(step(), 1..60),
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
            for step in &steps {
                let _ = apply(&store, step);
                // Read before the journal is (pending check-ins on top of the stored part),
                // then again after the read below folded them in (the part alone).
                let stored = store.db.read(read).expect("model");
                prop_assert!(in_step(&stored), "out of step after {step:?}");
                let kept = inputs(&stored).expect("the model answers").journal;
                let derived = store
                    .read(|docs| {
                        home::newest_journal_inputs(
                            docs.get(DocKind::Journal)?,
                            AFTER_EVERY_KEY,
                            day(20),
                        )
                    })
                    .expect("derived");
                prop_assert_eq!(kept, derived.clone(), "after {:?}", step);
                let stored = store.db.read(read).expect("model");
                prop_assert!(stored.pending.is_empty() && in_step(&stored));
                let folded: JournalInputs = decode(&stored, Part::Journal).expect("decodes");
                prop_assert_eq!(folded, derived, "after folding {:?}", step);
            }
        }
    }
}
