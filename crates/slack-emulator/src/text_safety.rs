//! What Slack would turn into a ping or a link. Slack renders `<!channel>`, `<!here>` and
//! `<!everyone>` (with or without a `|label`) as broadcasts that notify everyone, and
//! `<http…|label>` as a link whose target the label can hide. An app relaying what people
//! type must escape it; the fake records every such construct it is sent (outside an
//! allow-list of links the app is configured to show) so a test run can fail on it.
//!
//! Scanned: message `text`, `mrkdwn` text objects and `rich_text` broadcast/link elements in
//! blocks and views, channel topics, and the Markdown links of canvases. `plain_text` objects are shown literally by Slack and
//! are not scanned.

use serde_json::{Map, Value};

use crate::strictness::Violation;

/// The unsafe constructs in what a Web API call asks Slack to show: message `text` and
/// `blocks`, a topic, a modal's blocks, a file's `initial_comment`.
pub fn inspect_call(
    method: &str,
    args: &Map<String, Value>,
    allowed_links: &[String],
) -> Vec<Violation> {
    let target = ["channel", "channel_id", "user", "user_id", "trigger_id"]
        .iter()
        .find_map(|k| args.get(*k).and_then(Value::as_str))
        .unwrap_or("")
        .to_owned();
    let parsed = |key: &str| match args.get(key) {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let mut found = Vec::new();
    for key in ["text", "topic", "initial_comment"] {
        if let Some(text) = args.get(key).and_then(Value::as_str) {
            found.extend(scan_mrkdwn(text, allowed_links));
        }
    }
    found.extend(scan_blocks(&parsed("blocks"), allowed_links));
    found.extend(scan_blocks(&parsed("view")["blocks"], allowed_links));
    // Canvases: Markdown, whose links are `[label](url)`.
    let mut documents = vec![parsed("document_content")];
    if let Value::Array(changes) = parsed("changes") {
        documents.extend(changes.iter().map(|c| c["document_content"].clone()));
    }
    for document in documents {
        if let Some(markdown) = document["markdown"].as_str() {
            for url in markdown_links(markdown) {
                if !allowed(&url, allowed_links) {
                    found.push(("link", format!("]({url})")));
                }
            }
        }
    }
    let context: String = ["text", "topic", "initial_comment"]
        .iter()
        .find_map(|k| args.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .chars()
        .take(60)
        .collect();
    found
        .into_iter()
        .map(|(rule, construct)| Violation {
            method: method.to_owned(),
            target: target.clone(),
            rule,
            found: construct,
            context: context.clone(),
        })
        .collect()
}

/// Broadcasts and links in mrkdwn `text` that `allowed_links` does not cover (a link is
/// allowed when its URL starts with one of them). Returns (rule, construct) pairs.
pub fn scan_mrkdwn(text: &str, allowed_links: &[String]) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let inner = &after[..close];
        let target = inner.split('|').next().unwrap_or_default();
        let construct = format!("<{inner}>");
        if matches!(target, "!channel" | "!here" | "!everyone" | "!group") {
            found.push(("broadcast", construct));
        } else if is_url(target) && !allowed(target, allowed_links) {
            found.push(("link", construct));
        }
        rest = &after[close + 1..];
    }
    found
}

/// Every unsafe construct in a `blocks` array (or a view's blocks).
pub fn scan_blocks(blocks: &Value, allowed_links: &[String]) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    walk(blocks, allowed_links, &mut found);
    found
}

fn walk(v: &Value, allowed_links: &[String], found: &mut Vec<(&'static str, String)>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, allowed_links, found)),
        Value::Object(obj) => {
            match obj.get("type").and_then(Value::as_str) {
                Some("mrkdwn") => {
                    if let Some(t) = obj.get("text").and_then(Value::as_str) {
                        found.extend(scan_mrkdwn(t, allowed_links));
                    }
                    return;
                }
                Some("plain_text") => return,
                // rich_text elements: a broadcast, or a link to an URL.
                Some("broadcast") => {
                    let range = obj.get("range").and_then(Value::as_str).unwrap_or("");
                    found.push(("broadcast", format!("<!{range}>")));
                }
                Some("link") => {
                    let url = obj.get("url").and_then(Value::as_str).unwrap_or("");
                    if !allowed(url, allowed_links) {
                        found.push(("link", format!("<{url}>")));
                    }
                }
                // The `markdown` block renders standard Markdown links.
                Some("markdown") => {
                    if let Some(t) = obj.get("text").and_then(Value::as_str) {
                        found.extend(scan_mrkdwn(t, allowed_links));
                        for url in markdown_links(t) {
                            if !allowed(&url, allowed_links) {
                                found.push(("link", format!("]({url})")));
                            }
                        }
                    }
                }
                _ => {}
            }
            for (key, child) in obj {
                // Button URLs are shown as the button, not hidden behind text.
                if key != "type" {
                    walk(child, allowed_links, found);
                }
            }
        }
        _ => {}
    }
}

/// The targets of `[label](url)` links. An escaped bracket (`\\]`, after an odd number of
/// backslashes) is literal text in Markdown, not a link.
fn markdown_links(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        let backslashes = rest[..at].chars().rev().take_while(|c| *c == '\\').count();
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let url = &after[..end];
        if is_url(url) && backslashes % 2 == 0 {
            urls.push(url.to_owned());
        }
        rest = &after[end..];
    }
    urls
}

fn is_url(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Links into the workspace itself (a canvas, a file, a message: URLs Slack hands the app,
/// e.g. from `auth.test`) are always allowed; others only under a configured prefix.
fn allowed(url: &str, allowed_links: &[String]) -> bool {
    url.starts_with(crate::state::TEAM_URL)
        || allowed_links.iter().any(|a| url.starts_with(a.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_broadcasts_and_unlisted_links() {
        let allowed = vec!["https://runbooks.example/".to_owned()];
        let found = scan_mrkdwn(
            "hi <!channel> <!here|here> <!everyone> <@U1> <#C1> <!subteam^S1> \
             <https://evil.example|log in> <https://runbooks.example/db|runbook> &lt;!here&gt; a < b",
            &allowed,
        );
        assert_eq!(
            found,
            vec![
                ("broadcast", "<!channel>".to_owned()),
                ("broadcast", "<!here|here>".to_owned()),
                ("broadcast", "<!everyone>".to_owned()),
                ("link", "<https://evil.example|log in>".to_owned()),
            ]
        );
        assert!(scan_mrkdwn("5 < 6 and 7 > 3", &[]).is_empty());
    }

    #[test]
    fn blocks_scan_mrkdwn_not_plain_text() {
        let blocks = json!([
            {"type": "header", "text": {"type": "plain_text", "text": "<!channel>"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "<!here>"},
             "fields": [{"type": "mrkdwn", "text": "<http://x.example>"}]},
            {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
                {"type": "broadcast", "range": "everyone"},
                {"type": "link", "url": "https://y.example"}]}]},
        ]);
        let mut found: Vec<&str> = scan_blocks(&blocks, &[])
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        // Key order depends on serde_json's `preserve_order` feature; what is found does not.
        found.sort_unstable();
        assert_eq!(found, vec!["broadcast", "broadcast", "link", "link"]);
    }

    #[test]
    fn markdown_links_but_not_escaped_brackets_nor_the_workspace_itself() {
        let md =
            "[a](https://evil.example) \\[b\\](https://shown.example) \\\\[c](https://x.example) \
                  [canvas](https://example.slack.com/docs/T0001/F1)";
        let urls = markdown_links(md);
        assert_eq!(urls[..2], ["https://evil.example", "https://x.example"]);
        assert!(
            allowed(&urls[2], &[]),
            "links into the workspace are Slack's own"
        );
        assert!(!allowed(&urls[0], &[]));
    }
}
