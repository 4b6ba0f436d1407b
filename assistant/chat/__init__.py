"""The conversation service: one turn = store, parse, act or propose, stream a reply."""
