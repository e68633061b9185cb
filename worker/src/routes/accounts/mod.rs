//! `/api/v1/auth/*` (joining the school: [`join`]) and `/api/v1/admin/*` (the directory,
//! invites and devices: [`admin`]). The decisions are the domain's
//! (`guardpost_domain::accounts`); these modules authenticate, throttle, and do the KV reads
//! and writes. What both need to store lives here.

pub mod admin;
pub mod backup;
pub mod join;

use guardpost_domain::accounts::{DeviceIndex, DeviceSummary};
use guardpost_domain::api::{Refused, decode};
use guardpost_domain::keys;
use guardpost_domain::school::SchoolProfile;
use guardpost_domain::sync::auth::DeviceGrant;
use serde::de::DeserializeOwned;
use worker::Request;

use crate::body;
use crate::identity::School;
use crate::reply::internal;

/// The request's JSON body, of at most `limit` bytes.
async fn read<T: DeserializeOwned>(req: &mut Request, limit: usize) -> Result<T, Refused> {
    let bytes = body::read(req, limit).await?;
    decode(&bytes, limit)
}

/// Stores a device's grant under its token's hash, and its line in the device index (whose
/// metadata is what the device list shows, from one KV list).
async fn put_grant(school: &School, hash: &str, grant: &DeviceGrant) -> Result<(), Refused> {
    school
        .kv
        .put(&keys::device_grant(&school.id, hash), grant)
        .await
        .map_err(|e| internal("storing the device", e))?;
    school
        .kv
        .put_with(
            &keys::device_index(&school.id, &grant.device),
            DeviceIndex {
                token_hash: hash.to_owned(),
            },
            Some(DeviceSummary::of(grant)),
            None,
        )
        .await
        .map_err(|e| internal("indexing the device", e))
}

async fn put_profile(school: &School, directory: &SchoolProfile) -> Result<(), Refused> {
    school
        .kv
        .put(&keys::profile(&school.id), directory)
        .await
        .map_err(|e| internal("storing the directory", e))
}
