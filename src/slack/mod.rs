//! Everything that speaks Slack: request verification, payload parsing, ids, and the
//! Web API client. What warroom says is rendered in `crate::render`.

pub mod button;
pub mod client;
pub mod ids;
pub mod payload;
pub mod refs;
pub mod scopes;
pub mod verify;
