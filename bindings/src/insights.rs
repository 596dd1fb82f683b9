//! `TwofoldStore`'s insight operations: recovery progress, patterns, early-warning alerts and
//! thresholds, the crisis screen, asking for help, plan review and the summary. One or two
//! lines each over `twofold_core::Twofold`.
//!
//! Computations over the whole journal (patterns, alerts, the summary) and writes are async;
//! the crisis screen, help draft and settings reads are plain calls.

use twofold_core::{HelpDefaults as CoreHelpDefaults, ItemId};

use crate::convert::{self, ToCore};
use crate::error::Result;
use crate::model::insights::*;
use crate::model::journal::NewCheckIn;
use crate::store::{now_ms, TwofoldStore};

#[uniffi::export]
impl TwofoldStore {
    /// Each recovery's days, milestones (reached, next) and lapse history on `today`.
    pub fn recovery_progress(&self, today: String) -> Result<Vec<RecoveryProgress>> {
        self.read(|core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.recovery_progress(today)?)
        })
    }

    /// Mood and craving trends, triggers, coping outcomes and attendance over recent windows.
    pub async fn patterns(&self, today: String) -> Result<Patterns> {
        self.write(move |core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.patterns(today)?)
        })
        .await
    }

    /// Every early-warning alert on `today`, acknowledged ones included.
    pub async fn alerts(&self, today: String) -> Result<Vec<Alert>> {
        self.write(move |core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core.alerts(today)?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The alerts not acknowledged yet.
    pub async fn open_alerts(&self, today: String) -> Result<Vec<Alert>> {
        self.write(move |core| {
            let today = convert::day::to_core(today, "", "today")?;
            Ok(core
                .open_alerts(today)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// Quiets an alert until its situation changes.
    pub async fn acknowledge_alert(&self, rule: Rule, situation: String) -> Result<()> {
        self.write(move |core| Ok(core.acknowledge_alert(rule, &situation)?))
            .await
    }

    /// `record_check_in`, then the open alerts on `today`, in one call.
    #[uniffi::method(default(at_ms = None))]
    pub async fn record_check_in_and_evaluate(
        &self,
        check_in: NewCheckIn,
        today: String,
        at_ms: Option<i64>,
    ) -> Result<CheckInOutcome> {
        self.write(move |core| {
            let new = check_in.to_core("check_ins")?;
            let today = convert::day::to_core(today, "", "today")?;
            let at_ms = at_ms.unwrap_or_else(now_ms);
            Ok(core.record_check_in_and_evaluate(new, at_ms, today)?.into())
        })
        .await
    }

    /// The active thresholds, and a pending suggestion if there is one.
    pub fn thresholds(&self) -> Result<ThresholdSettings> {
        self.read(|core| Ok(core.thresholds()?))
    }

    /// The owner's own thresholds. A pending suggestion stays pending.
    pub async fn set_thresholds(&self, thresholds: Thresholds) -> Result<()> {
        self.write(move |core| Ok(core.set_thresholds(thresholds)?))
            .await
    }

    /// Keeps a suggestion (from a mentor or clinician) for the owner to accept or dismiss.
    pub async fn store_threshold_suggestion(&self, suggestion: ThresholdSuggestion) -> Result<()> {
        self.write(move |core| Ok(core.store_threshold_suggestion(suggestion)?))
            .await
    }

    /// Makes the pending suggestion the active thresholds, and returns them.
    pub async fn accept_threshold_suggestion(&self) -> Result<Thresholds> {
        self.write(|core| Ok(core.accept_threshold_suggestion()?))
            .await
    }

    pub async fn dismiss_threshold_suggestion(&self) -> Result<()> {
        self.write(|core| Ok(core.dismiss_threshold_suggestion()?))
            .await
    }

    /// The safety plan for a crisis, in one value (works offline, like everything here).
    pub fn crisis_screen(&self) -> Result<CrisisScreen> {
        self.read(|core| Ok(core.crisis_screen()?.into()))
    }

    /// The crisis screen with the bundled crisis lines and emergency number of `region` (the
    /// phone's ISO 3166-1 alpha-2 region, e.g. `"MX"`) where the person has set no local line.
    pub fn crisis_screen_for_region(&self, region: Option<String>) -> Result<CrisisScreen> {
        self.read(|core| Ok(core.crisis_screen_for_region(region.as_deref())?.into()))
    }

    pub fn local_crisis_line(&self) -> Result<Option<LocalCrisisLine>> {
        self.read(|core| Ok(core.local_crisis_line()?))
    }

    /// Sets (or with `None` clears) the crisis line of the person's region.
    pub async fn set_local_crisis_line(&self, line: Option<LocalCrisisLine>) -> Result<()> {
        self.write(move |core| Ok(core.set_local_crisis_line(line)?))
            .await
    }

    /// A "please help" message to start from: the people to ask, those preselected, the text.
    pub fn help_draft(&self, lang: Lang) -> Result<HelpDraft> {
        self.read(|core| Ok(core.help_draft(lang)?))
    }

    /// Saves the person's own help text and preselected recipients for next time.
    pub async fn set_help_defaults(&self, defaults: HelpDefaults) -> Result<()> {
        self.write(move |core| {
            let defaults: CoreHelpDefaults = defaults.to_core("help_defaults")?;
            Ok(core.set_help_defaults(defaults)?)
        })
        .await
    }

    /// The message to hand to the phone's messaging app: recipients (contact ids) and text.
    pub fn prepare_help_message(
        &self,
        recipients: Vec<String>,
        text: String,
    ) -> Result<HelpMessage> {
        self.read(|core| {
            let recipients: Vec<ItemId> = convert::ids::to_core(recipients, "", "recipients")?;
            Ok(core.prepare_help_message(&recipients, &text)?)
        })
    }

    /// Whether the plan is due for review at `now_ms` (`None`: now), and its parts oldest
    /// first.
    #[uniffi::method(default(now_ms = None))]
    pub async fn plan_review(&self, now_ms: Option<i64>) -> Result<PlanReview> {
        self.write(move |core| Ok(core.plan_review(now_ms.unwrap_or_else(crate::store::now_ms))?))
            .await
    }

    pub async fn set_review_interval(&self, days: u32) -> Result<()> {
        self.write(move |core| Ok(core.set_review_interval(days)?))
            .await
    }

    /// Marks the plan reviewed at `at_ms` (`None`: now).
    #[uniffi::method(default(at_ms = None))]
    pub async fn mark_plan_reviewed(&self, at_ms: Option<i64>) -> Result<()> {
        self.write(move |core| Ok(core.mark_plan_reviewed(at_ms.unwrap_or_else(now_ms))?))
            .await
    }

    /// A summary of the chosen parts, as Markdown and HTML, to share with a clinician.
    pub async fn summary(&self, options: SummaryOptions) -> Result<Summary> {
        self.write(move |core| Ok(core.summary(&options.to_core("summary")?)?))
            .await
    }
}
