"""The branching scenario exercise: pure model (graph), OLX (olx) and the XBlock (block)."""
