"""Pure rules of the evaluators' audit: tampering, anchors, periods, access, HXL."""
