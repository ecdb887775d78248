//! One ingress, two transports. Slash commands, interactions and events are handled here,
//! from their parsed payloads to the acknowledgement Slack gets back, whichever way they
//! came: the HTTP routes (`crate::http::slack`, after the signature check) and Socket Mode
//! (`crate::socket_mode`, authenticated by the app-level token) are thin adapters that parse
//! their transport's framing and call these same functions.
//!
//! - `commands.rs`: `/incident …`, parsed by the grammar and dispatched;
//! - `interactions.rs`: buttons, selects, modal submissions, the message shortcut;
//! - `events.rs`: the Events API (deduplicated by `event_id`): `reactions.rs` the timeline
//!   reaction, `home.rs` the App Home;
//! - `checklist.rs`, `subscriptions.rs`: what both commands and buttons do with those.

pub mod checklist;
pub mod commands;
pub mod events;
mod home;
pub mod interactions;
mod reactions;
pub mod subscriptions;

use crate::service::ServiceError;
use crate::slack::payload::PayloadError;
use crate::slack::verify::VerifyError;
use serde_json::{json, Value};

/// What Slack gets back when a request is handled: over HTTP the response body, over
/// Socket Mode the envelope's ack payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Ack {
    /// Nothing to show (the effects speak in the channel).
    Empty,
    /// A JSON object: an ephemeral reply, `response_action: errors`, a URL challenge.
    Json(Value),
}

impl Ack {
    /// An answer only the user who asked sees.
    pub fn ephemeral(text: impl Into<String>) -> Ack {
        Ack::Json(json!({"response_type": "ephemeral", "text": text.into()}))
    }

    /// `Some(text)` as an ephemeral answer, else nothing.
    pub fn ephemeral_or_empty(text: Option<String>) -> Ack {
        text.map(Ack::ephemeral).unwrap_or(Ack::Empty)
    }
}

/// Why a request was not handled. Each transport answers it its own way: HTTP with the
/// status below (`crate::http::slack`), Socket Mode with a bare ack for what redelivery
/// cannot fix and no ack at all when redelivery can.
#[derive(Debug, thiserror::Error)]
pub enum IngressError {
    /// The signature is missing, wrong or stale (HTTP 401).
    #[error("invalid signature: {0}")]
    Unverified(VerifyError),
    /// Larger than Slack ever sends (HTTP 413).
    #[error("payload too large")]
    TooLarge,
    /// Authenticated, but not something warroom can read (HTTP 400).
    #[error("{0}")]
    Malformed(String),
    /// The store did not answer: Slack should show an error or redeliver (HTTP 503).
    #[error("{0}")]
    Unavailable(ServiceError),
}

impl IngressError {
    /// Whether Slack delivering the same request again could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, IngressError::Unavailable(_))
    }
}

impl From<PayloadError> for IngressError {
    fn from(e: PayloadError) -> Self {
        IngressError::Malformed(e.0)
    }
}

impl From<ServiceError> for IngressError {
    fn from(e: ServiceError) -> Self {
        IngressError::Unavailable(e)
    }
}

impl From<crate::store::StoreError> for IngressError {
    fn from(e: crate::store::StoreError) -> Self {
        IngressError::Unavailable(ServiceError::Store(e))
    }
}
