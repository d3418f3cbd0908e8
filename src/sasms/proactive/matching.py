"""Which installed firmware an advisory or a baseline is about, read from the CMDB's inventory.

The BMC poller keeps ``assets.Component`` in step with each server: parts (``bmc``, ``nic``,
``raid``, ``disk`` …) carry their own firmware version, and every image of the BMC's
``UpdateService`` firmware inventory is a ``firmware`` component whose slot is the image's id
(``BIOS``, ``Node0.BIOS``, ``2``) and whose description is its name (``System ROM``, ``iLO 5``) or
maker. A firmware type is found by the part kinds that carry it and by words in that name or slot.

Matching reads only: one query for the distinct versions among the candidate images (a fleet has
few), the versions compared once each in Python, then one query for the affected images.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from sasms.assets.models import Component, ComponentKind, Server, ServerStatus
from sasms.proactive.models import FirmwareAdvisory, FirmwareType
from sasms.proactive.versions import Incomparable, VendorVersion, compare_parsed, parse, parse_ranges


@dataclass(frozen=True)
class TypeRule:
    kinds: tuple[str, ...]  # CMDB part kinds whose own firmware is this type
    words: tuple[str, ...]  # words in a firmware image's name or slot
    exclude: tuple[str, ...] = ()


TYPE_RULES: dict[str, TypeRule] = {
    FirmwareType.BIOS: TypeRule((), ("bios", "system rom", "uefi"), ("redundant", "backup", "vbios")),
    FirmwareType.BMC: TypeRule(
        (ComponentKind.BMC,),
        ("bmc", "ilo", "idrac", "xclarity", "xcc", "imm2", "ibmc"),
        ("power management", "bootloader", "recovery"),
    ),
    FirmwareType.CPLD: TypeRule((), ("cpld", "programmable logic", "fpga")),
    FirmwareType.NIC: TypeRule(
        (ComponentKind.NIC,), ("nic", "ethernet", "network", "adapter", "hpcnet", "connectx"), ("video",)
    ),
    FirmwareType.RAID: TypeRule(
        (ComponentKind.RAID,), ("raid", "smart array", "storage controller", "simple storage", "perc", "hba")
    ),
    FirmwareType.DISK: TypeRule((ComponentKind.DISK, ComponentKind.SSD), ("drive", "disk", "ssd", "nvme")),
    FirmwareType.PSU: TypeRule((ComponentKind.PSU,), ("power supply", "powersupply", "psu", "rectifier")),
    FirmwareType.GPU: TypeRule((ComponentKind.GPU,), ("gpu", "vbios")),
    FirmwareType.OTHER: TypeRule((), ()),
}


def _words(words: Iterable[str]) -> Q:
    query = Q(pk__in=[])
    for word in words:
        query |= Q(slot__icontains=word) | Q(description__icontains=word)
    return query


def images_of_type(
    queryset: QuerySet[Component], *, component_type: str, name: str = ""
) -> QuerySet[Component]:
    """Installed components of ``queryset`` that carry firmware of ``component_type`` (and ``name``)."""
    rule = TYPE_RULES[component_type]
    image = Q(kind=ComponentKind.FIRMWARE) & _words(rule.words)
    if rule.exclude:
        image &= ~_words(rule.exclude)
    if component_type == FirmwareType.OTHER:
        image = Q(kind=ComponentKind.FIRMWARE)
    query = image | Q(kind__in=rule.kinds) if rule.kinds else image
    queryset = queryset.filter(query, removed_at__isnull=True).exclude(firmware="")
    if name.strip():
        queryset = queryset.filter(
            Q(slot__icontains=name.strip())
            | Q(description__icontains=name.strip())
            | Q(part_number__icontains=name.strip())
        )
    return queryset


@dataclass
class Verdicts:
    """Each distinct installed version: affected, not affected, or not comparable with the advisory."""

    affected: set[str] = field(default_factory=set)
    clear: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Rule:
    """An advisory's version test, parsed once."""

    fixed: VendorVersion | None
    ranges: Any

    @classmethod
    def of(cls, advisory: FirmwareAdvisory) -> Rule:
        fixed = parse(advisory.fixed_version) if advisory.fixed_version.strip() else None
        ranges = parse_ranges(advisory.affected_versions) if advisory.affected_versions.strip() else None
        return cls(fixed=fixed, ranges=ranges)

    def affects(self, version: str) -> bool:
        """Raises :class:`Incomparable` when the installed version cannot be judged."""
        installed = parse(version)
        if self.fixed is not None and compare_parsed(installed, self.fixed) >= 0:
            return False  # at or past the fix, whatever the ranges say
        if self.ranges is not None:
            return bool(self.ranges.admits(installed))
        return self.fixed is not None


def judge(rule: Rule, versions: Iterable[str]) -> Verdicts:
    verdicts = Verdicts()
    for version in versions:
        try:
            (verdicts.affected if rule.affects(version) else verdicts.clear).add(version)
        except Incomparable:
            verdicts.unknown.add(version)
    return verdicts


def candidate_images(
    advisory: FirmwareAdvisory, *, servers: QuerySet[Server] | None = None
) -> QuerySet[Component]:
    """Installed images the advisory is about: the vendor's (listed models') servers in service."""
    base = Server.objects.filter(vendor_id=advisory.vendor_id).exclude(status=ServerStatus.DECOMMISSIONED)
    if servers is not None:
        base = base.filter(pk__in=servers.values("pk"))
    model_ids = list(advisory.server_models.values_list("pk", flat=True)) if advisory.pk else []
    if model_ids:
        base = base.filter(model_id__in=model_ids)
    queryset = Component.objects.filter(server__in=base)
    return images_of_type(queryset, component_type=advisory.component_type, name=advisory.component_name)


@dataclass(frozen=True)
class Hit:
    server_id: int
    organisation_id: int
    site_id: int | None
    component_id: int
    slot: str
    name: str
    version: str


@dataclass
class MatchResult:
    hits: list[Hit]
    verdicts: Verdicts
    candidates: int

    @property
    def servers(self) -> dict[int, list[Hit]]:
        grouped: dict[int, list[Hit]] = {}
        for hit in self.hits:
            grouped.setdefault(hit.server_id, []).append(hit)
        return grouped


def match_advisory(advisory: FirmwareAdvisory, *, servers: QuerySet[Server] | None = None) -> MatchResult:
    """The affected images of the fleet (or of ``servers``), with what could not be judged."""
    rule = Rule.of(advisory)
    images = candidate_images(advisory, servers=servers)
    distinct = list(images.order_by().values_list("firmware", flat=True).distinct())
    verdicts = judge(rule, distinct)
    hits: list[Hit] = []
    if verdicts.affected:
        rows = (
            images.filter(firmware__in=sorted(verdicts.affected))
            .order_by("server_id", "id")
            .values_list(
                "server_id",
                "server__organisation_id",
                "server__site_id",
                "id",
                "slot",
                "description",
                "firmware",
            )
        )
        hits = [Hit(*row) for row in rows.iterator(chunk_size=5000)]
    return MatchResult(hits=hits, verdicts=verdicts, candidates=len(distinct))
