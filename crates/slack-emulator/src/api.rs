//! The vocabulary shared by the HTTP layer and the workspace: decoded arguments, typed access
//! to them, and Slack's error answer.
//!
//! Arguments arrive as strings (query, form) or typed JSON (JSON bodies); the accessors here
//! accept both, so a method reads `channel` or `is_private` the same whatever the encoding.

use serde_json::{Map, Value};

/// Decoded request arguments: one JSON object whatever the encoding on the wire.
pub(crate) type Args = Map<String, Value>;

/// The fields of a successful answer, to be merged next to `"ok": true`.
pub(crate) type ApiResult = Result<Map<String, Value>, ApiError>;

/// A Slack error: the `error` code, and the human-readable explanations Slack puts in
/// `response_metadata.messages` (one per broken rule of a view or blocks; often none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) code: &'static str,
    pub(crate) messages: Vec<String>,
}

impl ApiError {
    pub(crate) fn with_detail(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            messages: vec![detail.into()],
        }
    }

    pub(crate) fn with_messages(code: &'static str, messages: Vec<String>) -> Self {
        ApiError { code, messages }
    }
}

impl From<&'static str> for ApiError {
    fn from(code: &'static str) -> Self {
        ApiError {
            code,
            messages: Vec::new(),
        }
    }
}

pub(crate) fn err<T>(code: &'static str) -> Result<T, ApiError> {
    Err(ApiError::from(code))
}

/// A scalar argument as a string. Empty strings count as absent (form encoders send `x=` for
/// unset fields); numbers and booleans from JSON bodies are accepted in their text form.
pub(crate) fn str_arg(args: &Args, key: &str) -> Option<String> {
    match args.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn bool_arg(args: &Args, key: &str) -> bool {
    match args.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "1"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// An argument that holds JSON: as sent in a JSON body, or a string still to be parsed (the
/// HTTP layer parses known fields, this catches the rest). A string that is not JSON is
/// returned as a string so the caller's validation rejects it.
pub(crate) fn json_arg(args: &Args, key: &str) -> Option<Value> {
    match args.get(key)? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => {
            Some(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())))
        }
        other => Some(other.clone()),
    }
}

/// A list of ids: a JSON array, a JSON array in a string, or Slack's documented
/// comma-separated string.
pub(crate) fn list_arg(args: &Args, key: &str) -> Vec<String> {
    let items: Vec<String> = match args.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) if s.trim_start().starts_with('[') => {
            serde_json::from_str::<Vec<String>>(s).unwrap_or_default()
        }
        Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_args_accept_csv_and_json() {
        let a = json!({"a": "U1, U2,", "b": ["U1"], "c": "[\"U3\"]", "d": 5});
        let a = a.as_object().cloned().unwrap();
        assert_eq!(list_arg(&a, "a"), vec!["U1", "U2"]);
        assert_eq!(list_arg(&a, "b"), vec!["U1"]);
        assert_eq!(list_arg(&a, "c"), vec!["U3"]);
        assert!(list_arg(&a, "d").is_empty());
        assert_eq!(str_arg(&a, "d").as_deref(), Some("5"));
    }

    #[test]
    fn scalars_accept_strings_and_json_types() {
        let a = json!({"s": "", "t": "true", "b": true, "one": "1", "n": 0, "j": "[1]", "bad": "[", "null": null});
        let a = a.as_object().cloned().unwrap();
        assert_eq!(str_arg(&a, "s"), None);
        assert!(bool_arg(&a, "t") && bool_arg(&a, "b") && bool_arg(&a, "one"));
        assert!(!bool_arg(&a, "n") && !bool_arg(&a, "missing"));
        assert_eq!(json_arg(&a, "j"), Some(json!([1])));
        assert_eq!(json_arg(&a, "bad"), Some(json!("[")));
        assert_eq!(json_arg(&a, "null"), None);
        assert_eq!(json_arg(&a, "s"), None);
    }
}
