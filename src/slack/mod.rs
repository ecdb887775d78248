//! Everything that speaks Slack: request verification, payload parsing, Block Kit
//! rendering, and the Web API client.

pub mod blocks;
pub mod client;
pub mod ids;
pub mod payload;
pub mod refs;
pub mod scopes;
pub mod verify;
