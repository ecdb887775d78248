//! Slack's Block Kit rules: which blocks and elements exist, their required fields, which
//! text type each field takes, and the documented length and count limits.
//!
//! Slack rejects a message or view that breaks any of them (`invalid_blocks` for messages,
//! `invalid_arguments` for views) and lists every violation in `response_metadata.messages`
//! as `[ERROR] <reason> [json-pointer:<where>]`. [`check_blocks`] and [`check_view`] return
//! those messages (empty when valid), so the fake answers as Slack does and tests can check
//! a payload the app answered over HTTP (an interaction response carrying a view) too.
//!
//! This file holds the public entry points and Slack's limits; the checks themselves are
//! split the way Slack's Block Kit reference is: `views` (modal and App Home objects),
//! `blocks` (layout blocks), `elements` (block elements) and `composition` (text and option
//! objects).

mod blocks;
mod composition;
mod elements;
#[cfg(test)]
mod tests;
mod views;

use serde_json::Value;

/// Where blocks are shown; messages and views (modals, App Home tabs) allow different
/// blocks and counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    Message,
    Modal,
    Home,
}

pub const MAX_MESSAGE_BLOCKS: usize = 50;
pub const MAX_VIEW_BLOCKS: usize = 100;
pub const MAX_SECTION_TEXT: usize = 3_000;
pub const MAX_SECTION_FIELD: usize = 2_000;
pub const MAX_SECTION_FIELDS: usize = 10;
pub const MAX_HEADER_TEXT: usize = 150;
pub const MAX_BUTTON_TEXT: usize = 75;
pub const MAX_OPTION_TEXT: usize = 75;
pub const MAX_OPTION_VALUE: usize = 150;
pub const MAX_PLACEHOLDER: usize = 150;
pub const MAX_LABEL: usize = 2_000;
pub const MAX_VIEW_LABEL: usize = 24;
pub const MAX_ID: usize = 255;
pub const MAX_STATIC_OPTIONS: usize = 100;
pub const MAX_CHOICE_OPTIONS: usize = 10;
pub const MAX_ACTIONS_ELEMENTS: usize = 25;
pub const MAX_CONTEXT_ELEMENTS: usize = 10;
pub const MAX_BUTTON_VALUE: usize = 2_000;
pub const MAX_URL: usize = 3_000;
pub const MAX_PRIVATE_METADATA: usize = 3_000;
pub const MAX_MARKDOWN_BLOCK: usize = 12_000;
pub const MAX_INPUT_LENGTH: u64 = 3_000;

/// The violations of a `blocks` array shown on `surface` (empty when Slack accepts it).
pub fn check_blocks(blocks: &Value, surface: Surface) -> Vec<String> {
    let mut c = Checker::default();
    c.blocks(blocks, surface, "/blocks");
    c.errors
}

/// The violations of a modal `view` object, as `views.open` judges it (empty when valid).
pub fn check_view(view: &Value) -> Vec<String> {
    let mut c = Checker::default();
    c.view(view, "/view");
    c.errors
}

/// The violations of an App Home `view` object, as `views.publish` judges it (empty when
/// valid): `type` `home` and at most 100 blocks, each with the rules of a modal's.
pub fn check_home_view(view: &Value) -> Vec<String> {
    let mut c = Checker::default();
    c.home_view(view, "/view");
    c.errors
}

/// The `block_id`s of the input blocks of a view: the only keys a `response_action: errors`
/// may name.
pub fn input_block_ids(view: &Value) -> Vec<String> {
    view["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter(|b| b["type"] == "input")
                .filter_map(|b| b["block_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Which text objects a field accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Plain,
    Any,
}

/// Walks a payload and collects every violation in Slack's words; its checks are `impl`
/// blocks in the files below.
#[derive(Default)]
struct Checker {
    errors: Vec<String>,
}

impl Checker {
    fn fail(&mut self, reason: impl std::fmt::Display, at: &str) {
        self.errors
            .push(format!("[ERROR] {reason} [json-pointer:{at}]"));
    }
}
