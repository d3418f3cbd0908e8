from pathlib import Path

from sasms.accounts.roles import CUSTOMER_ROLES, ROLE_CAPABILITIES, Capability, Role, render_matrix_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_docs_show_the_matrix_the_code_enforces():
    assert render_matrix_markdown() in DOC.read_text(encoding="utf-8")


def test_every_role_has_an_entry_and_customers_never_see_all_organisations():
    assert set(ROLE_CAPABILITIES) == set(Role)
    for role in CUSTOMER_ROLES:
        assert Capability.VIEW_ALL_ORGANISATIONS not in ROLE_CAPABILITIES[role]
    assert Capability.VIEW_AUDIT_TRAIL in ROLE_CAPABILITIES[Role.ADMINISTRATOR]
