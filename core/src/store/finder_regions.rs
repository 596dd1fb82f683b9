//! The meeting lists saved for the offline finder, one row per region: public data, kept on
//! this device only, replaced whole by the next download of the same region, and bounded in
//! number and size so a feed cannot fill the phone.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::{Error, Result};

/// Most regions saved at once.
pub const MAX_REGIONS: usize = 12;
/// Most bytes of checked listings kept over all regions (a 5,000-meeting region is ~3 MB).
pub const MAX_TOTAL_BYTES: usize = 24 * 1024 * 1024;

/// One saved region, without its listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionFeed {
    /// The app's key for the region (e.g. the feed's host and path).
    pub region: String,
    /// The name the person sees.
    pub label: String,
    pub default_time_zone: String,
    pub saved_at_ms: i64,
    /// Size of the downloaded feed.
    pub feed_bytes: u64,
    /// Meetings kept for the finder.
    pub listing_count: u64,
}

/// The row to write for a region.
#[derive(Debug)]
pub struct NewRegion<'a> {
    pub feed: RegionFeed,
    pub listings: &'a [u8],
}

fn row_to_feed(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegionFeed> {
    Ok(RegionFeed {
        region: r.get(0)?,
        label: r.get(1)?,
        default_time_zone: r.get(2)?,
        saved_at_ms: r.get(3)?,
        feed_bytes: u64::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
        listing_count: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
    })
}

pub fn list(conn: &Connection) -> Result<Vec<RegionFeed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT region, label, default_time_zone, saved_at_ms, feed_bytes, listing_count \
         FROM finder_regions ORDER BY label, region",
    )?;
    let rows = stmt.query_map([], row_to_feed)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every region's listings (JSON), with its key.
pub fn all_listings(conn: &Connection) -> Result<Vec<(String, Vec<u8>)>> {
    let mut stmt =
        conn.prepare_cached("SELECT region, listings FROM finder_regions ORDER BY region")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn listings_of(conn: &Connection, region: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT listings FROM finder_regions WHERE region = ?1")?
        .query_row([region], |r| r.get(0))
        .optional()?)
}

/// A value that changes whenever a region is saved or removed (the finder's cache key).
pub fn version(conn: &Connection) -> Result<(i64, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(saved_at_ms), 0), coalesce(sum(length(listings)), 0) \
             FROM finder_regions",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// Saves a region, replacing an earlier download of it, within the bounds; past them nothing
/// is written and the error says which bound.
pub fn save(tx: &Transaction<'_>, new: &NewRegion<'_>) -> Result<()> {
    let (others, other_bytes): (i64, i64) = tx
        .prepare_cached(
            "SELECT count(*), coalesce(sum(length(listings)), 0) FROM finder_regions WHERE region != ?1",
        )?
        .query_row([&new.feed.region], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if usize::try_from(others).unwrap_or(usize::MAX) >= MAX_REGIONS {
        return Err(Error::FinderFull {
            limit: "12 saved regions",
        });
    }
    let total = usize::try_from(other_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(new.listings.len());
    if total > MAX_TOTAL_BYTES {
        return Err(Error::FinderFull {
            limit: "24 MiB of saved meeting lists",
        });
    }
    let f = &new.feed;
    tx.prepare_cached(
        "INSERT INTO finder_regions \
         (region, label, default_time_zone, saved_at_ms, feed_bytes, listing_count, listings) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT(region) DO UPDATE SET label = excluded.label, \
         default_time_zone = excluded.default_time_zone, saved_at_ms = excluded.saved_at_ms, \
         feed_bytes = excluded.feed_bytes, listing_count = excluded.listing_count, \
         listings = excluded.listings",
    )?
    .execute(params![
        f.region,
        f.label,
        f.default_time_zone,
        f.saved_at_ms,
        i64::try_from(f.feed_bytes).unwrap_or(i64::MAX),
        i64::try_from(f.listing_count).unwrap_or(i64::MAX),
        new.listings,
    ])?;
    Ok(())
}

/// Removes a region; `false` when there was none.
pub fn remove(tx: &Transaction<'_>, region: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("DELETE FROM finder_regions WHERE region = ?1")?
        .execute([region])?
        > 0)
}
