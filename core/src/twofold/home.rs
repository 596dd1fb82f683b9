//! The home screen in one call: the crisis ladder, today's check-in, the meetings, the last
//! seven check-ins and the recovery streaks — what a person needs within a second of opening
//! the app.

use serde::Serialize;

use super::Twofold;
use crate::docs::items;
use crate::docs::kind::DocKind;
use crate::docs::sections as s;
use crate::error::Result;
use crate::model::contacts::{Contact, Phone};
use crate::model::ids::ItemId;
use crate::model::journal::CheckIn;
use crate::model::schedule::Meeting;
use crate::model::time::Day;
use crate::schedule::occurrences::{self, Occurrence};

/// One person to contact in a crisis, in the plan's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
const NEXT_MEETINGS: usize = 3;

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

impl Twofold {
    pub fn home_screen(&self, today: Day) -> Result<HomeScreen> {
        self.read(|docs| {
            let plan = docs.get(DocKind::Plan)?;
            let contacts_doc = docs.get(DocKind::Contacts)?;
            let journal = docs.get(DocKind::Journal)?;
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
                // No ladder in the plan yet: fall back to the order set on the contacts.
                let mut ranked: Vec<Contact> = items::list(contacts_doc, s::CONTACTS)?
                    .into_iter()
                    .filter(|c| c.crisis_order.is_some() && !c.do_not_involve)
                    .collect();
                ranked.sort_by_key(|c| c.crisis_order);
                crisis_ladder = ranked.into_iter().map(|c| rung(c, String::new())).collect();
            }

            // The newest check-ins up to today. Their keys start with the day, so only keys
            // are walked: a long silence costs no more than a daily habit (reading the whole
            // journal after a quiet month took 160 ms on the five-year set). A few more than
            // shown, as keys order one day's check-ins by their time in UTC.
            let tomorrow = Day(today.0.succ_opt().unwrap_or(today.0));
            let mut recent = items::last_before(
                journal,
                s::CHECK_INS,
                &CheckIn::key_of_day(tomorrow),
                2 * RECENT,
            )?;
            recent.retain(|c| c.day <= today);
            recent.sort_by_key(|c| std::cmp::Reverse((c.day, c.at_ms)));
            recent.truncate(RECENT);
            let checked_in_today = recent.first().is_some_and(|c| c.day == today);

            let lapses = items::list(journal, s::LAPSES)?;
            let streaks = items::list(journal, s::RECOVERIES)?
                .into_iter()
                .map(|r| {
                    let own: Vec<_> = lapses
                        .iter()
                        .filter(|l| l.recovery_id == r.id && l.day <= today)
                        .collect();
                    let since = own
                        .iter()
                        .map(|l| Day(l.day.0.succ_opt().unwrap_or(l.day.0)))
                        .chain(std::iter::once(r.started))
                        .max()
                        .unwrap_or(r.started);
                    Streak {
                        days: (today.0 - since.0).num_days().max(0),
                        recovery_id: r.id,
                        substance: r.substance,
                        since,
                        lapses: own.len(),
                    }
                })
                .collect();

            let mut meetings = items::list(docs.get(DocKind::Schedule)?, s::MEETINGS)?;
            let next_meetings = next_meetings(&meetings, today, self.now_ms());
            meetings.sort_by(|a, b| (a.start.0.time(), &a.name).cmp(&(b.start.0.time(), &b.name)));

            Ok(HomeScreen {
                today,
                crisis_ladder,
                checked_in_today,
                meetings,
                next_meetings,
                last_check_ins: recent,
                streaks,
            })
        })
    }
}
