"""The permission matrix: levels include lower ones, server admins are full admins, roles map to levels."""

import pytest

from loyalteez.services.access.permissions import Caller, Level, PermissionDenied, level_of, require

META = {"admin_roles": {"10": "viewer", "20": "perk_manager", "30": "event_manager", "40": "full_admin"}}


@pytest.mark.parametrize(
    ("caller", "level"),
    [
        (Caller("1", "9"), Level.MEMBER),
        (Caller("1", "9", role_ids=("10",)), Level.VIEWER),
        (Caller("1", "9", role_ids=("10", "30")), Level.EVENT_MANAGER),
        (Caller("1", "9", role_ids=("40",)), Level.FULL_ADMIN),
        (Caller("1", "9", role_ids=("99",)), Level.MEMBER),
        (Caller("1", "9", is_owner=True), Level.FULL_ADMIN),
        (Caller("1", "9", is_administrator=True), Level.FULL_ADMIN),
        (Caller("1", "9", can_manage_server=True), Level.FULL_ADMIN),
    ],
)
def test_levels(caller: Caller, level: Level) -> None:
    assert level_of(caller, META) == level


@pytest.mark.parametrize("needed", list(Level)[1:])
def test_higher_levels_include_lower_ones(needed: Level) -> None:
    for have in Level:
        role = {Level.VIEWER: "10", Level.PERK_MANAGER: "20", Level.EVENT_MANAGER: "30", Level.FULL_ADMIN: "40"}
        caller = Caller("1", "9", role_ids=(role[have],) if have in role else ())
        if have >= needed:
            assert require(caller, META, needed) == have
        else:
            with pytest.raises(PermissionDenied, match=needed.label):
                require(caller, META, needed)


def test_level_names_parse_and_refuse_unknown() -> None:
    assert Level.parse("Event_Manager") is Level.EVENT_MANAGER
    for bad in ("member", "god", ""):
        with pytest.raises(ValueError, match="viewer, perk_manager, event_manager, full_admin"):
            Level.parse(bad)
