//! A stateful fake of Slack's Web API, served over real HTTP on 127.0.0.1.
//!
//! The integration tests start the real app against it and assert on the workspace it leaves
//! behind (channels, members, topics, pins, messages, modals), never on the app's internals;
//! `warroom demo` runs a whole incident against it and prints the channel. Both only mean
//! something if the fake answers like Slack: the same envelopes and error codes, the same
//! argument encodings (GET query, JSON body, form body), `429` with `Retry-After`, and 5xx —
//! which [`Faults`] injects on demand.
//!
//! It is as strict as Slack ([`Strictness`], all on by default): Block Kit rules
//! (`block_kit`), required arguments (`required`), text safety (`text_safety`: broadcasts and
//! unconfigured links are recorded as violations) and the app's answers to commands and
//! interactions (`answers`). It also plays Slack's harder failure modes on demand: answers
//! lost after the call was applied, and Slack's rate tiers (`rate_tiers`).
//!
//! Layout: `model` holds the records tests read back; `state` the workspace and the logic of
//! each method (pure, no I/O), checking input with Slack's `rules`; `api` the argument and
//! error vocabulary both share; `server` the HTTP layer (decoding, auth, faults, tiers);
//! `socket` the Socket Mode side (`apps.connections.open` and the WebSocket Slack pushes
//! envelopes on); `driver` and `requests` play Slack towards the app, signed with `signing`
//! at a `clock`'s now; `hooks` a recording receiver for PagerDuty and webhooks.

pub mod answers;
mod api;
pub mod block_kit;
pub mod clock;
pub mod driver;
mod history;
pub mod hooks;
mod model;
mod openid;
pub mod rate_tiers;
pub mod requests;
mod required;
mod rules;
mod server;
pub mod signing;
mod socket;
mod state;
pub mod statuspage;
pub mod strictness;
#[cfg(test)]
mod tests;
pub mod text_safety;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use model::{Button, Call, Canvas, Channel, Ephemeral, FileRef, Message, View};
pub use rate_tiers::RateTiers;
pub use state::CANVAS_REFUSALS;
pub use strictness::{Strictness, Violation};

use clock::unix_now;
use server::Shared;
use state::Workspace;

/// Failures to inject into the fake's answers, to exercise the app's retry and backoff.
/// A faulted call changes nothing in the workspace, but is recorded in [`FakeSlack::calls`].
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Share of calls (0.0–1.0) answered HTTP 500, 502 or 503 (at random) instead of running.
    pub error_5xx_ratio: f64,
    /// When non-zero, a method is never answered 5xx more than this many times in a row: the
    /// next call of that method runs. Keeps a test's worst case bounded (an unlucky streak at
    /// 30 % would otherwise back a delivery off for minutes) while every call may still fail.
    pub max_5xx_in_a_row: u32,
    /// The next N calls answer HTTP 429 `ratelimited` with `Retry-After: retry_after_secs`;
    /// each such call uses one up. Checked before `error_5xx_ratio`.
    pub rate_limit_burst: u32,
    pub retry_after_secs: u64,
    /// Delay before answering every call (faulted or not).
    pub latency: Duration,
    /// Share of calls (0.0–1.0) that Slack applies and then loses the answer to: the channel
    /// is created, the message posted…, but the app gets HTTP 503 (after
    /// `lost_answer_delay`, to play a timeout). Recorded in [`FakeSlack::calls`] with
    /// `http_status: 503` and the real `ok`.
    pub lost_answer_ratio: f64,
    pub lost_answer_delay: Duration,
}

/// A running fake Slack workspace. Cloning gives another handle on the same workspace; the
/// servers (Web API and Socket Mode) stop when the last handle is dropped.
#[derive(Clone)]
pub struct FakeSlack {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _server: Arc<ServerTask>,
}

/// Aborts the server tasks when the last handle on a fake ([`FakeSlack`], the hook sink,
/// the fake Statuspage) goes away, so a test that forgets about its fake does not leave a
/// listener behind.
struct ServerTask(Vec<tokio::task::JoinHandle<()>>);

impl ServerTask {
    /// Serves `app` on a free port of 127.0.0.1 until dropped (the recording fakes: hook
    /// sink, Statuspage). Returns the address it listens on.
    async fn serve_locally(app: axum::Router) -> std::io::Result<(SocketAddr, ServerTask)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok((addr, ServerTask(vec![task])))
    }
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl FakeSlack {
    /// Binds 127.0.0.1 on a free port and serves until dropped. The workspace starts with the
    /// bot user `U0BOT` ("warroom"), which only accepts `bot_token`; `apps.connections.open`
    /// accepts any app-level token (`xapp-…`) and points at the Socket Mode endpoint, served
    /// on a second free port.
    pub async fn start(bot_token: &str) -> std::io::Result<FakeSlack> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let socket_listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let workspace = Workspace::new(&format!("http://{addr}"));
        let shared = Arc::new(Shared::new(bot_token, workspace));
        shared.socket.set_addr(socket_listener.local_addr()?);
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "fake slack server stopped");
            }
        });
        let socket_task = tokio::spawn(socket::serve(socket_listener, shared.socket.clone()));
        Ok(FakeSlack {
            shared,
            addr,
            _server: Arc::new(ServerTask(vec![task, socket_task])),
        })
    }

    /// The Web API base, e.g. `http://127.0.0.1:41234/api`: the app calls `{api_url}/{method}`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// Adds a workspace member (or renames one).
    pub fn add_user(&self, id: &str, name: &str) {
        self.shared.workspace().add_user(id, name);
    }

    /// Adds a pre-existing public channel with these members (or resets one). The bot is a
    /// member only if listed.
    pub fn add_channel(&self, id: &str, name: &str, members: &[&str]) {
        self.shared
            .workspace()
            .add_channel(id, name, members, unix_now());
    }

    /// Posts a message as a person, as if typed in Slack (no API call is recorded): gives
    /// tests human messages to act on. Returns its ts, or `None` if the channel or the thread
    /// parent does not exist.
    pub fn post_user_message(
        &self,
        channel_id: &str,
        user: &str,
        text: &str,
        thread_ts: Option<&str>,
    ) -> Option<String> {
        self.shared
            .workspace()
            .post_as_user(channel_id, user, text, thread_ts, unix_now())
    }

    /// Sets a member's names as `users.info` reports them (`profile.display_name` may be empty,
    /// as for people who never set one). Returns false for an unknown user.
    /// Slack refuses the bot token with `code` (`token_revoked`, `invalid_auth`,
    /// `account_inactive`) until called again with `None` (the token was rotated).
    pub fn refuse_token(&self, code: Option<&'static str>) {
        self.shared.refuse_token(code);
    }

    /// Someone deletes channel `id` (an admin's "Delete channel"): from then on Slack
    /// answers `channel_not_found`; false when it is unknown.
    pub fn delete_channel(&self, id: &str) -> bool {
        self.shared.workspace().delete_channel(id)
    }

    /// Someone removes `user` from channel `id` (`/kick`); false when either is unknown.
    pub fn remove_member(&self, id: &str, user: &str) -> bool {
        self.shared.workspace().remove_member(id, user)
    }

    pub fn set_profile(&self, id: &str, display_name: &str, real_name: &str) -> bool {
        self.shared
            .workspace()
            .set_profile(id, display_name, real_name)
    }

    /// Enforces Slack's rate tiers ([`RateTiers::default`] are Slack's published ones), or
    /// stops enforcing them with `None` (the default).
    pub fn enforce_rate_tiers(&self, tiers: Option<RateTiers>) {
        self.shared.set_tiers(tiers);
    }

    /// Makes `conversations.canvases.create` refuse with `code` (one of
    /// [`CANVAS_REFUSALS`]: the plan or settings forbid channel canvases), or allows canvases
    /// again with `None`.
    pub fn refuse_canvases(&self, code: Option<&'static str>) {
        self.shared.workspace().refuse_canvases(code);
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults() = faults;
    }

    /// The faults now in force (the rate-limit burst counts down as calls use it).
    pub fn faults(&self) -> Faults {
        self.shared.faults().clone()
    }

    // ---- strictness: Slack's rules, and what broke them ----

    /// Sets the rules in force (all of them by default, see [`Strictness`]).
    pub fn set_strictness(&self, strictness: Strictness) {
        self.shared.workspace().set_strictness(strictness);
    }

    pub fn strictness(&self) -> Strictness {
        self.shared.workspace().strictness().clone()
    }

    /// Links the app is configured to show (prefixes): not text-safety violations.
    pub fn allow_links(&self, prefixes: &[&str]) {
        let mut ws = self.shared.workspace();
        let mut strictness = ws.strictness().clone();
        strictness
            .allowed_links
            .extend(prefixes.iter().map(|p| p.to_string()));
        ws.set_strictness(strictness);
    }

    /// Every broadcast, unconfigured link or refused answer recorded so far.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.workspace().violations()
    }

    /// Panics listing every violation, if any: call it when a test is done with the fake.
    #[track_caller]
    pub fn assert_text_safe(&self) {
        let violations = self.violations();
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(|v| format!("  {v}")).collect();
            panic!(
                "the app sent what Slack would not accept or should not show:\n{}",
                list.join("\n")
            );
        }
    }

    /// Calls Slack refused for their shape: what a real workspace would refuse too (invalid
    /// blocks or views, missing arguments, texts, topics or names over Slack's limits).
    pub fn refused_calls(&self) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.error.as_deref().is_some_and(is_shape_error))
            .collect()
    }

    /// Panics listing every violation and every call refused for its shape, if any: call it
    /// when a test is done with the fake.
    #[track_caller]
    pub fn assert_clean(&self) {
        let refused: Vec<String> = self
            .refused_calls()
            .iter()
            .map(|c| {
                let text: String = c.args["text"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                format!(
                    "  {} refused with {} {:?} — text {text:?}",
                    c.method,
                    c.error.as_deref().unwrap_or(""),
                    c.error_messages
                )
            })
            .collect();
        let violations: Vec<String> = self.violations().iter().map(|v| format!("  {v}")).collect();
        if !refused.is_empty() || !violations.is_empty() {
            panic!(
                "Slack would refuse these calls:\n{}\nand the app sent what Slack should not show, or answers Slack refuses:\n{}",
                refused.join("\n"),
                violations.join("\n")
            );
        }
    }

    /// Checks the app's answer to a slash command as Slack would (when `answers` is on),
    /// recording a violation for each broken rule; returns them.
    /// A JSON answer's `text` and `blocks` are also checked for text safety, like a message.
    pub fn check_command_answer(&self, status: u16, body: &str) -> Vec<String> {
        if let Ok(serde_json::Value::Object(answer)) = serde_json::from_str(body.trim()) {
            let mut ws = self.shared.workspace();
            if ws.strictness().text_safety {
                let allowed = ws.strictness().allowed_links.clone();
                for v in text_safety::inspect_call("command answer", &answer, &allowed) {
                    ws.record_violation(v);
                }
            }
        }
        self.record_answer("command", "", answers::check_command_answer(status, body))
    }

    /// Checks the app's answer to an interaction `payload` as Slack would (when `answers` is
    /// on), recording a violation for each broken rule; returns them.
    pub fn check_interaction_answer(
        &self,
        payload: &serde_json::Value,
        status: u16,
        body: &str,
    ) -> Vec<String> {
        let kind = payload["type"].as_str().unwrap_or("interaction");
        let user = payload["user"]["id"].as_str().unwrap_or("");
        let problems = answers::check_interaction_answer(payload, status, body);
        self.record_answer(kind, user, problems)
    }

    fn record_answer(&self, what: &str, target: &str, problems: Vec<String>) -> Vec<String> {
        let mut ws = self.shared.workspace();
        if !ws.strictness().answers {
            return Vec::new();
        }
        for p in &problems {
            ws.record_violation(Violation {
                method: what.to_owned(),
                target: target.to_owned(),
                rule: "answer",
                found: p.clone(),
                context: String::new(),
            });
        }
        problems
    }

    // ---- Socket Mode: Slack's side of the WebSocket ----

    /// Pushes an envelope (`slash_commands`, `interactive`, `events_api`, …) carrying
    /// `payload` to the most recently connected Socket Mode client, waiting up to 10 s for one
    /// to connect; returns its `envelope_id`.
    pub async fn socket_send(&self, envelope_type: &str, payload: serde_json::Value) -> String {
        self.shared.socket.send(envelope_type, payload).await
    }

    /// The ack the app sent for `envelope_id` (the whole JSON: `envelope_id` and, if any,
    /// `payload`), waiting up to `timeout` for it.
    /// The ack's `payload` is the app's answer and is checked as the HTTP answer would be
    /// ([`FakeSlack::check_command_answer`], [`FakeSlack::check_interaction_answer`]).
    pub async fn socket_ack(
        &self,
        envelope_id: &str,
        timeout: Duration,
    ) -> Option<serde_json::Value> {
        let ack = self.shared.socket.ack(envelope_id, timeout).await?;
        if let Some((kind, payload)) = self.shared.socket.sent(envelope_id) {
            let answer = match ack.get("payload") {
                Some(p) if !p.is_null() => p.to_string(),
                _ => String::new(),
            };
            match kind.as_str() {
                "slash_commands" => {
                    self.check_command_answer(200, &answer);
                }
                "interactive" if payload["user"]["id"].is_string() => {
                    self.check_interaction_answer(&payload, 200, &answer);
                }
                _ => {}
            }
        }
        Some(ack)
    }

    /// Socket Mode connections accepted so far (each from a fresh `apps.connections.open`).
    pub fn socket_connections(&self) -> usize {
        self.shared.socket.connections()
    }

    /// Sends `{"type":"disconnect","reason":"refresh_requested"}` to every connected client,
    /// then closes their sockets: a well-behaved app opens a new connection.
    pub fn socket_disconnect(&self) {
        self.shared.socket.disconnect();
    }

    // ---- read-back for tests: snapshots, safe to hold while the app keeps calling ----

    pub fn channels(&self) -> Vec<Channel> {
        self.shared.workspace().channels()
    }

    pub fn channel(&self, id: &str) -> Option<Channel> {
        self.shared.workspace().channel(id)
    }

    /// The channel with this name (a leading `#` is ignored).
    pub fn channel_by_name(&self, name: &str) -> Option<Channel> {
        self.shared.workspace().channel_by_name(name)
    }

    /// Top-level messages and thread replies of a channel, in post order.
    pub fn messages(&self, channel_id: &str) -> Vec<Message> {
        self.shared.workspace().messages(channel_id)
    }

    /// Every channel canvas, in creation order.
    pub fn canvases(&self) -> Vec<Canvas> {
        self.shared.workspace().canvases()
    }

    /// The canvas of a channel, if it has one.
    pub fn canvas_of(&self, channel_id: &str) -> Option<Canvas> {
        self.canvases()
            .into_iter()
            .find(|c| c.channel == channel_id)
    }

    pub fn ephemerals(&self) -> Vec<Ephemeral> {
        self.shared.workspace().ephemerals()
    }

    /// Every view opened or pushed, in its latest state.
    pub fn views(&self) -> Vec<View> {
        self.shared.workspace().views()
    }

    /// The App Home tab `user` sees, as the app last published it (`views.publish`).
    pub fn home(&self, user: &str) -> Option<View> {
        self.shared.workspace().home(user)
    }

    /// How many times the app published `user`'s home successfully.
    pub fn home_publishes(&self, user: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.method == "views.publish" && c.ok && c.args["user_id"] == user)
            .count()
    }

    /// Every HTTP call received, in order, faulted ones included.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.workspace().calls()
    }

    /// How many calls Slack applied and then lost the answer to (`lost_answer_ratio`).
    pub fn lost_answers(&self) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.ok && c.http_status == 503)
            .count()
    }

    /// How many calls of `method` succeeded (`ok: true`).
    pub fn call_count(&self, method: &str) -> usize {
        self.shared.workspace().call_count(method)
    }

    /// A channel as a person would read it, one message per line (replies indented), with
    /// authors by name: what `warroom demo` prints.
    pub fn transcript(&self, channel_id: &str) -> String {
        let ws = self.shared.workspace();
        let mut out = String::new();
        for m in ws.messages(channel_id) {
            let author = ws.user_name(&m.user).unwrap_or_else(|| m.user.clone());
            let indent = if m.is_reply() { "    ↳ " } else { "" };
            let edited = if m.edits > 0 { " (edited)" } else { "" };
            let mut body = m.plain_text();
            for file in &m.files {
                body.push_str(&format!("\n[file: {}]", file.title));
            }
            let body = body.replace('\n', &format!("\n{indent}  "));
            out.push_str(&format!("{indent}{author}{edited}: {body}\n"));
        }
        out
    }

    /// Waits (polling every 10 ms) until `pred` holds or `timeout` passes; returns whether it
    /// held. `pred` is checked once more at the deadline, so a zero timeout still checks once.
    pub async fn wait_until(&self, timeout: Duration, pred: impl Fn(&FakeSlack) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(self) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Error codes that mean "this request is malformed by Slack's rules", as opposed to the
/// state of the workspace (`name_taken`, `already_in_channel`…) or the transport.
fn is_shape_error(code: &str) -> bool {
    matches!(
        code,
        "invalid_blocks"
            | "invalid_arguments"
            | "msg_too_long"
            | "too_long"
            | "no_text"
            | "invalid_metadata_format"
    ) || code.starts_with("invalid_name")
}

impl std::fmt::Debug for FakeSlack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSlack")
            .field("api_url", &self.api_url())
            .finish_non_exhaustive()
    }
}
