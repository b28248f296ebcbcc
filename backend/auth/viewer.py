"""Who is asking: the signed-in user as the policies see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.db.models import MembershipRole, UserRole


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    role: UserRole
    email: str
    display_name: str
    # organisation id -> membership role; loaded with the viewer because every policy needs it.
    memberships: dict[int, MembershipRole] = field(default_factory=dict)
    session_id: int | None = None
    api_token_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """Agents and admins: the provider's people."""
        return self.role in (UserRole.AGENT, UserRole.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def is_super_user_of(self, organisation_id: int) -> bool:
        return self.memberships.get(organisation_id) == MembershipRole.SUPER_USER

    def is_member_of(self, organisation_id: int) -> bool:
        return organisation_id in self.memberships
