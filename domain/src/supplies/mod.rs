//! Supplies (物资): the ledger (台账) of stock received, issued, counted and written off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::refusals::OpInvalid;
use crate::sync::op::{Op, short_id};
use crate::sync::{OpId, Stream};
use crate::text::Name;

/// Why stock moved (入库, 出库, 盘点, 报废).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementReason {
    Receipt,
    Issue,
    Stocktake,
    Expired,
}

/// One line of the supplies ledger (台账). Quantities are in the item's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockMovement {
    pub item: String,
    pub delta: i32,
    pub reason: MovementReason,
    /// Who signed for it (谁签字、谁负责).
    pub signed_by: Name,
}

/// Keeps a movement's quantity within what any school's store holds.
pub const MAX_DELTA: i32 = 1_000_000;

impl StockMovement {
    /// Checks the content and that it belongs in `stream`.
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Supplies {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        short_id("item", &self.item)?;
        if self.delta == 0 || self.delta.unsigned_abs() > MAX_DELTA.unsigned_abs() {
            return Err(OpInvalid::QuantityOutOfRange { max: MAX_DELTA });
        }
        Ok(())
    }
}

/// Which changes are lines of the supplies ledger: the school's one change type says so for
/// its kinds, so this area reads ops without knowing the others.
pub trait AsMovement {
    fn movement(&self) -> Option<&StockMovement>;
}

/// Stock on hand per item: the sum of the supplies ledger's movements.
pub fn stock_on_hand<P: AsMovement>(ops: &BTreeMap<OpId, Op<P>>) -> BTreeMap<&str, i64> {
    let mut stock = BTreeMap::new();
    for m in ops.values().filter_map(|op| op.payload.movement()) {
        *stock.entry(m.item.as_str()).or_insert(0) += i64::from(m.delta);
    }
    stock
}
