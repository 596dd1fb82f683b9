//! Document ids scoped by owner (ADR 0022): the local id under which this device keeps a
//! document another owner granted under an id it already held.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::crypto::KeyId;
use crate::error::Result;

/// The local id of `owner`'s document `remote_id`, if it has one of its own.
pub fn local_id(conn: &Connection, owner: &KeyId, remote_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT local_id FROM doc_aliases WHERE owner = ?1 AND remote_id = ?2")?
        .query_row(params![&owner.0[..], remote_id], |r| r.get(0))
        .optional()?)
}

pub fn insert(tx: &Transaction<'_>, owner: &KeyId, remote_id: &str, local_id: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO doc_aliases (owner, remote_id, local_id) VALUES (?1, ?2, ?3)",
        params![&owner.0[..], remote_id, local_id],
    )?;
    Ok(())
}

/// A device succeeded `old` (ADR 0010): its documents keep their local ids.
pub fn move_owner(tx: &Transaction<'_>, old: &KeyId, new: &KeyId) -> Result<()> {
    tx.execute(
        "UPDATE OR IGNORE doc_aliases SET owner = ?2 WHERE owner = ?1",
        params![&old.0[..], &new.0[..]],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::database::Database;

    #[test]
    fn an_alias_is_per_owner_and_moves_with_a_successor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Database::open(&dir.path().join("s.db"), &[7; 32]).expect("open");
        let (first, other, successor) = (KeyId([1; 16]), KeyId([2; 16]), KeyId([3; 16]));
        let remote = "00112233445566778899aabbccddeeff";
        let local = "ffeeddccbbaa99887766554433221100";
        db.write(|tx| insert(tx, &first, remote, local))
            .expect("insert");
        assert_eq!(
            db.read(|c| local_id(c, &first, remote)).expect("read"),
            Some(local.to_string())
        );
        assert_eq!(
            db.read(|c| local_id(c, &other, remote)).expect("read"),
            None
        );
        db.write(|tx| move_owner(tx, &first, &successor))
            .expect("move");
        assert_eq!(
            db.read(|c| local_id(c, &first, remote)).expect("read"),
            None
        );
        assert_eq!(
            db.read(|c| local_id(c, &successor, remote)).expect("read"),
            Some(local.to_string())
        );
        // Two owners' documents cannot share one local id.
        assert!(db.write(|tx| insert(tx, &other, remote, local)).is_err());
    }
}
