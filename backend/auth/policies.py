"""Who may see and do what. Every visibility rule lives here, as SQL filters and predicates,
so that lists, `node`, counts and mutations all apply the same rule."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from backend.auth.viewer import Viewer
from backend.db.models import (
    Attachment,
    Comment,
    Membership,
    Organisation,
    Request,
    RequestParticipant,
    TeamMember,
    User,
    Visibility,
)

# ---- organisations


def organisation_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Organisations the viewer may see: all for staff, their own for customers."""
    if viewer.is_staff:
        return true()
    if not viewer.memberships:
        return false()
    return Organisation.id.in_(list(viewer.memberships))


def can_see_organisation(viewer: Viewer, organisation_id: int) -> bool:
    return viewer.is_staff or viewer.is_member_of(organisation_id)


def can_administer(viewer: Viewer) -> bool:
    """Portal administration: organisations, teams, users, catalog."""
    return viewer.is_admin


def can_read_audit_log(viewer: Viewer) -> bool:
    """The audit log shows every admin action, with users' details: admins only."""
    return viewer.is_admin


def can_manage_members(viewer: Viewer, organisation_id: int) -> bool:
    """Admins manage every organisation's members; super users only their own organisation's."""
    return viewer.is_admin or viewer.is_super_user_of(organisation_id)


# ---- users


def user_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Users the viewer may see: everyone for staff; for customers themselves, the people of
    their organisations and the provider's agents (who answer their requests)."""
    if viewer.is_staff:
        return true()
    colleague_ids = select(Membership.user_id).where(
        Membership.organisation_id.in_(list(viewer.memberships))
    )
    agent_ids = select(TeamMember.user_id)
    return or_(User.id == viewer.user_id, User.id.in_(colleague_ids), User.id.in_(agent_ids))


def can_list_users(viewer: Viewer) -> bool:
    return viewer.is_staff


# ---- teams


def can_see_teams(viewer: Viewer) -> bool:
    return viewer.is_staff


# ---- requests (DESIGN.md, "Who sees a request")


def request_filter(viewer: Viewer) -> ColumnElement[bool]:
    """The one rule for who sees a request, as SQL over `requests`: the reporter, its
    participants, members of its organisation when shared with it, agents and admins.
    Every path (lists, node, request, counts, search, attachments, subscriptions) uses it."""
    if viewer.is_staff:
        return true()
    participating = select(RequestParticipant.request_id).where(
        RequestParticipant.user_id == viewer.user_id
    )
    clauses = [Request.reporter_id == viewer.user_id, Request.id.in_(participating)]
    if viewer.memberships:
        clauses.append(
            and_(
                Request.visibility == Visibility.ORGANISATION.value,
                Request.organisation_id.in_(list(viewer.memberships)),
            )
        )
    return or_(*clauses)


def can_submit_for(viewer: Viewer, organisation_id: int) -> bool:
    """Super users raise requests for their organisation; agents may raise on a customer's
    behalf."""
    return viewer.is_staff or viewer.is_super_user_of(organisation_id)


def can_see_internal(viewer: Viewer) -> bool:
    """Internal notes and internal timeline events are for agents and admins only."""
    return viewer.is_staff


def can_manage_catalog(viewer: Viewer) -> bool:
    return viewer.is_admin


def can_see_archived_catalog(viewer: Viewer) -> bool:
    """Staff see archived categories, types and fields (old requests still use them);
    customers only what they can raise requests with."""
    return viewer.is_staff


# ---- attachments


def attachment_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Attachments the viewer may see, as SQL over `attachments`: their own uploads while no
    request references them, afterwards whoever may see the request (request_filter)."""
    own_loose = and_(Attachment.request_id.is_(None), Attachment.uploader_id == viewer.user_id)
    if viewer.is_staff:
        return or_(own_loose, Attachment.request_id.is_not(None))
    visible_requests = select(Request.id).where(request_filter(viewer))
    # Files of internal notes are as internal as the notes themselves.
    internal_comments = select(Comment.id).where(Comment.internal.is_(True))
    return or_(
        own_loose,
        and_(
            Attachment.request_id.in_(visible_requests),
            or_(Attachment.comment_id.is_(None), Attachment.comment_id.not_in(internal_comments)),
        ),
    )


# ---- actions on a request the viewer can see (UI flags and server checks share these)

CLOSED_STATUSES = frozenset({"CLOSED", "CANCELLED"})


def comment_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Comments the viewer may read on requests they can see: internal notes for staff only."""
    return true() if can_see_internal(viewer) else Comment.internal.is_(False)


def can_comment(viewer: Viewer, status: str) -> bool:
    """Anyone who sees a request may reply while it is not closed or cancelled."""
    return status not in CLOSED_STATUSES


def can_share(viewer: Viewer, *, reporter_id: int, organisation_id: int) -> bool:
    """Visibility and participants: the reporter and the super users of its organisation."""
    return viewer.user_id == reporter_id or viewer.is_super_user_of(organisation_id)


def can_assign(viewer: Viewer) -> bool:
    """Assigning, prioritising and editing a request's fields: agents and admins."""
    return viewer.is_staff
