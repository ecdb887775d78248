-- The post-mortem's home in Slack: the incident channel's canvas (or, where the workspace
-- has no channel canvases, NULL and the draft is uploaded as a file each time), and the
-- link the incident card shows.
ALTER TABLE incidents ADD COLUMN postmortem_canvas_id TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_url TEXT;
