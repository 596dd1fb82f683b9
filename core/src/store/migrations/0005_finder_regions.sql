-- Version 5: meeting lists saved on this device for the offline finder (issue 23). Public
-- feeds, never synced and never part of a document: a region's row is replaced by the next
-- download of the same region. `listings` holds the checked listings as JSON.
CREATE TABLE finder_regions (
    region            TEXT PRIMARY KEY,
    label             TEXT NOT NULL,
    default_time_zone TEXT NOT NULL,
    saved_at_ms       INTEGER NOT NULL,
    feed_bytes        INTEGER NOT NULL,
    listing_count     INTEGER NOT NULL,
    listings          BLOB NOT NULL
) WITHOUT ROWID;
