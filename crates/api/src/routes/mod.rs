//! HTTP handlers, one module per resource, named verb_noun. `server::router` puts them together.

pub mod health;
pub mod imports;
pub mod invitations;
pub mod matches;
pub mod metrics;
pub mod reports;
pub mod session;
pub mod shapes;
pub mod skills;
pub mod staff;
pub mod tokens;
pub mod trusts;
pub mod vacancies;
