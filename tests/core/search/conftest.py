"""Users on either side of the tenant line, and a small bilingual corpus indexed for the tests."""

from collections.abc import Callable, Iterator

import pytest

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.core.search import synonyms
from sasms.core.search.services import index_document


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.AGENT)


@pytest.fixture
def customer_of_a(make_user: Callable[..., User]) -> User:
    return make_user(Role.CUSTOMER)


@pytest.fixture
def customer_of_b(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b)


@pytest.fixture
def corpus(db: None) -> None:
    """Fault descriptions as agents and customers write them: Chinese, English, mixed, with codes."""
    docs = [
        ("kb", 1, "硬盘故障处理", "服务器硬盘出现故障告警，前面板硬盘指示灯橙色闪烁，需要更换硬盘。"),
        (
            "kb",
            2,
            "RAID controller battery failure",
            "The RAID controller reports a battery learn cycle failure.",
        ),
        ("kb", 3, "Quarterly health check", "Check fans, power supplies and the raid controller logs."),
        (
            "kb",
            4,
            "电源模块 PSU1 报错 0x8002",
            "戴尔 PowerEdge R740 电源模块 PSU1 报错，错误码 0x8002，更换电源后恢复。",
        ),
        ("kb", 5, "Replacement part 0XR5R-A00", "Order part 0XR5R-A00 for the failed backplane."),
        ("kb", 6, "HPE DIMM 871246-B21", "Memory module HPE 871246-B21 reports correctable errors E1234."),
        ("kb", 7, "内存不识别", "开机自检提示内存 DIMM A1 不识别，重新插拔后恢复正常。"),
        ("ticket", 1, "Fan failure on node 3", "Fan 2 failed; chassis temperature high."),
    ]
    for object_type, object_id, title, body in docs:
        index_document(object_type=object_type, object_id=object_id, title=title, body=body)


@pytest.fixture(autouse=True)
def _fresh_thesaurus() -> Iterator[None]:
    """A dictionary edit must not outlive its rolled-back test in this process's compiled copy."""
    yield
    synonyms.forget()
