//! [`Sql`] over the runtime's storage: the object's SQLite in production.
//!
//! The `worker` crate does not wrap the runtime's
//! `storage.transactionSync(callback)`, and `exec` refuses `BEGIN`. This
//! calls it through JavaScript: an error returned from the closure is thrown
//! back into `transactionSync`, which rolls every write of the closure back.

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::{SqlStorage, SqlStorageValue, Storage};

use super::sql::{Sql, StoreResult, Value};
use super::StoreError;

/// The object's storage, for its SQL.
#[derive(Clone)]
pub struct WorkerSql {
    storage: Rc<Storage>,
    sql: SqlStorage,
}

impl WorkerSql {
    pub fn new(storage: Storage) -> WorkerSql {
        let sql = storage.sql();
        WorkerSql {
            storage: Rc::new(storage),
            sql,
        }
    }
}

impl From<worker::Error> for StoreError {
    fn from(e: worker::Error) -> Self {
        StoreError(e.to_string())
    }
}

fn bound(bindings: Vec<Value>) -> Vec<SqlStorageValue> {
    bindings
        .into_iter()
        .map(|v| match v {
            Value::Null => SqlStorageValue::Null,
            Value::Int(i) => SqlStorageValue::Integer(i),
            Value::Text(s) => SqlStorageValue::String(s),
            Value::Blob(b) => SqlStorageValue::Blob(b),
        })
        .collect()
}

impl Sql for WorkerSql {
    fn run<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<Value>,
    ) -> StoreResult<(Vec<T>, usize)> {
        let cursor = self.sql.exec(query, bound(bindings))?;
        let rows = cursor.to_array()?;
        Ok((rows, cursor.rows_written()))
    }

    fn exec(&self, query: &str, bindings: Vec<Value>) -> StoreResult<usize> {
        Ok(self.sql.exec(query, bound(bindings))?.rows_written())
    }

    fn batch(&self, script: &str) -> StoreResult<()> {
        self.sql.exec(script, None)?;
        Ok(())
    }

    fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: 'static,
        E: From<StoreError> + 'static,
        F: FnOnce(&Self) -> Result<T, E> + 'static,
    {
        let raw: &JsValue = self.storage.as_raw().as_ref();
        let method = js_sys::Reflect::get(raw, &"transactionSync".into())
            .ok()
            .and_then(|m| m.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| StoreError("storage.transactionSync is missing".into()))?;

        let outcome: Rc<RefCell<Option<Result<T, E>>>> = Rc::new(RefCell::new(None));
        let slot = outcome.clone();
        let this = self.clone();
        let callback = Closure::once(move || -> Result<JsValue, JsValue> {
            let result = f(&this);
            let failed = result.is_err();
            *slot.borrow_mut() = Some(result);
            if failed {
                // Throwing is what makes transactionSync roll back.
                Err(JsValue::from_str("rolled back"))
            } else {
                Ok(JsValue::UNDEFINED)
            }
        });
        let thrown = method.call1(raw, callback.as_ref().unchecked_ref()).err();
        let result = outcome.borrow_mut().take();
        match (result, thrown) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), None) => Ok(value),
            // The closure succeeded but the commit itself failed.
            (_, Some(e)) => Err(StoreError(format!("transaction failed: {e:?}")).into()),
            (None, None) => Err(StoreError("transaction did not run".into()).into()),
        }
    }
}
