//! What the start leaves to read (issue 13): the records of the streams Today does not show,
//! and the changes kept aside at a sign-out. Their readers are in the sync round's part of
//! the app's wasm, not in what a teacher downloads before her first check; every round, and
//! every screen opened later, has them read first.

use futures::future::LocalBoxFuture;
use leptos::wasm_split::SplitLoaderError;

use super::*;
use crate::sync::store::Read;

thread_local! {
    /// The changes kept aside have been read into the view.
    static SET_ASIDE_READ: Cell<bool> = const { Cell::new(false) };
}

/// Reads what the start left, once (later calls return at once): after it, the replica
/// holds every op the store keeps. Fails when the code that reads it could not be fetched.
/// A record that can't be read leaves the store failed, as at a start, and stays unread.
pub async fn read_in_full(view: SyncView) -> Result<(), SplitLoaderError> {
    let left = !SET_ASIDE_READ.get() || with_engine(|e| !e.rest.is_empty()).unwrap_or(false);
    if left {
        read_rest(view).await?.await;
    }
    Ok(())
}

#[leptos::wasm_split::wasm_split(sync_round, fallible, wasm_split_path = ::leptos::wasm_split)]
fn read_rest(view: SyncView) -> Result<LocalBoxFuture<'static, ()>, SplitLoaderError> {
    Ok(Box::pin(take_in_rest(view)))
}

async fn take_in_rest(view: SyncView) {
    if !SET_ASIDE_READ.replace(true) {
        view.set_aside
            .set(crate::local::read(SET_ASIDE_KEY).unwrap_or_default());
    }
    // Read and taken in without an await between, so nothing sees the replica in between;
    // on a failure the records stay where they were, unread.
    let taken = with_engine(|e| {
        let records = store::read_records(&e.rest)?;
        e.rest.clear();
        Ok::<_, StoreError>((e.db.clone(), records.take_in(&mut e.replica, &mut e.kept)))
    });
    match taken {
        Some(Ok((db, uncarried))) => {
            if let Err(e) = store::delete(&db, &uncarried).await {
                view.phase.set(Phase::StorageFailed(e.0));
            }
            view.refresh();
        }
        Some(Err(e)) => view.phase.set(Phase::StorageFailed(e.0)),
        None => {}
    }
}

/// Reads the whole store, for a replica whose own record holds a change of a stream not read
/// at start (see `store::Loaded::Whole`).
pub(super) async fn read_whole(
    db: Rc<Database>,
    read: Read,
) -> Result<Option<(Replica, Kept)>, StoreError> {
    whole_reader(db, read)
        .await
        .map_err(|_| StoreError("the code that reads this device's data did not arrive".into()))?
        .await
}

#[leptos::wasm_split::wasm_split(sync_round, fallible, wasm_split_path = ::leptos::wasm_split)]
fn whole_reader(db: Rc<Database>, read: Read) -> Result<WholeRead, SplitLoaderError> {
    Ok(Box::pin(async move {
        let Some(whole) = store::read_whole(read)? else {
            return Ok(None);
        };
        store::delete(&db, &whole.uncarried).await?;
        Ok(Some((whole.replica, whole.kept)))
    }))
}

type WholeRead = LocalBoxFuture<'static, Result<Option<(Replica, Kept)>, StoreError>>;
