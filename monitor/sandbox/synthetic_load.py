"""Seeded synthetic load for `monitor sandbox --load CHANNELS:RATE:SECONDS`, the checks and the benchmarks.

The same seed gives the same channels, history and timeline; texts mix the tracked conflicts with
everyday news in the languages the monitor reads, so a load also exercises the analysis.
"""

from __future__ import annotations

import random
from dataclasses import replace

from monitor.sandbox.scenario import (
    ChannelSpec,
    HistoryPost,
    PostSpec,
    Scenario,
    ScenarioError,
    TimelineEvent,
)

LOAD_CHANNEL_BASE_ID = 1300000000
LOAD_HISTORY_PER_CHANNEL = 5
LOAD_EDIT_SHARE = 0.02
LOAD_EDIT_AFTER = 2.0

_CONFLICT_TEXTS = (
    "Сводка #{n}: подразделения ВСУ пытались атаковать позиции у {ru_place}, атака отбита, СВО продолжается.",
    "Зведення #{n}: ЗСУ відбили штурм окупантів біля {ua_place}, ворог продовжує обстріл міста.",
    "Update #{n}: Ukrainian forces report heavy shelling near {ua_place_en}; the war enters another winter.",
    "Срочно #{n}: ЦАХАЛ нанес удары по целям ХАМАС в секторе Газа, в {il_place} звучали сирены.",
    "Breaking #{n}: Hezbollah fired rockets at northern Israel, the IDF struck Hezbollah targets in Lebanon.",
    "Молния #{n}: Хезболла выпустила ракеты по северу Израиля, ЦАХАЛ ответил ударами по югу Ливана.",
    "عاجل {n}: غارات إسرائيلية على قطاع غزة وحماس تعلن إطلاق صواريخ",
    "מבזק {n}: צה״ל תקף מטרות של חמאס ברצועת עזה, אזעקות ב{il_place_he}",
)
_NEUTRAL_TEXTS = (
    "Новости дня #{n}: в {ru_place} открылась новая школа искусств, первые ученики уже на занятиях.",
    "Погода #{n}: завтра в {ru_place} до плюс {temp}, без осадков, ветер слабый.",
    "Спорт #{n}: местная команда выиграла со счётом {a}:{b} и вышла в полуфинал кубка.",
    "Новини #{n}: у {ua_place} відкрили оновлений парк, містяни прийшли на концерт.",
    "News #{n}: the city library in {ua_place_en} extends opening hours during exam season.",
    "Культура #{n}: в драмтеатре премьера спектакля, билеты раскуплены на неделю вперёд.",
    "أخبار {n}: افتتاح معرض للكتاب في المدينة بمشاركة {a} دار نشر",
    "חדשות {n}: פסטיבל אוכל נפתח היום בנמל עם {a} דוכנים",
    "Экономика #{n}: урожай пшеницы в регионе превысил прошлогодний на {a} процентов.",
    "Керла хаамаш #{n}: Соьлжа-ГӀалахь керла ишкол схьаелла, бераш доьшуш ду.",
)
_FILLERS = {
    "ru_place": ("Курском", "Белгородом", "Донецком", "Херсоном", "Авдеевкой"),
    "ua_place": ("Харкова", "Запоріжжя", "Херсона", "Сум", "Покровська"),
    "ua_place_en": ("Kharkiv", "Zaporizhzhia", "Kherson", "Sumy", "Pokrovsk"),
    "il_place": ("Сдероте", "Ашкелоне", "Кирьят-Шмоне", "Метуле"),
    "il_place_he": ("שדרות", "אשקלון", "קריית שמונה", "מטולה"),
}


def load_scenario_for(
    channels: int, rate: float, seconds: float, seed: int, conflict_share: float = 0.2
) -> Scenario:
    """A synthetic load: `channels` channels, `rate` posts/s in total for `seconds` s, seeded.

    Posts are evenly spaced in time (post i at i / rate), land on a random channel, and a
    `conflict_share` of them are about the tracked conflicts; a few are edited two seconds later.
    """
    if channels < 1 or rate <= 0 or seconds <= 0 or not 0.0 <= conflict_share <= 1.0:
        raise ScenarioError(
            f"load: need CHANNELS >= 1, RATE > 0, SECONDS > 0 and a conflict share in [0, 1], "
            f"got {channels}:{rate:g}:{seconds:g} share {conflict_share:g}"
        )
    rng = random.Random(seed)
    width = max(2, len(str(channels)))
    specs = tuple(
        ChannelSpec(
            id=LOAD_CHANNEL_BASE_ID + i,
            username=f"loadfeed_{i:0{width}d}",
            title=f"Load feed {i}",
            participants=rng.randrange(1_000, 500_000),
            views_per_minute=rng.uniform(5, 200),
        )
        for i in range(1, channels + 1)
    )
    history = tuple(
        HistoryPost(
            ago=3600.0 * (LOAD_HISTORY_PER_CHANNEL - k), post=_load_post(rng, spec.id, -k - 1, conflict_share)
        )
        for spec in specs
        for k in range(LOAD_HISTORY_PER_CHANNEL)
    )
    timeline: list[TimelineEvent] = []
    for n in range(round(rate * seconds)):
        at = n / rate
        post = replace(_load_post(rng, rng.choice(specs).id, n, conflict_share), key=f"load-{n}")
        timeline.append(TimelineEvent(at=at, action="post", post=post))
        if rng.random() < LOAD_EDIT_SHARE and at + LOAD_EDIT_AFTER < seconds:
            edited = post.text + " (уточнено)"
            timeline.append(
                TimelineEvent(at=at + LOAD_EDIT_AFTER, action="edit", target=post.key, text=edited)
            )
    return Scenario(
        name=f"load-{channels}x{rate:g}x{seconds:g}",
        channels=specs,
        history=history,
        timeline=tuple(sorted(timeline, key=lambda e: e.at)),
        source=f"--load {channels}:{rate:g}:{seconds:g}",
    )


def _load_post(rng: random.Random, channel_id: int, n: int, conflict_share: float) -> PostSpec:
    templates = _CONFLICT_TEXTS if rng.random() < conflict_share else _NEUTRAL_TEXTS
    values: dict[str, object] = {k: rng.choice(v) for k, v in _FILLERS.items()}
    values.update(
        n=n if n >= 0 else f"h{-n}", temp=rng.randrange(1, 30), a=rng.randrange(1, 9), b=rng.randrange(0, 4)
    )
    return PostSpec(channel_id=channel_id, text=rng.choice(templates).format(**values))
