//! The home screen in one call: the crisis ladder, today's check-in, the meetings, the last
//! seven check-ins and the recovery streaks — what a person needs within a second of opening
//! the app.
//!
//! The screen is assembled from its inputs ([`Inputs`]), which come from the read model kept
//! beside the documents (`home_model`, ADR 0021) or, when that is not in step, from the
//! documents themselves. Both go through the same assembly, so they cannot disagree on
//! anything but the inputs.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use super::home_model;
use super::Twofold;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::Result;
use crate::model::contacts::{Contact, Phone};
use crate::model::ids::ItemId;
use crate::model::journal::{CheckIn, Lapse, Recovery};
use crate::model::schedule::Meeting;
use crate::model::time::Day;
use crate::schedule::occurrences::{self, Occurrence};

/// One person to contact in a crisis, in the plan's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LadderRung {
    pub contact_id: ItemId,
    pub name: String,
    pub phones: Vec<Phone>,
    pub will_do: String,
}

/// Days since a recovery started or since its last lapse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Streak {
    pub recovery_id: ItemId,
    pub substance: String,
    pub since: Day,
    pub days: i64,
    pub lapses: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeScreen {
    pub today: Day,
    pub crisis_ladder: Vec<LadderRung>,
    pub checked_in_today: bool,
    pub meetings: Vec<Meeting>,
    /// The next few occurrences from now (or from the start of `today` when it is not the
    /// current UTC day), times shown in the first meeting's zone; for the phone's own zone
    /// use `Twofold::next_occurrences`.
    pub next_meetings: Vec<Occurrence>,
    /// Newest first.
    pub last_check_ins: Vec<CheckIn>,
    pub streaks: Vec<Streak>,
}

const RECENT: usize = 7;
/// A few more check-ins than shown are read, as keys order one day's check-ins by their time
/// in UTC, not by the day the person lived.
pub(crate) const NEWEST_READ: usize = 2 * RECENT;
const NEXT_MEETINGS: usize = 3;

/// What the journal gives the home screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct JournalInputs {
    /// The newest check-ins by key (at most [`NEWEST_READ`]), oldest first, and the key they
    /// were read before.
    pub newest: Vec<CheckIn>,
    pub read_before: String,
    pub recoveries: Vec<Recovery>,
    pub lapses: Vec<Lapse>,
}

impl JournalInputs {
    /// Whether these hold the newest check-ins before `today`'s end: they were read before a
    /// key at or past it, and either they are all there were or none is past that end (a home
    /// screen for a past day can need older ones).
    pub fn answers(&self, today: Day) -> bool {
        let end = CheckIn::key_of_day(day_after(today));
        self.read_before >= end
            && (self.newest.len() < NEWEST_READ
                || self.newest.iter().all(|c| c.id.as_str() < end.as_str()))
    }
}

/// Everything the home screen is made of that does not depend on the day or the time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inputs {
    pub ladder: Vec<LadderRung>,
    pub journal: JournalInputs,
    pub meetings: Vec<Meeting>,
}

fn day_after(day: Day) -> Day {
    Day(day.0.succ_opt().unwrap_or(day.0))
}

/// The crisis ladder: the plan's order, or the order set on the contacts when the plan has
/// none yet.
pub(crate) fn ladder(plan: &AutoCommit, contacts_doc: &AutoCommit) -> Result<Vec<LadderRung>> {
    let rung = |c: Contact, will_do: String| LadderRung {
        contact_id: c.id,
        name: c.name,
        phones: c.phones,
        will_do,
    };
    let mut crisis_ladder = Vec::new();
    for entry in items::list(plan, s::CRISIS_CONTACTS)? {
        if let Some(c) = items::get(contacts_doc, s::CONTACTS, &entry.contact_id)? {
            crisis_ladder.push(rung(c, entry.will_do));
        }
    }
    if crisis_ladder.is_empty() {
        let mut ranked: Vec<Contact> = items::list(contacts_doc, s::CONTACTS)?
            .into_iter()
            .filter(|c| c.crisis_order.is_some() && !c.do_not_involve)
            .collect();
        crate::sorting::sort_by_key(&mut ranked, |c| c.crisis_order);
        crisis_ladder = ranked.into_iter().map(|c| rung(c, String::new())).collect();
    }
    Ok(crisis_ladder)
}

/// The journal's inputs, with the newest check-ins whose keys sort before `before`. Only keys
/// are walked: a long silence costs no more than a daily habit (reading the whole journal
/// after a quiet month took 160 ms on the five-year set).
pub(crate) fn journal_inputs(journal: &AutoCommit, before: &str) -> Result<JournalInputs> {
    Ok(JournalInputs {
        newest: items::last_before(journal, s::CHECK_INS, before, NEWEST_READ)?,
        read_before: before.to_string(),
        recoveries: items::list(journal, s::RECOVERIES)?,
        lapses: items::list(journal, s::LAPSES)?,
    })
}

/// [`journal_inputs`] with the newest check-ins of all (keys before `after_every_key`), for the
/// read model, written with every journal change: the newest are looked for in the last month,
/// the last quarter, half year, then one more year back at a time, before the whole journal is walked, so that a check-in's
/// cost does not grow with the years, even after a long silence (each window starts with a
/// seek, and one with too few check-ins holds few). The clock only picks where to look; the
/// answer is the same.
pub(crate) fn newest_journal_inputs(
    journal: &AutoCommit,
    after_every_key: &str,
    today: Day,
) -> Result<JournalInputs> {
    for days_back in [31, 92, 183]
        .into_iter()
        .chain((1..=20).map(|years| years * 366))
    {
        let Some(start) = today.0.checked_sub_days(chrono::Days::new(days_back)) else {
            break;
        };
        let from = CheckIn::key_of_day(Day(start));
        if let Some(newest) = items::last_from(journal, s::CHECK_INS, &from, NEWEST_READ)? {
            return Ok(JournalInputs {
                newest,
                read_before: after_every_key.to_string(),
                recoveries: items::list(journal, s::RECOVERIES)?,
                lapses: items::list(journal, s::LAPSES)?,
            });
        }
    }
    journal_inputs(journal, after_every_key)
}

pub(crate) fn meetings(schedule: &AutoCommit) -> Result<Vec<Meeting>> {
    items::list(schedule, s::MEETINGS)
}

fn next_meetings(meetings: &[Meeting], today: Day, now_ms: i64) -> Vec<Occurrence> {
    let now = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let from = if now.date_naive() == today.0 {
        now
    } else {
        today.0.and_time(chrono::NaiveTime::MIN).and_utc()
    };
    let viewer = meetings
        .first()
        .and_then(|m| m.time_zone.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    occurrences::next(meetings, from, NEXT_MEETINGS, viewer)
}

fn streaks(journal: &JournalInputs, today: Day) -> Vec<Streak> {
    journal
        .recoveries
        .iter()
        .map(|r| {
            let own: Vec<_> = journal
                .lapses
                .iter()
                .filter(|l| l.recovery_id == r.id && l.day <= today)
                .collect();
            let since = own
                .iter()
                .map(|l| day_after(l.day))
                .chain(std::iter::once(r.started))
                .max()
                .unwrap_or(r.started);
            Streak {
                days: (today.0 - since.0).num_days().max(0),
                recovery_id: r.id.clone(),
                substance: r.substance.clone(),
                since,
                lapses: own.len(),
            }
        })
        .collect()
}

/// The screen for `today` at `now_ms`. `inputs.journal` must answer for `today`
/// ([`JournalInputs::answers`]).
pub(crate) fn assemble(inputs: Inputs, today: Day, now_ms: i64) -> HomeScreen {
    let end = CheckIn::key_of_day(day_after(today));
    let Inputs {
        ladder,
        journal,
        mut meetings,
    } = inputs;
    let mut recent: Vec<CheckIn> = journal
        .newest
        .iter()
        .filter(|c| c.id.as_str() < end.as_str() && c.day <= today)
        .cloned()
        .collect();
    crate::sorting::sort_by_key(&mut recent, |c| std::cmp::Reverse((c.day, c.at_ms)));
    recent.truncate(RECENT);
    let checked_in_today = recent.first().is_some_and(|c| c.day == today);
    let streaks = streaks(&journal, today);
    let next_meetings = next_meetings(&meetings, today, now_ms);
    crate::sorting::sort_by(&mut meetings, |a, b| {
        (a.start.0.time(), &a.name).cmp(&(b.start.0.time(), &b.name))
    });
    HomeScreen {
        today,
        crisis_ladder: ladder,
        checked_in_today,
        meetings,
        next_meetings,
        last_check_ins: recent,
        streaks,
    }
}

impl Twofold {
    /// The home screen for `today`: from the read model when every part of it is in step
    /// with the documents (no document is loaded), else from the documents, and then the read
    /// model is rebuilt.
    pub fn home_screen(&self, today: Day) -> Result<HomeScreen> {
        let stored = self.db.read(home_model::read)?;
        let model = home_model::inputs(&stored);
        let in_step = model.is_some();
        if let Some(inputs) = model.filter(|i| i.journal.answers(today)) {
            return Ok(assemble(inputs, today, self.now_ms()));
        }
        let screen = self.home_screen_from_documents(today)?;
        if !in_step {
            self.rebuild_home_model();
        }
        Ok(screen)
    }

    /// Whether the read model is in step with the documents as stored (tests and the
    /// benchmark use it to tell which path answered).
    #[doc(hidden)]
    pub fn home_model_in_step(&self) -> Result<bool> {
        let stored = self.db.read(home_model::read)?;
        Ok(home_model::in_step(&stored))
    }

    /// Whether the documents have been loaded into memory yet (ADR 0021: not by open and the
    /// home screen while the read model is in step).
    #[doc(hidden)]
    pub fn documents_loaded(&self) -> bool {
        self.docs_loaded.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The home screen computed from the documents alone, never from the read model: what
    /// the read model must always agree with (the tests compare the two).
    #[doc(hidden)]
    pub fn home_screen_from_documents(&self, today: Day) -> Result<HomeScreen> {
        let end = CheckIn::key_of_day(day_after(today));
        let inputs = self.read(|docs| {
            Ok(Inputs {
                ladder: ladder(docs.get(DocKind::Plan)?, docs.get(DocKind::Contacts)?)?,
                journal: journal_inputs(docs.get(DocKind::Journal)?, &end)?,
                meetings: meetings(docs.get(DocKind::Schedule)?)?,
            })
        })?;
        Ok(assemble(inputs, today, self.now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::store::database::KEY_LEN;

    /// A write holds the documents' lock and the writer from its change to its fsync; the
    /// home screen needs neither, so it is answered in the middle of a write's transaction.
    #[test]
    fn the_home_screen_is_answered_while_a_write_holds_the_documents_and_the_writer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Twofold::open(dir.path().join("s"), &[7u8; KEY_LEN]).expect("open");
        store.set_when_well("steady").expect("write");
        let today = Day(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"));
        let expected = store.home_screen(today).expect("home");
        let (answer_tx, answer_rx) = mpsc::channel();
        std::thread::scope(|scope| {
            let docs = store.docs_write().expect("documents");
            store
                .db
                .write(|_tx| {
                    let store = &store;
                    scope.spawn(move || {
                        let _ = answer_tx.send(store.home_screen(today));
                    });
                    let answered = answer_rx.recv_timeout(Duration::from_secs(10));
                    assert!(
                        matches!(&answered, Ok(Ok(home)) if *home == expected),
                        "the home screen waited for the write: {answered:?}"
                    );
                    Ok(())
                })
                .expect("write");
            drop(docs);
        });
    }
}
