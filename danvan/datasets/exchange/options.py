"""Import options as DHIS2 names them: each one danvan reads is honoured or refused by name.

Options come from the request (API query string, command line) and from the document
itself (a dataValueSets JSON or XML may carry `idScheme`, `strategy`, …). When both give
one, they must agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")
# "AUTO": danvan's own code, else a DHIS2 UID from the stored mapping.
SCHEMES = ("AUTO", "CODE", "UID", "NAME")
_ATTRIBUTE = re.compile(r"^ATTRIBUTE:([A-Za-z][A-Za-z0-9]{10})$", re.IGNORECASE)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}

# DHIS2 options that only tune DHIS2's own machinery: accepted with any value because
# danvan behaves the same either way (it always loads metadata once, always checks
# existing values, always answers synchronously for the API's request).
_NO_EFFECT = frozenset({"preheatCache"})
# DHIS2 options whose only safe value is their default here: another value is refused.
_DEFAULT_ONLY = {
    "skipExistingCheck": "false",
    "async": "false",
    "force": "false",
    "skipAudit": "false",
    "skipLastUpdated": "false",
    "ignoreEmptyValue": "false",
    "strictPeriods": "true",
    "strictDataElements": "true",
    "strictCategoryOptionCombos": "true",
    "strictAttributeOptionCombos": "true",
    "strictOrganisationUnits": "true",
    "requireCategoryOptionCombo": "false",
    "requireAttributeOptionCombo": "false",
    "skipPatternValidation": "false",
    "skipNotifications": "true",
    "dataSetIdScheme": "CODE",
    "attributeOptionComboIdScheme": "CODE",
}
_SCHEME_KEYS = {
    "idScheme": "element_scheme",
    "dataElementIdScheme": "element_scheme",
    "orgUnitIdScheme": "unit_scheme",
    "categoryOptionComboIdScheme": "option_scheme",
}
_STRATEGY_KEYS = ("importStrategy", "strategy")


class OptionError(Exception):
    """An option danvan cannot honour: nothing is imported."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class ImportOptions:
    strategy: str = "CREATE_AND_UPDATE"
    element_scheme: str = "AUTO"
    unit_scheme: str = "AUTO"
    option_scheme: str = "AUTO"
    first_row_is_header: bool | None = None  # None: decided from the first row

    def described(self) -> dict[str, str]:
        return {
            "importStrategy": self.strategy,
            "dataElementIdScheme": self.element_scheme,
            "orgUnitIdScheme": self.unit_scheme,
            "categoryOptionComboIdScheme": self.option_scheme,
        }


def _flag(name: str, raw: Any) -> bool:
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise OptionError(
        name,
        _("Option “%(name)s” must be true or false, not “%(value)s”.")
        % {"name": name, "value": str(raw)[:40]},
    )


def scheme_parse(name: str, raw: Any) -> str:
    text = str(raw).strip()
    upper = text.upper()
    if upper in SCHEMES:
        return upper
    match = _ATTRIBUTE.match(text)
    if match:
        return f"ATTRIBUTE:{match.group(1)}"
    raise OptionError(
        name,
        _(
            "Option “%(name)s” = “%(value)s” is not supported: use UID, CODE, NAME or "
            "ATTRIBUTE:<uid of the attribute>."
        )
        % {"name": name, "value": text[:40]},
    )


def options_parse(
    params: Mapping[str, Any],
    *,
    base: ImportOptions | None = None,
    allowed_extra: frozenset[str] = frozenset(),
    where: str = "",
) -> ImportOptions:
    """Options from `params` (a query string or a document header) over `base`.

    `allowed_extra` names keys the caller handles itself (dryRun, dataSet…); any other
    unknown key is refused by name. An option given in `base` with another value is a
    contradiction and is refused.
    """
    options = base or ImportOptions()
    given: dict[str, Any] = {}
    for name, raw in params.items():
        if name in allowed_extra:
            continue
        if name in _NO_EFFECT:
            _flag(name, raw)
            continue
        if name in _DEFAULT_ONLY:
            default = _DEFAULT_ONLY[name]
            value = str(raw).strip()
            same = (
                value.upper() == default
                if name.endswith("IdScheme")
                else _flag(name, value) == (default == "true")
            )
            if not same:
                raise OptionError(
                    name,
                    _(
                        "Option “%(name)s” = “%(value)s” is not supported by danvan "
                        "(only %(default)s): nothing was imported."
                    )
                    % {"name": name, "value": value[:40], "default": default},
                )
            continue
        if name in _SCHEME_KEYS:
            field = _SCHEME_KEYS[name]
            value = scheme_parse(name, raw)
            if name == "idScheme":
                for other in ("element_scheme", "unit_scheme", "option_scheme"):
                    given.setdefault(other, (name, value))
            else:
                given[field] = (name, value)
            continue
        if name in _STRATEGY_KEYS:
            value = str(raw).strip().upper().replace("NEW_AND_UPDATES", "CREATE_AND_UPDATE")
            if value not in STRATEGIES:
                raise OptionError(
                    name,
                    _("Option “%(name)s” = “%(value)s” is unknown: use %(choices)s.")
                    % {"name": name, "value": str(raw)[:40], "choices": ", ".join(STRATEGIES)},
                )
            given["strategy"] = (name, value)
            continue
        if name == "firstRowIsHeader":
            given["first_row_is_header"] = (name, _flag(name, raw))
            continue
        raise OptionError(
            name,
            _("Unknown option “%(name)s”%(where)s: nothing was imported.")
            % {"name": name[:60], "where": where},
        )
    defaults = ImportOptions()
    changes: dict[str, Any] = {}
    for field, (name, value) in given.items():
        current = getattr(options, field)
        if current != getattr(defaults, field) and current != value:
            raise OptionError(
                name,
                _("Option “%(name)s” says “%(value)s” but the request says “%(other)s”.")
                % {"name": name, "value": value, "other": current},
            )
        changes[field] = value
    return replace(options, **changes)
