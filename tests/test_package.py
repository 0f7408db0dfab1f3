import pytest

import evaltools as et
from evaltools.exceptions import ParameterError
from evaltools.validation import check_number, check_option


def test_version_and_lazy_submodules():
    assert et.__version__
    assert "cohort" in dir(et)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        et.nonsense  # noqa: B018


def test_parameter_messages_follow_one_shape():
    with pytest.raises(ParameterError, match=r"The 'caliper' parameter of match must be a float in \(0, inf\). Got -1 instead."):
        check_number(-1, "caliper", "match", low=0, closed="neither")
    with pytest.raises(ParameterError, match=r"must be one of 'a', 'b'. Got 'c' instead"):
        check_option("c", "method", "f", ["a", "b"])


def test_every_public_name_imports():
    for name in et.__all__:
        assert getattr(et, name) is not None, name
