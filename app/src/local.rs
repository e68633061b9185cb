//! What the app keeps in localStorage (who is signed in, the school's summary, changes set
//! aside), read through `guardpost_domain::json`: gloo_storage's own reader is serde_json's,
//! which would build each kept struct's reader a second time, for arrays (see that module).

use gloo_storage::{LocalStorage, Storage};
use serde::de::DeserializeOwned;

/// The value kept under `key`; `None` when there is none or it can't be read.
pub fn read<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = LocalStorage::raw().get_item(key).ok().flatten()?;
    guardpost_domain::json::from_str(&text).ok()
}
