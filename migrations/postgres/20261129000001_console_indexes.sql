-- The console's list pages newest first over every incident, and the report counts open
-- action items: both without a full scan and sort.
CREATE INDEX incidents_declared ON incidents (declared_at, id);
CREATE INDEX action_items_open ON action_items (done, incident_id);
