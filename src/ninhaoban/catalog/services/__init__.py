"""The only writers of the catalog's tables; see items, bulk and bundles."""

from ninhaoban.catalog.services.bulk import ImportResult, import_catalog
from ninhaoban.catalog.services.bundles import save_bundle
from ninhaoban.catalog.services.items import (
    CatalogRejected,
    attach_material_file,
    create_base_item,
    create_draft,
    create_service_item,
    discard_draft,
    end_item,
    implementation_code,
    publish,
    save_form_field,
    save_proof_requirement,
    save_type_label,
    update_draft,
)
from ninhaoban.catalog.services.stations import RegisterChange, set_hall_register

__all__ = [
    "CatalogRejected",
    "ImportResult",
    "RegisterChange",
    "attach_material_file",
    "create_base_item",
    "create_draft",
    "create_service_item",
    "discard_draft",
    "end_item",
    "implementation_code",
    "import_catalog",
    "publish",
    "save_bundle",
    "save_form_field",
    "save_proof_requirement",
    "save_type_label",
    "set_hall_register",
    "update_draft",
]
