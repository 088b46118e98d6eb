"""The dates, legal texts and thresholds every analysis and brief shares, in one place.

A brief never types a policy date, a law or a threshold: it takes them from here, so a
change (a new regulation, another suppression threshold) changes every sentence at once.
"""

from __future__ import annotations

import datetime as dt

#: The import ban in its current form: Permendag 18/2021 as amended by 40/2022.
BAN_IN_FORCE = dt.date(2022, 6, 21)
#: The March 2023 enforcement campaign against imported used clothing.
CRACKDOWN = dt.date(2023, 3, 15)
#: The October 2023 push on platforms (the minister's request to Instagram, Google, ...).
PLATFORM_PUSH = dt.date(2023, 10, 25)
#: The policy events every trend model and event study looks at.
POLICY_DATES = {"ban": BAN_IN_FORCE, "crackdown": CRACKDOWN, "platforms": PLATFORM_PUSH}
#: How a reader is told of each event.
POLICY_LABELS = {
    "ban": "ban in force",
    "crackdown": f"{CRACKDOWN:%B %Y} crackdown",
    "platforms": f"{PLATFORM_PUSH:%B %Y} platform push",
}
#: The regulations that ban the import of used clothing (HS 6309).
LEGAL_BASIS = "Permendag 51/2015; Permendag 18/2021 as amended by 40/2022"
LEGAL_BASIS_LONG = (
    f"Permendag 18/2021 as amended by 40/2022, in force {BAN_IN_FORCE:%d %B %Y}"
    ": HS 6309 used clothing is a prohibited import (before it, Permendag 51/2015)"
).replace(" 0", " ")

#: Published counts of sellers or accounts below this are suppressed (shown as "fewer than").
SUPPRESS_BELOW = 5
