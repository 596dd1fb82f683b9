//! The local tables a backup carries, read out and written back row by row.
//!
//! Table and column names come from a file on restore, so they are checked against this
//! code's own list and the live schema before they reach SQL; values are bound parameters, and
//! the schema's checks and triggers refuse values the code does not know.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, ErrorCode, Transaction};

use crate::backup::contents::decode_b64;
use crate::backup::{Cell, TableDump};
use crate::error::{Error, Result};

/// What a backup carries besides the documents, in restore order. Left out: `identity` (this
/// device's secret keys), `doc_chunks` (each document travels as one snapshot instead),
/// `invites` and the mailboxes (a pairing under way is started again), `rejections`
/// (diagnostic counters).
pub const BACKED_UP_TABLES: [&str; 18] = [
    "documents",
    "settings",
    "peers",
    "shares",
    "streams",
    "stream_senders",
    "doc_writers",
    "disclosure_log",
    "outbox_changes",
    "outbox",
    // Which paired phone each ladder contact answers an SOS on, and a mentor's own notes on
    // each person: set by hand in a calm moment, so a restore must bring them back.
    "sos_links",
    "mentee_notes",
    // The person's recovery identity: its only power is to name the device that succeeds a
    // lost one (ADR 0010), which is what a restore is.
    "recovery_identity",
    // The channels this device made between the person's linked devices and their peers.
    "introductions",
    // On a linked device: the shares it keeps if it takes the lost origin's place.
    "handed_shares",
    // The person's own choices about their peer circles: muted, left, hidden for them.
    "circle_settings",
    "circle_hidden",
    // Which documents of other owners are kept under local ids (ADR 0022): without it a
    // restored phone would read their owners' messages as about the documents those ids
    // collided with.
    "doc_aliases",
];

fn refused(reason: &'static str) -> Error {
    Error::BackupRefused { reason }
}

fn columns_of(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

fn cell_of(v: Value) -> Result<Cell> {
    Ok(match v {
        Value::Null => Cell::Null,
        Value::Integer(i) => Cell::Int(i),
        Value::Text(t) => Cell::Text(t),
        Value::Blob(b) => Cell::blob(&b),
        // No table of ours stores a real.
        Value::Real(_) => return Err(Error::invalid("backup", "a table holds a real number")),
    })
}

fn value_of(c: &Cell) -> Result<Value> {
    Ok(match c {
        Cell::Null => Value::Null,
        Cell::Int(i) => Value::Integer(*i),
        Cell::Text(t) => Value::Text(t.clone()),
        Cell::Blob { b64 } => Value::Blob(decode_b64(b64)?),
    })
}

/// Every row of `table` (one of [`BACKED_UP_TABLES`]).
pub fn dump(conn: &Connection, table: &'static str) -> Result<TableDump> {
    let columns = columns_of(conn, table)?;
    let list = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            row.push(cell_of(r.get::<_, Value>(i)?)?);
        }
        out.push(row);
    }
    Ok(TableDump { columns, rows: out })
}

/// Inserts the rows of a dump into `table`, refusing names this schema does not have.
pub fn restore(tx: &Transaction<'_>, table: &str, dump: &TableDump) -> Result<()> {
    if !BACKED_UP_TABLES.contains(&table) {
        return Err(refused("it holds a table this app does not restore"));
    }
    let known = columns_of(tx, table)?;
    for (i, c) in dump.columns.iter().enumerate() {
        if !known.contains(c) || dump.columns[..i].contains(c) {
            return Err(refused("it holds a column this app does not know"));
        }
    }
    if dump.columns.is_empty() {
        return if dump.rows.is_empty() {
            Ok(())
        } else {
            Err(refused("a table in it is damaged"))
        };
    }
    let names = dump
        .columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let marks = vec!["?"; dump.columns.len()].join(", ");
    let mut stmt = tx.prepare(&format!(
        "INSERT INTO \"{table}\" ({names}) VALUES ({marks})"
    ))?;
    for row in &dump.rows {
        if row.len() != dump.columns.len() {
            return Err(refused("a table in it is damaged"));
        }
        let values = row.iter().map(value_of).collect::<Result<Vec<_>>>()?;
        stmt.execute(params_from_iter(values)).map_err(|e| {
            let e = Error::from(e);
            match e.sqlite_code() {
                // The device's own trouble, not the file's: reported as it is.
                Some(
                    ErrorCode::DiskFull
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::CannotOpen
                    | ErrorCode::ReadOnly
                    | ErrorCode::DatabaseBusy
                    | ErrorCode::DatabaseLocked
                    | ErrorCode::OutOfMemory,
                ) => e,
                _ => refused("a table in it holds values this app refuses"),
            }
        })?;
    }
    Ok(())
}
