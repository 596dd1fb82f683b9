//! Localisable words: every text the core produces is a [`Phrase`] — a stable code plus named
//! parameters — so the apps can translate it with their own string tables. The core carries one
//! Project Fluent message catalogue per language (`core/locales/<tag>.ftl`) and renders the
//! summary, help text, alert reasons and milestone names with it; see ADR 0009 and
//! `docs/languages.md` for how to add a language.

mod catalogue;
mod lang;
mod phrase;

pub use catalogue::{decimal, knows, label, render};
pub use lang::Lang;
pub use phrase::{Phrase, PhraseParam};
