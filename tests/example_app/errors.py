from enum import StrEnum


class ExampleError(StrEnum):
    ALREADY_APPLIED = "already_applied"
    NOT_AN_INSTITUTION = "not_an_institution"
