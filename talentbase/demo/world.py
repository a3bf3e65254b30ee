"""A synthetic but realistic world: organisations of every kind across districts and sectors, one demo
login per role (and a same-role outsider for each), and persons with checksum-valid ID numbers.

Everything here is invented: names, credit codes and ID numbers are generated, never real ones."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from talentbase.accounts.models import Membership, User
from talentbase.catalog.models import District, OrganisationKind, Sector
from talentbase.core.roles import BACK_OFFICE_ROLES, Role
from talentbase.orgs.models import Organisation

DEMO_PASSWORD = "Talentbase#2026"

EMPLOYER_STEMS = ["申绿", "浦江", "沪园", "绿苑", "城美", "清洁", "环城", "新绿", "东方", "松林", "金桥", "滨江",
                  "海湾", "江南", "崇林", "嘉禾", "宝绿", "徐汇", "长风", "静美"]  # fmt: skip
EMPLOYER_TRADES = {
    "greening": "园林绿化养护有限公司",
    "forestry": "林业发展有限公司",
    "city_appearance": "市容景观管理有限公司",
    "sanitation": "环境卫生服务有限公司",
    "waste_sorting": "再生资源回收利用有限公司",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    outsider: bool = False


def synthetic_credit_code(rng: random.Random, district_code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + district_code + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _organisation(name, kinds, *, district=None, sectors=(), rng=None, short_name=""):
    organisation, created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "short_name": short_name,
            "district": district,
            "credit_code": synthetic_credit_code(rng, district.code if district else "310000")
            if rng
            else None,
            "address": f"上海市{district.name if district else ''}示例路{rng.randint(1, 999) if rng else 1}号",
        },
    )
    if created:
        organisation.kinds.set(OrganisationKind.objects.filter(code__in=kinds))
        organisation.sectors.set(sectors)
    return organisation


def build_organisations(rng: random.Random, *, employers: int = 40) -> dict[str, list[Organisation]]:
    districts = list(District.objects.all())
    sectors = {s.code: s for s in Sector.objects.all()}
    world: dict[str, list[Organisation]] = {"employer": [], "evaluation": [], "training": []}
    for index in range(employers):
        district = districts[index % len(districts)]
        sector_code = list(EMPLOYER_TRADES)[index % len(EMPLOYER_TRADES)]
        stem = EMPLOYER_STEMS[index % len(EMPLOYER_STEMS)]
        name = f"上海{stem}{EMPLOYER_TRADES[sector_code]}（{district.name}{index // len(districts) + 1}）"
        world["employer"].append(_organisation(name, ["employer"], district=district,
                                               sectors=[sectors[sector_code]], rng=rng))  # fmt: skip
    for index, (stem, kind) in enumerate([("绿苑", "social_evaluation"), ("申城", "social_evaluation"),
                                          ("沪林", "employer_evaluation"), ("清源", "social_evaluation")]):  # fmt: skip
        district = districts[(index * 5) % len(districts)]
        sector_list = list(sectors.values())[index % 5 : index % 5 + 2]
        world["evaluation"].append(_organisation(f"上海{stem}职业技能评价中心（示例）", [kind], district=district,
                                                 sectors=sector_list, rng=rng))  # fmt: skip
    for index, stem in enumerate(["绿城", "浦林", "环卫", "园艺"]):
        district = districts[(index * 3 + 1) % len(districts)]
        world["training"].append(_organisation(f"上海{stem}职业培训学校（示例）", ["training_institution"],
                                               district=district, sectors=list(sectors.values()), rng=rng))  # fmt: skip
    return world


def _named(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def persona_organisations(world) -> dict[str, tuple[Organisation, Organisation]]:
    """For each role, the organisation of its demo login and of a same-role outsider."""
    city = _named("上海市绿化和市容管理局")
    return {
        Role.CITY: (city, city),
        Role.HR: (_named("上海市职业技能鉴定中心"), _named("上海市人力资源和社会保障局")),
        Role.SECTOR: (_named("上海市绿化管理指导站"), _named("上海市林业总站")),
        Role.DISTRICT: (_named("上海市浦东新区绿化和市容管理局"), _named("上海市黄浦区绿化和市容管理局")),
        Role.ASSOCIATION: (_named("上海市园林绿化行业协会"), _named("上海市林学会")),
        Role.EVALUATION: (world["evaluation"][0], world["evaluation"][1]),
        Role.TRAINING: (world["training"][0], world["training"][1]),
        Role.EMPLOYER: (world["employer"][10], world["employer"][1]),
        Role.WORKER: (world["employer"][10], world["employer"][1]),
        Role.SYSTEM_ADMIN: (city, city),
        Role.SECURITY_ADMIN: (city, city),
        Role.AUDIT_ADMIN: (city, city),
    }


SECOND_FACTOR_ROLES = BACK_OFFICE_ROLES | {Role.EVALUATION, Role.ASSOCIATION}


def _demo_user(username: str, full_name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, is_demo=True)
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    # Back-office logins sign in with TOTP, and so do the institutions' staff who issue certificates.
    if role in SECOND_FACTOR_ROLES and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return user


def build_logins(world) -> list[DemoLogin]:
    logins = []
    for role, (own, other) in persona_organisations(world).items():
        username = str(role)
        _demo_user(username, f"演示{Role(role).label}", own, role)
        logins.append(DemoLogin(username, role, own.name))
        if role in (Role.CITY, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            continue  # city-wide roles have no outsider
        outsider = f"{role}2"
        _demo_user(outsider, f"演示{Role(role).label}（另一单位）", other, role)
        logins.append(DemoLogin(outsider, role, other.name, outsider=True))
    return logins


@transaction.atomic
def build_world(*, seed: int = 20231125, employers: int = 40) -> list[DemoLogin]:
    rng = random.Random(seed)
    world = build_organisations(rng, employers=employers)
    return build_logins(world)


def demo_logins() -> list[tuple[User, Membership, TOTPDevice | None]]:
    rows = []
    for user in User.objects.filter(is_demo=True).order_by("pk"):
        membership = user.memberships.select_related("organisation").order_by("pk").first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        rows.append((user, membership, device))
    return rows


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕国华红梅春梅玉兰金凤文"


def synthetic_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


@transaction.atomic
def build_persons(*, count: int, seed: int = 20231125, batch_size: int = 2000) -> int:
    """Persons with checksum-valid synthetic ID numbers and their name keys, each employed by a demo employer
    (some with an earlier employment elsewhere); the two demo workers get their own person record. Written
    through the registry's bulk actions by the system actor, as an import writes them."""
    import datetime

    from talentbase.core import crypto
    from talentbase.core.actor import system_actor
    from talentbase.registry import bulk
    from talentbase.registry.identity import mask_id_number, mask_phone, synthetic_ric
    from talentbase.registry.models import ID_NUMBER_CONTEXT, PHONE_CONTEXT, Person
    from talentbase.registry.protection import id_number_hash, phone_hash

    if count <= 0:
        return 0
    actor = system_actor()
    rng = random.Random(seed + 1)
    employers = list(
        Organisation.objects.filter(kinds__code="employer").order_by("pk").values_list("pk", flat=True)
    )
    districts = [d.code for d in District.objects.all()]
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        numbers, phones, names = [], [], []
        for _ in range(size):
            number = synthetic_ric(rng, region=rng.choice(districts))
            while (
                Person.objects.filter(id_number_hash=id_number_hash("ric", number)).exists()
                or number in numbers
            ):
                number = synthetic_ric(rng, region=rng.choice(districts))
            numbers.append(number)
            phones.append(f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
            names.append(synthetic_name(rng))
        encrypted_ids = crypto.encrypt_many(numbers, context=ID_NUMBER_CONTEXT)
        encrypted_phones = crypto.encrypt_many(phones, context=PHONE_CONTEXT)
        rows = [
            {"full_name": name, "id_type": "ric", "id_number_encrypted": id_token,
             "id_number_hash": id_number_hash("ric", number), "id_number_masked": mask_id_number(number),
             "birth_date": datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
             "gender": "M" if int(number[16]) % 2 else "F", "phone_encrypted": phone_token,
             "phone_hash": phone_hash(phone), "phone_masked": mask_phone(phone),
             "education": rng.choice(["junior", "senior", "vocational", "college", "bachelor"])}
            for name, number, phone, id_token, phone_token in zip(
                names, numbers, phones, encrypted_ids, encrypted_phones, strict=True
            )
        ]  # fmt: skip
        employments = []
        # Newest first, the order the world was always drawn in: the same seed gives the same world.
        for person_id in reversed(bulk.register_persons_bulk(actor=actor, rows=rows)):
            employer = rng.choice(employers)
            start = datetime.date(rng.randint(2005, 2025), rng.randint(1, 12), 1)
            if rng.random() < 0.3:
                earlier = rng.choice(employers)
                first = datetime.date(start.year - rng.randint(2, 8), rng.randint(1, 12), 1)
                employments.append({"person_id": person_id, "employer_id": earlier, "start_date": first,
                                    "end_date": start - datetime.timedelta(days=1), "position": "养护工"})  # fmt: skip
            employments.append({"person_id": person_id, "employer_id": employer, "start_date": start,
                                "position": rng.choice(["养护工", "保洁员", "班组长", "技术员"])})  # fmt: skip
        bulk.add_employments_bulk(actor=actor, rows=employments)
        made += size
    link_demo_workers()
    return made


def link_demo_workers() -> None:
    """Give each demo worker login a person employed by the organisation of its membership."""
    from talentbase.registry.models import Employment, Person

    for user in User.objects.filter(is_demo=True, memberships__role=Role.WORKER):
        if Person.objects.filter(user=user).exists():
            continue
        membership = user.memberships.get(role=Role.WORKER)
        current = Employment.objects.filter(employer=membership.organisation, end_date__isnull=True,
                                            person__user__isnull=True).order_by("pk").first()  # fmt: skip
        if current is not None:
            Person.objects.filter(pk=current.person_id).update(user=user)


def build_worker_certificates() -> int:
    """The demo workers' own certificates (a confirmed 五级 of 2016, a confirmed 四级 of 2021), so that the
    worker's page shows a level history; recorded through the credentials actions as HR would."""
    import datetime

    from talentbase.accounts.actors import actor_for_membership
    from talentbase.catalog.models import Level, Occupation
    from talentbase.legacy_certificates import actions
    from talentbase.legacy_certificates.models import CertificateRecord
    from talentbase.registry.models import Person

    hr = User.objects.filter(username="hr", is_demo=True).first()
    if hr is None:
        return 0
    actor = actor_for_membership(hr.memberships.get())
    occupation = Occupation.objects.get(code="4-09-10-01")
    made = 0
    for index, person in enumerate(
        Person.objects.filter(user__is_demo=True, user__memberships__role=Role.WORKER)
    ):
        if CertificateRecord.objects.filter(person=person).exists():
            continue
        for level_code, kind, number, issued_on in (
            ("level5", "qualification", f"163100100450{index:04d}", datetime.date(2016, 4, 1)),
            ("level4", "skill_level", f"S00003100012321400{index:04d}", datetime.date(2021, 9, 1)),
        ):
            actions.record_certificate(actor=actor, person=person, kind=kind, number=number, occupation=occupation,
                                       level=Level.objects.get(code=level_code), issued_on=issued_on,
                                       issuer_name="上海绿苑职业技能评价中心（示例）")  # fmt: skip
            made += 1
    return made
