//! How many rows an Automerge column decodes to, counted from its encoding without decoding it.
//!
//! Columns are run-length encoded, so a few bytes can declare billions of rows ("one run of
//! 2^40 nulls"), and Automerge's loader materialises every row: a 39-byte document made it
//! allocate 8 GiB, and an allocation failure aborts the process — `catch_unwind` cannot help.
//! Counting the rows first lets the guarded loader refuse such bytes before Automerge sees them.

use super::leb_reader::LebReader;

/// Why a column's rows could not be counted within the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowsError {
    /// The encoding ends mid-value or holds an impossible number.
    Malformed,
    /// More rows than the limit allows.
    TooMany,
}

/// The column's type: the low three bits of its specification (Automerge's `ColumnType`).
const TYPE_MASK: u64 = 0b111;
const GROUP: u64 = 0;
const ACTOR: u64 = 1;
const INTEGER: u64 = 2;
const DELTA: u64 = 3;
const BOOLEAN: u64 = 4;
const STRING: u64 = 5;
const VALUE_METADATA: u64 = 6;
const VALUE: u64 = 7;

/// The number of rows the (already inflated) column `data` of type `spec` decodes to, if it is
/// at most `limit`.
pub(crate) fn column_rows(spec: u64, data: &[u8], limit: u64) -> Result<u64, RowsError> {
    let mut r = LebReader(data);
    let mut rows = Rows { count: 0, limit };
    match spec & TYPE_MASK {
        // Raw value bytes: their rows are counted by the metadata column beside them.
        VALUE => {}
        // Alternating runs of false and true, each a uLEB128 count.
        BOOLEAN => {
            while !r.is_empty() {
                rows.add(r.uleb().ok_or(RowsError::Malformed)?)?;
            }
        }
        STRING => count_runs(&mut r, &mut rows, |r| r.prefixed().map(|_| ()))?,
        DELTA => count_runs(&mut r, &mut rows, |r| r.sleb().map(|_| ()))?,
        GROUP | ACTOR | INTEGER | VALUE_METADATA => {
            count_runs(&mut r, &mut rows, |r| r.uleb().map(|_| ()))?
        }
        _ => unreachable!("a three-bit type is one of the eight above"),
    }
    Ok(rows.count)
}

struct Rows {
    count: u64,
    limit: u64,
}

impl Rows {
    fn add(&mut self, n: u64) -> Result<(), RowsError> {
        self.count = self
            .count
            .checked_add(n)
            .filter(|c| *c <= self.limit)
            .ok_or(RowsError::TooMany)?;
        Ok(())
    }
}

/// Automerge's RLE: a signed count, then one value repeated (count > 0), `-count` literal
/// values (count < 0), or a uLEB128 number of nulls (count = 0).
fn count_runs(
    r: &mut LebReader<'_>,
    rows: &mut Rows,
    skip_value: impl Fn(&mut LebReader<'_>) -> Option<()>,
) -> Result<(), RowsError> {
    while !r.is_empty() {
        let count = r.sleb().ok_or(RowsError::Malformed)?;
        if count > 0 {
            rows.add(count.unsigned_abs())?;
            skip_value(r).ok_or(RowsError::Malformed)?;
        } else if count < 0 {
            // Each literal takes at least one byte, so this loop ends with the input.
            for _ in 0..count.unsigned_abs() {
                rows.add(1)?;
                skip_value(r).ok_or(RowsError::Malformed)?;
            }
        } else {
            rows.add(r.uleb().ok_or(RowsError::Malformed)?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_literals_and_nulls_are_counted() {
        // 3 × actor 0, two literals (5, 6), 4 nulls.
        let col = [0x03, 0x00, 0x7e, 0x05, 0x06, 0x00, 0x04];
        assert_eq!(column_rows(ACTOR, &col, 100), Ok(9));
        assert_eq!(column_rows(ACTOR, &col, 8), Err(RowsError::TooMany));
        // Booleans: 2 false, 3 true.
        assert_eq!(column_rows(BOOLEAN, &[0x02, 0x03], 100), Ok(5));
        // Strings: 2 × "ab".
        assert_eq!(column_rows(STRING, &[0x02, 0x02, b'a', b'b'], 100), Ok(2));
        // Raw values have no rows of their own.
        assert_eq!(column_rows(VALUE, &[0xff; 8], 0), Ok(0));
    }

    #[test]
    fn one_huge_run_is_refused_without_iterating_it() {
        // A null run of 2^62 rows in three bytes' worth of count.
        let mut col = vec![0x00];
        col.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
        assert_eq!(column_rows(ACTOR, &col, 1 << 24), Err(RowsError::TooMany));
        // A repeated run of i64::MAX.
        let run = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01,
        ];
        assert_eq!(column_rows(INTEGER, &run, 1 << 24), Err(RowsError::TooMany));
    }

    #[test]
    fn truncated_columns_are_malformed() {
        assert_eq!(column_rows(ACTOR, &[0x03], 100), Err(RowsError::Malformed));
        assert_eq!(
            column_rows(STRING, &[0x01, 0x05, b'a'], 100),
            Err(RowsError::Malformed)
        );
        assert_eq!(
            column_rows(ACTOR, &[0x7e, 0x01], 100),
            Err(RowsError::Malformed)
        );
    }
}
