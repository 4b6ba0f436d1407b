"""Synthetic training data for the co-pilot's own model: templates, vocabularies, fillers.

Data generation only: the runtime pipeline (model, postprocess, rules) never imports it.
`python -m assistant.nlu.synth.generate DIR` writes train.jsonl and dev.jsonl.
"""
