//! What is said about the post-mortem's home in Slack.

/// The answer to `/incident postmortem`: the draft follows in the channel canvas.
pub fn postmortem_on_its_way(incident_id: &str) -> String {
    format!("Writing the post-mortem draft of {incident_id} to this channel's canvas.")
}

/// The title of the uploaded draft where canvases are unavailable.
pub fn postmortem_file_title(incident_id: &str) -> String {
    format!("Post-mortem draft for {incident_id}")
}

/// Said with the uploaded draft: why it is a file and not the channel's canvas.
pub fn postmortem_file_comment(code: &str) -> String {
    format!(
        "This workspace cannot have channel canvases (`{}`), so here is the post-mortem draft as a Markdown file. Run `/incident postmortem` again for a fresh copy.",
        super::mrkdwn::escape(code)
    )
}
