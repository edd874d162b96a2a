//! The little the object asks of SQLite, as a trait: run a statement with
//! bindings, read its rows by column name through serde, and run a closure
//! in one transaction. Production has the runtime's storage behind it
//! ([`super::WorkerSql`]); tests have a host SQLite.

use serde::de::{self, DeserializeOwned, IgnoredAny};
use serde::Deserializer;

use super::StoreError;

/// What every function of the store returns.
pub type StoreResult<T> = Result<T, StoreError>;

/// A value bound to a `?` of a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One appointment's SQLite database.
pub trait Sql: Clone + 'static {
    /// Runs one statement: its rows, each decoded by column name into a
    /// `T`, and the rows it wrote.
    fn run<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<Value>,
    ) -> StoreResult<(Vec<T>, usize)>;

    /// Runs a script of statements with no bindings (the schema).
    fn batch(&self, script: &str) -> StoreResult<()>;

    /// Runs `f` in one transaction: all of its writes land, or none do
    /// (when it fails, or the commit does).
    fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: 'static,
        E: From<StoreError> + 'static,
        F: FnOnce(&Self) -> Result<T, E> + 'static;

    /// Runs a statement whose rows nobody reads: the rows it wrote.
    fn exec(&self, query: &str, bindings: Vec<Value>) -> StoreResult<usize> {
        self.run::<IgnoredAny>(query, bindings)
            .map(|(_, written)| written)
    }

    /// The rows of a query, by column name.
    fn query<T: DeserializeOwned>(&self, query: &str, bindings: Vec<Value>) -> StoreResult<Vec<T>> {
        self.run(query, bindings).map(|(rows, _)| rows)
    }

    /// The first row of a query, if it has one.
    fn first<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<Value>,
    ) -> StoreResult<Option<T>> {
        Ok(self.query(query, bindings)?.into_iter().next())
    }
}

/// Reads a BLOB column: bytes as the runtime gives them, a list of
/// numbers as the host's rows carry them, and NULL as no bytes.
pub fn blob<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct Bytes;
    impl<'de> de::Visitor<'de> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a blob")
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<u8>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<u8>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Bytes)
}

/// A row of one `count(*) AS n`.
#[derive(serde::Deserialize)]
pub(super) struct Count {
    pub n: i64,
}

/// A `count(*) AS n` query's count.
pub(super) fn count(sql: &impl Sql, query: &str, bindings: Vec<Value>) -> StoreResult<i64> {
    Ok(sql
        .first::<Count>(query, bindings)?
        .map_or(0, |c| c.n.max(0)))
}
