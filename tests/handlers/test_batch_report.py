"""The report of a batch (certificates, materials): uncertain people come with a warning."""

from __future__ import annotations

import pytest

from bot.i18n import Tr, Translator
from handlers.batch_report import report_text
from storage.repositories.batches import BatchTally, DeliveryBatch


@pytest.mark.parametrize(
    ("kind", "lang", "warning"),
    [
        ("certificate", "ru", "могут получить его дважды"),
        ("materials", "ru", "могут получить их дважды"),
        ("certificate", "en", "they may get it twice"),
    ],
)
def test_uncertain_people_may_get_it_twice(kind: str, lang: str, warning: str) -> None:
    tr = Tr(Translator.load(), lang)
    batch = DeliveryBatch(id=1, kind=kind, title="Итоги года", admin_id=1)
    assert warning in report_text(tr, batch, BatchTally(sent=11, uncertain=1))
    assert warning not in report_text(tr, batch, BatchTally(sent=12))
