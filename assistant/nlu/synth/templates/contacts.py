"""Training phrasings for the contacts.* procedures."""

from __future__ import annotations

TRAIN: dict[str, tuple[str, ...]] = {
    "contacts.create": (
        "<pl>[add|create|register|set up|make] a new <client>[:|,|] {new_contact}",
        "<pl>[add|create|register] {new_contact} as a [new |]<client>",
        "new <client>[:|,| -] {new_contact}[, {email}|, {phone}|, {email}, {phone}|, phone "
        "{phone}|, email {email}|, born {dob}|]",
        "<pl>add {new_contact} [to [the|my|our] contacts|to the system|to the client list|as a "
        "contact][ with [email|e-mail] {email}| with phone {phone}|, phone {phone}|, {email}|]",
        "<pl>create a [contact|record|client record|profile|file|new contact] for {new_contact}"
        "[, [email|e-mail] {email}|, phone {phone}|, {phone}|, dob {dob}|, born {dob}|]",
        "{new_contact} is a new <client>[, [their|her|his] [number|phone] is {phone}|, email is "
        "{email}|]",
        "<pl>sign up {new_contact}[ - {email}| ({phone})|]",
        "<pl>onboard {new_contact}[, {email}|]",
        "we have a new <client> [called|named] {new_contact}[, {phone}|, {email}|]",
        "<pl>put {new_contact} in the system[, {email}|, phone {phone}|]",
        "<pl>[add|create] [a |]<client> {new_contact}[ {email}| {phone}| born {dob}|]",
        "new [contact|client|patient] {new_contact} [email|e-mail] {email} [phone|tel|mobile] "
        "{phone}",
        "<pl>[create|add] {new_contact}[, date of birth {dob}|, dob {dob}|][, {phone}|]",
        "<pl>register [a new <client> |]{new_contact} [tagged|as] {tag}",
    ),
    "contacts.get": (
        "<pl>show [me |]{contact}",
        "<pl>[open|pull up|bring up|look up|get|display|show] {contact_pos} [profile|record|"
        "details|contact info|file|card|info|contact]",
        "[what's|what is|whats] {contact_pos} [phone number|number|email|e-mail address|email "
        "address|address|date of birth|birthday|mobile][?|]",
        "[who is|who's] {contact}[?|]",
        "[details|info|contact details|contact info] [for|on] {contact}",
        "how do I reach {contact}[?|]",
        "[give me|tell me|send me] {contact_pos} [number|email|details|address]",
        "<pl>pull up {contact}",
        "[do we have|what do we have as] [an email|a phone number|a number|an address] for "
        "{contact}[?|]",
        "[when is|when's] {contact_pos} birthday[?|]",
        "[tell me about|what do we know about|everything about] {contact}",
        "[how old is|where does] {contact}[ live|][?|]",
        "<pl>get me {contact_pos} contact [details|info]",
    ),
    "contacts.search": (
        "<pl>[find|search for|look for|search] [all |][clients|patients|contacts|people] "
        "[tagged|with the tag|labelled|marked|marked as] {tag}",
        "[who are|list|show|show me] [all |][the |my |our |]{tag} [clients|patients|contacts]",
        "<pl>search [contacts|clients|patients|the client list] for {contact}",
        "[find|search for|look for] [anyone|everyone|contacts|clients|people|patients] [named|"
        "called|with the name|with the last name|whose name is] {contact}",
        "[list|show|show me] [all |][my |our |the |]<client>s",
        "[how many|which] [clients|patients] [are tagged|have the tag|are] {tag}[?|]",
        "[any|are there any] [clients|patients|contacts] [named|called] {contact}[?|]",
        "[is there|do we have] [a|any] <client> [named|called] {contact}[?|]",
        "<pl>search {contact}",
        "<pl>[find|look up] [contacts|clients] [matching|like] {contact}",
        "[all|every] {tag} [clients|patients][ please|]",
        "<pl>[list|show] the [next|first] [10|20|50|five|ten] [contacts|clients]",
        "[who|which clients] [has|have] [a|an] [gmail|outlook|yahoo] [address|email][?|]",
    ),
    "contacts.update": (
        "<pl>[change|update|set] {contact_pos} address to {address}",
        "{contact} [moved|has moved] to {address}[, update [her|his|their] [address|record]|]",
        "{contact_pos} [last name|surname] is now {plain_last}",
        "<pl>update {contact}[:|,] [new |]address {address}",
        "<pl>[change|update|set] {contact_pos} [phone|phone number|number|mobile|cell] to {phone}",
        "<pl>[change|update|set] {contact_pos} [email|e-mail|email address] to {email}",
        "{contact_pos} new [number|phone number|phone|mobile] is {phone}",
        "{contact_pos} new [email|e-mail|address|email address] is {email}",
        "<pl>update {contact}[ with|:|,] [phone|number|mobile|new number] {phone}",
        "<pl>update {contact}[ with|:|,] [email|e-mail|new email] {email}",
        "{contact} [changed|has a new] [her|his|their] [number|phone number][ to|:|,| -] {phone}",
        "{contact} [changed|has a new] [her|his|their] [email|e-mail][ to|:|,| -] {email}",
        "<pl>[fix|correct|change] {contact_pos} [date of birth|dob|birthday] to {dob}",
        "<pl>[edit|update|change|fix] {contact_pos} [address|last name|details|surname|info]",
        "<pl>[replace|swap] {contact_pos} [phone|number] with {phone}",
        "{contact} moved, update [her|his|their] [address|details]",
        "<pl>set the [phone|mobile|number] for {contact} to {phone}",
        "[the |]email for {contact} [should be|is now|is] {email}",
        "<pl>[rename|change the name of] {contact} to {plain_name}",
        "<pl>[change|update] {contact_pos} [number|phone] [from {phone} |]to {phone}",
    ),
    "contacts.delete": (
        "<pl>[delete|remove|erase|get rid of] [the |][contact|client|patient|record|profile] "
        "[for |]{contact}",
        "<pl>[delete|remove] {contact}[ from [the|my|our] [contacts|system|database|client list]|]",
        "<pl>[delete|remove|erase|wipe] {contact_pos} [record|profile|file|contact|data|details|"
        "account]",
        "{contact} [asked|wants|has asked] to be [forgotten|removed|deleted][, delete [her|his|"
        "their] [record|data]|]",
        "<pl>permanently delete {contact}",
        "[forget|purge] {contact}[ completely|]",
        "<pl>[delete|remove] {contact} [entirely|for good|permanently]",
    ),
    "contacts.merge": (
        "<pl>merge {duplicate} into {contact}",
        "<pl>merge {duplicate} [with|and] {contact}[, keep {contact}|]",
        "{duplicate} is a duplicate of {contact}[, merge [them|it]|]",
        "<pl>[combine|fold|merge] [the duplicate |the record |]{duplicate} into {contact}",
        "[dedupe|deduplicate] {duplicate} into {contact}",
        "{duplicate} is the same [person|client|patient] as {contact}[, merge them|]",
        "<pl>merge [the |]duplicate [contact |record |]{duplicate} into {contact}",
        "<pl>merge [the contacts |the records |]{duplicate} and {contact}",
    ),
    "contacts.enrich": (
        "<pl>enrich {contact_pos} [profile|record|contact|details|data]",
        "<pl>enrich {contact}",
        "<pl>[look up|find] more [info|information|details] [about|on] {contact}",
        "<pl>[fill in|complete] the [missing |][details|info|fields] [for|on] {contact}",
        "<pl>run [enrichment|an enrichment|a lookup] [on|for] {contact}",
        "[what else|what more] can you find [about|on] {contact}[?|]",
        "<pl>[check|verify|validate] {contact_pos} [phone number|email|contact details]",
        "<pl>[update|refresh] {contact_pos} profile [from|with] [public info|what you can find]",
        "<pl>[build|make] a profile summary for {contact}",
    ),
}
