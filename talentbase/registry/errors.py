from enum import StrEnum


class RegistryError(StrEnum):
    DUPLICATE_ID = "duplicate_id"
    INVALID_ID = "invalid_id"
    UNKNOWN_ID = "person_missing"
    INVALID = "invalid"
    ID_NUMBER_IN_URL = "id_number_in_url"
    INVALID_PHONE = "invalid_phone"
    EMPLOYER_KIND = "employer_kind"
    OVERLAP = "overlap"
    NAME_REQUIRED = "name_required"
    DATES = "dates"
    REASON_REQUIRED = "reason_required"
    SAME_PERSON = "same_person"
    OUT_OF_SCOPE = "out_of_scope"
    NO_PERSON = "no_person"
    WORK_TYPE = "work_type"
    END_REASON = "end_reason"
