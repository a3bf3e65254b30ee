from enum import StrEnum


class EvaluationError(StrEnum):
    NOT_INSTITUTION = "not_institution"
    HAS_NATIONAL_STANDARD = "has_national_standard"
    VERSION_LOCKED = "version_locked"
    LEVEL_NOT_OFFERED = "level_not_offered"
    NO_LEVELS = "no_levels"
    LEVEL_WITHOUT_PATH = "level_without_path"
    WEIGHTS = "weights"
    PATH_EMPTY = "path_empty"
    PLAN_EXISTS = "plan_exists"
    PLAN_LOCKED = "plan_locked"
    PLAN_EMPTY = "plan_empty"
    NOT_FILED = "not_filed"
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    PLAN_NOT_ACKNOWLEDGED = "plan_not_acknowledged"
    VERSION_NOT_IN_FORCE = "version_not_in_force"
    VERSION_LACKS_LEVEL = "version_lacks_level"
    SESSION_DATES = "session_dates"
    SESSION_LOCKED = "session_locked"
