from enum import StrEnum


class OrgError(StrEnum):
    NOT_EVALUATION_INSTITUTION = "not_evaluation_institution"
    FILING_LOCKED = "filing_locked"
    FILING_NUMBER_REQUIRED = "filing_number_required"
    FILING_NUMBER_TAKEN = "filing_number_taken"
    FILING_DATES = "filing_dates"
    LEVEL_NOT_OFFERED = "level_not_offered"
    NO_LEVELS = "no_levels"
    NUMBERING_REQUIRED = "numbering_required"
    IDENTITY_NOT_OWN = "identity_not_own"
