//! A cursor over untrusted bytes that reads Automerge's framing primitives (LEB128 numbers,
//! length-prefixed runs) and answers `None` instead of reading past the end or overflowing.

pub(crate) struct LebReader<'a>(pub(crate) &'a [u8]);

impl<'a> LebReader<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    /// Takes a length read from the input itself, refusing lengths that do not fit.
    pub(crate) fn take_u64(&mut self, n: u64) -> Option<&'a [u8]> {
        self.take(usize::try_from(n).ok()?)
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Unsigned LEB128, at most 10 bytes and no overflow of u64.
    pub(crate) fn uleb(&mut self) -> Option<u64> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.byte()?;
            let low = u64::from(b & 0x7f);
            if i == 9 && low > 1 {
                return None;
            }
            value |= low << (7 * i);
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// Signed LEB128 into an i64, at most 10 bytes; a value outside i64 is `None`.
    pub(crate) fn sleb(&mut self) -> Option<i64> {
        let mut value: i128 = 0;
        for i in 0..10u32 {
            let b = self.byte()?;
            value |= i128::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                let bits = 7 * (i + 1);
                if b & 0x40 != 0 {
                    value -= 1i128 << bits;
                }
                return i64::try_from(value).ok();
            }
        }
        None
    }

    /// A uLEB128 length and that many bytes.
    pub(crate) fn prefixed(&mut self) -> Option<&'a [u8]> {
        let len = self.uleb()?;
        self.take_u64(len)
    }
}

#[cfg(test)]
mod tests {
    use super::LebReader;
    use proptest::prelude::*;

    fn encode_sleb(mut v: i64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
            out.push(if done { byte } else { byte | 0x80 });
            if done {
                return out;
            }
        }
    }

    fn encode_uleb(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    proptest! {
        #[test]
        fn leb128_round_trips(s in any::<i64>(), u in any::<u64>()) {
            prop_assert_eq!(LebReader(&encode_sleb(s)).sleb(), Some(s));
            prop_assert_eq!(LebReader(&encode_uleb(u)).uleb(), Some(u));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
            let mut r = LebReader(&bytes);
            let _ = r.sleb();
            let _ = r.uleb();
            let _ = r.prefixed();
        }
    }
}
