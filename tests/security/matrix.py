"""The object-level authorization matrix, written out by hand (as DESIGN.md section 3's
permission table is): what each role gets for its own record, another user's record and an id
that names nothing, for every kind of record an endpoint or a procedure takes an id of.

Not derived from the code. `tests/security/surface.py` lists every id the app accepts (from
the route table and the procedure registry); the coverage test fails when one is missing
below, so a new endpoint must be declared here before it can ship.

Reading a cell: `ok` = allowed (2xx, or a page's redirect after a form), `403` = the role may
not do this at all (refused before the record is looked at, so all three cells agree), `404` =
the record is not there *for this caller*: a record a user may not see reads exactly as one
that does not exist, so its existence is never revealed. A list filter that names another's
or no record is `ok` (it lists nothing that the caller could not list anyway).

What "own" means: the record's owner column is the caller (a conversation's, job's or
token's user, an approval's or action's requester, a note's or draft's author, a task's
creator and assignee, an appointment's practitioner, the user account itself). Contacts
have no owner (a small practice shares its client list): both columns are fresh contacts.
"""

from __future__ import annotations

ROLES = ("owner", "practitioner", "front_desk", "viewer")
RELATIONS = ("own", "other", "missing")

# fmt: off
# access class            owner          practitioner    front_desk      viewer
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    # The shared client list: every role reads, all but viewers change.
    "contact.read":       ("ok ok 404",   "ok ok 404",    "ok ok 404",    "ok ok 404"),
    "contact.change":     ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "contact.mail":       ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "contact.clinical":   ("ok ok 404",   "ok ok 404",    "403 403 403",  "403 403 403"),
    "contact.filter":     ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # The page a chat message was sent from, a form's preset: a hint; one that is gone is none.
    "contact.context":    ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # Clinical text: owners and practitioners only, whoever wrote it.
    "note.read":          ("ok ok 404",   "ok ok 404",    "403 403 403",  "403 403 403"),
    "note.change":        ("ok ok 404",   "ok ok 404",    "403 403 403",  "403 403 403"),
    # Tasks and appointments are the practice's, not their assignee's.
    "task.read":          ("ok ok 404",   "ok ok 404",    "ok ok 404",    "ok ok 404"),
    "task.change":        ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "appointment.read":   ("ok ok 404",   "ok ok 404",    "ok ok 404",    "ok ok 404"),
    "appointment.change": ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    # E-mail drafts: staff who write e-mail, whoever drafted it; viewers never.
    "draft.read":         ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "draft.change":       ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "draft.filter":       ("ok ok ok",    "ok ok ok",     "ok ok ok",     "403 403 403"),
    # Conversations, jobs and event streams are their user's alone, owners included.
    "conversation.own":   ("ok 404 404",  "ok 404 404",   "ok 404 404",   "ok 404 404"),
    "conversation.filter": ("ok ok ok",   "ok ok ok",     "ok ok ok",     "ok ok ok"),
    "job.own":            ("ok 404 404",  "ok 404 404",   "ok 404 404",   "ok 404 404"),
    "event.cursor":       ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # Approvals: seen by their requester and by the roles that may decide them; decided by
    # those roles only, never by the requester (four eyes).
    "approval.read":      ("ok ok 404",   "ok ok 404",    "ok 404 404",   "ok 404 404"),
    "approval.decide":    ("403 ok 404",  "403 ok 404",   "403 404 404",  "403 404 404"),
    # Actions (calls made or proposed): their requester's; an owner reads and undoes anyone's,
    # but only the requester confirms or cancels a waiting call.
    "action.read":        ("ok ok 404",   "ok 404 404",   "ok 404 404",   "ok 404 404"),
    "action.decide":      ("ok 404 404",  "ok 404 404",   "ok 404 404",   "ok 404 404"),
    "action.undo":        ("ok ok 404",   "ok 404 404",   "ok 404 404",   "403 403 403"),
    "action.filter":      ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # Staff accounts and API tokens: administered by owners only.
    "user.admin":         ("ok ok 404",   "403 403 403",  "403 403 403",  "403 403 403"),
    # A form's pick that is not on its list is the form's error (422), as any bad field is.
    "user.admin_form":    ("ok ok 422",   "403 403 403",  "403 403 403",  "403 403 403"),
    "token.admin":        ("ok ok 404",   "403 403 403",  "403 403 403",  "403 403 403"),
    # Naming a colleague: assigning a task, booking with a practitioner.
    "user.assign":        ("ok ok 404",   "ok ok 404",    "ok ok 404",    "403 403 403"),
    "user.book_form":     ("ok ok 422",   "ok ok 422",    "422 ok 422",   "403 403 403"),
    "user.pick":          ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # A notice that echoes the id of what was just done ("Request #7 sent"): it reads nothing.
    "notice":             ("ok ok ok",    "ok ok ok",     "ok ok ok",     "ok ok ok"),
    # The audit trail's filters: any id, owners only.
    "audit.filter":       ("ok ok ok",    "403 403 403",  "403 403 403",  "403 403 403"),
}
# fmt: on

# Which access class every id-taking endpoint and procedure argument is. Keys are those of
# tests/security/surface.py: "rpc <procedure> <field>" for a procedure's input, and
# "<METHOD> <path> <where>.<name>" for a route (where: path, query, body, header).
# fmt: off
SURFACE: dict[str, str] = {
    # --- procedures (POST /api/rpc/<name>, chat tools, jobs) ---------------------------------
    "rpc actions.undo action_ids": "action.undo",
    "rpc appointments.book contact_id": "contact.change",
    "rpc appointments.book practitioner_id": "user.assign",
    "rpc appointments.cancel appointment_id": "appointment.change",
    "rpc appointments.get appointment_id": "appointment.read",
    "rpc appointments.list contact_id": "contact.filter",
    "rpc appointments.list practitioner_id": "user.pick",
    "rpc audit.list actor_id": "audit.filter",
    "rpc audit.list record_id": "audit.filter",
    "rpc contacts.delete contact_id": "contact.change",
    "rpc contacts.enrich contact_id": "contact.change",
    "rpc contacts.get contact_id": "contact.read",
    "rpc contacts.merge contact_id": "contact.change",
    "rpc contacts.merge duplicate_id": "contact.change",
    "rpc contacts.update contact_id": "contact.change",
    "rpc conversations.delete conversation_id": "conversation.own",
    "rpc emails.draft contact_id": "contact.mail",
    "rpc emails.get draft_id": "draft.read",
    "rpc emails.list contact_id": "draft.filter",
    "rpc emails.send draft_id": "draft.change",
    "rpc emails.update draft_id": "draft.change",
    "rpc jobs.cancel job_id": "job.own",
    "rpc notes.add contact_id": "contact.clinical",
    "rpc notes.delete note_id": "note.change",
    "rpc notes.list contact_id": "contact.clinical",
    "rpc tags.add contact_id": "contact.change",
    "rpc tags.remove contact_id": "contact.change",
    "rpc tasks.complete task_id": "task.change",
    "rpc tasks.create assignee_id": "user.assign",
    "rpc tasks.create contact_id": "contact.change",
    "rpc tasks.delete task_id": "task.change",
    "rpc tasks.get task_id": "task.read",
    "rpc tasks.list assignee_id": "user.pick",
    "rpc tasks.list contact_id": "contact.filter",
    "rpc tasks.reopen task_id": "task.change",
    "rpc tokens.create user_id": "user.admin",
    "rpc tokens.list user_id": "user.admin",
    "rpc tokens.revoke token_id": "token.admin",
    "rpc users.disable user_id": "user.admin",
    "rpc users.reset_password user_id": "user.admin",
    "rpc users.set_role user_id": "user.admin",
    # --- the JSON API and the streams ------------------------------------------------------
    "GET /api/approvals/{approval_id:int} path.approval_id": "approval.read",
    "POST /api/approvals/{approval_id:int}/approve path.approval_id": "approval.decide",
    "POST /api/approvals/{approval_id:int}/reject path.approval_id": "approval.decide",
    "GET /api/actions query.conversation_id": "conversation.filter",
    "GET /api/actions query.user_id": "action.filter",
    "GET /api/actions/{action_id:int} path.action_id": "action.read",
    "POST /api/actions/{action_id:int}/confirm path.action_id": "action.decide",
    "POST /api/actions/{action_id:int}/cancel path.action_id": "action.decide",
    "POST /api/actions/{action_id:int}/undo path.action_id": "action.undo",
    "GET /api/jobs/{job_id:int} path.job_id": "job.own",
    "POST /api/jobs/{job_id:int}/cancel path.job_id": "job.own",
    "GET /api/conversations/{conversation_id:int} path.conversation_id": "conversation.own",
    "DELETE /api/conversations/{conversation_id:int} path.conversation_id": "conversation.own",
    "POST /api/chat body.conversation_id": "conversation.own",
    "POST /api/chat body.context.contact_id": "contact.context",
    "GET /api/events header.Last-Event-ID": "event.cursor",
    "POST /v1/chat/completions body.conversation_id": "conversation.own",
    # --- pages -------------------------------------------------------------------------------
    "GET /contacts/{contact_id:int} path.contact_id": "contact.read",
    "GET /contacts/{contact_id:int}/edit path.contact_id": "contact.read",
    "POST /contacts/{contact_id:int}/edit path.contact_id": "contact.change",
    "GET /contacts/{contact_id:int}/part/{section:str} path.contact_id": "contact.read",
    "POST /contacts/{contact_id:int}/tags path.contact_id": "contact.change",
    "POST /contacts/{contact_id:int}/tags/remove path.contact_id": "contact.change",
    "POST /contacts/{contact_id:int}/notes path.contact_id": "contact.clinical",
    "POST /contacts/{contact_id:int}/notes/{note_id:int}/delete path.contact_id":
        "contact.clinical",
    "POST /contacts/{contact_id:int}/notes/{note_id:int}/delete path.note_id": "note.change",
    "POST /contacts/{contact_id:int}/enrich path.contact_id": "contact.change",
    "POST /contacts/{contact_id:int}/delete path.contact_id": "contact.change",
    "POST /contacts/{contact_id:int}/merge path.contact_id": "contact.change",
    "POST /contacts/{contact_id:int}/merge body.duplicate_id": "contact.change",
    "GET /notes/{record_id:int} path.record_id": "note.read",
    "GET /tasks query.contact_id": "contact.filter",
    "GET /tasks query.new_for": "contact.context",
    "POST /tasks body.contact_id": "contact.change",
    "POST /tasks body.assignee_id": "user.assign",
    "GET /tasks/{task_id:int} path.task_id": "task.read",
    "POST /tasks/{task_id:int}/complete path.task_id": "task.change",
    "GET /appointments/new query.contact_id": "contact.filter",
    "POST /appointments/new body.contact_id": "contact.change",
    "POST /appointments/new body.practitioner_id": "user.book_form",
    "GET /appointments/{appointment_id:int} path.appointment_id": "appointment.read",
    "POST /appointments/{appointment_id:int}/cancel path.appointment_id": "appointment.change",
    "GET /emails/{draft_id:int} path.draft_id": "draft.read",
    "POST /emails/{draft_id:int} path.draft_id": "draft.change",
    "GET /emails/{draft_id:int}/status path.draft_id": "draft.read",
    "POST /emails/{draft_id:int}/send path.draft_id": "draft.change",
    "GET /approvals/{approval_id:int} path.approval_id": "approval.read",
    "POST /approvals/{approval_id:int}/approve path.approval_id": "approval.decide",
    "POST /approvals/{approval_id:int}/approve-edited path.approval_id": "approval.decide",
    "POST /approvals/{approval_id:int}/reject path.approval_id": "approval.decide",
    "GET /dock/approvals/{approval_id:int} path.approval_id": "approval.read",
    "GET /dock/conversations/{conversation_id:int} path.conversation_id": "conversation.own",
    "GET /dock/actions/{action_id:int} path.action_id": "action.read",
    "GET /actions/{action_id:int} path.action_id": "action.read",
    "POST /actions/{action_id:int}/confirm path.action_id": "action.decide",
    "POST /actions/{action_id:int}/cancel path.action_id": "action.decide",
    "GET /activity query.conversation_id": "conversation.filter",
    "GET /activity query.undone": "notice",
    "GET /approvals query.asked": "notice",
    "GET /approvals query.edited": "notice",
    "GET /appointments query.booked": "notice",
    "POST /activity/{action_id:int}/undo path.action_id": "action.undo",
    "POST /jobs/{job_id:int}/cancel path.job_id": "job.own",
    "POST /admin/users/{user_id:int}/role path.user_id": "user.admin",
    "POST /admin/users/{user_id:int}/password path.user_id": "user.admin",
    "POST /admin/users/{user_id:int}/disable path.user_id": "user.admin",
    "POST /admin/tokens body.user_id": "user.admin_form",
    "POST /admin/tokens/{token_id:int}/revoke path.token_id": "token.admin",
    "GET /admin/audit query.record_id": "audit.filter",
}
# fmt: on


def expected(access: str, role: str, relation: str) -> str:
    """The cell: `ok`, `403`, `404` (or another status a rule other than access gives)."""
    return EXPECTED[access][ROLES.index(role)].split()[RELATIONS.index(relation)]
