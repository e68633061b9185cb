//! One module per page.

mod checkins;
mod drills;
mod home;
mod not_found;
mod notices;
mod supplies;

pub use checkins::Checkins;
pub use drills::Drills;
pub use home::Home;
pub use not_found::NotFound;
pub use notices::Notices;
pub use supplies::Supplies;
