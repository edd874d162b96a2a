//! [`Sql`] over a host SQLite (`rusqlite`), so the object's storage and
//! its callers run in `cargo test` without a server. Rows travel as JSON
//! objects by column name, as the runtime hands them to serde.

use std::cell::Cell;
use std::rc::Rc;

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use super::sql::{Sql, StoreResult, Value};
use super::StoreError;

/// An in-memory SQLite database.
#[derive(Clone)]
pub struct HostSql {
    conn: Rc<Connection>,
    in_transaction: Rc<Cell<bool>>,
}

impl Default for HostSql {
    fn default() -> Self {
        HostSql::new()
    }
}

impl HostSql {
    pub fn new() -> HostSql {
        HostSql {
            conn: Rc::new(Connection::open_in_memory().expect("in-memory SQLite")),
            in_transaction: Rc::default(),
        }
    }
}

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

fn json(v: ValueRef<'_>) -> serde_json::Value {
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => b.to_vec().into(),
    }
}

impl Sql for HostSql {
    fn run<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<Value>,
    ) -> StoreResult<(Vec<T>, usize)> {
        let before = self.conn.total_changes();
        let mut statement = self.conn.prepare(query).map_err(failed)?;
        let names: Vec<String> = statement.column_names().map(|n| n.to_string()).collect();
        let params = rusqlite::params_from_iter(bindings.into_iter().map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(i) => rusqlite::types::Value::Integer(i),
            Value::Text(s) => rusqlite::types::Value::Text(s),
            Value::Blob(b) => rusqlite::types::Value::Blob(b),
        }));
        let mut rows = statement.query(params).map_err(failed)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(failed)? {
            let mut object = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                object.insert(name.clone(), json(row.get_ref(i).map_err(failed)?));
            }
            let decoded = serde_json::from_value(object.into())
                .map_err(|e| StoreError(format!("row of `{query}`: {e}")))?;
            out.push(decoded);
        }
        drop(rows);
        let written = (self.conn.total_changes() - before) as usize;
        Ok((out, written))
    }

    fn batch(&self, script: &str) -> StoreResult<()> {
        self.conn.execute_batch(script).map_err(failed)
    }

    fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: 'static,
        E: From<StoreError> + 'static,
        F: FnOnce(&Self) -> Result<T, E> + 'static,
    {
        // The runtime refuses nested transactions too; none are made.
        assert!(!self.in_transaction.get(), "nested transaction");
        self.in_transaction.set(true);
        self.batch("BEGIN")?;
        let result = f(self);
        self.in_transaction.set(false);
        match result {
            Ok(value) => {
                self.batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                self.batch("ROLLBACK")?;
                Err(e)
            }
        }
    }
}
