//! The offline finder's operations: saving, replacing and removing a region's feed (local
//! only, never synced), searching the saved regions, and adding a result to the schedule.

use std::sync::{Arc, Mutex};

use chrono::Utc;

use super::{ChangeOrigin, Twofold};
use crate::docs::items;
use crate::docs::sections::{self as s, SectionId};
use crate::docs::snapshot::prefix;
use crate::error::{Error, Result};
use crate::finder::index::{self, Indexed};
use crate::finder::{search, FinderQuery, FoundMeeting};
use crate::formats::meeting_guide::{self, Listing};
use crate::formats::{ImportEntry, ImportOutcome, ImportReport};
use crate::json_bytes;
use crate::model::ids::ItemId;
use crate::model::schedule::MeetingKind;
use crate::model::time::{parse_zone, Day};
use crate::model::validate::{required, Validate, MAX_SHORT};
use crate::schedule::zone;
use crate::store::finder_regions::{self, NewRegion, RegionFeed};

type Version = (i64, i64, i64);

/// The decoded regions, valid while the table's version is unchanged (another session on
/// the same store may save a region too).
#[derive(Debug, Default)]
pub(crate) struct Cache(Mutex<Option<(Version, Arc<Vec<Indexed>>)>>);

impl Twofold {
    fn finder_index(&self) -> Result<Arc<Vec<Indexed>>> {
        let version = self.db.read(finder_regions::version)?;
        let mut cache = self
            .finder_cache
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((v, index)) = cache.as_ref() {
            if *v == version {
                return Ok(index.clone());
            }
        }
        let rows = self.db.read(finder_regions::all_listings)?;
        let built = Arc::new(index::build(rows));
        *cache = Some((version, built.clone()));
        Ok(built)
    }

    /// Saves (or replaces) a region's Meeting Guide feed for the finder. Entries that cannot
    /// be scheduled, and inactive ones, are left out and named in the report. Nothing of it
    /// is synced.
    pub fn save_region_feed(
        &self,
        region: &str,
        label: &str,
        json: &[u8],
        default_time_zone: &str,
    ) -> Result<ImportReport> {
        required("region", region, MAX_SHORT)?;
        required("label", label, MAX_SHORT)?;
        parse_zone("default_time_zone", default_time_zone)?;
        let entries = meeting_guide::parse(json)?;
        let (mut report, found) = meeting_guide::listings(&entries, default_time_zone);
        let mut kept: Vec<Listing> = Vec::with_capacity(found.len());
        for (l, dropped) in found {
            if !l.still_meets() {
                report.skip(
                    l.slug.clone(),
                    l.name.clone(),
                    "inactive: the group does not meet for now",
                );
                continue;
            }
            report.push(ImportEntry {
                key: l.slug.clone(),
                label: l.name.clone(),
                outcome: ImportOutcome::Added,
                dropped,
            });
            kept.push(l);
        }
        let listings = index::encode(&kept)?;
        let new = NewRegion {
            feed: RegionFeed {
                region: region.to_string(),
                label: label.to_string(),
                default_time_zone: default_time_zone.to_string(),
                saved_at_ms: self.now_ms(),
                feed_bytes: u64::try_from(json.len()).unwrap_or(u64::MAX),
                listing_count: u64::try_from(kept.len()).unwrap_or(u64::MAX),
            },
            listings: &listings,
        };
        self.db.write(|tx| finder_regions::save(tx, &new))?;
        Ok(report)
    }

    /// Removes a saved region.
    pub fn remove_region_feed(&self, region: &str) -> Result<()> {
        if !self.db.write(|tx| finder_regions::remove(tx, region))? {
            return Err(Error::not_found("region", region));
        }
        Ok(())
    }

    /// The saved regions.
    pub fn region_feeds(&self) -> Result<Vec<RegionFeed>> {
        self.db.read(finder_regions::list)
    }

    /// Searches the saved regions, offline.
    pub fn find_meetings(&self, query: &FinderQuery) -> Result<Vec<FoundMeeting>> {
        search(&self.finder_index()?, query)
    }

    /// Adds a found meeting to the schedule as a weekly meeting, as an import would (one
    /// already imported from the same slug is updated, not duplicated). Returns its id.
    pub fn add_found_meeting(&self, region: &str, slug: &str, kind: MeetingKind) -> Result<ItemId> {
        let bytes = self
            .db
            .read(|c| finder_regions::listings_of(c, region))?
            .ok_or_else(|| Error::not_found("region", region))?;
        let listings: Vec<Listing> = json_bytes::from_bytes(&bytes).ok_or_else(|| {
            Error::invalid("region", "is saved in a form this version cannot read")
        })?;
        let listing = listings
            .into_iter()
            .find(|l| l.slug == slug)
            .ok_or_else(|| Error::not_found("meeting", slug))?;
        let tz = parse_zone("time_zone", &listing.time_zone)?;
        let now = crate::schedule::occurrences::instant("now_ms", self.now_ms())?;
        let today = Day(zone::local_in(tz, now.with_timezone(&Utc)).date());
        let existing = self
            .list(s::MEETINGS)?
            .into_iter()
            .find(|m| m.source_slug.as_deref() == Some(slug));
        let meeting = meeting_guide::to_meeting(&listing, today, kind, existing.as_ref())?;
        meeting
            .validate()
            .map_err(|e| prefix(SectionId::Meetings, e))?;
        let id = meeting.id.clone();
        self.change(SectionId::Meetings.doc(), ChangeOrigin::Local, |_, am| {
            items::put(am, s::MEETINGS, &meeting)?;
            Ok(())
        })?;
        Ok(id)
    }
}
