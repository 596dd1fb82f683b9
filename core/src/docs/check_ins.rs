//! A new check-in written as one Automerge object in one batch (ADR 0025). The document gets
//! the same keys, values and scalar types as autosurgeon's reconcile of [`CheckIn`] writes
//! (other devices, older versions and the read model read them), but in one insertion into
//! the op store rather than one per field, and without first looking up what each field
//! holds: under a new key nothing does. A property test pins the two documents equal.

use std::collections::HashMap;

use automerge::hydrate::Value;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ScalarValue};

use crate::docs::items;
use crate::docs::sections as s;
use crate::error::Result;
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, DoseAnswer};

/// Writes `check_in` under its key; returns whether it was new. A key already in the journal
/// (not one `record_check_in` makes) is reconciled field by field, as every other edit is.
pub fn put(doc: &mut AutoCommit, check_in: &CheckIn) -> Result<bool> {
    let section = items::section_obj(doc, s::CHECK_INS.id)?;
    if doc.get(&section, check_in.id.as_str())?.is_some() {
        return items::put(doc, s::CHECK_INS, check_in);
    }
    doc.batch_create_object(&section, check_in.id.as_str(), &value(check_in), false)?;
    Ok(true)
}

/// The check-in as autosurgeon's derive reconciles it: a map of its fields; a `None` is a
/// null, integers keep autosurgeon's types (`u8` unsigned, `i64` signed), and lists are lists.
fn value(check_in: &CheckIn) -> Value {
    // Every field named: one added to `CheckIn` does not compile until it is written here.
    let CheckIn {
        id,
        day,
        at_ms,
        mood,
        craving,
        sleep_hours,
        medication_taken,
        doses,
        used_substance,
        triggers_met,
        coping_used,
        warning_signs,
        note,
    } = check_in;
    Value::from(HashMap::from([
        ("id", string(id.as_str())),
        ("day", string(&day.to_string())),
        ("at_ms", scalar(ScalarValue::Int(*at_ms))),
        ("mood", scalar(ScalarValue::Uint(u64::from(*mood)))),
        ("craving", scalar(ScalarValue::Uint(u64::from(*craving)))),
        ("sleep_hours", optional(sleep_hours.map(ScalarValue::F64))),
        (
            "medication_taken",
            optional(medication_taken.map(ScalarValue::Boolean)),
        ),
        (
            "doses",
            Value::from(doses.iter().map(dose).collect::<Vec<_>>()),
        ),
        (
            "used_substance",
            scalar(ScalarValue::Boolean(*used_substance)),
        ),
        ("triggers_met", ids(triggers_met)),
        ("coping_used", ids(coping_used)),
        ("warning_signs", ids(warning_signs)),
        ("note", string(note)),
    ]))
}

fn dose(answer: &DoseAnswer) -> Value {
    let DoseAnswer {
        medication_id,
        due,
        taken,
    } = answer;
    Value::from(HashMap::from([
        ("medication_id", string(medication_id.as_str())),
        ("due", string(&due.to_string())),
        ("taken", scalar(ScalarValue::Boolean(*taken))),
    ]))
}

fn ids(ids: &[ItemId]) -> Value {
    Value::from(ids.iter().map(|i| string(i.as_str())).collect::<Vec<_>>())
}

fn string(s: &str) -> Value {
    scalar(ScalarValue::Str(s.into()))
}

fn optional(v: Option<ScalarValue>) -> Value {
    scalar(v.unwrap_or(ScalarValue::Null))
}

fn scalar(v: ScalarValue) -> Value {
    Value::Scalar(v)
}

#[cfg(test)]
mod tests {
    use automerge::transaction::CommitOptions;
    use automerge::{ActorId, ROOT};
    use proptest::prelude::*;

    use super::*;
    use crate::docs::genesis::genesis;
    use crate::docs::kind::DocKind;
    use crate::model::time::{Day, LocalDateTime};

    fn id() -> impl Strategy<Value = ItemId> {
        "[0-9]{8}T[0-9]{9}-[0-9a-f]{12}".prop_map(ItemId::from_trusted)
    }

    fn day() -> impl Strategy<Value = Day> {
        (0u64..4000).prop_map(|d| {
            Day(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date") + chrono::Days::new(d))
        })
    }

    fn dose() -> impl Strategy<Value = DoseAnswer> {
        (id(), 0i64..2_000_000_000, any::<bool>()).prop_map(|(medication_id, s, taken)| {
            DoseAnswer {
                medication_id,
                due: LocalDateTime(
                    chrono::DateTime::from_timestamp(s, 0)
                        .expect("time")
                        .naive_utc(),
                ),
                taken,
            }
        })
    }

    prop_compose! {
        fn check_in()(
            id in id(),
            day in day(),
            at_ms in 0i64..4_000_000_000_000,
            mood in any::<u8>(),
            craving in any::<u8>(),
            sleep_hours in proptest::option::of(prop_oneof![Just(0.0), Just(-0.0), 0.0f64..=24.0]),
            medication_taken in proptest::option::of(any::<bool>()),
            doses in proptest::collection::vec(dose(), 0..3),
            used_substance in any::<bool>(),
            triggers_met in proptest::collection::vec(id(), 0..4),
            coping_used in proptest::collection::vec(id(), 0..4),
            warning_signs in proptest::collection::vec(id(), 0..4),
            note in ".{0,40}",
        ) -> CheckIn {
            CheckIn {
                id, day, at_ms, mood, craving, sleep_hours, medication_taken, doses,
                used_substance, triggers_met, coping_used, warning_signs, note,
            }
        }
    }

    /// A journal with `earlier` check-ins written the general way, committed.
    fn journal(earlier: &[CheckIn]) -> AutoCommit {
        let mut doc = genesis(DocKind::Journal, &ActorId::random()).expect("genesis");
        for c in earlier {
            items::put(&mut doc, s::CHECK_INS, c).expect("put");
        }
        doc.commit_with(CommitOptions::default().with_time(0));
        doc
    }

    /// Commits (at a fixed time, so that the same operations make the same change) and
    /// hydrates the whole document.
    fn whole(doc: &mut AutoCommit) -> Value {
        doc.commit_with(CommitOptions::default().with_time(0));
        doc.hydrate(ROOT, None).expect("hydrate")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The document a new check-in is written into in one batch holds exactly what
        /// autosurgeon's reconcile writes (every key, value, scalar type and list), reads back
        /// as the check-in written (the read model takes that value without reading it back),
        /// and takes a later edit through the general path the same way.
        #[test]
        fn a_new_check_in_written_in_one_batch_is_the_document_autosurgeon_writes(
            earlier in proptest::collection::vec(check_in(), 0..3),
            new in check_in(),
            edit in check_in(),
        ) {
            prop_assume!(earlier.iter().all(|c| c.id != new.id));
            let mut reconciled = journal(&earlier);
            let mut batched = reconciled.clone();
            prop_assert!(items::put(&mut reconciled, s::CHECK_INS, &new).expect("reconcile"));
            prop_assert!(put(&mut batched, &new).expect("batch"));
            prop_assert_eq!(whole(&mut reconciled), whole(&mut batched));
            prop_assert_eq!(
                items::get(&batched, s::CHECK_INS, &new.id).expect("read"),
                Some(new.clone())
            );
            let edit = CheckIn { id: new.id.clone(), ..edit };
            for doc in [&mut reconciled, &mut batched] {
                prop_assert!(!items::put(doc, s::CHECK_INS, &edit).expect("edit"));
            }
            prop_assert_eq!(whole(&mut reconciled), whole(&mut batched));
            prop_assert_eq!(
                items::get(&batched, s::CHECK_INS, &new.id).expect("read"),
                Some(edit)
            );
        }

        /// A key already in the journal is reconciled as any edit is, not replaced by a new
        /// object (which would lose a peer's concurrent edit of it).
        #[test]
        fn a_check_in_under_a_key_already_there_is_reconciled(
            old in check_in(),
            new in check_in(),
        ) {
            let new = CheckIn { id: old.id.clone(), ..new };
            let mut reconciled = journal(std::slice::from_ref(&old));
            let mut batched = reconciled.clone();
            prop_assert!(!items::put(&mut reconciled, s::CHECK_INS, &new).expect("reconcile"));
            prop_assert!(!put(&mut batched, &new).expect("batch"));
            prop_assert_eq!(whole(&mut reconciled), whole(&mut batched));
            // The very same operations: the same change, byte for byte.
            let change = |doc: &mut AutoCommit| {
                doc.get_last_local_change().map(|c| c.raw_bytes().to_vec())
            };
            prop_assert_eq!(change(&mut reconciled), change(&mut batched));
        }
    }
}
