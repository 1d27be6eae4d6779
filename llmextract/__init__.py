"""llmextract: typed, source-grounded records of military strikes from news articles.

>>> from llmextract import extract_events
>>> events = extract_events(text, published="2021-02-26")
"""

from llmextract.errors import (
    BudgetExceededError,
    ConfigurationError,
    InputError,
    InvalidOutputError,
    LLMExtractError,
    RefusalError,
    TransportError,
    TruncatedOutputError,
)
from llmextract.extract import (
    Extractor,
    aextract_document,
    aextract_events,
    extract_document,
    extract_events,
)
from llmextract.llm import LLMSettings, Mode
from llmextract.schema import (
    SCHEMA_VERSION,
    Actor,
    Attribution,
    CasualtyClaim,
    DatePrecision,
    Diagnostic,
    DocumentResult,
    EventDate,
    Fatalities,
    GoldDocument,
    Location,
    MatchKind,
    Outcome,
    QuotedEvent,
    Role,
    Span,
    Status,
    StrikeEvent,
    StrikeType,
    Target,
    TargetKind,
    Usage,
    VictimGroup,
    Weapon,
)

__version__ = "0.1.0"


def is_relevant(text: str) -> tuple[bool, float]:
    """Cheap test for whether an article may report a strike: (verdict, score in [0, 1]).
    The offline pre-filter of :mod:`llmextract.rules`, imported on first use."""
    from llmextract import rules

    return rules.is_relevant(text)


__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Attribution",
    "BudgetExceededError",
    "CasualtyClaim",
    "ConfigurationError",
    "DatePrecision",
    "Diagnostic",
    "DocumentResult",
    "EventDate",
    "Extractor",
    "Fatalities",
    "GoldDocument",
    "InputError",
    "InvalidOutputError",
    "LLMExtractError",
    "LLMSettings",
    "Location",
    "MatchKind",
    "Mode",
    "Outcome",
    "QuotedEvent",
    "RefusalError",
    "Role",
    "Span",
    "Status",
    "StrikeEvent",
    "StrikeType",
    "Target",
    "TargetKind",
    "TransportError",
    "TruncatedOutputError",
    "Usage",
    "VictimGroup",
    "Weapon",
    "__version__",
    "aextract_document",
    "aextract_events",
    "extract_document",
    "extract_events",
    "is_relevant",
]
