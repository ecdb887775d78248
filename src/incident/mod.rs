//! The incident domain: model, command grammar, decisions, schedule. No I/O.

pub mod decide;
pub mod effect;
pub mod grammar;
pub mod model;
pub mod postmortem;
pub mod render;
pub mod schedule;
pub mod slug;
pub mod stats;

pub use decide::{decide, declare, Action, Ctx, DeclareRequest, Outcome, Refusal, UpdateFields};
pub use effect::Effect;
pub use model::{Incident, Status};
