"""Shared by the rule tests: a call refused with a domain error of a given code."""

import pytest

from talentbase.core.errors import DomainError


def refused(code, call, *args, **kwargs) -> DomainError:
    """Call and expect a ``DomainError`` with ``code``; the error, for its field and message."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value
