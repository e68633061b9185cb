//! One module per page.

mod admin;
pub mod checkins;
mod drills;
mod home;
mod join;
mod not_found;
mod notices;
mod roster;
mod supplies;
mod sync_page;
pub mod today;

pub use admin::AdminPage;
pub use checkins::Checkins;
pub use drills::Drills;
pub use home::Home;
pub use join::{Join, SignedOutScreen};
pub use not_found::NotFound;
pub use notices::Notices;
pub use roster::Roster;
pub use supplies::Supplies;
pub use sync_page::SyncPage;
