//! What the school's checks add up to: the latest report of each class's session, whether
//! it was late, which are missing, the cases fevers and illness absences open, the trend and
//! the early-warning flags, and the daily report as CSV. Pure functions of the ops held.

mod cases;
mod grid;
mod staff;
mod trend;

pub use cases::{Case, cases};
pub use grid::{
    ClassDay, DayStatus, Slot, Standing, current_session, day_status, deadline_ms, sessions,
    standing,
};
pub use staff::{reported_own, staff_day};
pub use trend::{DayCount, Warning, trend, warnings};

#[cfg(test)]
mod tests;
