-- Version 8: reserved for the lead's migration (peers learning of a person's linked devices),
-- taken on main at the same time as peer circles (0009). This placeholder changes nothing;
-- it is replaced by the real 0008 when the branches are merged.
SELECT 1;
