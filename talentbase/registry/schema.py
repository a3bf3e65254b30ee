"""OpenAPI description of the person search's body (drf-spectacular extension): the rules its serializer
checks beyond each field's type, so that the schema refuses what the server refuses."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework.fields import CharField

from talentbase.core.api_schema import NO_NUL


class PersonSearchRequestScheme(OpenApiSerializerExtension):
    target_class = "talentbase.registry.api.PersonSearchRequestSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        # No field beyond those listed; at least one filter other than ``after`` that is not blank.
        schema["additionalProperties"] = False
        alternatives = []
        for name, field in self.target.fields.items():
            if name == "after":
                continue
            condition = {"required": [name]}
            if getattr(field, "allow_blank", False):
                condition["properties"] = {name: {"minLength": 1}}
            alternatives.append(condition)
        schema["anyOf"] = alternatives
        schema["properties"]["after"]["minLength"] = 1  # not blank: leave it out for the first page
        for name, field in self.target.fields.items():
            if isinstance(field, CharField):
                schema["properties"][name]["pattern"] = NO_NUL  # Django refuses a NUL in any text
        return schema
