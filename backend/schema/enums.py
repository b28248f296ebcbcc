"""Enumerations shared by the schema, taken from the models so both agree."""

from __future__ import annotations

import strawberry

from backend.db import models

UserRole = strawberry.enum(
    models.UserRole,
    description="CUSTOMER raises and follows requests; AGENT works them; ADMIN shapes the portal.",
)
MembershipRole = strawberry.enum(
    models.MembershipRole,
    description="SUPER_USER: raises requests and manages members; MEMBER: sees shared requests.",
)
