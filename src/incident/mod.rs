//! The incident domain: model, command grammar, decisions, schedule, statistics. No I/O
//! and no Slack: effects and answers are typed intents that `crate::render` words.

pub mod decide;
pub mod effect;
mod effect_kind;
pub mod followup;
pub mod grammar;
pub mod model;
pub mod refusal;
pub mod schedule;
pub mod stats;
pub mod status_page;

pub use decide::{decide, declare, Action, Ctx, DeclareRequest, Outcome, UpdateFields};
pub use effect::{Effect, EscalationCause, Notice, PageAction};
pub use model::{Incident, Status};
pub use refusal::{Privileged, Refusal, Reply};
