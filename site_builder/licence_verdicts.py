"""What a licence lets a user do, in one plain line: "May I train on it, share it, sell with it?"

An SPDX id answers a lawyer; a biologist or an AI developer needs the verdict: open, open with
conditions (and which), or unknown. The verdict is derived from the licence's own terms (the
SPDX id's NC, ND and SA parts, public-domain dedications), never guessed from its name. It is
a reading aid, not legal advice: the page always links the licence text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .licences import NOASSERTION, licence_info

VerdictKind = Literal["open", "conditions", "unknown"]

_NC = re.compile(r"-NC(?:-|$)")
_ND = re.compile(r"-ND(?:-|$)")
_SA = re.compile(r"-SA(?:-|$)")
_SHARE_ALIKE = frozenset({"ODbL-1.0", "CC-SA-1.0"})


@dataclass(frozen=True)
class Verdict:
    """The short answer and the conditions that come with it, one line each."""

    kind: VerdictKind
    headline: str
    conditions: tuple[str, ...]


ATTRIBUTION = "Credit the authors and link the licence when you share the data or work built on it."
NON_COMMERCIAL = "Non-commercial use only: not in a product or a service that is sold."
NO_DERIVATIVES = ("No derivatives: you may share the data unchanged, but not changed versions "
                  "(re-annotated, cropped or converted data).")
SHARE_ALIKE = "Share-alike: data you share that is built on it must carry the same licence."
NOT_STATED = ("No licence is stated, and without one nobody has permission to reuse, change or share "
              "the data. Ask the dataset's authors or its archive for a licence before you use it.")


def licence_verdict(spdx_id: str) -> Verdict:
    """The verdict for one SPDX licence id (or NOASSERTION)."""
    info = licence_info(spdx_id)
    if info.spdx_id == NOASSERTION:
        return Verdict("unknown", "Licence not stated: reuse is not allowed until the authors say so",
                       (NOT_STATED,))
    if info.category == "public-domain":
        return Verdict("open", "Open: use, change and share it for any purpose, with no conditions",
                       ("Crediting the authors is still good scientific practice.",))
    conditions = [ATTRIBUTION]
    if _NC.search(info.spdx_id):
        conditions.append(NON_COMMERCIAL)
    if _ND.search(info.spdx_id):
        conditions.append(NO_DERIVATIVES)
    if _SA.search(info.spdx_id) or info.spdx_id in _SHARE_ALIKE:
        conditions.append(SHARE_ALIKE)
    if info.category == "other":
        return Verdict("conditions", "Custom terms: read the licence before you use the data",
                       ("This licence is not one of the common open data licences; its terms decide.",))
    if len(conditions) == 1:
        note = (" (a software licence, applied here to data)" if info.category == "software" else "")
        return Verdict("open", f"Open: use, change and share it for any purpose, with attribution{note}",
                       tuple(conditions))
    names = [c.split(":")[0].lower() for c in conditions[1:]]
    return Verdict("conditions", "Open with conditions: " + ", ".join(names), tuple(conditions))
