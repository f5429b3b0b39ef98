"""Read-only serializers: one factory for every record kind.

``record_serializer`` exposes a model's fields except uploaded files (documents are served
only through the portal's access-checked views), and ``RecordSerializer`` removes the model's
``PERSONAL_FIELDS`` from the output for anyone ``access.can_see_personal_data`` refuses; the
schema marks those fields as optional (see ``api.schema``), so both shapes validate.
"""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from faculties.models import PlanTarget
from intlportal import access


def personal_fields(model) -> tuple[str, ...]:
    """The model's office-only fields, read each time so a field added later is covered."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ()))


def file_fields(model) -> list[str]:
    """The model's uploaded files: never in the API, whoever asks."""
    return [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


class RecordSerializer(serializers.ModelSerializer):
    """A record kind's fields, all read-only, without personal data for those not entitled."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # No request, no entitlement: personal data leaves only for a known office user.
        if request is None or not access.can_see_personal_data(request.user):
            for name in personal_fields(type(instance)):
                data.pop(name, None)
        return data


def record_serializer(model: type[models.Model], name: str,
                      extra_fields: dict[str, serializers.Field] | None = None) -> type[RecordSerializer]:
    """The serializer of one record kind: every field of ``model`` but its files, plus
    ``extra_fields`` (related records, computed properties).  ``name`` names the class and so
    the kind's component in the OpenAPI schema (``Contract``, ``PaginatedContractList``)."""
    meta = type("Meta", (), {"model": model, "exclude": file_fields(model)})
    return type(f"{name}Serializer", (RecordSerializer,),
                {"__module__": __name__, "Meta": meta, **(extra_fields or {})})


class PlanTargetSerializer(RecordSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "indicator", "year", "value"]
