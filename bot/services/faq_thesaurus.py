"""Words that mean the same in questions about seminars, NGOs and social enterprise.

Participants ask in their words, organisers write the FAQ in theirs ("корочка" for a
certificate, "по интернету" for online, "орги" for organisers). Each group below is a
set of words people use for one thing in this domain; a query word of a group also
stands for the other words of its group, so that it meets an entry written with any of
them. The groups hold general words of the domain, not the wording of one FAQ file, so
that they help an organiser's own sparse file as much as the bundled one. Words are
written in any form; they are stemmed like the index (see faq_search).
"""

from __future__ import annotations

__all__ = ["SYNONYM_GROUPS"]

SYNONYM_GROUPS: tuple[str, ...] = (
    # Where the seminar is.
    "адрес место площадка локация помещение зал вход проезд добраться доехать дойти",
    # The certificate of participation.
    "сертификат удостоверение свидетельство корочка диплом",
    # Taking part remotely.
    "онлайн онлайне интернет дистанционно удаленно зум zoom трансляция вебинар подключиться",
    # What it costs.
    "стоимость стоит цена платно платный бесплатно бесплатный оплата оплачивать взнос",
    # Non-profit organisations.
    "нко нкошка некоммерческая ано соно благотворительная ассоциация общественная",
    # Signing up and withdrawing.
    "записаться запись регистрация зарегистрироваться",
    "отменить отмена отказаться отписаться сняться передумать убрать",
    # Reminders.
    "напоминание напомнить напоминалка уведомление оповещение",
    # Organisers.
    "организатор организаторы орги оргам организует устраивает проводит чьи",
    # Erasing one's data.
    "удалить удаление стереть забыть",
    "персональные пд согласие обработка профиль",
    # People with disabilities.
    "инвалид инвалидность инвалидами овз колясочник",
    "сотрудник работник персонал трудоустроить",
    # Conditions of the status.
    "условие требование критерий признак",
    "закон фз законодательство нормативка нормативный",
    "заем займ кредит ссуда",
    "грант субсидия безвозмездно",
    "плюс льгота преимущество выгода",
    "программа темы тематика учат научиться разбирают",
    "материалы презентация слайды раздатка",
    "инструкция команды пользоваться работает умеет нажимать",
    "язык английский русский",
    "календарь гугл outlook айфон ics",
    "телефон позвонить номер",
    "спросить задать написать связаться",
    "лист очередь резерв",
    "семинар мероприятие занятие обучение учеба тренинг лекция",
    "подтверждать продлевать продление бессрочный навсегда",
    "срок дедлайн дата число",
    "компания фирма ооо коммерческая",
    "зарабатывать доход прибыль заработок",
    "образование школа кружок студия обучение просвещение",
    "культура театр музей экскурсия краеведение",
    "товар изделие продукция поделка сувенир",
    "продажа реализация продавать магазин торговля",
    "уязвимый незащищенный многодетный сирота детдом выпускник пенсионер",
    "консультация разобраться помочь",
    # Who may hold the status.
    "ип предприниматель самозанятый кфх кооператив организационно",
    # When and how long.
    "расписание длится продолжительность начало",
    "посмотреть проверить глянуть список",
)
