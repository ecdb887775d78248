-- Escalation chains with acknowledgement: when the next step of the severity's chain is
-- due (feeds next_due_at like the other timers; NULL: nothing due), how many steps were
-- called, and who acknowledged (which stops the chain). Incidents declared before this
-- version have no chain running.
ALTER TABLE incidents ADD COLUMN chain_next_at BIGINT;
ALTER TABLE incidents ADD COLUMN chain_called BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN chain_acked_by TEXT;
