-- Version 10: commit-then-reveal verification codes (ADR 0003). Local only.

-- The owner's code nonce for an invite: committed to in the invite, revealed once a join
-- request has arrived, cleared with the invite's secret when the owner decides. NULL for
-- invites made before version 10: a join request answering one is refused (the joiner's app
-- could not have made one for it anyway, the invite format changed with this version).
ALTER TABLE invites ADD COLUMN code_nonce BLOB CHECK (code_nonce IS NULL OR length(code_nonce) = 32);

-- The code of a pairing under way, per peer. The joining side keeps its own nonce and the
-- invite's commitment until the owner's nonce arrives; both sides then keep the six digits.
-- A pairing made before version 10 has no row: its code is not shown again.
CREATE TABLE pairing_codes (
    peer_id    BLOB PRIMARY KEY,
    own_nonce  BLOB CHECK (own_nonce IS NULL OR length(own_nonce) = 32),
    commitment BLOB CHECK (commitment IS NULL OR length(commitment) = 32),
    code       TEXT CHECK (code IS NULL OR (length(code) = 6 AND code NOT GLOB '*[^0-9]*'))
) WITHOUT ROWID;
