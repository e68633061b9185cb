//! The device's durable store, in IndexedDB: every op received (one record each, so a pull
//! page appends without rewriting the rest) and the replica's state (cursors, outbox, clock,
//! refused changes) as one small record. A change is in the outbox on disk before the person
//! is told it is saved.

use std::collections::BTreeMap;
use std::future::IntoFuture;

use guardpost_domain::changes::{Op, Replica, carries};
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use wasm_bindgen::JsValue;

const DB_NAME: &str = "guardpost";
const DB_VERSION: u32 = 1;
const OPS: &str = "ops";
const STATE: &str = "state";
const REPLICA_KEY: &str = "replica";

/// Why the local store failed; shown to the person, since it means a change may not be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self(e.to_string())
    }
}

/// Opens the device's store. The request is made at the call, not at the first await: the
/// app's start asks before it draws itself, so the database opens while it draws (on a
/// slow phone a quarter of a second, which the open no longer waits behind).
pub fn open() -> impl Future<Output = Result<Database, StoreError>> {
    let opening = Factory::new().and_then(|factory| {
        let mut request = factory.open(DB_NAME, Some(DB_VERSION))?;
        request.on_upgrade_needed(|event| {
            // Version 1 creates both stores; there is nothing older to migrate.
            if let Ok(db) = event.database() {
                let _ = db.create_object_store(OPS, ObjectStoreParams::new());
                let _ = db.create_object_store(STATE, ObjectStoreParams::new());
            }
        });
        // Listening now: the answer is kept until the first await takes it.
        Ok(request.into_future())
    });
    async move { Ok(opening?.await?) }
}

fn op_key(op: &Op) -> String {
    key_of(&op.id)
}

fn key_of(id: &guardpost_domain::sync::OpId) -> String {
    format!(
        "{}/{}/{:010}/{:05}",
        id.stream,
        id.device,
        id.seq.get(),
        id.k
    )
}

/// The replica kept on this device, with all its ops, if there is one.
pub async fn load(db: &Database) -> Result<Option<Replica>, StoreError> {
    let tx = db.transaction(&[OPS, STATE], TransactionMode::ReadOnly)?;
    let state = tx
        .object_store(STATE)?
        .get(JsValue::from_str(REPLICA_KEY))?
        .await?;
    let values = tx.object_store(OPS)?.get_all(None, None)?.await?;
    tx.await?;
    let Some(state) = state.and_then(|v| v.as_string()) else {
        return Ok(None);
    };
    let mut replica: Replica = serde_json::from_str(&state)?;
    let mut ops = BTreeMap::new();
    let mut uncarried = Vec::new();
    for value in values {
        if let Some(json) = value.as_string() {
            match serde_json::from_str::<Op>(&json) {
                Ok(op) => {
                    ops.insert(op.id.clone(), op);
                }
                // Kept by a release whose build carried a stream this one leaves out (a
                // class teacher's phone held drills before): they leave the device. Any
                // other op that can't be read is an error, never dropped.
                Err(e) => match serde_json::from_str::<OpIdOnly>(&json) {
                    Ok(held) if !carries(held.id.stream) => uncarried.push(key_of(&held.id)),
                    _ => return Err(e.into()),
                },
            }
        }
    }
    replica.ops = ops;
    if !uncarried.is_empty() {
        let tx = db.transaction(&[OPS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(OPS)?;
        for key in &uncarried {
            store.delete(JsValue::from_str(key))?;
        }
        tx.commit()?.await?;
    }
    Ok(Some(replica))
}

/// An op's identity alone, read from a stored op this build can't decode whole.
#[derive(serde::Deserialize)]
struct OpIdOnly {
    id: guardpost_domain::sync::OpId,
}

/// A write prepared from the replica while it is borrowed: its state and new ops, as JSON.
/// Preparing is synchronous so the replica is never borrowed across an await; IndexedDB runs
/// read-write transactions in the order they were created, so the last prepared state wins.
pub struct Write {
    state: String,
    ops: Vec<(String, String)>,
    /// Ops the replica let go of (old daily checks the server holds).
    deleted: Vec<String>,
}

impl Write {
    pub fn prepare<'a>(
        replica: &Replica,
        new_ops: impl IntoIterator<Item = &'a Op>,
    ) -> Result<Self, StoreError> {
        let ops = new_ops
            .into_iter()
            .map(|op| Ok((op_key(op), serde_json::to_string(op)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Self {
            state: serde_json::to_string(replica)?,
            ops,
            deleted: Vec::new(),
        })
    }

    /// The same write, also deleting the ops `dropped` from the device.
    pub fn deleting(mut self, dropped: &[guardpost_domain::sync::OpId]) -> Self {
        self.deleted = dropped.iter().map(key_of).collect();
        self
    }
}

/// Writes the prepared state and ops in one transaction and waits until it has committed.
pub async fn save(db: &Database, write: Write) -> Result<(), StoreError> {
    let Write {
        state,
        ops: new_ops,
        deleted,
    } = write;
    let tx = db.transaction(&[OPS, STATE], TransactionMode::ReadWrite)?;
    let ops = tx.object_store(OPS)?;
    for (key, json) in &new_ops {
        ops.put(&JsValue::from_str(json), Some(&JsValue::from_str(key)))?;
    }
    for key in &deleted {
        ops.delete(JsValue::from_str(key))?;
    }
    tx.object_store(STATE)?.put(
        &JsValue::from_str(&state),
        Some(&JsValue::from_str(REPLICA_KEY)),
    )?;
    tx.commit()?.await?;
    Ok(())
}

/// Forgets everything on this device (signing out).
pub async fn clear(db: &Database) -> Result<(), StoreError> {
    let tx = db.transaction(&[OPS, STATE], TransactionMode::ReadWrite)?;
    tx.object_store(OPS)?.clear()?;
    tx.object_store(STATE)?.clear()?;
    tx.commit()?.await?;
    Ok(())
}
