from enum import StrEnum


class CredentialError(StrEnum):
    NUMBER_FORMAT = "certificate_number_format"
    NUMBER_YEAR = "certificate_number_year"
    NUMBER_LEVEL = "certificate_number_level"
    NUMBER_PROVINCE = "certificate_number_province"
    NUMBER_KIND = "certificate_number_kind"
    DUPLICATE_NUMBER = "certificate_number_taken"
    LEVEL_NOT_OFFERED = "level_not_offered"
    ISSUED_IN_FUTURE = "issued_in_future"
    NOT_VALID = "certificate_not_valid"
    ALREADY_CONFIRMED = "certificate_already_confirmed"
    NOT_ISSUER = "not_issuer"
    APPOINTMENT_LEVEL = "appointment_level"
    PHOTO = "report_photo"
