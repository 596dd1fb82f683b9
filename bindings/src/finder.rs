//! `TwofoldStore`'s offline finder: saving, replacing and removing a region's Meeting Guide
//! feed (kept on this device only), searching the saved regions, and adding a result to the
//! schedule. One or two lines each over `twofold_core::Twofold`.

use crate::convert::ToCore;
use crate::error::Result;
use crate::model::finder::{FinderQuery, FoundMeeting, RegionFeed};
use crate::model::formats::ImportReport;
use crate::model::schedule::MeetingKind;
use crate::store::TwofoldStore;

#[uniffi::export]
impl TwofoldStore {
    /// Saves a region's feed for the finder, replacing an earlier download of `region`. The
    /// report names every entry left out and why. Past the bounds (12 regions, 24 MiB) it is
    /// refused (`ImportRefused`) and nothing changes.
    pub async fn save_region_feed(
        &self,
        region: String,
        label: String,
        json: Vec<u8>,
        default_time_zone: String,
    ) -> Result<ImportReport> {
        self.write(move |core| {
            Ok(core.save_region_feed(&region, &label, &json, &default_time_zone)?)
        })
        .await
    }

    /// Removes a saved region (`NotFound` when there is none).
    pub async fn remove_region_feed(&self, region: String) -> Result<()> {
        self.write(move |core| Ok(core.remove_region_feed(&region)?))
            .await
    }

    /// The saved regions.
    pub fn region_feeds(&self) -> Result<Vec<RegionFeed>> {
        self.read(|core| Ok(core.region_feeds()?))
    }

    /// Searches the saved regions, with no connection needed.
    pub fn find_meetings(&self, query: FinderQuery) -> Result<Vec<FoundMeeting>> {
        self.read(|core| {
            let query = query.to_core("query")?;
            Ok(core.find_meetings(&query)?)
        })
    }

    /// Adds a found meeting to the schedule as a weekly meeting (updating one imported from
    /// the same slug). Returns its id.
    pub async fn add_found_meeting(
        &self,
        region: String,
        slug: String,
        kind: MeetingKind,
    ) -> Result<String> {
        self.write(move |core| {
            let id = core.add_found_meeting(&region, &slug, kind)?;
            Ok(crate::convert::id::from_core(id))
        })
        .await
    }
}
