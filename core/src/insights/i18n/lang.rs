//! The languages the core renders itself.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Es,
    Fr,
    Pt,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Es, Lang::Fr, Lang::Pt, Lang::Ar];

    /// The BCP 47 tag, for `<html lang>` and the catalogue's file name.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Pt => "pt",
            Lang::Ar => "ar",
        }
    }

    /// Written right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }

    /// The HTML `dir` value.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// Decimal comma or point, as the language writes it.
    pub(crate) fn decimal_comma(self) -> bool {
        // Arabic here uses Latin digits (as in the Maghreb and on most phones), and with them
        // the decimal point.
        matches!(self, Lang::Es | Lang::Fr | Lang::Pt)
    }
}
