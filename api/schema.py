"""How the OpenAPI schema describes the API beyond what drf-spectacular infers.

* Personal fields (a model's ``PERSONAL_FIELDS``) are optional: only the office receives
  them, and a response without them must still validate.
* Every operation documents its error answers (401 without credentials, 403 for a user
  without a portal role, 404 for a record the caller may not see or a page past the end,
  400 for a filter value that is not valid), so a client knows every status it can meet.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.serializers import personal_fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


# A filter or paging error names each offending parameter with its messages.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class ApiAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is not None and not vars(type(serializer)).get("__doc__"):
            # Without this, every record kind's component repeats the base class's docstring.
            schema["description"] = str(capfirst(model._meta.verbose_name))
        office_only = [name for name in personal_fields(model) if name in schema.get("properties", {})]
        if office_only:
            schema["required"] = [name for name in schema.get("required", []) if name not in office_only]
            if not schema["required"]:
                del schema["required"]
            for name in office_only:
                prop = schema["properties"][name]
                note = str(_("Personal data: present for the Foreign Affairs Office only."))
                prop["description"] = f"{prop['description']} {note}" if prop.get("description") else note
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "401": OpenApiResponse(ErrorSerializer, description=_("No credentials, or a revoked or unknown token.")),
            "403": OpenApiResponse(ErrorSerializer, description=_("The user holds no portal role.")),
            "404": OpenApiResponse(
                ErrorSerializer,
                description=_("No such record among those the caller may see, or no such page."),
            ),
        }
        if self._is_list_view():
            errors["400"] = OpenApiResponse(VALIDATION_ERROR_SCHEMA,
                                            description=_("A filter or paging parameter is not valid."))
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_(
                "A token the Foreign Affairs Office issued: send Authorization: Token <key> "
                "(or Bearer <key>)."
            )),
        }
