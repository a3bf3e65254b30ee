from enum import StrEnum


class CertificateError(StrEnum):
    SECOND_FACTOR = "second_factor"
    NOT_ISSUING = "not_issuing"
    NOT_FILED = "not_filed"
    SERIAL_EXHAUSTED = "serial_exhausted"
    NUMBERING_DATA = "numbering_data"
    NOT_AWAITING = "not_awaiting"
    NUMBER_TAKEN = "number_taken"
    NUMBER_FORMAT = "number_format"
    NOT_ISSUER = "not_issuer"
    NOT_DONE = "not_done"
