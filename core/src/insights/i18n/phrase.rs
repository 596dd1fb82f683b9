//! A localisable text: a code and named parameters.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhraseParam {
    pub name: String,
    pub value: String,
}

/// A code with parameters, e.g. `alert.high_craving` with `count=3, window_days=5, level=7`.
/// A parameter named `count` selects the plural form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrase {
    pub code: String,
    pub params: Vec<PhraseParam>,
}

impl Phrase {
    pub fn new(code: &str) -> Self {
        Phrase {
            code: code.to_string(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push(PhraseParam {
            name: name.to_string(),
            value: value.to_string(),
        });
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }
}
