"""Training phrasings for emails.* and tags.*."""

from __future__ import annotations

TRAIN: dict[str, tuple[str, ...]] = {
    "emails.draft": (
        "<pl>[write|draft|compose|prepare] a {purpose} <mail> [to|for] {contact}[ {instr}|]",
        "<pl>[write|draft|compose] [an email|an e-mail|a message|an email] to {contact} {instr}",
        "<pl>[email|e-mail|message] {contact} {instr}",
        "<pl>send {contact} a {purpose} [email|e-mail][ {instr}|]",
        "<pl>[draft|write] a {purpose} [for|to] {contact}",
        "[get|have] a {purpose} <mail> [ready |drafted |]for {contact}[ {instr}|]",
        "<pl>[draft|write] {contact} a {purpose} [email|e-mail|note][ {instr}|]",
        "<pl>[write|draft] [an email|a mail] to {contact_pos} [mum|dad|insurer] {instr}",
        "<pl>[prepare|draft] a {purpose} [email|e-mail] [to|for] {contact}[, {instr}|]",
        "{purpose} [email|e-mail] [to|for] {contact}[ {instr}|]",
    ),
    "emails.send": (
        "<pl>send the [draft|email|e-mail|message] [to|for] {contact}",
        "<pl>send [out |]{contact_pos} [draft|email|e-mail][ now|]",
        "<pl>send [the |]{purpose} [email|e-mail|draft] [to|for] {contact}",
        "[go ahead and|ok|okay,|yes,|looks good,] send [the draft|the email][ to {contact}|]",
        "<pl>[send off|fire off|dispatch|mail out] the [draft|email] [to|for] {contact}",
        "the draft for {contact} [looks good|is fine|is good], send it",
        "<pl>[approve and send|finalize and send] the [draft|email] [to|for] {contact}",
        "<pl>send the {purpose} [draft |]to {contact} now",
    ),
    "tags.add": (
        "<pl>tag {contact} [as |with |]{tag}",
        "<pl>mark {contact} as [a |an |]{tag}",
        "<pl>[add|put|apply|give] [the |a |]{tag} [tag|label] [to|on] {contact}",
        "<pl>add [the |a |]tag {tag} to {contact}",
        "<pl>[label|flag] {contact} [as |]{tag}",
        "{contact} is [a |an |now a |now an |now |]{tag}[, tag [her|him|them]|, add the tag|]",
        "<pl>[add|put] {contact} [in|to|into] [the |]{tag} [group|list|segment|category]",
        "<pl>tag {contact_pos} [record|profile|file] [as |with |]{tag}",
    ),
    "tags.remove": (
        "<pl>[remove|delete|take off|drop] the {tag} [tag|label] from {contact}",
        "<pl>untag {contact}[ as {tag}| {tag}|]",
        "<pl>[remove|take] {contact} [off|out of|from] [the |]{tag} [list|group|tag|segment]",
        "{contact} is no longer [a |an |]{tag}[, remove the tag|, untag [her|him|them]|]",
        "<pl>[unmark|unflag] {contact} as {tag}",
        "<pl>remove [the |]tag {tag} [from|on] {contact}",
        "<pl>[clear|remove] {contact_pos} {tag} [tag|label|flag]",
    ),
}
