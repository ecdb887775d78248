//! Ids warroom gives what it declares outside its messages and reads back. The action ids
//! of buttons, selects and checkboxes are in `button.rs`, with their values; modals' callback
//! and block ids are with each modal, in `crate::render::modals`.

/// The message shortcut "Add to timeline" (declared in the app manifest).
pub const ADD_TO_TIMELINE: &str = "add_to_timeline";
