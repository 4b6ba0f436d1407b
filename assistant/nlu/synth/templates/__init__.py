"""Template data for the generator: training phrasings by area, and held-out dev phrasings.

`<macro>` names expand to shared alternations (see `MACROS`) before parsing; `[a|b]` and
`{slot}` are the render language of `assistant.nlu.synth.render`.
"""

from __future__ import annotations

MACROS: dict[str, str] = {
    "<pl>": "[|||please |can you |could you |pls |hey, |I need to |I want to |go ahead and "
    "|would you |can u |i'd like to |quickly ]",
    "<client>": "[client|patient|contact|customer|client|patient]",
    "<note>": "[note|note|memo|comment|clinical note|entry|session note]",
    "<appt>": "[appointment|appointment|session|appt|visit|booking|consult|consultation]",
    "<mail>": "[email|e-mail|email|mail|message]",
    "<task>": "[task|task|to-do|todo|reminder]",
    "<done>": "[done|complete|completed|finished]",
}
