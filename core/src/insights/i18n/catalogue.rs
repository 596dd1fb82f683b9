//! The message catalogues: one Project Fluent file per language under `core/locales/`,
//! embedded (compressed, `bundled.rs`) at build time and parsed once, on first use.
//!
//! A phrase code maps to a Fluent message id with its dots written as hyphens
//! (`alert.no_check_in` → `alert-no_check_in`), because Fluent identifiers have no dots. Fluent
//! chooses plural forms by CLDR's rules for the language — Arabic has six — from the `count`
//! parameter, so every integer parameter is passed as a number; decimals arrive already written
//! the language's way.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use super::{Lang, Phrase};
use crate::bundled;

type Bundle = FluentBundle<FluentResource>;

/// The language's catalogue as text. Empty only for a broken build (the tests parse every
/// catalogue through here); English then renders the phrase codes.
fn source(lang: Lang) -> String {
    let packed = match lang {
        Lang::En => bundled::CATALOGUE_EN,
        Lang::Es => bundled::CATALOGUE_ES,
        Lang::Fr => bundled::CATALOGUE_FR,
        Lang::Pt => bundled::CATALOGUE_PT,
        Lang::Ar => bundled::CATALOGUE_AR,
    };
    bundled::text(packed).unwrap_or_default()
}

fn build(lang: Lang) -> Bundle {
    let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks keep a Latin name or a number from reordering the words around
    // it in right-to-left text; in left-to-right text they only add invisible characters.
    bundle.set_use_isolating(lang.is_rtl());
    let resource = FluentResource::try_new(source(lang)).unwrap_or_else(|(partial, errors)| {
        // The catalogue tests refuse any syntax error; should one slip through, the messages
        // that did parse still render and the rest fall back to English.
        tracing::warn!(
            lang = lang.tag(),
            errors = errors.len(),
            "message catalogue has syntax errors"
        );
        partial
    });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::warn!(
            lang = lang.tag(),
            errors = errors.len(),
            "message catalogue has duplicate ids"
        );
    }
    bundle
}

/// Each language's bundle is parsed the first time that language is asked for, so opening the
/// app pays for the person's language (and English, the fallback), not all five.
fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; Lang::ALL.len()] =
        [const { OnceLock::new() }; Lang::ALL.len()];
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    BUNDLES[index].get_or_init(|| build(Lang::ALL[index]))
}

pub(super) fn message_id(code: &str) -> String {
    code.replace('.', "-")
}

/// Whether the core has words for `code`.
pub fn knows(code: &str) -> bool {
    bundle(Lang::En).has_message(&message_id(code))
}

/// A fixed label (no parameters).
pub fn label(lang: Lang, code: &str) -> String {
    render(lang, &Phrase::new(code))
}

fn argument(lang: Lang, name: &str, value: &str) -> FluentValue<'static> {
    match name {
        "stage" | "direction" => FluentValue::from(label(lang, &format!("{name}.{value}"))),
        _ => match value.parse::<i64>() {
            Ok(n) => FluentValue::from(n),
            Err(_) => FluentValue::from(localise_number(lang, value)),
        },
    }
}

/// The phrase in `lang`; a code the language lacks is rendered in English, and a code no
/// catalogue knows comes back as the code itself, so a missing translation is visible rather
/// than silent.
pub fn render(lang: Lang, phrase: &Phrase) -> String {
    let id = message_id(&phrase.code);
    let (bundle, lang) = if bundle(lang).has_message(&id) {
        (bundle(lang), lang)
    } else {
        (bundle(Lang::En), Lang::En)
    };
    let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
        return phrase.code.clone();
    };
    let mut args = FluentArgs::new();
    for p in &phrase.params {
        args.set(p.name.clone(), argument(lang, &p.name, &p.value));
    }
    // A missing variable renders as `{$name}`: visible, and caught by the catalogue tests.
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&args), &mut errors)
        .into_owned()
}

/// Spanish, French and Portuguese write decimals with a comma.
fn localise_number(lang: Lang, value: &str) -> String {
    let numeric = !value.is_empty()
        && value.contains('.')
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if numeric && lang.decimal_comma() {
        value.replace('.', ",")
    } else {
        value.to_string()
    }
}

/// One decimal, as the summary shows averages.
pub fn decimal(lang: Lang, value: f64) -> String {
    localise_number(lang, &format!("{value:.1}"))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Each message's variables, over all its variants.
    fn variables(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        fn inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => expr(expression, out),
                _ => {}
            }
        }
        fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Inline(i) => inline(i, out),
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
            }
        }
        fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for element in &p.elements {
                if let ast::PatternElement::Placeable { expression } = element {
                    expr(expression, out);
                }
            }
        }
        let text = source(lang);
        let resource = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}.ftl does not parse: {errors:?}", lang.tag()));
        let mut out = BTreeMap::new();
        for entry in &resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                let value = m.value.as_ref().expect("every message has a value");
                pattern(value, &mut vars);
                let previous = out.insert(m.id.name.to_string(), vars);
                assert!(previous.is_none(), "{}: {} twice", lang.tag(), m.id.name);
            }
        }
        out
    }

    #[test]
    fn every_code_exists_in_every_language_with_the_same_parameters() {
        let english = variables(Lang::En);
        assert!(english.len() > 70, "{} messages", english.len());
        for lang in Lang::ALL {
            let other = variables(lang);
            let missing: Vec<&String> =
                english.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: Vec<&String> = other.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, extra {extra:?}",
                lang.tag()
            );
            for (id, vars) in &english {
                assert_eq!(&other[id], vars, "{}: {id}", lang.tag());
            }
        }
    }

    #[test]
    fn the_codes_the_core_emits_are_in_the_catalogue() {
        use crate::insights::rules::Rule;
        let mut codes: Vec<String> = Rule::ALL
            .iter()
            .map(|r| format!("alert.{}", r.code()))
            .collect();
        for extra in [
            "milestone.days",
            "milestone.years",
            "stage.early",
            "stage.breaking_down",
            "stage.crisis",
            "direction.rising",
            "direction.falling",
            "direction.steady",
            "direction.unknown",
            "review.due",
            "review.never",
            "help.default_text",
        ] {
            codes.push(extra.to_string());
        }
        for code in codes {
            assert!(knows(&code), "{code}");
        }
    }

    #[test]
    fn plural_and_decimal_follow_the_language() {
        let p = Phrase::new("alert.no_check_in").with("count", 1);
        assert_eq!(render(Lang::En, &p), "No check-in for 1 day");
        let p = Phrase::new("alert.mood_drop")
            .with("drop", "2.5")
            .with("days", 7);
        assert_eq!(
            render(Lang::Es, &p),
            "El ánimo ha bajado 2,5 puntos en 7 días"
        );
        assert_eq!(
            render(Lang::Fr, &p),
            "L'humeur a baissé de 2,5 points en 7 jours"
        );
        assert_eq!(
            render(Lang::En, &Phrase::new("no.such.code")),
            "no.such.code"
        );
        let stage = Phrase::new("alert.warning_sign")
            .with("count", 2)
            .with("stage", "crisis");
        assert_eq!(
            render(Lang::Pt, &stage),
            "Foram notados 2 sinais de alerta do seu plano (crise)"
        );
    }

    #[test]
    fn arabic_uses_all_six_plural_forms() {
        let days = |n: i64| {
            render(Lang::Ar, &Phrase::new("milestone.days").with("count", n))
                .replace(['\u{2068}', '\u{2069}'], "")
        };
        assert_eq!(days(0), "0 يوم");
        assert_eq!(days(1), "يوم واحد");
        assert_eq!(days(2), "يومان");
        assert_eq!(days(3), "3 أيام");
        assert_eq!(days(11), "11 يومًا");
        assert_eq!(days(100), "100 يوم");
        // Placeables are isolated so that left-to-right numbers and names keep their place.
        assert!(
            render(Lang::Ar, &Phrase::new("milestone.days").with("count", 3)).contains('\u{2068}')
        );
        assert!(
            !render(Lang::En, &Phrase::new("milestone.days").with("count", 3)).contains('\u{2068}')
        );
    }
}
