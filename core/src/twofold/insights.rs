//! The insights API: milestones, patterns, early-warning alerts and their acknowledgement,
//! thresholds (and a mentor's suggested thresholds), the crisis screen, the help message, plan
//! review and the summary. The work is in `crate::insights`; this file takes the locks and
//! keeps the device-local settings, which never sync.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::journal::NewCheckIn;
use super::{Docs, Twofold};
use crate::docs::kind::DocKind;
use crate::error::{Error, Result};
use crate::insights::compute::{self, Sources};
use crate::insights::crisis::{self, CrisisScreen, LocalCrisisLine};
use crate::insights::help::{self, HelpDefaults, HelpDraft, HelpMessage};
use crate::insights::i18n::Lang;
use crate::insights::ladder::{Network, PersonToCall};
use crate::insights::milestones::RecoveryProgress;
use crate::insights::patterns::Patterns;
use crate::insights::review::{self, PlanReview, ReviewSettings};
use crate::insights::rules::{Acknowledged, Alert, CheckInOutcome, Rule};
use crate::insights::summary::{self, Extras, Summary, SummaryOptions, SummaryPart};
use crate::insights::thresholds::{ThresholdSettings, ThresholdSuggestion, Thresholds};
use crate::model::ids::ItemId;
use crate::model::journal::CheckIn;
use crate::model::time::Day;
use crate::model::validate::required;
use crate::store::settings;

const THRESHOLDS: &str = "insights.thresholds";
const ACKNOWLEDGED: &str = "insights.acknowledged";
const CRISIS_LINE: &str = "insights.local_crisis_line";
pub(crate) const HELP: &str = "insights.help";
const REVIEW: &str = "insights.review";

/// The person's documents, with the check-ins the intent log holds beside the journal
/// (`Twofold::read_journal`).
pub(super) fn sources<'a>(docs: &'a Docs, pending: &'a [CheckIn]) -> Result<Sources<'a>> {
    let get = |kind| docs.get(kind).ok();
    Ok(Sources {
        plan: docs.get(DocKind::Plan)?,
        contacts: get(DocKind::Contacts),
        schedule: get(DocKind::Schedule),
        journal: get(DocKind::Journal),
        pending,
    })
}

impl Twofold {
    pub(crate) fn load_setting<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T> {
        let raw = self.db.read(|c| settings::get(c, key))?;
        Ok(match raw {
            None => T::default(),
            Some(raw) => serde_json::from_str(&raw).unwrap_or_else(|_| {
                // A setting written by a later version, or damaged: the defaults are safe, and
                // the next save replaces it. The key is ours; the value is not logged.
                tracing::warn!(key, "unreadable insights setting, using defaults");
                T::default()
            }),
        })
    }

    pub(crate) fn save_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value)
            .map_err(|_| Error::invalid(key, "could not be encoded"))?;
        self.db.write(|tx| settings::set(tx, key, &json))
    }

    pub(crate) fn ladder(&self) -> Result<Vec<PersonToCall>> {
        self.read(|docs| {
            let src = sources(docs, &[])?;
            Network::load(src.plan, src.contacts)?.ladder(src.plan)
        })
    }

    /// Day counts, milestones and lapse history of every recovery on `today` (the person's
    /// local day: see [`crate::insights::milestones::local_day`]).
    pub fn recovery_progress(&self, today: Day) -> Result<Vec<RecoveryProgress>> {
        self.read_journal(|docs, pending| compute::progress(&sources(docs, pending)?, today))
    }

    /// Mood, craving, triggers, coping and attendance over 7, 30 and 90 days.
    pub fn patterns(&self, today: Day) -> Result<Patterns> {
        self.read_journal(|docs, pending| compute::patterns(&sources(docs, pending)?, today))
    }

    /// Every early-warning rule that fires on `today`, acknowledged or not.
    pub fn alerts(&self, today: Day) -> Result<Vec<Alert>> {
        let mut thresholds: ThresholdSettings = self.load_setting(THRESHOLDS)?;
        if thresholds.active.validate().is_err() {
            // Only a damaged setting gets here (writes are validated); warn with defaults
            // rather than not at all.
            thresholds.active = Thresholds::default();
        }
        let acknowledged: Acknowledged = self.load_setting(ACKNOWLEDGED)?;
        self.read_journal(|docs, pending| {
            compute::alerts(
                &sources(docs, pending)?,
                &thresholds.active,
                &acknowledged,
                today,
            )
        })
    }

    /// The alerts to show: those not acknowledged in their current situation.
    pub fn open_alerts(&self, today: Day) -> Result<Vec<Alert>> {
        Ok(self
            .alerts(today)?
            .into_iter()
            .filter(|a| !a.acknowledged)
            .collect())
    }

    /// Acknowledges an alert: it stays quiet until its situation changes.
    pub fn acknowledge_alert(&self, rule: Rule, situation: &str) -> Result<()> {
        required("situation", situation, 200)?;
        let mut acknowledged: Acknowledged = self.load_setting(ACKNOWLEDGED)?;
        acknowledged.insert(rule.code().to_string(), situation.to_string());
        self.save_setting(ACKNOWLEDGED, &acknowledged)
    }

    /// Records a check-in and evaluates the rules on `today` in the same call.
    pub fn record_check_in_and_evaluate(
        &self,
        new: NewCheckIn,
        at_ms: i64,
        today: Day,
    ) -> Result<CheckInOutcome> {
        let check_in = self.record_check_in(new, at_ms)?;
        Ok(CheckInOutcome {
            check_in,
            alerts: self.open_alerts(today)?,
        })
    }

    pub fn thresholds(&self) -> Result<ThresholdSettings> {
        self.load_setting(THRESHOLDS)
    }

    /// The owner's own thresholds. A pending suggestion stays pending.
    pub fn set_thresholds(&self, thresholds: Thresholds) -> Result<()> {
        thresholds.validate()?;
        let mut current: ThresholdSettings = self.load_setting(THRESHOLDS)?;
        current.active = thresholds;
        self.save_setting(THRESHOLDS, &current)
    }

    /// Keeps a suggested set (from a mentor) for the owner to accept or dismiss; it changes
    /// nothing until accepted. A newer suggestion replaces an older one.
    pub fn store_threshold_suggestion(&self, suggestion: ThresholdSuggestion) -> Result<()> {
        suggestion.validate()?;
        let mut current: ThresholdSettings = self.load_setting(THRESHOLDS)?;
        current.suggestion = Some(suggestion);
        self.save_setting(THRESHOLDS, &current)
    }

    /// Makes the pending suggestion the active thresholds.
    pub fn accept_threshold_suggestion(&self) -> Result<Thresholds> {
        let mut current: ThresholdSettings = self.load_setting(THRESHOLDS)?;
        let suggestion = current
            .suggestion
            .take()
            .ok_or_else(|| Error::not_found("threshold suggestion", "pending"))?;
        current.active = suggestion.thresholds;
        self.save_setting(THRESHOLDS, &current)?;
        Ok(current.active)
    }

    pub fn dismiss_threshold_suggestion(&self) -> Result<()> {
        let mut current: ThresholdSettings = self.load_setting(THRESHOLDS)?;
        current.suggestion = None;
        self.save_setting(THRESHOLDS, &current)
    }

    /// The crisis screen, in the plan's order. Needs nothing but the plan; no network.
    pub fn crisis_screen(&self) -> Result<CrisisScreen> {
        self.crisis_screen_for_region(None)
    }

    /// The crisis screen with the bundled lines and emergency number of `region` (the phone's
    /// ISO 3166-1 alpha-2 region) where the person has set no local line of their own.
    pub fn crisis_screen_for_region(&self, region: Option<&str>) -> Result<CrisisScreen> {
        let local = self.local_crisis_line()?;
        self.read(|docs| {
            let src = sources(docs, &[])?;
            crisis::screen(src.plan, src.contacts, local.as_ref(), region)
        })
    }

    pub fn local_crisis_line(&self) -> Result<Option<LocalCrisisLine>> {
        self.load_setting(CRISIS_LINE)
    }

    /// Sets (or with `None` clears) the local crisis line shown on the crisis screen.
    pub fn set_local_crisis_line(&self, line: Option<LocalCrisisLine>) -> Result<()> {
        if let Some(line) = &line {
            line.validate()?;
        }
        self.save_setting(CRISIS_LINE, &line)
    }

    /// The help screen: ladder candidates with a number to text, who is selected, the text.
    pub fn help_draft(&self, lang: Lang) -> Result<HelpDraft> {
        let saved: HelpDefaults = self.load_setting(HELP)?;
        Ok(help::draft(&self.ladder()?, &saved, lang))
    }

    /// Saves the person's own help text and preselected recipients for next time.
    pub fn set_help_defaults(&self, defaults: HelpDefaults) -> Result<()> {
        defaults.validate()?;
        self.save_setting(HELP, &defaults)
    }

    /// The message to hand to the SMS composer, checked against the current ladder.
    pub fn prepare_help_message(&self, recipients: &[ItemId], text: &str) -> Result<HelpMessage> {
        help::prepare(&self.ladder()?, recipients, text)
    }

    /// Whether the plan is due for review at `now_ms`, and its parts oldest first.
    pub fn plan_review(&self, now_ms: i64) -> Result<PlanReview> {
        let settings: ReviewSettings = self.load_setting(REVIEW)?;
        // Walking the change history needs the document mutably (Automerge closes its open
        // transaction first): a copy of the plan (a few dozen changes a year), so that this
        // read takes the documents' lock shared and never waits for a write's commit.
        let mut plan = self.read(|docs| Ok(docs.get(DocKind::Plan)?.clone()))?;
        review::review(&mut plan, &settings, now_ms)
    }

    /// Review every `days` days (30–90).
    pub fn set_review_interval(&self, days: u32) -> Result<()> {
        review::check_interval(days)?;
        let mut settings: ReviewSettings = self.load_setting(REVIEW)?;
        settings.interval_days = days;
        self.save_setting(REVIEW, &settings)
    }

    /// The owner went through the plan at `at_ms`; the next reminder counts from here.
    pub fn mark_plan_reviewed(&self, at_ms: i64) -> Result<()> {
        let mut settings: ReviewSettings = self.load_setting(REVIEW)?;
        settings.last_reviewed_ms = Some(at_ms);
        self.save_setting(REVIEW, &settings)
    }

    /// The one-page summary (Markdown and HTML) with only the parts in `options`.
    pub fn summary(&self, options: &SummaryOptions) -> Result<Summary> {
        let local = if options.parts.contains(&SummaryPart::Professionals) {
            self.local_crisis_line()?
        } else {
            None
        };
        let alerts = if options.parts.contains(&SummaryPart::Alerts) {
            self.open_alerts(options.today)?
        } else {
            Vec::new()
        };
        self.read_journal(|docs, pending| {
            let extras = Extras {
                local_line: local.as_ref(),
                alerts: &alerts,
            };
            summary::summary(&sources(docs, pending)?, &extras, options)
        })
    }
}
