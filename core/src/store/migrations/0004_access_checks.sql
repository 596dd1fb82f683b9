-- Version 4: every column whose value decides who may read or write is checked on write, so a
-- value the code does not know can never be stored (and the code refuses one it reads anyway:
-- it fails closed). SQLite cannot add a CHECK constraint to an existing column; a BEFORE
-- trigger that aborts is its documented equivalent and needs no table rebuild.

CREATE TRIGGER documents_access_known_on_insert BEFORE INSERT ON documents
WHEN NEW.access NOT IN ('owner', 'read', 'write', 'ended')
BEGIN SELECT RAISE(ABORT, 'documents.access is not a known access'); END;

CREATE TRIGGER documents_access_known_on_update BEFORE UPDATE OF access ON documents
WHEN NEW.access NOT IN ('owner', 'read', 'write', 'ended')
BEGIN SELECT RAISE(ABORT, 'documents.access is not a known access'); END;

CREATE TRIGGER peers_state_known_on_insert BEFORE INSERT ON peers
WHEN NEW.state NOT IN ('awaiting_reply', 'pending_approval', 'paired', 'declined', 'writer', 'removed')
BEGIN SELECT RAISE(ABORT, 'peers.state is not a known state'); END;

CREATE TRIGGER peers_state_known_on_update BEFORE UPDATE OF state ON peers
WHEN NEW.state NOT IN ('awaiting_reply', 'pending_approval', 'paired', 'declined', 'writer', 'removed')
BEGIN SELECT RAISE(ABORT, 'peers.state is not a known state'); END;

CREATE TRIGGER streams_active_boolean_on_insert BEFORE INSERT ON streams
WHEN NEW.active NOT IN (0, 1)
BEGIN SELECT RAISE(ABORT, 'streams.active is not 0 or 1'); END;

CREATE TRIGGER streams_active_boolean_on_update BEFORE UPDATE OF active ON streams
WHEN NEW.active NOT IN (0, 1)
BEGIN SELECT RAISE(ABORT, 'streams.active is not 0 or 1'); END;

CREATE TRIGGER doc_writers_current_boolean_on_insert BEFORE INSERT ON doc_writers
WHEN NEW.current NOT IN (0, 1)
BEGIN SELECT RAISE(ABORT, 'doc_writers.current is not 0 or 1'); END;

CREATE TRIGGER doc_writers_current_boolean_on_update BEFORE UPDATE OF current ON doc_writers
WHEN NEW.current NOT IN (0, 1)
BEGIN SELECT RAISE(ABORT, 'doc_writers.current is not 0 or 1'); END;
