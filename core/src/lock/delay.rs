//! The growing delay after wrong PINs: a few free tries, then a wait that doubles with each
//! further wrong try, capped (the reasons for the numbers are in ADR 0015).

/// Wrong tries in a row that cost nothing: shaking hands in a bad hour mistype.
pub const FREE_TRIES: u32 = 5;
/// The wait after the first wrong try past the free ones.
pub const FIRST_DELAY_MS: u64 = 30_000;
/// The longest wait: the person must never be kept from their plan for more than an hour.
pub const MAX_DELAY_MS: u64 = 60 * 60 * 1000;

/// How long the next try waits after `failures` wrong tries in a row.
pub fn delay_ms(failures: u32) -> u64 {
    if failures < FREE_TRIES {
        return 0;
    }
    // Past 2^7 × 30 s the cap applies anyway; the bound keeps the shift in range.
    let doublings = (failures - FREE_TRIES).min(16);
    (FIRST_DELAY_MS << doublings).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_free_then_doubles_from_half_a_minute_to_an_hour() {
        let waits: Vec<u64> = (0..14).map(delay_ms).collect();
        assert_eq!(&waits[..5], &[0; 5]);
        assert_eq!(
            &waits[5..],
            &[
                30_000,
                60_000,
                120_000,
                240_000,
                480_000,
                960_000,
                1_920_000,
                MAX_DELAY_MS,
                MAX_DELAY_MS
            ]
        );
        assert_eq!(delay_ms(u32::MAX), MAX_DELAY_MS);
    }
}
