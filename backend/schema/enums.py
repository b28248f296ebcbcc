"""Enumerations shared by the schema, taken from the models so both agree."""

from __future__ import annotations

import strawberry

from backend.db import models
from backend.domain import forms, priority

UserRole = strawberry.enum(
    models.UserRole,
    description="CUSTOMER raises and follows requests; AGENT works them; ADMIN shapes the portal.",
)
MembershipRole = strawberry.enum(
    models.MembershipRole,
    description="SUPER_USER: raises requests and manages members; MEMBER: sees shared requests.",
)
IssueType = strawberry.enum(
    models.IssueType, description="INCIDENT: something broke; SERVICE_REQUEST: asking for a thing."
)
RequestStatus = strawberry.enum(
    models.RequestStatus,
    description="Where a request stands. Open: all but RESOLVED, CLOSED and CANCELLED.",
)
Visibility = strawberry.enum(
    models.Visibility,
    description="PRIVATE: reporter and participants; ORGANISATION: shared with its organisation.",
)
Urgency = strawberry.enum(priority.Urgency, description="How soon it hurts: HIGH, MEDIUM, LOW.")
Impact = strawberry.enum(priority.Impact, description="How much it hurts: HIGH, MEDIUM, LOW.")
FieldKind = strawberry.enum(forms.FieldKind, description="The kind of a form field.")
