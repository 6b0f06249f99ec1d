"""The hostile corpus and the invariants it is held to."""
