//! The device's durable store, in IndexedDB: every op received (each stream's ops of one
//! write in one record, see `guardpost_domain::sync::kept`, so a pull page appends without
//! rewriting the rest) and the replica's state (cursors, outbox, clock, refused changes) as
//! one small record. A change is in the outbox on disk before the person is told it is saved.

use std::collections::BTreeMap;
use std::future::IntoFuture;

use guardpost_domain::changes::{
    AtStart, Op, OpAtStart, Replica, ReplicaAtStart, carries, read_at_start,
};
use guardpost_domain::json;
use guardpost_domain::sync::OpId;
use guardpost_domain::sync::kept::{self, Kept, Plan};
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbDatabase;

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

/// The name of the global under which the page's loader leaves its reading of the store
/// (scripts/sw-precache.mjs, `loader`): a promise of the database it opened, each object
/// store's keys and values, or null.
const EARLY_READ: &str = "guardpostStore";

/// The device's store, opened; with what it held, when the page's loader read it while the
/// app's code came.
pub struct Opened {
    pub db: Database,
    early: Option<Read>,
}

/// What the store held: the replica's state and the records of ops, by key, as stored.
pub struct Read {
    state: Option<String>,
    records: Vec<(String, String)>,
}

/// Opens the device's store, taking the page loader's connection and reading when there is
/// one (once: a later open, at a sign-in, reads afresh). The loader opens and reads while
/// the wasm downloads, compiles and draws the app (opening alone can take a quarter of a
/// second on a phone); the app, which would only start asking once it had drawn itself,
/// and then ask the store three times, each answer queued behind the frame it drew, waits
/// for one answer. Without it, the request is made at the call, not at the first await: the
/// app's start asks before it draws itself, so the database opens while it draws.
pub fn open() -> impl Future<Output = Result<Opened, StoreError>> {
    let early = take_early_read();
    let fresh = early.is_none().then(open_database);
    async move {
        if let Some(early) = early
            && let Some(opened) = early.await
        {
            return Ok(opened);
        }
        let db = match fresh {
            Some(opening) => opening.await?,
            None => open_database().await?,
        };
        Ok(Opened { db, early: None })
    }
}

fn open_database() -> impl Future<Output = Result<Database, StoreError>> {
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

/// The loader's reading, taken from the page (so a later open reads afresh). `None` inside
/// when it read nothing usable: no store yet, another version of it, an error.
fn take_early_read() -> Option<impl Future<Output = Option<Opened>>> {
    let global = js_sys::global();
    let key = JsValue::from_str(EARLY_READ);
    let promise = js_sys::Reflect::get(&global, &key)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let _ = js_sys::Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &key);
    Some(async move {
        let found = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
        let field = |value: &JsValue, name: &str| js_sys::Reflect::get(value, &name.into()).ok();
        let db: IdbDatabase = field(&found, "db")?.dyn_into().ok()?;
        if db.version() != f64::from(DB_VERSION) {
            // Another release's store: this one opens it, upgrading it if it must.
            db.close();
            return None;
        }
        let stores = field(&found, "stores")?;
        let store = |name: &str| -> Option<(js_sys::Array, js_sys::Array)> {
            let store = field(&stores, name)?;
            Some((
                field(&store, "keys")?.dyn_into().ok()?,
                field(&store, "values")?.dyn_into().ok()?,
            ))
        };
        let (Some((state_keys, state_values)), Some((keys, values))) = (store(STATE), store(OPS))
        else {
            db.close();
            return None;
        };
        let state = state_keys
            .iter()
            .position(|k| k.as_string().as_deref() == Some(REPLICA_KEY))
            .and_then(|i| state_values.get(i as u32).as_string());
        let records = strings(keys.iter().zip(values.iter()));
        Some(Opened {
            db: db.into(),
            early: Some(Read { state, records }),
        })
    })
}

/// The records whose key and value are both strings, as every record this app writes is.
fn strings(pairs: impl Iterator<Item = (JsValue, JsValue)>) -> Vec<(String, String)> {
    pairs
        .filter_map(|(key, value)| Some((key.as_string()?, value.as_string()?)))
        .collect()
}

/// What the store holds, read in one transaction.
async fn read(db: &Database) -> Result<Read, StoreError> {
    let tx = db.transaction(&[OPS, STATE], TransactionMode::ReadOnly)?;
    let state = tx
        .object_store(STATE)?
        .get(JsValue::from_str(REPLICA_KEY))?
        .await?;
    let store = tx.object_store(OPS)?;
    // Both in key order: the n-th key is the n-th value's.
    let keys = store.get_all_keys(None, None)?.await?;
    let values = store.get_all(None, None)?.await?;
    tx.await?;
    Ok(Read {
        state: state.and_then(|v| v.as_string()),
        records: strings(keys.into_iter().zip(values)),
    })
}

/// What the store held, as the app's start reads it.
pub enum Loaded {
    /// No replica: a device not signed in yet, or a store just cleared.
    Nothing,
    Replica(Box<Start>),
    /// The replica's own record holds a change of a stream not read at start (a refill
    /// request waiting to sync, a refusal of one): the whole store is read by
    /// [`read_whole`], with the code that reads every kind.
    Whole(Read),
}

/// The replica with the ops of the streams read at start (`changes::read_at_start`), and
/// where each is kept; the records of the other streams as stored, for [`read_records`].
pub struct Start {
    pub replica: Replica,
    pub kept: Kept,
    pub rest: Vec<(String, String)>,
}

/// The store read whole (see [`read_whole`]).
pub struct Whole {
    pub replica: Replica,
    pub kept: Kept,
    /// The records to delete (see [`Records::uncarried`]).
    pub uncarried: Vec<String>,
}

/// The replica kept on this device as its start reads it (see [`Loaded`]). `fresh`: the
/// store was just cleared, so what the loader read is gone.
pub async fn load(opened: Opened, fresh: bool) -> Result<(Database, Loaded), StoreError> {
    let Opened { db, early } = opened;
    let read = match early.filter(|_| !fresh) {
        Some(read) => read,
        None => read(&db).await?,
    };
    let Some(state) = &read.state else {
        return Ok((db, Loaded::Nothing));
    };
    let Some(mut replica) = json::from_str::<ReplicaAtStart>(state)?.try_map(AtStart::read) else {
        return Ok((db, Loaded::Whole(read)));
    };
    let mut ops = BTreeMap::new();
    let mut kept = Kept::default();
    let mut rest = Vec::new();
    for (key, text) in read.records {
        let at_start = match kept::stream_of(&key) {
            Some(stream) if read_at_start(stream) => record::<OpAtStart>(&key, &text)?
                .into_iter()
                .map(|op| op.try_map(AtStart::read))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        match at_start {
            Some(read) => {
                kept.found(&key, read.iter().map(|op| op.id.clone()));
                ops.extend(read.into_iter().map(|op| (op.id.clone(), op)));
            }
            // A bundle's key holds its stream: one written before these are read (a check
            // saved meanwhile) can't take the key of one of them.
            None => rest.push((key, text)),
        }
    }
    replica.ops = ops;
    Ok((
        db,
        Loaded::Replica(Box::new(Start {
            replica,
            kept,
            rest,
        })),
    ))
}

/// The store as [`load`] found it, read whole: for a replica whose own record holds a
/// change of a stream not read at start.
pub fn read_whole(read: Read) -> Result<Option<Whole>, StoreError> {
    let Some(state) = read.state else {
        return Ok(None);
    };
    let mut replica: Replica = json::from_str(&state)?;
    let mut kept = Kept::default();
    let records = read_records(&read.records)?;
    let uncarried = records.take_in(&mut replica, &mut kept);
    Ok(Some(Whole {
        replica,
        kept,
        uncarried,
    }))
}

/// Records read with every kind's reader.
pub struct Records {
    read: Vec<(String, Vec<Op>)>,
    /// Kept by a release whose build carried a stream this one leaves out (a class
    /// teacher's phone held drills before): they leave the device.
    uncarried: Vec<String>,
}

/// The ops of one record: a bundle's list, or an op kept alone (releases before bundles).
fn record<T: serde::de::DeserializeOwned>(
    key: &str,
    text: &str,
) -> Result<Vec<T>, serde_json::Error> {
    if kept::is_bundle(key) {
        json::from_str(text)
    } else {
        json::from_str(text).map(|op| vec![op])
    }
}

/// Reads records of ops, as stored. Any record that can't be read, but for a stream this
/// build does not carry, is an error: never dropped.
pub fn read_records(records: &[(String, String)]) -> Result<Records, StoreError> {
    let mut out = Records {
        read: Vec::new(),
        uncarried: Vec::new(),
    };
    for (key, text) in records {
        match record::<Op>(key, text) {
            Ok(read) => out.read.push((key.clone(), read)),
            Err(e) => match kept::stream_of(key) {
                Some(stream) if !carries(stream) => out.uncarried.push(key.clone()),
                _ => return Err(e.into()),
            },
        }
    }
    Ok(out)
}

impl Records {
    /// Puts the ops read into the replica and notes where each is kept; gives the keys of
    /// the records to delete.
    pub fn take_in(self, replica: &mut Replica, kept: &mut Kept) -> Vec<String> {
        for (key, ops) in self.read {
            kept.found(&key, ops.iter().map(|op| op.id.clone()));
            replica
                .ops
                .extend(ops.into_iter().map(|op| (op.id.clone(), op)));
        }
        self.uncarried
    }
}

/// Deletes records of ops, in one transaction.
pub async fn delete(db: &Database, keys: &[String]) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let tx = db.transaction(&[OPS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(OPS)?;
    for key in keys {
        store.delete(JsValue::from_str(key))?;
    }
    tx.commit()?.await?;
    Ok(())
}

/// A write prepared from the replica while it is borrowed: its state, and the records of ops
/// to put and delete, as JSON. Preparing is synchronous so the replica is never borrowed
/// across an await; IndexedDB runs read-write transactions in the order they were created,
/// so the last prepared state wins.
pub struct Write {
    state: String,
    puts: Vec<(String, String)>,
    deleted: Vec<String>,
}

impl Write {
    /// The replica's state alone (cursors, outbox, clock, refused changes).
    pub fn state(replica: &Replica) -> Result<Self, StoreError> {
        Ok(Self {
            state: serde_json::to_string(replica)?,
            puts: Vec::new(),
            deleted: Vec::new(),
        })
    }

    /// The state and the ops newly held (`written`, read from the replica).
    pub fn ops(replica: &Replica, kept: &mut Kept, written: &[OpId]) -> Result<Self, StoreError> {
        Self::carrying(replica, kept.write(written))
    }

    /// The state, and the records of ops rewritten without those the replica let go of (old
    /// daily checks the server holds, a stream no longer read).
    pub fn letting_go(replica: &Replica, kept: &mut Kept) -> Result<Self, StoreError> {
        Self::carrying(replica, kept.let_go(|id| replica.ops.contains_key(id)))
    }

    fn carrying(replica: &Replica, plan: Plan) -> Result<Self, StoreError> {
        let puts = plan
            .puts
            .into_iter()
            .map(|(key, ids)| {
                let ops: Vec<&Op> = ids.iter().filter_map(|id| replica.ops.get(id)).collect();
                Ok((key, serde_json::to_string(&ops)?))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Self {
            puts,
            deleted: plan.deletes,
            ..Self::state(replica)?
        })
    }
}

/// Writes the prepared state and ops in one transaction and waits until it has committed.
pub async fn save(db: &Database, write: Write) -> Result<(), StoreError> {
    let Write {
        state,
        puts,
        deleted,
    } = write;
    let tx = db.transaction(&[OPS, STATE], TransactionMode::ReadWrite)?;
    let ops = tx.object_store(OPS)?;
    for key in &deleted {
        ops.delete(JsValue::from_str(key))?;
    }
    for (key, json) in &puts {
        ops.put(&JsValue::from_str(json), Some(&JsValue::from_str(key)))?;
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
