"""The deterministic demo data set: the provider, its teams, customers, contacts and a user per role.

Later apps extend :func:`build` with their own steps. The same seed always gives the same data,
and ``scale`` multiplies the customer count for benchmark-sized data sets.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from sasms.accounts import services
from sasms.accounts.models import Organisation, OrganisationKind, Team, TeamKind, User
from sasms.accounts.roles import Role

DEMO_PASSWORD = "sasms-demo-2026"

CITIES = [
    ("北京", "Beijing"),
    ("上海", "Shanghai"),
    ("广州", "Guangzhou"),
    ("深圳", "Shenzhen"),
    ("杭州", "Hangzhou"),
    ("南京", "Nanjing"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("西安", "Xi'an"),
    ("重庆", "Chongqing"),
    ("天津", "Tianjin"),
    ("苏州", "Suzhou"),
    ("长沙", "Changsha"),
    ("郑州", "Zhengzhou"),
    ("青岛", "Qingdao"),
    ("沈阳", "Shenyang"),
    ("合肥", "Hefei"),
    ("厦门", "Xiamen"),
    ("济南", "Jinan"),
    ("贵阳", "Guiyang"),
]
INDUSTRIES = [
    ("银行", "Bank", "bank"),
    ("证券", "Securities", "sec"),
    ("保险", "Insurance", "ins"),
    ("电网", "Power Grid", "grid"),
    ("医院", "Hospital", "hosp"),
    ("大学", "University", "univ"),
    ("云计算", "Cloud", "cloud"),
    ("物流", "Logistics", "logi"),
    ("制造", "Manufacturing", "mfg"),
    ("电信", "Telecom", "tel"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "杰",
    "婷",
    "强",
    "军",
    "平",
    "刚",
    "桂英",
    "志强",
    "建华",
    "晓明",
    "海燕",
    "丽娟",
]
TITLES = ["IT 经理", "运维主管", "系统管理员", "数据中心主任", "采购经理"]

STAFF = [
    ("admin@sasms.example", "系统管理员 Admin", Role.ADMINISTRATOR),
    ("manager@sasms.example", "服务经理 钱敏", Role.SERVICE_MANAGER),
    ("dispatcher@sasms.example", "调度员 孙倩", Role.DISPATCHER),
    ("agent@sasms.example", "坐席 周婷", Role.AGENT),
    ("engineer@sasms.example", "工程师 吴磊", Role.ENGINEER),
    ("field@sasms.example", "现场工程师 郑强", Role.FIELD_ENGINEER),
    ("parts@sasms.example", "备件管理员 冯军", Role.PARTS_CLERK),
]
TEAMS = [
    ("一线服务台 Service Desk", TeamKind.SERVICE_DESK, ""),
    ("存储专家组 Storage", TeamKind.STORAGE, ""),
    ("网络专家组 Network", TeamKind.NETWORK, ""),
    ("虚拟化专家组 Virtualisation", TeamKind.VIRTUALISATION, ""),
    ("硬件专家组 Hardware", TeamKind.HARDWARE, ""),
    ("华北现场组 Field North", TeamKind.FIELD, "华北"),
    ("华东现场组 Field East", TeamKind.FIELD, "华东"),
    ("华南现场组 Field South", TeamKind.FIELD, "华南"),
    ("备件物流 Parts", TeamKind.PARTS, ""),
]


@dataclass
class DemoResult:
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    customers: int = 0


Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def build(*, seed: int = 2026, scale: int = 1, progress: Progress = _noop) -> DemoResult:
    rng = random.Random(seed)
    result = DemoResult()
    provider = services.create_organisation(
        actor=None,
        name="华信服务器技术服务有限公司 HuaXin Server Services",
        code="huaxin",
        kind=OrganisationKind.PROVIDER,
        city="上海 Shanghai",
        address="上海市浦东新区张江高科技园区碧波路 690 号",
        phone="400-820-0000",
        email="service@sasms.example",
    )
    staff: dict[Role, User] = {}
    for email, name, role in STAFF:
        staff[role] = services.create_user(
            actor=None,
            email=email,
            full_name=name,
            organisation=provider,
            role=role,
            password=DEMO_PASSWORD,
            language="zh-hans" if role != Role.ADMINISTRATOR else "en",
        )
        result.logins.append((str(Role(role).label), email, DEMO_PASSWORD))
    progress("staff", len(STAFF), len(STAFF))

    teams: list[Team] = []
    for name, kind, region in TEAMS:
        teams.append(services.create_team(actor=None, name=name, kind=kind, region=region))
    membership = {
        TeamKind.SERVICE_DESK: [Role.AGENT, Role.DISPATCHER],
        TeamKind.HARDWARE: [Role.ENGINEER],
        TeamKind.STORAGE: [Role.ENGINEER],
        TeamKind.FIELD: [Role.FIELD_ENGINEER],
        TeamKind.PARTS: [Role.PARTS_CLERK],
    }
    for team in teams:
        members = [staff[r] for r in membership.get(TeamKind(team.kind), [])]
        if team.kind == TeamKind.FIELD and team.region != "华东":
            members = []
        if members:
            services.set_team_members(actor=None, team=team, members=members)
    progress("teams", len(teams), len(teams))

    total = 20 * scale
    for index in range(total):
        city_zh, city_en = CITIES[index % len(CITIES)]
        industry_zh, industry_en, industry_code = INDUSTRIES[
            (index * 7 + index // len(CITIES)) % len(INDUSTRIES)
        ]
        suffix = "" if index < len(CITIES) else f" {index // len(CITIES) + 1}"
        customer = services.create_organisation(
            actor=None,
            name=f"{city_zh}{industry_zh}数据中心{suffix} {city_en} {industry_en} DC{suffix}".strip(),
            code=f"{industry_code}-{city_en.lower().replace(chr(39), '')}-{index + 1:04d}",
            kind=OrganisationKind.CUSTOMER,
            city=f"{city_zh} {city_en}",
            address=f"{city_zh}市高新区科技路 {rng.randint(1, 999)} 号",
            phone=f"0{rng.randint(10, 999)}-{rng.randint(6000000, 8999999)}",
        )
        for contact_index in range(rng.randint(2, 4)):
            name = _person(rng)
            services.add_contact(
                actor=staff[Role.ADMINISTRATOR],
                organisation=customer,
                name=name,
                title=rng.choice(TITLES),
                email=f"contact{contact_index + 1}@{customer.code}.example",
                phone=f"13{rng.randint(100000000, 999999999)}",
                is_primary=contact_index == 0,
            )
        if index == 0:
            for email, name, role in [
                (f"admin@{customer.code}.example", f"客户管理员 {_person(rng)}", Role.CUSTOMER_ADMIN),
                (f"user@{customer.code}.example", f"客户用户 {_person(rng)}", Role.CUSTOMER),
            ]:
                services.create_user(
                    actor=None,
                    email=email,
                    full_name=name,
                    organisation=customer,
                    role=role,
                    password=DEMO_PASSWORD,
                )
                result.logins.append((str(Role(role).label), email, DEMO_PASSWORD))
        result.customers += 1
        if (index + 1) % 10 == 0 or index + 1 == total:
            progress("customers", index + 1, total)
    return result


def already_built() -> bool:
    return Organisation.objects.filter(code="huaxin").exists()


def demo_logins() -> list[tuple[str, str]]:
    """The demo accounts that exist, as (role label, e-mail), staff first."""
    emails = [email for email, _name, _role in STAFF]
    users = list(User.objects.filter(email__endswith=".example", is_machine=False).order_by("id"))
    ordered = sorted(users, key=lambda u: (u.email not in emails, u.id))
    return [(str(Role(u.role).label), u.email) for u in ordered]
