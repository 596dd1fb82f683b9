//! Insights: what the core works out from the person's own documents, on the phone and offline
//! — recovery milestones, check-in patterns, early-warning rules, the crisis screen, the help
//! message, plan review reminders and the one-page summary.
//!
//! Everything here is a pure function of loaded documents and device-local settings; the
//! `Twofold` methods in `twofold::insights` do the locking and the settings I/O. Words the core
//! produces leave as [`i18n::Phrase`] codes with parameters, so apps translate them; the core
//! itself renders them from one message catalogue per language (English, Spanish, French,
//! Portuguese, Arabic) for the summary and the help text.

pub mod adherence;
pub mod compute;
pub mod course;
pub mod crisis;
pub mod crisis_lines;
pub mod daily;
pub mod doses;
pub mod help;
pub mod i18n;
pub mod ladder;
pub mod milestones;
pub mod patterns;
pub mod review;
pub mod rules;
pub mod summary;
pub mod thresholds;
pub mod tolerance;
