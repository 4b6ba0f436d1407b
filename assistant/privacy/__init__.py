"""Privacy: the Presidio scrubber, the scrubbed logging pipeline (and field encryption).

Nothing here loads Presidio or spaCy at import; the scrubber does on first use.
"""
