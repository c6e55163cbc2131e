"""The people and things of a Clever district as immutable values (level 0: no I/O, no clock)."""
