//! warroom — runs incidents in Slack.
//!
//! Data path: verified request → parsed command → `incident::decide` (pure) → one
//! database transaction (state + timeline + outbox) → acknowledgement → delivery to Slack
//! by the outbox worker. The scheduler turns due times into commands on the same path.

pub mod app;
pub mod clock;
pub mod console;
pub mod delivery;
#[cfg(feature = "demo")]
pub mod demo;
pub mod http;
pub mod incident;
pub mod ingress;
pub mod integrations;
pub mod metrics;
pub mod open_cache;
pub mod outbound;
pub mod people;
pub mod policy;
pub mod render;
pub mod scheduler;
mod scheduler_followup;
pub mod service;
pub mod settings;
pub mod slack;
pub mod socket_mode;
pub mod store;
