"""Data tables packet reads: the results each cancer's workup routinely expects."""
