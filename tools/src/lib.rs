//! Development tools around the domain crate.

use guardpost_domain::{demo, keys};
use serde::Serialize;

/// One entry of `wrangler kv bulk put`'s input file.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct KvEntry {
    pub key: String,
    pub value: String,
}

/// The demo school's KV entries: its profile and its public board. The same bytes every time,
/// so seeding is idempotent.
pub fn demo_seed() -> Result<Vec<KvEntry>, serde_json::Error> {
    let school = demo::school();
    Ok(vec![
        KvEntry {
            key: keys::profile(&school.id),
            value: serde_json::to_string(&school)?,
        },
        KvEntry {
            key: keys::public_board(&school.id),
            value: serde_json::to_string(&demo::public_board(demo::seeded_at()))?,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_tenant_scoped() {
        let a = demo_seed().unwrap();
        assert_eq!(a, demo_seed().unwrap());
        assert!(a.iter().all(|e| e.key.starts_with("v1/demo/")));
    }
}
