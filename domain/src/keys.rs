//! The KV key layout. Every key of a school starts with `v1/{school}/`, so tenants can't see
//! each other's data and a future layout can live beside this one under `v2/`.

use crate::school::SchoolId;

/// Every key of the school (a backup lists them all).
pub fn school_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/")
}

/// The school's profile: name, time zone, classes and staff.
pub fn profile(school: &SchoolId) -> String {
    format!("v1/{school}/profile")
}

/// The materialized public board read by the public page.
pub fn public_board(school: &SchoolId) -> String {
    format!("v1/{school}/public")
}

/// A device's grant, under the hex SHA-256 of its bearer token.
pub fn device_grant(school: &SchoolId, token_hash: &str) -> String {
    format!("v1/{school}/device/{token_hash}")
}

/// Where a device's grant is: the device index, listed for the admin's device list.
pub fn device_index(school: &SchoolId, device: &crate::sync::DeviceId) -> String {
    format!("{}{device}", device_index_prefix(school))
}

pub fn device_index_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/devices/")
}

/// A pending invite, under the hex SHA-256 of its code.
pub fn invite(school: &SchoolId, code_hash: &str) -> String {
    format!("{}{code_hash}", invite_prefix(school))
}

pub fn invite_prefix(school: &SchoolId) -> String {
    format!("v1/{school}/invite/")
}

/// Marks a setup secret (by its hash) used.
pub fn setup_used(school: &SchoolId, secret_hash: &str) -> String {
    format!("v1/{school}/setup-used/{secret_hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_tenant_prefixed() {
        let school = SchoolId::parse("demo").unwrap();
        assert_eq!(profile(&school), "v1/demo/profile");
        assert_eq!(public_board(&school), "v1/demo/public");
    }
}
