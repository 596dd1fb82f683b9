-- Envelope version 2 (ADR 0023): the sender is hidden from the relay. Local only.

-- A device on version 1 refused every version 2 envelope a peer sent as `unsupported_version`
-- and moved its cursor past it, so what came after from that peer waits as a gap that is never
-- filled. Updating re-reads every stream from the start once: what was applied is a duplicate
-- by its sequence number, what was refused now opens.
UPDATE streams SET cursor = 0;
