//! Imports and exports in open formats. Each import plans everything first (parse, check,
//! report), then writes all that was taken in one transaction, so a file is imported
//! completely or not at all.

use super::{ChangeOrigin, Twofold};
use crate::docs::items;
use crate::docs::sections::{self as s, Item, Section};
use crate::error::Result;
use crate::formats::{icalendar, meeting_guide, vcard, ImportReport, MeetingGuideImport};
use crate::model::time::parse_zone;
use crate::schedule::occurrences::instant;

impl Twofold {
    /// Imports (or with `dry_run`, previews) a Meeting Guide JSON feed. Meetings from an
    /// earlier import of the same feed are updated by slug.
    pub fn import_meeting_guide(
        &self,
        json: &[u8],
        options: &MeetingGuideImport,
    ) -> Result<ImportReport> {
        parse_zone("default_time_zone", &options.default_time_zone)?;
        let entries = meeting_guide::parse(json)?;
        let existing = self.list(s::MEETINGS)?;
        let (report, meetings) = meeting_guide::plan(&entries, options, &existing);
        if !options.dry_run {
            self.write_imported(s::MEETINGS, &meetings)?;
        }
        Ok(report)
    }

    /// The whole schedule as an iCalendar file.
    pub fn export_icalendar(&self, now_ms: i64) -> Result<String> {
        let now = instant("now_ms", now_ms)?;
        Ok(icalendar::export(&self.list(s::MEETINGS)?, now))
    }

    /// Imports the events of an iCalendar file; events without a zone are read in
    /// `default_time_zone`. Events exported by Twofold update the meetings they came from.
    pub fn import_icalendar(&self, ics: &[u8], default_time_zone: &str) -> Result<ImportReport> {
        parse_zone("default_time_zone", default_time_zone)?;
        let events = icalendar::parse(ics)?;
        let existing = self.list(s::MEETINGS)?;
        let (report, meetings) = icalendar::plan(&events, default_time_zone, &existing);
        self.write_imported(s::MEETINGS, &meetings)?;
        Ok(report)
    }

    /// Every contact as vCard 4.0, roles included; crisis order and "do not involve" stay
    /// in the app.
    pub fn export_vcard(&self) -> Result<String> {
        Ok(vcard::export(&self.list(s::CONTACTS)?))
    }

    /// Imports the cards of a vCard file; cards exported by Twofold update their contacts.
    pub fn import_vcard(&self, vcf: &[u8]) -> Result<ImportReport> {
        let cards = vcard::parse(vcf)?;
        let existing = self.list(s::CONTACTS)?;
        let (report, contacts) = vcard::plan(&cards, &existing);
        self.write_imported(s::CONTACTS, &contacts)?;
        Ok(report)
    }

    /// Writes everything an import took, in one transaction (nothing when it took nothing).
    fn write_imported<T: Item>(&self, section: Section<T>, taken: &[T]) -> Result<()> {
        if taken.is_empty() {
            return Ok(());
        }
        self.change(section.id.doc(), ChangeOrigin::Import, |_, am| {
            for item in taken {
                items::put(am, section, item)?;
            }
            Ok(())
        })
    }
}
