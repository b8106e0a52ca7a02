"""The billing app's models, one module per area, all importable from here (Django finds
them through this module, and the code names them `patron.billing.models.X`)."""

from patron.billing.models.books import (
    AccountantArchive,
)
from patron.billing.models.documents import (
    AFTER_ISSUE,
    DEFAULT_PATTERNS,
    FROZEN,
    LANGUAGES,
    NUMBER_TOO_LARGE,
    TOO_LARGE,
    UNDELETABLE,
    Adjustment,
    AllowanceReason,
    ChargeReason,
    Document,
    DocumentPart,
    Kind,
    Line,
    Rendering,
    Sending,
    Sequence,
    Status,
    Unit,
    check_fits,
    document_is_draft,
    fits,
    locked,
    reason_label,
    too_large_error,
)
from patron.billing.models.payments import (
    Allocation,
    Payment,
)
from patron.billing.models.recurring import (
    Recurring,
    RecurringLine,
    RecurringRun,
)
from patron.billing.models.reminders import (
    Reminder,
    ReminderPause,
    ReminderStep,
    StepKind,
)
from patron.billing.models.statements import (
    BankMapping,
    Statement,
    StatementLine,
)

__all__ = [
    "LANGUAGES",
    "FROZEN",
    "UNDELETABLE",
    "TOO_LARGE",
    "NUMBER_TOO_LARGE",
    "AFTER_ISSUE",
    "locked",
    "Kind",
    "DEFAULT_PATTERNS",
    "Sequence",
    "Status",
    "Unit",
    "AllowanceReason",
    "ChargeReason",
    "reason_label",
    "too_large_error",
    "fits",
    "check_fits",
    "Document",
    "DocumentPart",
    "Line",
    "document_is_draft",
    "Adjustment",
    "Sending",
    "Rendering",
    "Payment",
    "Allocation",
    "BankMapping",
    "Statement",
    "StatementLine",
    "StepKind",
    "ReminderStep",
    "Reminder",
    "ReminderPause",
    "Recurring",
    "RecurringLine",
    "RecurringRun",
    "AccountantArchive",
]
