"""The import machinery's refusal codes (the API answers 400 with them)."""

from enum import StrEnum


class ImportRefusal(StrEnum):
    FILE_MISSING = "import_file_missing"
    FORMAT = "import_format"
    HAS_ERRORS = "import_has_errors"
    MODE = "import_mode"
    NOTHING = "import_nothing"
    POLICY = "import_policy"
    STATE = "import_state"
    TOO_LARGE = "import_too_large"
    UNKNOWN_KIND = "import_unknown_kind"
    USER_INACTIVE = "import_user_inactive"
    DUPLICATE_COLUMN = "import_duplicate_column"
    MISSING_COLUMN = "import_missing_column"
    NO_HEADER = "import_no_header"
    NO_ROWS = "import_no_rows"
    UNREADABLE = "import_unreadable"
    # Refused before the file is opened (core/imports/safety.py), or its reader failed.
    TOO_MANY_PARTS = "import_too_many_parts"
    EXPANDS_TOO_MUCH = "import_expands_too_much"
    COMPRESSION_RATIO = "import_compression_ratio"
    TOO_MANY_ROWS = "import_too_many_rows"
    TOO_MANY_COLUMNS = "import_too_many_columns"
    READER_FAILED = "import_reader_failed"
